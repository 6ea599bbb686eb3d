"""Forecasts on known series, and the invariants of the Theil–Sen line (property-based)."""

from __future__ import annotations

import math

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from gemis.indicators import forecast as fc
from gemis.indicators.forecast import TargetSpec, assess, forecast, theil_sen

YEARS = list(range(2016, 2026))


def line(a: float, b: float, years=YEARS):
    return [(year, a + b * (year - 2016)) for year in years]


def test_a_straight_line_is_found_exactly():
    slope, intercept = theil_sen(line(30, 1.5))
    assert slope == pytest.approx(1.5)
    assert intercept + slope * 2016 == pytest.approx(30)
    f = forecast(line(30, 1.5), 2030)
    assert f.value == pytest.approx(30 + 1.5 * 14)
    assert f.low == pytest.approx(f.value) and f.high == pytest.approx(f.value)  # no scatter, no doubt
    assert f.points == 10 and f.method == "theil-sen"


def test_a_known_noisy_series():
    # Share of women deputies in a province, 2016–2025 (invented): about +0.8 points a year.
    values = [24.1, 25.3, 25.0, 26.4, 27.9, 27.5, 28.6, 29.9, 30.1, 31.4]
    series = list(zip(YEARS, values, strict=True))
    f = forecast(series, 2030)
    assert f.slope == pytest.approx(0.8, abs=0.05)
    assert 34.0 < f.value < 36.0
    assert f.low < f.value < f.high
    assert f.slope_low <= f.slope <= f.slope_high
    assert assess(series, TargetSpec(">=", 2030, value=34)).status == fc.ON_TRACK
    assert assess(series, TargetSpec(">=", 2030, value=45)).status == fc.OFF_TRACK


def test_one_wild_year_does_not_move_the_slope():
    series = line(10, 2)
    spoiled = list(series)
    spoiled[4] = (spoiled[4][0], 500.0)  # a typo: 500 instead of 18
    assert theil_sen(spoiled)[0] == pytest.approx(2)
    # Least squares would have been pulled far off.
    n = len(spoiled)
    mx = sum(x for x, _ in spoiled) / n
    my = sum(y for _, y in spoiled) / n
    ols = sum((x - mx) * (y - my) for x, y in spoiled) / sum((x - mx) ** 2 for x, _ in spoiled)
    assert abs(ols - 2) > 2


def test_missing_years_are_skipped():
    series = [(2016, 10.0), (2017, None), (2018, 14.0), (2019, None), (2020, 18.0)]
    assert theil_sen(series)[0] == pytest.approx(2)
    assert forecast(series, 2025).value == pytest.approx(28)


def test_too_few_years():
    assert forecast([(2024, 1.0), (2025, 2.0)], 2030) is None
    assessment = assess([(2024, 1.0), (2025, 2.0)], TargetSpec(">=", 2030, value=10))
    assert (assessment.status, assessment.reason) == (fc.AT_RISK, fc.REASON_TOO_FEW)
    with pytest.raises(ValueError):
        theil_sen([(2024, 1.0)])


def test_statuses():
    rising = [(2019 + i, 40.0 + 2 * i) for i in range(6)]  # 40 … 50 in 2024
    assert assess([], TargetSpec(">=", 2030, value=60)).status == fc.NO_DATA
    assert assess([(2020, None)], TargetSpec(">=", 2030, value=60)).status == fc.NO_DATA
    achieved = assess(rising, TargetSpec(">=", 2030, value=50))
    assert achieved.status == fc.ACHIEVED and achieved.gap == 0
    on_track = assess(rising, TargetSpec(">=", 2030, value=60))  # 62 forecast
    assert on_track.status == fc.ON_TRACK and on_track.gap == pytest.approx(10)
    assert on_track.gap_relative == pytest.approx(10 / 60)
    assert on_track.latest_year == 2024 and on_track.latest_value == pytest.approx(50)
    assert assess(rising, TargetSpec(">=", 2030, value=70)).status == fc.OFF_TRACK
    assert assess(rising, TargetSpec("<=", 2030, value=30)).status == fc.OFF_TRACK
    passed = assess(rising, TargetSpec(">=", 2024, value=55))
    assert (passed.status, passed.reason) == (fc.OFF_TRACK, fc.REASON_YEAR_PASSED)


def test_at_risk_when_only_the_interval_reaches():
    noisy = [(2016, 50), (2017, 53), (2018, 49), (2019, 55), (2020, 52), (2021, 57), (2022, 53), (2023, 58)]
    f = forecast(noisy, 2030)
    target = TargetSpec(">=", 2030, value=f.value + (f.high - f.value) / 2)
    result = assess(noisy, target)
    assert (result.status, result.reason) == (fc.AT_RISK, fc.REASON_INTERVAL_REACHES)


def test_comparators():
    assert fc.meets(35, TargetSpec(">=", 2030, value=35))
    assert not fc.meets(34.9, TargetSpec(">=", 2030, value=35))
    assert fc.meets(1.4, TargetSpec("<=", 2030, value=1.4))
    assert fc.meets(110, TargetSpec("range", 2030, low=108, high=111))
    assert not fc.meets(112, TargetSpec("range", 2030, low=108, high=111))
    about = TargetSpec("about", 2030, value=109)  # the sex ratio at birth, "khoảng 109"
    assert fc.meets(110, about) and fc.meets(107, about) and not fc.meets(112, about)
    assert fc.meets(110.5, TargetSpec("about", 2030, value=109, tolerance=2))
    assert fc.gap_to(112, TargetSpec("range", 2030, low=108, high=111)) == pytest.approx(1)
    with pytest.raises(ValueError):
        TargetSpec(">=", 2030).bounds()


def test_a_falling_ratio_towards_an_at_most_target():
    # Sex ratio at birth falling from 115 by about 0.5 a year; target ≤ 109 in 2030.
    series = line(115, -0.5)
    assert assess(series, TargetSpec("<=", 2030, value=109)).status == fc.ON_TRACK
    assert assess(series, TargetSpec("<=", 2030, value=100)).status == fc.OFF_TRACK


# --------------------------------------------------------------------------- invariants

values = st.floats(min_value=-1e6, max_value=1e6, allow_nan=False, allow_infinity=False)
series_values = st.lists(values, min_size=3, max_size=15)


def as_series(ys):
    return [(2010 + i, y) for i, y in enumerate(ys)]


@given(series_values)
def test_monotone_series_have_a_slope_of_the_same_sign(ys):
    rising = sorted(ys)
    assert theil_sen(as_series(rising))[0] >= 0
    assert theil_sen(as_series(rising[::-1]))[0] <= 0


@given(values, st.integers(min_value=3, max_value=15))
def test_constant_series_forecast_themselves(c, n):
    f = forecast(as_series([c] * n), 2035)
    assert f.slope == 0
    assert f.value == pytest.approx(c, abs=1e-6)
    assert f.low == pytest.approx(c, abs=1e-6) and f.high == pytest.approx(c, abs=1e-6)


@given(
    st.floats(min_value=-100, max_value=100),
    st.floats(min_value=-10, max_value=10),
    st.integers(min_value=5, max_value=15),
    st.data(),
)
def test_one_outlier_does_not_move_the_slope(a, b, n, data):
    ys = [a + b * i for i in range(n)]
    where = data.draw(st.integers(min_value=0, max_value=n - 1))
    ys[where] = data.draw(st.floats(min_value=-1e6, max_value=1e6))
    assert theil_sen(as_series(ys))[0] == pytest.approx(b, abs=1e-6)


@settings(max_examples=50)
@given(series_values, st.floats(min_value=0.1, max_value=100), st.floats(min_value=-1e3, max_value=1e3))
def test_the_line_follows_scaling_and_shifting(ys, scale, shift):
    slope, _ = theil_sen(as_series(ys))
    moved, _ = theil_sen(as_series([y * scale + shift for y in ys]))
    assert moved == pytest.approx(slope * scale, rel=1e-6, abs=1e-3)


@given(series_values, st.integers(min_value=2026, max_value=2040))
def test_the_interval_contains_the_forecast(ys, year):
    f = forecast(as_series(ys), year)
    assert f.low <= f.value <= f.high
    assert f.slope_low <= f.slope <= f.slope_high
    assert math.isfinite(f.low) and math.isfinite(f.high)


def test_bounds_keep_a_share_within_0_and_100():
    series = [(2016 + i, 60.0 + 4 * i) for i in range(10)]  # 60 → 96, heading for 116 in 2030
    free = forecast(series, 2030)
    bounded = forecast(series, 2030, bounds=(0.0, 100.0))
    assert free.value > 100
    assert bounded.value == 100.0 and bounded.high == 100.0 and bounded.low <= 100.0
    falling = [(2016 + i, 20.0 - 3 * i) for i in range(8)]
    assert forecast(falling, 2030, bounds=(0.0, None)).value == 0.0


def test_one_outlier_moves_the_slope_a_little_on_a_noisy_series_however_large_it_is():
    # What the docstring now says: bounded, not zero. Least squares moves without bound.
    noisy = [(2016, 20.0), (2017, 23.0), (2018, 23.5), (2019, 27.0), (2020, 27.5), (2021, 31.0), (2022, 31.0)]
    clean_slope = fc.theil_sen(noisy)[0]
    shifts = []
    for wrong in (100.0, 1_000.0, 1_000_000.0):
        spoiled = [*noisy[:6], (2022, wrong)]  # the latest year mistyped
        shifts.append(abs(fc.theil_sen(spoiled)[0] - clean_slope))
    assert shifts[0] > 0  # not "does not change at all"
    assert max(shifts) == pytest.approx(min(shifts))  # bounded: the size of the mistake does not matter
    assert max(shifts) < 0.5 * clean_slope


# --------------------------------------------------------------------------- the interval's coverage


def test_student_quantiles_match_the_tables():
    for p, df, expected in [(0.95, 1, 6.3138), (0.95, 3, 2.3534), (0.95, 7, 1.8946), (0.975, 10, 2.2281)]:
        assert fc.t_quantile(p, df) == pytest.approx(expected, abs=1e-4)
    assert fc.t_quantile(0.05, 3) == pytest.approx(-2.3534, abs=1e-4)


@pytest.mark.parametrize("years, ahead", [(5, 1), (5, 5), (9, 1), (9, 5)])
def test_the_interval_covers_as_often_as_it_says(years, ahead):
    """Simulated straight series with normal noise: the next value falls in the 90 % interval about
    90 % of the time (the earlier interval: 99 % with 5 years, 86 % with 9)."""
    import random

    rng = random.Random(years * 100 + ahead)
    runs, inside = 3000, 0
    for _run in range(runs):
        a, b, sd = rng.uniform(20, 60), rng.uniform(-2, 2), rng.uniform(0.5, 3)
        series = [(2016 + i, a + b * i + rng.gauss(0, sd)) for i in range(years)]
        year = 2016 + years - 1 + ahead
        truth = a + b * (year - 2016) + rng.gauss(0, sd)
        predicted = forecast(series, year)
        inside += predicted.low <= truth <= predicted.high
    assert 0.875 <= inside / runs <= 0.925


def test_an_interval_beyond_a_bound_keeps_its_width():
    rising = [(2016 + i, 90 + 3 * i + (0.5 if i % 2 else -0.5)) for i in range(6)]  # past 100 by 2030
    predicted = forecast(rising, 2030, bounds=(0, 100))
    assert predicted.value == 100 and predicted.high == 100 and predicted.low < 100


# --------------------------------------------------------------------------- a value to check


def test_a_mistyped_latest_value_is_flagged_and_does_not_decide():
    series = [(2019, 30.0), (2020, 31.5), (2021, 33.0), (2022, 34.2), (2023, 36.0), (2024, 360.0)]
    target = TargetSpec(">=", 2030, 50)
    found = assess(series, target)
    assert found.flagged == (2024,)
    assert found.status != fc.ACHIEVED and found.latest_value == 36.0
    # The same value typed right decides as usual.
    assert assess([*series[:-1], (2024, 37.5)], target).flagged == ()
    # A target year whose own value is to check is not judged.
    ended = assess(series, TargetSpec(">=", 2024, 50), year_ended=True)
    assert (ended.status, ended.reason, ended.flagged) == (fc.NO_DATA, fc.REASON_CHECK_VALUE, (2024,))


def test_an_ordinary_rise_is_not_flagged():
    series = [(2019, 30.0), (2020, 32.0), (2021, 31.0), (2022, 35.0), (2023, 34.0), (2024, 39.0)]
    assert not fc.is_outlier(series)
    assert not fc.is_outlier(series[:3])  # three years: too few to tell
