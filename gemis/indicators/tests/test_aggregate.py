"""Every aggregation rule: sums, ratios from sums, breakdowns, time, the 2025 mapping, rollups, access."""

from __future__ import annotations

import pytest

from gemis.indicators import aggregate
from gemis.indicators.aggregate import indicator_value, indicator_values
from gemis.indicators.models import (
    DataValue,
    IndicatorKind,
    SuccessionShare,
    TimeAggregation,
)
from gemis.indicators.testing import make_element, make_indicator, put, put_sexes
from gemis.orgs.access import Action, filter_for, may


def value(indicator, unit, period="2024", **options):
    return indicator_value(indicator, unit, period, options=options or None).value


def test_counts_add_up_the_units_below(country, deputies):
    element, count, _share = deputies
    put_sexes(element, country.a1, "2024", male=10, female=5)
    put_sexes(element, country.a2, "2024", male=7, female=3)
    put_sexes(element, country.b1, "2024", male=1, female=1)
    assert value(count, country.a1) == 15
    assert value(count, country.district_a) == 25
    assert value(count, country.province) == 27
    assert value(count, country.province, sex="female") == 9
    assert value(count, country.province, sex="male") == 18
    assert value(count, country.district_b, sex="female") == 1
    assert aggregate.breakdown(count, country.province, "2024")["female"].value == 9


def test_a_unit_counts_its_own_values_too(country, deputies):
    element, count, _share = deputies
    put(element, country.district_a, "2024", 4, "female")  # reported at district level
    put(element, country.a1, "2024", 1, "female")
    assert value(count, country.district_a) == 5
    assert value(count, country.province) == 5


def test_ratios_are_recomputed_from_summed_parts_never_averaged(country, deputies):
    element, _count, share = deputies
    put_sexes(element, country.a1, "2024", male=1, female=1)  # 50 %
    put_sexes(element, country.b1, "2024", male=70, female=30)  # 30 %
    result = indicator_value(share, country.province, "2024")
    assert (result.numerator, result.denominator) == (31, 102)
    assert result.value == pytest.approx(31 / 102 * 100)  # 30.39 %, not the mean 40 %
    assert result.value != pytest.approx(40)


def test_sex_ratio_at_birth_per_100(country):
    births = make_element("births")
    srb = make_indicator(
        "SRB",
        IndicatorKind.PER_100,
        [{"element": "births", "options": {"sex": "male"}}],
        [{"element": "births", "options": {"sex": "female"}}],
    )
    put_sexes(births, country.a1, "2024", male=120, female=100)
    put_sexes(births, country.b1, "2024", male=5, female=10)
    assert value(srb, country.a1) == pytest.approx(120)
    assert value(srb, country.province) == pytest.approx(125 / 110 * 100)
    # The terms fix the sex already: no "female sex ratio".
    result = indicator_value(srb, country.province, "2024", options={"sex": "female"})
    assert result.value is None and result.note == aggregate.NOT_DISAGGREGABLE


def test_a_percentage_by_sex_filters_numerator_and_denominator(country):
    literate = make_element("literate")
    people = make_element("people")
    rate = make_indicator("LIT", IndicatorKind.PERCENTAGE, ["literate"], ["people"])
    put_sexes(literate, country.a1, "2024", male=90, female=60)
    put_sexes(people, country.a1, "2024", male=100, female=100)
    assert value(rate, country.a1) == pytest.approx(75)
    assert value(rate, country.a1, sex="female") == pytest.approx(60)
    assert value(rate, country.a1, sex="male") == pytest.approx(90)
    # Not broken down by ethnicity: no value rather than a wrong one.
    assert (
        indicator_value(rate, country.a1, "2024", options={"ethnicity": "kinh"}).note == "not_disaggregable"
    )


def test_no_data_and_zero_denominator(country, deputies):
    element, count, share = deputies
    assert indicator_value(count, country.province, "2024").note == aggregate.NO_DATA
    put(element, country.a1, "2024", 0, "female")
    put(element, country.a1, "2024", 0, "male")
    result = indicator_value(share, country.province, "2024")
    assert result.value is None and result.note == aggregate.ZERO_DENOMINATOR
    assert value(count, country.province) == 0  # a reported zero is data


def test_weights_in_formulas(country):
    make_element("employed", categories=())
    make_element("agriculture", categories=())
    outside = make_indicator(
        "OUT", IndicatorKind.COUNT, ["employed", {"element": "agriculture", "weight": -1}]
    )
    from gemis.indicators.models import DataElement

    put(DataElement.objects.get(code="employed"), country.a1, "2024", 100)
    put(DataElement.objects.get(code="agriculture"), country.a1, "2024", 40)
    assert value(outside, country.province) == 60


def test_reported_values_are_not_added_up(country):
    index = make_element("gdi", categories=(), min_value=None, is_integer=False)
    gdi = make_indicator("GDI", IndicatorKind.VALUE, ["gdi"])
    put(index, country.a1, "2024", 0.9)
    put(index, country.a2, "2024", 0.8)
    assert value(gdi, country.a1) == pytest.approx(0.9)
    assert indicator_value(gdi, country.district_a, "2024").note == aggregate.NO_DATA
    put(index, country.province, "2024", 0.85)
    assert value(gdi, country.province) == pytest.approx(0.85)
    # A 2025 unit shows the value of the one legacy unit it wholly succeeds.
    assert value(gdi, country.new_province) == pytest.approx(0.85)


# --------------------------------------------------------------------------- time


def test_a_year_from_its_quarters_when_no_yearly_value(country, deputies):
    element, count, _share = deputies
    for quarter, n in zip(["2024Q1", "2024Q2", "2024Q3", "2024Q4"], [1, 2, 3, 4], strict=True):
        put(element, country.a1, quarter, n, "female")
    assert value(count, country.province, "2024") == 10
    assert value(count, country.province, "2024H1") == 3
    put(element, country.a1, "2024", 12, "female")  # a yearly figure wins over the quarters
    assert value(count, country.province, "2024") == 12


def test_half_years_before_quarters(country, deputies):
    element, count, _share = deputies
    put(element, country.a1, "2024H1", 5, "female")
    put(element, country.a1, "2024H2", 6, "female")
    put(element, country.a1, "2024-03", 100, "female")  # finer: ignored when half-years exist
    assert value(count, country.province, "2024") == 11


def test_stocks_take_the_last_period(country):
    make_element("members", time_aggregation=TimeAggregation.LAST)
    members = make_indicator("M", IndicatorKind.COUNT, ["members"])
    from gemis.indicators.models import DataElement

    element = DataElement.objects.get(code="members")
    put(element, country.a1, "2024Q1", 10, "female")
    put(element, country.a1, "2024Q3", 14, "female")
    assert value(members, country.province, "2024") == 14


def test_yearly_series(country, deputies):
    element, count, _share = deputies
    for year in (2019, 2020, 2022):
        put(element, country.a1, str(year), year - 2000, "female")
    assert aggregate.yearly_series(count, country.province, 2019, 2022) == [
        (2019, 19),
        (2020, 20),
        (2021, None),
        (2022, 22),
    ]


def test_period_codes():
    from gemis.indicators.models import parse_period_code

    assert parse_period_code("2024")[1:] == (
        __import__("datetime").date(2024, 1, 1),
        __import__("datetime").date(2024, 12, 31),
    )
    kind, start, end = parse_period_code("2024H2")
    assert (kind, start.month, end.day, end.month) == ("half_year", 7, 31, 12)
    kind, start, end = parse_period_code("2024Q3")
    assert (kind, start.month, end.month, end.day) == ("quarter", 7, 9, 30)
    kind, start, end = parse_period_code("2024-02")
    assert (kind, end.day) == ("month", 29)
    with pytest.raises(ValueError):
        parse_period_code("2024Q5")


# --------------------------------------------------------------------------- the 2025 reorganisation


def test_a_series_from_before_2025_shows_under_todays_units(country, deputies):
    element, count, share = deputies
    put_sexes(element, country.a1, "2019", male=10, female=2)
    put_sexes(element, country.a2, "2019", male=8, female=4)
    put_sexes(element, country.b1, "2019", male=5, female=5)
    put_sexes(element, country.n1, "2026", male=9, female=9)  # reported under the new commune
    assert value(count, country.new_province, "2019") == 34  # the legacy province, wholly merged
    assert value(count, country.n1, "2019") == 24  # the two merged communes
    assert value(count, country.n2, "2019") == 10
    assert value(count, country.new_province, "2026") == 18
    assert value(count, country.province, "2026") is None  # values stay where they were reported
    assert value(share, country.new_province, "2019") == pytest.approx(11 / 34 * 100)
    assert aggregate.yearly_series(count, country.n1, 2019, 2019) == [(2019, 24)]


def test_a_split_commune_goes_to_its_default_successor(country, deputies):
    element, count, _share = deputies
    put_sexes(element, country.b2, "2020", male=60, female=40)
    assert value(count, country.n2, "2020") == 100
    assert value(count, country.n3, "2020") is None
    assert value(count, country.new_province, "2020") == 100  # counted once


def test_declared_shares_split_numerator_and_denominator(country, deputies):
    element, count, share = deputies
    SuccessionShare.objects.create(succession=country.b2_to_n2, share=0.75)
    SuccessionShare.objects.create(succession=country.b2_to_n3, share=0.25)
    put_sexes(element, country.b2, "2020", male=60, female=40)
    assert value(count, country.n2, "2020") == pytest.approx(75)
    assert value(count, country.n3, "2020") == pytest.approx(25)
    assert value(share, country.n3, "2020") == pytest.approx(40)  # a split keeps the ratio
    assert value(count, country.new_province, "2020") == pytest.approx(100)


def test_one_query_set_for_many_units(country, deputies, django_assert_max_num_queries):
    element, count, _share = deputies
    put_sexes(element, country.a1, "2024", male=1, female=2)
    units = [country.n1, country.n2, country.n3, country.new_province, country.province]
    with django_assert_max_num_queries(12):  # a fixed number, whatever the units and periods
        found = indicator_values(count, units, ["2020", "2021", "2022", "2023", "2024"])
    assert found[(country.n1.pk, "2024")].value == 3
    assert found[(country.province.pk, "2024")].value == 3
    assert found[(country.n2.pk, "2024")].value is None


def test_children_values(country, deputies):
    element, count, _share = deputies
    put(element, country.a1, "2024", 3, "female")
    put(element, country.b2, "2024", 4, "female")
    rows = aggregate.children_values(count, country.province, ["2024"])
    assert [(unit.code, results["2024"].value) for unit, results in rows] == [("911", 3), ("912", 4)]


def test_history_records_who_and_what(country, deputies):
    element, _count, _share = deputies
    dv = put(
        element, country.a1, "2024", 5, "female", entered_by=country.world.district_a_focal, comment="Theo sổ"
    )
    dv.value = 6
    dv.save_checked(1)
    assert [h.value for h in dv.history.order_by("history_date")] == [5, 6]
    from gemis.core.versioning import ConflictError

    with pytest.raises(ConflictError):
        dv.save_checked(1)  # a stale form


# --------------------------------------------------------------------------- the access rule


def test_values_are_read_only_in_ones_own_subtree(country, deputies):
    element, _count, _share = deputies
    w = country.world
    mine = put(element, country.a1, "2024", 5, "female")
    theirs = put(element, country.b1, "2024", 1, "female")
    elsewhere = put(element, w.other_province, "2024", 9, "female")
    visible = lambda user: set(filter_for(user, DataValue.objects.all()).values_list("pk", flat=True))  # noqa: E731
    assert visible(w.province_coordinator) == {mine.pk, theirs.pk}
    assert visible(w.district_a_coordinator) == {mine.pk}
    assert visible(w.other_coordinator) == {elsewhere.pk}
    assert visible(w.nobody) == set()
    assert not may(w.other_coordinator, Action.VIEW, mine)
    # The country's series sit on former units: history, read-only to the people of those units.
    assert not may(w.district_a_coordinator, Action.CHANGE, mine)
    assert may(w.other_coordinator, Action.CHANGE, elsewhere)  # a unit in force: its coordinator
    assert not may(w.district_a_viewer, Action.CHANGE, mine)
    assert not may(w.district_b_coordinator, Action.CHANGE, mine)


# --------------------------------------------------------------------------- pairs, coverage, mixed periods


@pytest.fixture
def helped(country):
    """A percentage of two plain elements: people helped / victims (no breakdown)."""
    helped = make_element("helped", categories=())
    victims = make_element("victims", categories=())
    rate = make_indicator("H", IndicatorKind.PERCENTAGE, ["helped"], ["victims"])
    return helped, victims, rate


def test_a_ratio_takes_a_unit_only_with_both_its_sides(country, helped):
    helped_cases, victims, rate = helped
    put(helped_cases, country.a1, "2024", 3)
    put(victims, country.a1, "2024", 10)
    put(helped_cases, country.a2, "2024", 30)  # a numerator without its denominator
    result = indicator_value(rate, country.province, "2024")
    assert result.value == pytest.approx(30)  # 3/10, not 33/10 = 330 %
    assert (result.numerator, result.denominator) == (3, 10)
    assert [(g.unit_id, g.excluded) for g in result.gaps] == [(country.a2.pk, True)]
    DataValue.objects.filter(org_unit=country.a2).delete()
    put(victims, country.a2, "2024", 40)  # a denominator without its numerator
    assert value(rate, country.province) == pytest.approx(30)  # not 3/50 = 6 %
    put(helped_cases, country.a2, "2024", 8)
    assert value(rate, country.province) == pytest.approx(11 / 50 * 100)


def test_a_ratio_by_sex_needs_every_cell_of_its_unit(country, deputies):
    element, _count, share = deputies
    put_sexes(element, country.a1, "2024", male=7, female=3)
    put(element, country.a2, "2024", 5, "female")  # the men not entered: not 100 % women
    result = indicator_value(share, country.province, "2024")
    assert result.value == pytest.approx(30)
    gap = result.gaps[0]
    assert gap.unit_id == country.a2.pk and gap.excluded
    assert gap.cells == (aggregate_cell(element, "male"),)


def aggregate_cell(element, code):
    from gemis.indicators.testing import cell

    return cell(element, code).pk


def test_every_figure_says_how_many_units_reported(country, deputies):
    element, count, share = deputies
    put_sexes(element, country.a1, "2024", male=7, female=3)
    result = indicator_value(share, country.province, "2024")
    assert (result.reported, result.expected) == (1, 4)  # the four communes of the former province
    assert result.value == pytest.approx(30) and result.is_provisional and not result.is_complete
    for unit in (country.a2, country.b1, country.b2):
        put_sexes(element, unit, "2024", male=1, female=1)
    result = indicator_value(share, country.province, "2024")
    assert (result.reported, result.expected) == (4, 4) and not result.is_provisional
    district = indicator_value(count, country.district_a, "2024")
    assert (district.reported, district.expected, district.value) == (2, 2, 12)
    # A count with a missing cell is still summed, but its unit has not reported completely.
    put(element, country.n1, "2026", 4, "female")
    result = indicator_value(count, country.new_province, "2026")
    assert (result.value, result.reported, result.expected) == (4, 0, 3)
    assert result.gaps[0].cells == (aggregate_cell(element, "male"),) and not result.gaps[0].excluded


def test_the_threshold_for_a_provisional_figure_is_a_setting(country, deputies, settings):
    element, count, _share = deputies
    for unit in (country.a1, country.a2, country.b1):
        put_sexes(element, unit, "2024", male=1, female=1)
    assert indicator_value(count, country.province, "2024").is_provisional
    settings.GEMIS_COVERAGE_FOR_STATUS = 0.75
    assert not indicator_value(count, country.province, "2024").is_provisional


def test_a_unit_reporting_quarters_is_added_to_one_reporting_the_year(country):
    make_element("cases", categories=())
    make_element("members", categories=(), time_aggregation=TimeAggregation.LAST)
    from gemis.indicators.models import DataElement

    cases, members = DataElement.objects.get(code="cases"), DataElement.objects.get(code="members")
    flow = make_indicator("F", IndicatorKind.COUNT, ["cases"])
    stock = make_indicator("S", IndicatorKind.COUNT, ["members"])
    put(cases, country.a1, "2024", 100)
    put(members, country.a1, "2024", 50)
    for quarter, members_then in zip(("Q1", "Q2", "Q3", "Q4"), (5, 6, 7, 8), strict=True):
        put(cases, country.a2, f"2024{quarter}", 10)
        put(members, country.a2, f"2024{quarter}", members_then)
    assert value(flow, country.province) == 140  # flows add up over the quarters
    assert value(stock, country.province) == 58  # a stock takes the last quarter
    assert indicator_value(flow, country.district_a, "2024").reported == 2
    # A quarter missing: still summed, but the unit is incomplete and says which quarter.
    DataValue.objects.filter(org_unit=country.a2, period__code="2024Q4").delete()
    result = indicator_value(flow, country.district_a, "2024")
    assert (result.value, result.reported, result.expected) == (130, 1, 2)
    assert result.gaps[0].periods == ("2024Q4",)
    stock_result = indicator_value(stock, country.district_a, "2024")
    assert stock_result.value == 57 and stock_result.gaps[0].periods == ("2024Q4",)


def test_a_former_commune_answers_for_2025_until_june(country, deputies):
    element, count, _share = deputies
    put_sexes(element, country.a1, "2025H1", male=1, female=1)
    put_sexes(element, country.n1, "2025H2", male=2, female=2)
    result = indicator_value(count, country.new_province, "2025")
    assert result.value == 6
    assert result.gaps == ()  # neither had to report the other half-year
    # Today's communes answer for the year; the former ones' first half still counts.
    assert (result.reported, result.expected) == (1, 3)
    assert indicator_value(count, country.new_province, "2025H1").expected == 4


def test_values_a_former_district_reported_for_itself_have_their_own_row(country, deputies):
    element, count, share = deputies
    put_sexes(element, country.a1, "2019", male=30, female=20)
    put_sexes(element, country.b1, "2019", male=30, female=20)
    put(element, country.district_a, "2019", 50, "female")  # reported at district level
    put(element, country.district_a, "2019", 0, "male")
    whole = indicator_value(count, country.new_province, "2019").value
    rows = aggregate.children_values(count, country.new_province, ["2019"])
    parts = sum(results["2019"].value or 0 for _unit, results in rows)
    rest = aggregate.unattributed_values(count, country.new_province, ["2019"])["2019"]
    assert (whole, parts, rest.value) == (150, 100, 50)  # the parts add up to the whole
    # The ratio of the row is its own: 50 women of 50.
    assert aggregate.unattributed_values(share, country.new_province, ["2019"])["2019"].value == 100
    # The former province's breakdown by district has nothing left over.
    assert aggregate.unattributed_values(count, country.province, ["2019"]) == {}


def test_the_totals_kept_give_the_same_figures_as_reading_unit_by_unit(country, deputies, monkeypatch):
    """The fast reading (from the rollups, when every expected unit reported everything) never
    differs from the unit-by-unit one, on random data: complete, partial, mixed periods."""
    import random

    element, count, share = deputies
    units = [country.a1, country.a2, country.b1, country.b2, country.n1, country.n2, country.n3]
    asked = [country.province, country.district_a, country.new_province, country.n1, country.n2]
    periods = ["2024", "2024H1", "2026", "2026Q2"]
    rng = random.Random(2026)
    exact = aggregate._from_rollups
    fast_figures = []

    def counting(*args):
        found = exact(*args)
        fast_figures.extend(found)
        return found

    for _round in range(25):
        DataValue.objects.all().delete()
        chance = rng.choice([0.5, 0.9, 1.0])
        for unit in units:
            legacy = unit.scheme == "legacy"
            for period in ["2024", "2024Q1", "2024Q2"] if legacy else ["2026", "2026Q2", "2026-04"]:
                for sex in ("male", "female"):
                    if rng.random() < chance:
                        put(element, unit, period, rng.randint(0, 9), sex)
        with monkeypatch.context() as m:
            m.setattr(aggregate, "_from_rollups", counting)
            fast = {i.code: indicator_values(i, asked, periods) for i in (count, share)}
        with monkeypatch.context() as m:
            m.setattr(aggregate, "_from_rollups", lambda *args: {})
            slow = {i.code: indicator_values(i, asked, periods) for i in (count, share)}
        for code, results in slow.items():
            for key, result in results.items():
                quick = fast[code][key]
                assert (quick.value is None) == (result.value is None), (key, quick, result)
                if result.value is not None:
                    assert quick.value == pytest.approx(result.value)
                assert (quick.reported, quick.expected, quick.gaps) == (
                    result.reported,
                    result.expected,
                    result.gaps,
                )
    assert len(fast_figures) > 20  # the fast reading was taken, and agreed


def test_a_complete_figure_is_read_from_the_totals_kept(country, deputies):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    element, _count, share = deputies
    for unit in (country.a1, country.a2, country.b1, country.b2):
        put_sexes(element, unit, "2024", male=3, female=2)
    with CaptureQueriesContext(connection) as queries:
        found = indicator_values(share, [country.province], ["2024"])[(country.province.pk, "2024")]
    assert found.value == pytest.approx(40) and (found.reported, found.expected) == (4, 4)
    # The commune values are not read: the province's totals count the four communes in each cell.
    table = DataValue._meta.db_table
    reads = [q["sql"] for q in queries.captured_queries if table in q["sql"].split("WHERE")[0]]
    assert reads and not any("LIKE" in sql for sql in reads), reads
