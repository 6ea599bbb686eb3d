"""The grid's helpers: numbers typed the Vietnamese way, who enters for which unit, what one change brings."""

from __future__ import annotations

import pytest
from django.utils import translation

from gemis.core import numbers
from gemis.indicators import grid, permissions
from gemis.indicators.models import Period
from gemis.indicators.testing import put_sexes
from gemis.indicators.tests.screens import make_catalog_form, make_form


@pytest.mark.parametrize(
    "text,value",
    [
        ("1.234", 1234),
        ("1.234.567", 1234567),
        ("1.234,5", 1234.5),
        ("12,5", 12.5),
        ("2.5", 2.5),  # a point that does not group thousands is a decimal mark
        (" 1 234 ", 1234),
        ("-3", -3),
        ("", None),
        ("   ", None),
    ],
)
def test_numbers_typed_in_vietnamese(text, value):
    with translation.override("vi"):
        assert numbers.parse_for_page(text) == value


def test_numbers_typed_in_english():
    with translation.override("en"):
        assert numbers.parse_for_page("1,234.5") == 1234.5
        assert numbers.parse_for_page("1,234") == 1234
        assert numbers.parse_for_page("2,5") == 2.5


@pytest.mark.parametrize("text", ["abc", "1..2", "12a", "1,2,3.4.5", "--1"])
def test_what_is_not_a_number(text):
    with translation.override("vi"), pytest.raises(ValueError):
        numbers.parse_for_page(text)


def test_numbers_are_shown_with_vietnamese_separators():
    with translation.override("vi"):
        assert numbers.format_for_page(1234567) == "1.234.567"
        assert numbers.format_for_page(1234.5) == "1.234,5"
        assert numbers.format_for_page(None) == ""
    with translation.override("en"):
        assert numbers.format_for_page(1234.5) == "1,234.5"


def test_period_labels():
    with translation.override("vi"):
        assert grid.period_label("2025") == "Năm 2025"
        assert grid.period_label("2025H1") == "6 tháng đầu năm 2025"
        assert grid.period_label("2025Q3") == "Quý III/2025"
        assert grid.period_label("2025-05") == "Tháng 5/2025"


def test_who_enters_for_which_unit(world):
    units = lambda user: set(permissions.entry_units(user))  # noqa: E731
    assert units(world.province_coordinator) >= {world.province, world.district_a, world.commune_a}
    assert units(world.district_a_coordinator) == {world.district_a, world.commune_a}
    assert units(world.district_a_focal) == {world.district_a}  # its own agency's unit
    assert units(world.district_a_viewer) == set() and units(world.province_leader) == set()
    assert world.province not in units(world.other_coordinator)


def test_a_change_is_judged_by_what_it_brings(world):
    form = make_form()
    current = {("W.people", "male"): 100.0}
    # The other cell of a required row still empty: not this change's problem.
    assert grid.check_change(form.dataset, current, ("W.people", "female"), 90.0) == []
    # Numerator above its denominator: refused, whichever of the two is typed last.
    current = {("W.people", "female"): 90.0}
    problems = grid.check_change(form.dataset, current, ("W.literate", "female"), 95.0)
    assert [p.code for p in problems] == ["numerator_above_denominator"]
    current = {("W.literate", "female"): 95.0}
    problems = grid.check_change(form.dataset, current, ("W.people", "female"), 90.0)
    assert [p.code for p in problems] == ["numerator_above_denominator"]


# --------------------------------------------------------------------------- the words of a row


def test_a_row_of_the_catalog_says_what_to_count_and_keeps_its_code_as_a_detail(world):
    dataset = make_catalog_form()
    sections = grid.build_grid(dataset, Period.get("2025"), world.commune_a)
    rows = {row.element.code: row for section in sections for row in section.rows}
    boys = rows["NQ28-4.1.numerator"]
    assert [c.label for c in boys.cells] == ["Số trẻ em trai sinh ra trong năm"]  # no "— Tổng số"
    assert boys.cells[0].column == "" and not boys.has_total
    assert [(f.code, f.name, f.targets) for f in boys.feeds] == [
        ("NQ28-4.1", "Tỷ số giới tính khi sinh", ("NQ28-4.1",))
    ]
    assert "NQ28-4.1.numerator" in boys.detail and "Tỷ số giới tính khi sinh" in boys.detail
    for row in rows.values():
        for cell in row.cells:
            assert row.element.code not in cell.label and "numerator" not in cell.label
            assert "denominator" not in cell.label and "Tỷ số giới tính khi sinh ở mức" not in cell.label


def test_people_counted_by_sex_are_a_row_with_a_cell_for_men_and_women_and_their_total(world):
    dataset = make_catalog_form()
    element = dataset.data_elements.get(code="NQ28-6.1.numerator")
    put_sexes(element, world.commune_a, "2025", male=120, female=135)
    sections = grid.build_grid(dataset, Period.get("2025"), world.commune_a)
    split = [s for s in sections if s.is_split]
    assert len(split) == 1 and not [s for s in sections if not s.is_split][0].is_split
    assert [label for _code, label in split[0].columns] == ["Nam", "Nữ"]
    rows = {row.element.code: row for row in split[0].rows}
    assert set(rows) == {"NQ28-6.1.numerator", "NQ28-6.1.denominator"}
    reached = rows["NQ28-6.1.numerator"]
    assert [(c.column, c.label, c.value) for c in reached.cells] == [
        ("Nam", "Số người được tiếp cận kiến thức cơ bản về bình đẳng giới — Nam", 120),
        ("Nữ", "Số người được tiếp cận kiến thức cơ bản về bình đẳng giới — Nữ", 135),
    ]
    assert reached.has_total and reached.total == 255
