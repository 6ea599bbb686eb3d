"""A small country in both schemes, on top of the shared ``world``.

Legacy (before 1/7/2025), province 91 of ``world``::

    91 ─ 911 ─ 91101, 91102
       └ 912 ─ 91201, 91202

2025: province 91 with communes 91001 (= 91101 + 91102 merged), 91002 (= 91201
and most of 91202, its default successor) and 91003 (the rest of 91202).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import pytest

from gemis.indicators.catalog import ensure_categories
from gemis.indicators.models import IndicatorKind
from gemis.indicators.testing import make_element, make_indicator
from gemis.orgs.models import OrgUnit, Scheme, Tier, UnitSuccession
from gemis.orgs.testing import make_unit

REORGANISED = dt.date(2025, 7, 1)


@dataclass
class Country:
    world: object
    province: OrgUnit
    district_a: OrgUnit
    district_b: OrgUnit
    a1: OrgUnit
    a2: OrgUnit
    b1: OrgUnit
    b2: OrgUnit
    new_province: OrgUnit
    n1: OrgUnit
    n2: OrgUnit
    n3: OrgUnit
    b2_to_n2: UnitSuccession
    b2_to_n3: UnitSuccession


def _make_former(world) -> None:
    """The shared world is a 2025 tree (people work in units in force); here its province, districts
    and commune are the former (legacy) ones, as the series of this country were reported."""
    tiers = [Tier.PROVINCE, Tier.DISTRICT, Tier.COMMUNE]
    for unit in (world.province, world.district_a, world.district_b, world.commune_a):
        if unit.parent_id:
            unit.parent.refresh_from_db()
        unit.scheme, unit.valid_to, unit.tier = (
            Scheme.LEGACY,
            REORGANISED - dt.timedelta(days=1),
            tiers[unit.depth - 1],
        )
        unit.save()


@pytest.fixture
def country(world) -> Country:
    ensure_categories()
    _make_former(world)
    a2 = make_unit("Xã An Hòa", code="91102", parent=world.district_a)
    b1 = make_unit("Xã Bắc Hà", code="91201", parent=world.district_b)
    b2 = make_unit("Xã Bắc Lý", code="91202", parent=world.district_b)
    new = make_unit("Tỉnh Thử Nghiệm", code="91", scheme=Scheme.CURRENT, valid_from=REORGANISED)
    n1 = make_unit("Xã An Lạc", code="91001", parent=new)
    n2 = make_unit("Xã Bắc Bình", code="91002", parent=new)
    n3 = make_unit("Xã Lý Sơn Mới", code="91003", parent=new)

    def link(old: OrgUnit, successor: OrgUnit, default: bool = True) -> UnitSuccession:
        return UnitSuccession.objects.create(
            predecessor=old, successor=successor, is_default=default, effective_date=REORGANISED
        )

    link(world.province, new)
    link(world.commune_a, n1)
    link(a2, n1)
    link(b1, n2)
    to_n2 = link(b2, n2)
    to_n3 = link(b2, n3, default=False)
    return Country(
        world,
        world.province,
        world.district_a,
        world.district_b,
        world.commune_a,
        a2,
        b1,
        b2,
        new,
        n1,
        n2,
        n3,
        to_n2,
        to_n3,
    )


@pytest.fixture
def deputies(country):
    """A count by sex and the share of women among them (a percentage of one element)."""
    element = make_element("deputies")
    count = make_indicator("D", IndicatorKind.COUNT, ["deputies"])
    share = make_indicator(
        "DW",
        IndicatorKind.PERCENTAGE,
        [{"element": "deputies", "options": {"sex": "female"}}],
        ["deputies"],
    )
    return element, count, share
