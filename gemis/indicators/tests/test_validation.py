"""Validation of a form (in Vietnamese), locking with exceptions, completeness, saving."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import translation

from gemis.indicators import validation
from gemis.indicators.aggregate import indicator_value
from gemis.indicators.models import (
    DataElement,
    Dataset,
    DataValue,
    IndicatorKind,
    LockException,
    Period,
    PeriodLock,
    ValidationRule,
)
from gemis.indicators.testing import make_element, make_indicator, put
from gemis.indicators.validation import TOTAL, enter_values, is_locked, lock_date, validate_cells


@pytest.fixture
def form(country):
    literate = make_element("literate")
    people = make_element("people")
    make_element("rate_index", categories=(), min_value=None, max_value=1, is_integer=False)
    make_indicator("LIT", IndicatorKind.PERCENTAGE, ["literate"], ["people"])
    dataset = Dataset.objects.create(code="education", name="Giáo dục", open_days_after_period=45)
    dataset.data_elements.set(list(DataElement.objects.all()))
    dataset.required_elements.set([people])
    return dataset, literate, people


def codes(problems):
    return sorted((p.element, p.cell, p.code) for p in problems)


def good_cells():
    return {
        ("people", "male"): 100,
        ("people", "female"): 90,
        ("people", TOTAL): 190,
        ("literate", "male"): 95,
        ("literate", "female"): 80,
        ("rate_index", "default"): 0.5,
    }


def test_a_good_form_has_no_problems(form):
    dataset, *_ = form
    assert validate_cells(dataset, good_cells()) == []


def test_values_must_be_non_negative_whole_and_in_range(form):
    dataset, *_ = form
    cells = good_cells() | {
        ("literate", "male"): -1,
        ("literate", "female"): 2.5,
        ("rate_index", "default"): 3,
    }
    cells[("people", TOTAL)] = None
    assert codes(validate_cells(dataset, cells)) == [
        ("literate", "female", "not_integer"),
        ("literate", "male", "below_min"),
        ("rate_index", "default", "above_max"),
    ]


def test_messages_are_in_vietnamese(form):
    dataset, *_ = form
    cells = good_cells() | {("literate", "male"): -1}
    with translation.override("vi"):
        message = str(validate_cells(dataset, cells)[0].message)
    assert message == "Giá trị không được âm."
    with translation.override("en"):
        assert str(validate_cells(dataset, cells)[0].message) == "The value must not be negative."


def test_required_cells(form):
    dataset, *_ = form
    cells = good_cells()
    del cells[("people", "female")]
    cells[("people", TOTAL)] = None
    assert codes(validate_cells(dataset, cells)) == [("people", "female", "required")]


def test_male_plus_female_must_equal_the_total(form):
    dataset, *_ = form
    cells = good_cells() | {("people", TOTAL): 200}
    problems = validate_cells(dataset, cells)
    assert codes(problems) == [("people", TOTAL, "sum_mismatch")]
    with translation.override("vi"):
        assert str(problems[0].message) == "Nam + nữ (190) phải bằng tổng số (200)."


def test_numerator_must_not_exceed_denominator(form):
    dataset, *_ = form
    cells = good_cells() | {("literate", "female"): 91}  # more literate women than women
    problems = validate_cells(dataset, cells)
    assert codes(problems) == [("literate", "female", "numerator_above_denominator")]
    # The total of both sexes still holds (186 ≤ 190): only the female check fails.


def test_rules_across_cells(form):
    dataset, *_ = form
    ValidationRule.objects.create(
        dataset=dataset,
        name="Nữ biết chữ ≤ nam biết chữ + 100",
        left=[{"element": "literate", "options": {"sex": "female"}}],
        operator="<=",
        right=[{"element": "people", "options": {"sex": "male"}}],
        message="Số nữ biết chữ vượt quá số nam.",
    )
    assert validate_cells(dataset, good_cells()) == []
    cells = good_cells() | {("literate", "female"): 90, ("people", "male"): 89, ("literate", "male"): 80}
    cells[("people", TOTAL)] = None
    problems = validate_cells(dataset, cells)
    assert [(p.code, str(p.message)) for p in problems] == [("rule", "Số nữ biết chữ vượt quá số nam.")]


def test_unknown_elements_and_cells(form):
    dataset, *_ = form
    problems = validate_cells(dataset, {("nothing", "male"): 1, ("people", "kinh"): 2})
    assert ("nothing", "male", "unknown") in codes(problems)
    assert ("people", "kinh", "unknown_cell") in codes(problems)


# --------------------------------------------------------------------------- locking


def test_a_period_locks_after_its_deadline(country, form):
    dataset, *_ = form
    period = Period.get("2024")
    assert lock_date(dataset, period, country.a1) == dt.date(2025, 2, 14)  # 31/12 + 45 days
    assert not is_locked(dataset, period, country.a1, dt.date(2025, 2, 14))
    assert is_locked(dataset, period, country.a1, dt.date(2025, 2, 15))


def test_the_earliest_deadline_at_or_above_wins(country, form):
    dataset, *_ = form
    period = Period.get("2024")
    PeriodLock.objects.create(
        dataset=dataset, period=period, org_unit=country.province, lock_after=dt.date(2025, 1, 15)
    )
    PeriodLock.objects.create(
        dataset=dataset, period=period, org_unit=country.district_a, lock_after=dt.date(2025, 1, 31)
    )
    assert lock_date(dataset, period, country.a1) == dt.date(2025, 1, 15)
    assert is_locked(dataset, period, country.b1, dt.date(2025, 1, 20))
    assert lock_date(dataset, period, country.world.other_province) == dt.date(2025, 2, 14)


def test_an_exception_reopens_for_the_unit_and_below(country, form):
    dataset, *_ = form
    period = Period.get("2024")
    day = dt.date(2025, 3, 1)
    assert is_locked(dataset, period, country.a1, day)
    LockException.objects.create(
        dataset=dataset,
        period=period,
        org_unit=country.district_a,
        until=dt.date(2025, 3, 10),
        granted_by=country.world.province_coordinator,
        reason="Xã bổ sung số liệu",
    )
    assert not is_locked(dataset, period, country.a1, day)
    assert not is_locked(dataset, period, country.district_a, day)
    assert is_locked(dataset, period, country.b1, day)  # another district: still locked
    assert is_locked(dataset, period, country.a1, dt.date(2025, 3, 11))  # the exception has ended


def test_no_deadline_no_lock(country):
    dataset = Dataset.objects.create(code="open", name="Mở")
    assert not is_locked(dataset, Period.get("2020"), country.a1, dt.date(2030, 1, 1))


# --------------------------------------------------------------------------- completeness and saving


def test_completeness(country, form):
    dataset, literate, people = form
    period = Period.get("2024")
    put(people, country.a1, "2024", 10, "male")
    put(people, country.a1, "2024", 12, "female")
    found = validation.completeness(dataset, period, [country.a1, country.a2])
    assert (found[country.a1.pk].filled, found[country.a1.pk].expected) == (2, 5)
    assert found[country.a2.pk].share == 0


def test_enter_values_saves_a_good_form_and_refuses_a_bad_one(country, form):
    dataset, *_ = form
    period = Period.get("2024")
    user = country.world.district_a_focal
    today = dt.date(2025, 1, 10)
    bad = good_cells() | {("people", TOTAL): 1}
    assert enter_values(dataset, period, country.a1, bad, user=user, today=today)
    assert not DataValue.objects.exists()
    assert enter_values(dataset, period, country.a1, good_cells(), user=user, today=today) == []
    assert DataValue.objects.count() == 5  # the total is checked, not stored
    assert DataValue.objects.filter(entered_by=user).count() == 5
    from gemis.indicators.models import Indicator

    rate = indicator_value(Indicator.objects.get(code="LIT"), country.province, "2024")
    assert rate.value == pytest.approx(175 / 190 * 100)
    with pytest.raises(validation.LockedError):
        enter_values(dataset, period, country.a1, good_cells(), user=user, today=dt.date(2025, 6, 1))
