"""The grid's helpers: numbers typed the Vietnamese way, who enters for which unit, what one change brings."""

from __future__ import annotations

import pytest
from django.utils import translation

from gemis.core import numbers
from gemis.indicators import grid, permissions
from gemis.indicators.tests.screens import make_form


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
