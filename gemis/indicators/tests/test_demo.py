"""The demo gives today's province ten years of values through the 2025 reorganisation, once."""

from __future__ import annotations

import datetime as dt

import pytest

from gemis.indicators import forecast as fc
from gemis.indicators.aggregate import indicator_values, yearly_series
from gemis.indicators.demo import LOCAL_CODE, load_demo_indicators
from gemis.indicators.models import DataValue, Indicator, NationalTarget, Target
from gemis.indicators.target_rules import assess_target
from gemis.orgs import demo as orgs_demo
from gemis.orgs.models import OrgUnit, Scheme

pytestmark = [pytest.mark.django_db, pytest.mark.slow]


def test_demo_indicators():
    ctx = orgs_demo.build_units("51")
    found = load_demo_indicators(ctx.province, ctx.legacy_provinces)
    assert found["indicators"] >= 12 and found["values"] > 10_000
    province = ctx.province
    local = Indicator.objects.get(code=LOCAL_CODE)
    series = yearly_series(local, province, 2016, 2025)
    assert all(value is not None and value > 0 for _year, value in series), series
    # Before 2025 the values sit with the former communes, from 2025 with today's.
    assert not DataValue.objects.filter(org_unit__scheme=Scheme.CURRENT, period__code="2024").exists()
    assert not DataValue.objects.filter(org_unit__scheme=Scheme.LEGACY, period__code="2025").exists()
    legacy = OrgUnit.objects.filter(scheme=Scheme.LEGACY, depth=1)
    by_legacy = indicator_values(local, list(legacy), ["2020"])
    assert sum(r.value for r in by_legacy.values()) == pytest.approx(series[4][1])
    female = yearly_series(local, province, 2016, 2025, options={"sex": "female"})
    assert all(0.45 * total < f < 0.7 * total for (_y, f), (_y2, total) in zip(female, series, strict=True))

    # The year under way: partly entered, so provisional, with its coverage and who is missing.
    now = indicator_values(local, [province], ["2026"])[(province.pk, "2026")]
    assert now.is_provisional and 0 < now.reported < now.expected and len(now.gaps) == 1
    target = Target.objects.get(indicator=local, org_unit=province)
    report = assess_target(target, province, today=dt.date(2026, 12, 7))
    assert report.provisional is not None and report.assessment.latest_year == 2025

    statuses = set()
    for target in NationalTarget.objects.filter(year=2030).select_related("indicator"):
        report = assess_target(target, province, today=dt.date(2026, 6, 1))
        statuses.add(report.status)
    assert {fc.ACHIEVED, fc.OFF_TRACK} <= statuses
    assert Target.objects.filter(org_unit=province).count() == 2

    count = DataValue.objects.count()
    again = load_demo_indicators(ctx.province, ctx.legacy_provinces)
    assert again["values"] == 0 and DataValue.objects.count() == count
    # `gemis demo` calls build(ctx) of every app's demo module.
    from gemis.indicators import demo

    demo.build(ctx)
    assert ctx.extra["indicators"]["values"] == 0 and DataValue.objects.count() == count
