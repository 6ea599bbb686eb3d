"""Numbers as typed on a Vietnamese or English page, and the limits of what is stored."""

from __future__ import annotations

import math

import pytest
from django.utils import translation
from hypothesis import given
from hypothesis import strategies as st

from gemis.core import numbers
from gemis.core.numbers import EN, MAX_MAGNITUDE, VI, NumberError, format_number, parse_number


@pytest.mark.parametrize(
    ("text", "language", "expected"),
    [
        ("1.234,5", VI, 1234.5),
        ("1,234.5", EN, 1234.5),
        ("1.950", VI, 1950),
        ("1,950", EN, 1950),
        ("1.234.567", VI, 1234567),
        ("1,234,567", EN, 1234567),
        ("2,5", VI, 2.5),
        ("2.5", VI, 2.5),  # a lone point that groups nothing is a decimal mark
        ("2.5", EN, 2.5),
        ("2,5", EN, 2.5),
        ("0,125", VI, 0.125),
        ("0.125", VI, 0.125),  # "0" cannot start a thousands group
        ("0.125", EN, 0.125),
        ("1,95", VI, 1.95),
        ("1.95", EN, 1.95),
        ("1,2500", VI, 1.25),
        (" 12 345 ", VI, 12345),
        ("\u221212", VI, -12),
        ("-1.234,5", VI, -1234.5),
        ("", VI, None),
        ("   ", EN, None),
    ],
)
def test_reads_the_page_format(text: str, language: str, expected: float | None) -> None:
    assert parse_number(text, language) == expected


@pytest.mark.parametrize(
    ("text", "language"),
    [
        ("1,234.5", VI),  # was read as 1.2345
        ("1.234,5", EN),
        ("1,234,567", VI),
        ("1.234.567", EN),
        ("12.34.5", VI),
        ("1.23.456", VI),
        ("1,2,3", EN),
        ("1e5", VI),
        ("inf", EN),
        ("NaN", VI),
        ("Infinity", EN),
        ("١٢", VI),  # Arabic-Indic digits
        ("１２", VI),  # full-width digits
        ("12abc", EN),
        ("--1", VI),
        (",", VI),
        (".5.", EN),
    ],
)
def test_refuses_what_is_not_a_number(text: str, language: str) -> None:
    with pytest.raises(NumberError) as found:
        parse_number(text, language)
    assert found.value.code == numbers.NOT_A_NUMBER


@pytest.mark.parametrize(
    ("text", "language"),
    [("1.950", EN), ("1,950", VI), ("-12.500", EN), ("999,001", VI)],
)
def test_refuses_ambiguous_separators(text: str, language: str) -> None:
    # On an English page "1.950" was saved as 1.95 while the same keys mean 1950 in Vietnamese.
    with pytest.raises(NumberError) as found:
        parse_number(text, language)
    assert found.value.code == numbers.AMBIGUOUS


@pytest.mark.parametrize("text", ["1" + "0" * 400, "1" + "0" * 16, "9.999.999.999.999.999"])
def test_refuses_huge_numbers(text: str) -> None:
    with pytest.raises(NumberError) as found:
        parse_number(text, VI)
    assert found.value.code == numbers.TOO_LARGE


def test_largest_allowed_is_accepted() -> None:
    assert parse_number("1.000.000.000.000.000", VI) == MAX_MAGNITUDE
    with pytest.raises(NumberError) as found:
        parse_number("-1.000.000.000.000.001", VI)
    assert found.value.code == numbers.TOO_SMALL
    with pytest.raises(NumberError) as found:
        parse_number("-1" + "0" * 400, VI)
    assert found.value.code == numbers.TOO_SMALL


@pytest.mark.parametrize("value", [math.inf, -math.inf, math.nan, 1e300, "nan", None, "x"])
def test_check_value_refuses(value: object) -> None:
    with pytest.raises(NumberError):
        numbers.check_value(value)
    assert not numbers.is_storable(value)


def test_check_value_with_a_lower_limit() -> None:
    assert numbers.check_value(100, limit=100) == 100
    with pytest.raises(NumberError) as found:
        numbers.check_value(100.5, limit=100)
    assert found.value.code == numbers.TOO_LARGE


@pytest.mark.parametrize(
    ("value", "vi", "en"),
    [
        (1234.5, "1.234,5", "1,234.5"),
        (1950, "1.950", "1,950"),
        (0.125, "0,125", "0.125"),
        (1.125, "1,1250", "1.1250"),  # never an ambiguous text
        (-0.0, "0", "0"),
        (-1234567.25, "-1.234.567,25", "-1,234,567.25"),
        (None, "", ""),
        (math.inf, "∞", "∞"),
        (math.nan, "NaN", "NaN"),
    ],
)
def test_format(value: float | None, vi: str, en: str) -> None:
    assert format_number(value, VI) == vi
    assert format_number(value, EN) == en


@given(
    st.floats(min_value=-MAX_MAGNITUDE, max_value=MAX_MAGNITUDE, allow_nan=False),
    st.sampled_from([VI, EN]),
)
def test_what_is_shown_reads_back_as_the_same_number(value: float, language: str) -> None:
    shown = format_number(value, language)
    expected = float(f"{value:.{numbers.MAX_PLACES}f}")
    assert parse_number(shown, language) == pytest.approx(expected, rel=1e-15, abs=1e-9)


@given(st.text(max_size=60), st.sampled_from([VI, EN]))
def test_any_text_is_a_storable_number_or_refused(text: str, language: str) -> None:
    try:
        value = parse_number(text, language)
    except NumberError as error:
        assert error.code in (numbers.NOT_A_NUMBER, numbers.AMBIGUOUS, numbers.TOO_LARGE, numbers.TOO_SMALL)
    else:
        assert value is None or numbers.is_storable(value)


def test_messages_say_the_limit_and_the_format() -> None:
    with translation.override("vi"):
        assert numbers.message(NumberError(numbers.TOO_LARGE, "1e400", MAX_MAGNITUDE)).startswith(
            "Số quá lớn"
        )
        assert "1.000.000.000.000.000" in numbers.message(NumberError(numbers.TOO_LARGE, "x", MAX_MAGNITUDE))
        assert "1.234,5" in numbers.message(NumberError(numbers.AMBIGUOUS, "1,950"))
        assert "1.234,5" in numbers.message(NumberError(numbers.NOT_A_NUMBER, "abc"))
    with translation.override("en"):
        assert "1,234.5" in numbers.message(NumberError(numbers.NOT_A_NUMBER, "abc"))
        assert numbers.parse_for_page("1,234.5") == 1234.5


def test_bounded_form_field_refuses_huge_and_non_finite() -> None:
    from django.core.exceptions import ValidationError

    field = numbers.BoundedFloatField(required=False)
    assert field.clean("12.5") == 12.5
    for text in ["1" + "0" * 400, "1e300", "inf", "nan"]:
        with pytest.raises(ValidationError):
            field.clean(text)


@pytest.mark.parametrize(
    "value,places,vi,en",
    [
        (66.25, 1, "66,3", "66.3"),  # half up, as by hand
        (0.125, 2, "0,13", "0.13"),
        (-0.04, 1, "0,0", "0.0"),  # never "-0,0"
        (1702.0, 0, "1.702", "1,702"),  # a count has no decimals
        (-1.25, 1, "-1,3", "-1.3"),
        (None, 1, "—", "—"),
    ],
)
def test_show_rounds_half_up_and_never_shows_minus_zero(value, places, vi, en):
    from django.utils import translation

    from gemis.core.numbers import show

    with translation.override("vi"):
        assert show(value, places) == vi
    with translation.override("en"):
        assert show(value, places) == en
