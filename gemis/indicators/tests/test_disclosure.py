"""Small violence cells: the suppression arithmetic on hand-made tables, and a walk over every surface
that shows a sensitive figure, as a leader and as a viewer."""

from __future__ import annotations

import csv
import io
import random

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from gemis.indicators import disclosure
from gemis.indicators.disclosure import COMPLEMENT, SMALL, Disclosure, complementary
from gemis.indicators.models import Comparator, Dataset, IndicatorKind, NationalTarget
from gemis.indicators.testing import make_element, make_indicator, put_sexes

YEAR = "2025"


# --------------------------------------------------------------------------- the arithmetic


def test_one_hidden_cell_in_a_column_takes_the_smallest_other_with_it():
    sizes = {("a", "t"): 3, ("b", "t"): 30, ("c", "t"): 12, ("p", "t"): 45}
    sums = [[("a", "t"), ("b", "t"), ("c", "t"), ("p", "t")]]
    hidden = complementary(sizes, sums, primary=[("a", "t")], fixed=[("p", "t")])
    # 45 − 30 − 12 would give the 3 back: the 12 goes too, and 45 − 30 = 15 says only "a + c = 15".
    assert hidden == {("a", "t"): SMALL, ("c", "t"): COMPLEMENT}


def test_rows_and_columns_are_both_protected():
    """Two units × (men, women, total) under a public province (the margin row ``p``)."""
    sizes = {
        ("x", "m"): 1, ("x", "f"): 9, ("x", "t"): 10,
        ("y", "m"): 20, ("y", "f"): 7, ("y", "t"): 27,
        ("p", "m"): 21, ("p", "f"): 16, ("p", "t"): 37,
    }  # fmt: skip
    rows = [[(r, c) for c in "mft"] for r in "xyp"]
    columns = [[(r, c) for r in "xyp"] for c in "mft"]
    fixed = [("p", c) for c in "mft"]
    hidden = complementary(sizes, rows + columns, primary=[("x", "m")], fixed=fixed)
    # x's men (1) is small; its row loses the smaller of 9 and 10 (9), the men's column y's 20,
    # then y's row has one hidden: its smallest other (7) — and the women's column now has two.
    assert hidden == {
        ("x", "m"): SMALL,
        ("x", "f"): COMPLEMENT,
        ("y", "m"): COMPLEMENT,
        ("y", "f"): COMPLEMENT,
    }
    for cells in rows + columns:
        assert sum(1 for c in cells if c in hidden) != 1


def test_nothing_can_protect_a_cell_whose_only_companions_are_public():
    sizes = {("a", "t"): 3, ("p", "t"): 3}
    assert complementary(sizes, [[("a", "t"), ("p", "t")]], [("a", "t")], fixed=[("p", "t")]) == {
        ("a", "t"): SMALL
    }


def test_on_random_tables_no_sum_keeps_a_single_hidden_cell():
    rng = random.Random(15)
    for _round in range(300):
        n = rng.randint(2, 7)
        sizes = {}
        for row in range(n):
            m, f = rng.choice([0, 1, 2, 3, 4, 6, 9, 15, 40]), rng.choice([0, 1, 3, 5, 8, 25])
            sizes[(row, "m")], sizes[(row, "f")], sizes[(row, "t")] = m, f, m + f
        for col in "mft":
            sizes[("p", col)] = sum(sizes[(r, col)] for r in range(n))
        rows = [[(r, c) for c in "mft"] for r in [*range(n), "p"]]
        columns = [[(r, c) for r in [*range(n), "p"]] for c in "mft"]
        primary = [cell for cell, v in sizes.items() if cell[0] != "p" and 0 < v < 5]
        hidden = complementary(sizes, rows + columns, primary, fixed=[("p", c) for c in "mft"])
        for cells in rows + columns:
            inside = [c for c in cells if c in hidden]
            others = [c for c in cells if c not in hidden and c[0] != "p"]
            assert len(inside) != 1 or not others, (sizes, hidden, cells)


# --------------------------------------------------------------------------- the figures of a world


@pytest.fixture
def victims(world):
    """Violence counts by sex in 2025: district A (its one commune) 1 man and 2 women — small —,
    district B 17 and 26; the province 18 and 28 (46, public)."""
    element = make_element("GBV.count", name="Số người bị bạo lực gia đình")
    indicator = make_indicator(
        "GBV-N",
        IndicatorKind.COUNT,
        ["GBV.count"],
        name="Số người bị bạo lực gia đình",
        sensitive=True,
        disaggregations=["sex"],
    )
    put_sexes(element, world.commune_a, YEAR, male=1, female=2)
    put_sexes(element, world.district_b, YEAR, male=17, female=26)
    NationalTarget.objects.create(
        indicator=indicator, code="T-GBV", year=2030, comparator=Comparator.AT_MOST, value=10
    )
    dataset = Dataset.objects.create(code="gbv-form", name="Biểu bạo lực gia đình")
    dataset.data_elements.set([element])
    return indicator, dataset


SMALL_OR_PROTECTING = {1.0, 2.0, 3.0, 17.0, 26.0, 43.0}


def test_a_leader_sees_the_province_and_nothing_that_gives_a_district_back(world, victims):
    indicator, _dataset = victims
    protect = Disclosure(world.province_leader)
    hidden = {
        (unit.code, column): protect.hidden(indicator, unit, YEAR, column)
        for unit in (world.district_a, world.district_b, world.commune_a)
        for column in ("male", "female", "total")
    }
    assert hidden[("911", "male")] == hidden[("911", "total")] == SMALL
    # B's cells protect A's: the province (public) minus B would give A.
    assert {hidden[("912", c)] for c in ("male", "female", "total")} == {COMPLEMENT}
    assert {hidden[("91101", c)] for c in ("male", "female", "total")} == {SMALL}
    assert protect.hidden(indicator, world.province, YEAR) is None
    # Those who enter the data see it raw.
    assert Disclosure(world.province_coordinator).hidden(indicator, world.district_a, YEAR) is None


def _figures_of(page):
    figures = [*page.total, *page.male, *page.female]
    for row in page.breakdown:
        figures += [row.total, row.male, row.female]
    return figures


def _csv_cells(response):
    lines = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    return [cell for line in lines[1:] for cell in line[1:]]


@pytest.mark.parametrize("who", ["province_leader", "district_a_viewer"])
def test_no_surface_shows_a_small_cell_or_one_that_gives_it_back(client, world, victims, who):
    indicator, dataset = victims
    user = getattr(world, who)
    client.force_login(user)
    units = [world.province, world.district_a, world.district_b, world.commune_a]
    readable = [
        u for u in units if client.get(reverse("indicators:unit-profile", args=[u.pk])).status_code == 200
    ]
    assert world.commune_a in readable and world.district_a in readable

    for unit in readable:
        # The indicator page: the series, the breakdown below, the targets.
        response = client.get(
            reverse("indicators:indicator-detail", args=[indicator.code]), {"unit": unit.pk}
        )
        assert response.status_code == 200
        page = response.context["page"]
        shown = [f.value for f in _figures_of(page) if not f.suppressed and f.value is not None]
        if unit != world.province:
            assert not set(shown) & SMALL_OR_PROTECTING, (unit, shown)
        else:
            assert not {v for r in page.breakdown for v in (r.total.shown, r.male.shown, r.female.shown)} & (
                SMALL_OR_PROTECTING
            )
        for row in page.targets:
            if unit != world.province:
                assert row.why, "a target row below the province shows a hidden latest value"
        html = response.content.decode()
        if unit != world.province:
            assert 'data-testid="hidden"' in html
        # Its downloads.
        for chart in ("series", "breakdown"):
            download = client.get(
                reverse("indicators:chart-data", args=["indicator", "csv"]),
                {"unit": unit.pk, "indicator": indicator.code, "chart": chart},
            )
            cells = _csv_cells(download)
            numbers_shown = {
                float(c.replace(",", ".")) for c in cells if c.replace(",", "").replace(".", "").isdigit()
            }
            if unit != world.province or chart == "breakdown":
                assert not numbers_shown & SMALL_OR_PROTECTING, (unit, chart, cells)
        # The targets list, the dashboard and the profile.
        listing = client.get(reverse("indicators:target-list"), {"unit": unit.pk})
        for row in listing.context["rows"]:
            if row.target.indicator == indicator and unit != world.province:
                assert row.why
        dashboard = client.get(reverse("indicators:indicator-dashboard"), {"unit": unit.pk})
        if unit != world.province:
            for gap in dashboard.context["dashboard"].gaps if "dashboard" in dashboard.context else []:
                if gap.indicator == indicator:
                    assert not {gap.male.shown, gap.female.shown, gap.total.shown} & SMALL_OR_PROTECTING
            profile = client.get(reverse("indicators:unit-profile", args=[unit.pk]))
            for row in profile.context["profile"].rows:
                if row.indicator == indicator:
                    assert row.unit.suppressed and (row.male is None or row.male.suppressed)

    # The data-entry grid, its template and a cell's history: not the stored values.
    grid_args = [dataset.code, world.commune_a.pk, YEAR]
    response = client.get(reverse("indicators:entry-grid", args=grid_args))
    assert response.status_code == 200
    cells = [c for section in response.context["sections"] for row in section.rows for c in row.cells]
    assert cells and all(c.withheld and c.value is None for c in cells)
    template = client.get(reverse("indicators:excel-template", args=grid_args))
    book = load_workbook(io.BytesIO(template.content))
    values = [v for row in book.worksheets[0].iter_rows(min_row=6, values_only=True) for v in row[4:]]
    assert not {v for v in values if isinstance(v, int | float)} & SMALL_OR_PROTECTING
    history = client.get(
        reverse("indicators:entry-cell-detail", args=grid_args), {"element": "GBV.count", "cell": "female"}
    )
    assert history.status_code == 404


def test_the_commune_officer_and_the_coordinator_see_the_stored_values(client, world, victims):
    _indicator, dataset = victims
    grid_args = [dataset.code, world.commune_a.pk, YEAR]
    client.force_login(world.province_coordinator)
    response = client.get(reverse("indicators:entry-grid", args=grid_args))
    cells = [c for section in response.context["sections"] for row in section.rows for c in row.cells]
    assert sorted(c.value for c in cells) == [1, 2] and not any(c.withheld for c in cells)
    history = client.get(
        reverse("indicators:entry-cell-detail", args=grid_args), {"element": "GBV.count", "cell": "female"}
    )
    assert history.status_code == 200


def test_withheld_elements_are_only_those_of_sensitive_indicators(world, victims, form_elements=None):
    _indicator, dataset = victims
    literate = make_element("W.other")
    elements = [*dataset.data_elements.all(), literate]
    assert disclosure.withheld_elements(world.province_leader, world.commune_a, elements) == {"GBV.count"}
    assert disclosure.withheld_elements(world.province_leader, world.province, elements) == frozenset()
    assert disclosure.withheld_elements(world.province_coordinator, world.commune_a, elements) == frozenset()
