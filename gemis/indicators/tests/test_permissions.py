"""Who may change indicator values: the access rule's own-unit right for focal points."""

from __future__ import annotations

import pytest

from gemis.indicators.models import DataValue
from gemis.indicators.testing import make_element, put
from gemis.orgs import access
from gemis.orgs.access import Action

pytestmark = pytest.mark.django_db


@pytest.fixture
def values(world):
    element = make_element("women_leaders")
    return {
        "district_a": put(element, world.district_a, "2024", 3),
        "commune_a": put(element, world.commune_a, "2024", 1),
        "district_b": put(element, world.district_b, "2024", 2),
        "other": put(element, world.other_province, "2024", 5),
    }


def changeable(user) -> set[str]:
    rows = access.filter_for(user, DataValue.objects.all(), Action.CHANGE)
    return {v.org_unit.code for v in rows.select_related("org_unit")}


def test_a_focal_point_enters_values_for_its_own_unit_only(world, values):
    focal = world.district_a_focal
    assert changeable(focal) == {world.district_a.code}
    assert access.may(focal, Action.CHANGE, values["district_a"])
    assert not access.may(focal, Action.CHANGE, values["commune_a"])  # the commune enters its own
    assert not access.may(focal, Action.CHANGE, values["district_b"])
    assert set(access.units_for(focal, DataValue, Action.CHANGE)) == {world.district_a}


def test_coordinators_change_the_values_of_their_subtree(world, values):
    assert changeable(world.province_coordinator) == {
        world.district_a.code,
        world.commune_a.code,
        world.district_b.code,
    }
    assert changeable(world.other_coordinator) == {world.other_province.code}


def test_viewers_and_leaders_change_nothing(world, values):
    assert changeable(world.district_a_viewer) == set()
    assert changeable(world.province_leader) == set()
    assert changeable(world.nobody) == set()
    assert not access.units_for(world.nobody, DataValue, Action.CHANGE).exists()
