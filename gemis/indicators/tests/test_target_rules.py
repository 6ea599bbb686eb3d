"""Targets measured against aggregated data; who sees which targets."""

from __future__ import annotations

import datetime as dt

import pytest

from gemis.indicators import forecast as fc
from gemis.indicators.models import Comparator, IndicatorKind, NationalTarget, Target
from gemis.indicators.permissions import may_change_indicator
from gemis.indicators.target_rules import METHOD_TEXT, assess_target, far_off_targets, targets_overview
from gemis.indicators.testing import make_element, make_indicator, put, put_sexes
from gemis.orgs.access import Action, filter_for, may

TODAY = dt.date(2026, 3, 1)


@pytest.fixture
def share(country):
    element = make_element("leaders")
    indicator = make_indicator(
        "W", IndicatorKind.PERCENTAGE, [{"element": "leaders", "options": {"sex": "female"}}], ["leaders"]
    )
    # 20 % in 2016 rising by 2 points a year, split over two communes.
    for i, year in enumerate(range(2016, 2026)):
        women = 20 + 2 * i
        put_sexes(element, country.a1, str(year), male=50 - women // 2, female=women // 2)
        put_sexes(element, country.b1, str(year), male=50 - (women - women // 2), female=women - women // 2)
        for unit in (country.a2, country.b2):  # every commune reports: the figures are complete
            put_sexes(element, unit, str(year), male=0, female=0)
    return indicator


def test_a_national_target_for_a_province(country, share):
    on_track = NationalTarget.objects.create(
        indicator=share, year=2030, comparator=Comparator.AT_LEAST, value=45
    )
    report = assess_target(on_track, country.province, today=TODAY)
    assert report.series[-2:] == [(2025, pytest.approx(38)), (2026, None)]
    assert report.assessment.latest_value == pytest.approx(38)
    assert report.assessment.gap == pytest.approx(7)
    assert report.assessment.forecast.value == pytest.approx(48)
    assert report.status == fc.ON_TRACK and str(report.status_label)
    # The same series under today's province, through the 2025 mapping.
    assert assess_target(on_track, country.new_province, today=TODAY).status == fc.ON_TRACK
    with pytest.raises(ValueError):
        assess_target(on_track)


def test_statuses_and_the_far_off_list(country, share):
    w = country.world
    make = lambda year, comparator, **values: Target.objects.create(  # noqa: E731
        indicator=share, org_unit=country.province, year=year, comparator=comparator, **values
    )
    make(2030, Comparator.AT_LEAST, value=70)  # off track
    make(2025, Comparator.AT_LEAST, value=35)  # achieved
    make(2028, Comparator.RANGE, low=60, high=65)  # off track, nearer
    NationalTarget.objects.create(indicator=share, year=2029, comparator=Comparator.AT_LEAST, value=46)
    overview = targets_overview(w.province_coordinator, country.province, today=TODAY)
    assert [r.status for r in overview] == [fc.OFF_TRACK, fc.OFF_TRACK, fc.ON_TRACK, fc.ACHIEVED]
    far = far_off_targets(w.province_coordinator, country.province, today=TODAY)
    assert [(r.target.year, r.status) for r in far] == [(2030, fc.OFF_TRACK), (2028, fc.OFF_TRACK)]
    assert "Theil" in str(METHOD_TEXT)


def test_no_data(country):
    make_element("x")
    indicator = make_indicator("X", IndicatorKind.COUNT, ["x"])
    target = NationalTarget.objects.create(indicator=indicator, year=2030, comparator=">=", value=1)
    assert assess_target(target, country.province, today=TODAY).status == fc.NO_DATA


def test_who_sees_which_targets(country, share):
    w = country.world
    national = NationalTarget.objects.create(indicator=share, year=2030, comparator=">=", value=40)
    local = Target.objects.create(
        indicator=share, org_unit=country.province, year=2030, comparator=">=", value=50
    )
    elsewhere = Target.objects.create(
        indicator=share, org_unit=w.other_province, year=2030, comparator=">=", value=10
    )

    def ids(user, action=Action.VIEW):
        return set(filter_for(user, Target.objects.all(), action).values_list("pk", flat=True))

    assert ids(w.province_coordinator) == {national.pk, local.pk}
    # The province's own target is read by the districts below it, which work towards it.
    assert ids(w.district_a_viewer) == {national.pk, local.pk}
    assert ids(w.district_a_coordinator, Action.CHANGE) == set()
    assert ids(w.other_coordinator) == {national.pk, elsewhere.pk}
    assert ids(w.nobody) == set()
    # The province here is a former unit (the country's series): its target is history, read-only.
    assert ids(w.province_coordinator, Action.CHANGE) == set()
    assert ids(w.other_coordinator, Action.CHANGE) == {elsewhere.pk}
    plain = Target.objects.get(pk=national.pk)
    assert may(w.other_coordinator, Action.VIEW, plain)
    assert not may(w.other_coordinator, Action.CHANGE, plain)
    assert not may(w.other_coordinator, Action.VIEW, local)
    assert not may(w.province_coordinator, Action.CHANGE, local)
    assert may(w.other_coordinator, Action.CHANGE, elsewhere)
    # It is the one access rule that decides: the same answers through access.filter_for / may.
    assert set(filter_for(w.province_coordinator, Target.objects.all()).values_list("pk", flat=True)) == {
        national.pk,
        local.pk,
    }
    assert not may(w.province_coordinator, Action.CHANGE, plain)  # national: superusers only
    assert not may(w.other_coordinator, Action.VIEW, local)


def test_who_changes_an_indicator(world):
    w = world  # units in force: a former unit's indicators are history
    share = make_indicator("NAT", IndicatorKind.COUNT, ["leaders"])
    local = make_indicator("L1", IndicatorKind.COUNT, ["leaders"], owner_unit=w.district_a)
    assert may_change_indicator(w.district_a_coordinator, local)
    assert may_change_indicator(w.province_coordinator, local)
    assert not may_change_indicator(w.district_b_coordinator, local)
    assert not may_change_indicator(w.district_a_focal, local)
    assert not may_change_indicator(w.province_coordinator, share)  # national: from the catalog files


def test_a_past_target_year_is_judged_on_its_own_value_never_forecast(country, share):
    # Hand-computed: the share is 20 + 2 × (year − 2016) %, so 38 % in 2025 and nothing yet for 2026.
    met = NationalTarget.objects.create(indicator=share, year=2025, comparator=Comparator.AT_LEAST, value=35)
    missed = NationalTarget.objects.create(
        indicator=share, year=2024, comparator=Comparator.AT_LEAST, value=40
    )
    waiting = NationalTarget.objects.create(
        indicator=share, year=2026, comparator=Comparator.AT_LEAST, value=41
    )
    december_2027 = dt.date(2027, 12, 6)
    assert assess_target(met, country.province, today=december_2027).status == fc.ACHIEVED
    report = assess_target(missed, country.province, today=december_2027)
    assert report.status == fc.OFF_TRACK and report.assessment.latest_value == pytest.approx(36)
    # 2026 has ended and its figure is not in: not "on track" (the trend, 40 % in 2026, would say so).
    report = assess_target(waiting, country.province, today=december_2027)
    assert report.status == fc.NO_DATA and report.assessment.reason == fc.REASON_NO_TARGET_YEAR_VALUE
    assert "not been reported" in str(report.reason_text) or "chưa" in str(report.reason_text)
    assert report in far_off_targets(
        country.world.province_coordinator, country.province, today=december_2027
    )
    # While 2026 runs, the same target is forecast.
    assert (
        assess_target(waiting, country.province, today=dt.date(2026, 12, 6)).assessment.forecast is not None
    )


def test_forecast_judges_an_ended_year_without_the_calendar():
    spec = fc.TargetSpec(comparator=">=", year=2025, value=50)
    series = [(2022, 40.0), (2023, 45.0), (2024, 49.0)]
    assert fc.assess(series, spec).status != fc.NO_DATA  # running: forecast
    ended = fc.assess(series, spec, year_ended=True)
    assert (ended.status, ended.reason, ended.latest_year) == (
        fc.NO_DATA,
        fc.REASON_NO_TARGET_YEAR_VALUE,
        2024,
    )
    assert fc.assess([*series, (2025, 51.0)], spec, year_ended=True).status == fc.ACHIEVED
    assert fc.assess([*series, (2025, 49.5)], spec, year_ended=True).status == fc.OFF_TRACK


def test_a_figure_too_few_units_reported_does_not_decide(country):
    element = make_element("victims", categories=())
    count = make_indicator("V", IndicatorKind.COUNT, ["victims"])
    target = Target.objects.create(
        indicator=count, org_unit=country.province, year=2025, comparator=Comparator.AT_MOST, value=20
    )
    put(element, country.a1, "2025", 7)
    put(element, country.a2, "2025", 5)  # two communes of four: 12, "achieved" if blanks were zeros
    report = assess_target(target, country.province, today=TODAY)
    assert report.status == fc.NO_DATA and report.assessment.latest_value is None
    provisional = report.provisional
    assert provisional.value == 12 and (provisional.reported, provisional.expected) == (2, 4)
    put(element, country.b1, "2025", 9)
    put(element, country.b2, "2025", 4)
    report = assess_target(target, country.province, today=TODAY)
    assert report.status == fc.OFF_TRACK and report.assessment.latest_value == 25
    assert report.provisional is None and report.latest_result.reported == 4


def test_a_figure_shows_the_digits_that_decide_it(country, share):
    from gemis.indicators.target_rules import deciding_places

    at_least = Target(indicator=share, year=2030, comparator=Comparator.AT_LEAST, value=95)
    assert deciding_places(94.96, at_least) == 2  # "94,96", not "95,0" beside "Off track"
    assert deciding_places(94.9996, at_least) == 4
    assert deciding_places(95.0, at_least) == 1 and deciding_places(80.04, at_least) == 1
    at_most = Target(indicator=share, year=2030, comparator=Comparator.AT_MOST, value=12)
    assert deciding_places(12.4, at_most, places=0) == 1  # a count of 12.4 is not "12"
    assert deciding_places(11.0, at_most, places=0) == 0
