"""Will a target be met? A robust trend of the series, a forecast with an interval, a status.

Pure Python (no Django, no numpy): a series is a few dozen yearly values.

How the forecast is made (the page shows this text)
---------------------------------------------------

1. **Trend: the Theil–Sen line.** Take every pair of years with a value and the
   slope between them; the trend's slope is the *median* of these slopes, and
   its intercept the median of ``value − slope × year``. Unlike a least-squares
   line, one exceptional or mistyped year barely moves it: however large the
   outlier, it changes only the *n* − 1 pairwise slopes it is part of, so the
   median moves by at most a few ranks — not at all on a perfectly straight
   series, a little on a noisy one, and by an amount bounded whatever the
   outlier's size; up to about 29 % of the years can be wrong before the slope
   breaks down. (The interval's spread *s* does grow with an outlier: the
   interval widens rather than the trend moving.)
2. **How sure the slope is.** The interval of the slope is the rank-based one
   of Sen (1968): with the *N* pairwise slopes sorted and
   ``C = z·√(n(n−1)(2n+5)/18)`` (from the distribution of Kendall's statistic,
   *z* = 1.645 for 90 %), the bounds are the slopes of ranks ``(N − C)/2`` and
   ``(N + C)/2 + 1``. It is shown, not used for the forecast's interval.
3. **Forecast of the target year.** The point forecast is the trend line at
   that year. Its interval is the prediction interval of a straight line
   with normal yearly noise: ``t · s · √(1 + 1/n + (year − mean year)² / Sxx)``,
   with *s* the spread of the years around the trend (``√(Σ residual² / (n − 2))``)
   and *t* Student's quantile for *n* − 2 degrees of freedom (6.31 with 3 years,
   1.94 with 8, for 90 %). On simulated series its coverage matches the stated
   level (90 % ± 2 points for 5 and 9 years, one and five years ahead;
   ``tests/test_forecast.py`` measures it); the earlier combination of the
   slope interval and a median-based spread covered 99 % with 5 years and
   86 % with 9. An interval that the indicator's bounds (0–100 %) would close to
   a point keeps its width below the bound.
4. **Status.** *Achieved*: the latest value already meets the target. If the
   target year has passed without meeting it: *off track*. Otherwise, with at
   least three years of data: *on track* when the forecast meets the target,
   *at risk* when it does not but the interval reaches it, *off track* when even
   the interval does not reach it. With fewer than three years there is no
   forecast: *at risk* (not enough data to tell). No value at all: *no data*.
5. **A value to check.** A latest value far outside the unit's own series (a
   mistyped 360 for 36) is flagged and does not decide: the status is taken
   from the years before it until someone checks it. "Far" is both more than
   3.5 robust standard deviations from the trend of the earlier years (the
   modified z-score of Iglewicz and Hoaglin) and more than half of the
   level; it needs four years.

Comparators: at least (≥), at most (≤), within a range, and "about" a value
(within ``tolerance``, by default 2 % of the value, on either side).
"""

from __future__ import annotations

import dataclasses
import math
import statistics
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

__all__ = [
    "ACHIEVED",
    "AT_RISK",
    "NO_DATA",
    "OFF_TRACK",
    "ON_TRACK",
    "STATUS_ORDER",
    "Assessment",
    "Forecast",
    "TargetSpec",
    "assess",
    "forecast",
    "gap_to",
    "is_outlier",
    "meets",
    "t_quantile",
    "theil_sen",
]

ACHIEVED = "achieved"
ON_TRACK = "on_track"
AT_RISK = "at_risk"
OFF_TRACK = "off_track"
NO_DATA = "no_data"
#: Worst first: how the "targets still far off" list is sorted.
STATUS_ORDER = (OFF_TRACK, AT_RISK, NO_DATA, ON_TRACK, ACHIEVED)

MIN_POINTS = 3
DEFAULT_CONFIDENCE = 0.90
ABOUT_TOLERANCE = 0.02
MAD_TO_SD = 1.4826  # the MAD of a normal sample times this estimates its standard deviation

# Reasons, for the page to explain a status (translated there).
REASON_NO_VALUES = "no_values"
REASON_MET = "met"
REASON_YEAR_PASSED = "year_passed"
REASON_NO_TARGET_YEAR_VALUE = "no_target_year_value"
REASON_TOO_FEW = "too_few_years"
REASON_FORECAST_MEETS = "forecast_meets"
REASON_INTERVAL_REACHES = "interval_reaches"
REASON_INTERVAL_MISSES = "interval_misses"
REASON_CHECK_VALUE = "check_value"
OUTLIER_Z = 3.5
OUTLIER_SHARE = 0.5


@dataclass(frozen=True)
class TargetSpec:
    """What is wanted: ``comparator`` is ">=", "<=", "range" (``low``–``high``) or "about" ``value``."""

    comparator: str
    year: int
    value: float | None = None
    low: float | None = None
    high: float | None = None
    tolerance: float | None = None

    def bounds(self) -> tuple[float, float]:
        """The target as an interval of acceptable values."""
        if self.comparator == ">=":
            return (_required(self.value), math.inf)
        if self.comparator == "<=":
            return (-math.inf, _required(self.value))
        if self.comparator == "range":
            return (_required(self.low), _required(self.high))
        if self.comparator == "about":
            if self.low is not None and self.high is not None:
                return (self.low, self.high)
            value = _required(self.value)
            tolerance = self.tolerance if self.tolerance is not None else abs(value) * ABOUT_TOLERANCE
            return (value - tolerance, value + tolerance)
        raise ValueError(f"unknown comparator {self.comparator!r}")

    @property
    def reference(self) -> float:
        """One number for the target (for relative gaps)."""
        if self.value is not None:
            return self.value
        low, high = self.bounds()
        return (low + high) / 2


def _required(value: float | None) -> float:
    if value is None:
        raise ValueError("the target needs a value for this comparator")
    return value


def meets(value: float, target: TargetSpec) -> bool:
    low, high = target.bounds()
    return low <= value <= high


def gap_to(value: float, target: TargetSpec) -> float:
    """How far ``value`` is from the acceptable values (0 when it meets the target)."""
    low, high = target.bounds()
    if value < low:
        return low - value
    if value > high:
        return value - high
    return 0.0


@dataclass(frozen=True)
class Forecast:
    year: int
    value: float
    low: float
    high: float
    slope: float
    slope_low: float
    slope_high: float
    intercept: float
    points: int
    confidence: float
    method: str = "theil-sen"


@dataclass(frozen=True)
class Assessment:
    status: str
    reason: str
    target: TargetSpec
    latest_year: int | None = None
    latest_value: float | None = None
    #: still to go from the latest value (0 when met); relative: divided by |target|
    gap: float | None = None
    gap_relative: float | None = None
    forecast: Forecast | None = None
    #: the years whose value is far outside the unit's series (to check; they did not decide)
    flagged: tuple[int, ...] = ()


def _clean(series: Iterable[tuple[float, float | None]]) -> list[tuple[float, float]]:
    points = sorted((float(x), float(y)) for x, y in series if y is not None and math.isfinite(y))
    return points


def _pairwise_slopes(points: Sequence[tuple[float, float]]) -> list[float]:
    return sorted(
        (y2 - y1) / (x2 - x1) for i, (x1, y1) in enumerate(points) for x2, y2 in points[i + 1 :] if x2 != x1
    )


def theil_sen(series: Iterable[tuple[float, float | None]]) -> tuple[float, float]:
    """(slope, intercept) of the Theil–Sen line; missing values (None) are skipped."""
    points = _clean(series)
    slopes = _pairwise_slopes(points)
    if not slopes:
        raise ValueError("the Theil–Sen line needs two points at different years")
    slope = statistics.median(slopes)
    intercept = statistics.median(y - slope * x for x, y in points)
    return slope, intercept


def _slope_interval(slopes: Sequence[float], n: int, z: float) -> tuple[float, float]:
    count = len(slopes)
    c = z * math.sqrt(n * (n - 1) * (2 * n + 5) / 18)
    lower_rank = math.floor((count - c) / 2)  # 1-based rank, rounded outwards
    upper_rank = math.ceil((count + c) / 2) + 1
    lower = slopes[min(max(lower_rank, 1), count) - 1]
    upper = slopes[min(max(upper_rank, 1), count) - 1]
    return lower, upper


Bounds = tuple[float | None, float | None]


def _clamp(value: float, bounds: Bounds) -> float:
    low, high = bounds
    if low is not None:
        value = max(low, value)
    if high is not None:
        value = min(high, value)
    return value


def forecast(
    series: Iterable[tuple[float, float | None]],
    year: int,
    *,
    confidence: float = DEFAULT_CONFIDENCE,
    bounds: Bounds = (None, None),
) -> Forecast | None:
    """The trend's value in ``year`` with its interval; None with fewer than three values.

    ``bounds`` keeps the forecast and its interval within what the indicator can
    take (a share between 0 and 100 %, a count not below 0): a straight trend
    would otherwise promise 102 % of people able to read.
    """
    points = _clean(series)
    if len({x for x, _y in points}) < MIN_POINTS:
        return None
    z = statistics.NormalDist().inv_cdf(0.5 + confidence / 2)
    slopes = _pairwise_slopes(points)
    slope = statistics.median(slopes)
    intercept = statistics.median(y - slope * x for x, y in points)
    slope_low, slope_high = _slope_interval(slopes, len(points), z)
    value = intercept + slope * year
    n = len(points)
    residuals = [y - (intercept + slope * x) for x, y in points]
    spread = math.sqrt(sum(r * r for r in residuals) / (n - 2))
    x_mean = sum(x for x, _y in points) / n
    sxx = sum((x - x_mean) ** 2 for x, _y in points)
    half = (
        t_quantile(0.5 + confidence / 2, n - 2) * spread * math.sqrt(1 + 1 / n + (year - x_mean) ** 2 / sxx)
    )
    low, high = _clamp(value - half, bounds), _clamp(value + half, bounds)
    if low == high and half > 0:
        # The whole interval lies beyond a bound (a share past 100 %): keep its width below it.
        low, high = (
            (_clamp(high - 2 * half, bounds), high)
            if bounds[1] == high
            else (low, _clamp(low + 2 * half, bounds))
        )
    return Forecast(
        year=year,
        value=_clamp(value, bounds),
        low=low,
        high=high,
        slope=slope,
        slope_low=slope_low,
        slope_high=slope_high,
        intercept=intercept,
        points=n,
        confidence=confidence,
    )


def t_quantile(p: float, df: int) -> float:
    """Student's t quantile (``t_quantile(0.95, 3)`` = 2.353), by bisection on its distribution function."""
    if df < 1:
        raise ValueError("Student's t needs at least one degree of freedom")
    if p == 0.5:
        return 0.0
    if p < 0.5:
        return -t_quantile(1 - p, df)
    low, high = 0.0, 1.0
    while _t_cdf(high, df) < p:
        high *= 2
    for _step in range(80):
        middle = (low + high) / 2
        if _t_cdf(middle, df) < p:
            low = middle
        else:
            high = middle
    return (low + high) / 2


def _t_cdf(t: float, df: int) -> float:
    """P(T ≤ t) for t ≥ 0: 1 − ½·I_x(df/2, ½) with x = df / (df + t²)."""
    return 1 - 0.5 * _incomplete_beta(df / 2, 0.5, df / (df + t * t))


def _incomplete_beta(a: float, b: float, x: float) -> float:
    """The regularised incomplete beta function I_x(a, b) (continued fraction, Lentz's method)."""
    if x <= 0:
        return 0.0
    if x >= 1:
        return 1.0
    front = math.exp(
        math.lgamma(a + b) - math.lgamma(a) - math.lgamma(b) + a * math.log(x) + b * math.log(1 - x)
    )
    if x > (a + 1) / (a + b + 2):
        return 1 - _incomplete_beta(b, a, 1 - x)
    tiny = 1e-300
    c, d = 1.0, 1 - (a + b) * x / (a + 1)
    d = 1 / (d if abs(d) > tiny else tiny)
    result = d
    for m in range(1, 300):
        for numerator in (
            m * (b - m) * x / ((a + 2 * m - 1) * (a + 2 * m)),
            -(a + m) * (a + b + m) * x / ((a + 2 * m) * (a + 2 * m + 1)),
        ):
            d = 1 + numerator * d
            d = 1 / (d if abs(d) > tiny else tiny)
            c = 1 + numerator / c
            c = c if abs(c) > tiny else tiny
            result *= c * d
        if abs(c * d - 1) < 1e-15:
            break
    return front * result / a


def is_outlier(points: Sequence[tuple[float, float]], index: int = -1) -> bool:
    """Is the value at ``index`` far outside the trend of the other years (see the module's rule 5)?"""
    points = list(points)
    if len(points) < MIN_POINTS + 1:
        return False
    x, y = points[index]
    others = points[:index] + points[index + 1 :] if index != -1 else points[:-1]
    slope, intercept = theil_sen(others)
    residuals = [b - (intercept + slope * a) for a, b in others]
    centre = statistics.median(residuals)
    sigma = MAD_TO_SD * statistics.median(abs(r - centre) for r in residuals)
    level = abs(statistics.median(b for _a, b in others))
    deviation = abs(y - (intercept + slope * x))
    return deviation > OUTLIER_Z * sigma and deviation > OUTLIER_SHARE * level


def assess(
    series: Iterable[tuple[float, float | None]],
    target: TargetSpec,
    *,
    confidence: float = DEFAULT_CONFIDENCE,
    bounds: Bounds = (None, None),
    year_ended: bool = False,
) -> Assessment:
    """The status of ``target`` given the yearly ``series`` ``[(year, value or None), …]``.

    ``year_ended``: the target year is over (it is the caller's calendar that knows). Such a
    target is judged on the value of its own year — achieved or off track — and, while that
    value is missing, says so (``REASON_NO_TARGET_YEAR_VALUE``); it is never forecast, so never
    "on track".
    """
    points = _clean(series)
    if not points:
        return Assessment(NO_DATA, REASON_NO_VALUES, target)
    if is_outlier(points):
        # The latest value does not decide until it is checked: judge on the years before it.
        flagged = (int(points[-1][0]),)
        if year_ended and int(points[-1][0]) == target.year:
            return Assessment(NO_DATA, REASON_CHECK_VALUE, target, flagged=flagged)
        found = assess(points[:-1], target, confidence=confidence, bounds=bounds, year_ended=year_ended)
        return dataclasses.replace(found, flagged=flagged)
    if year_ended:
        return _judge_ended(points, target)
    latest_year, latest_value = points[-1]
    gap = gap_to(latest_value, target)
    reference = abs(target.reference) or 1.0
    common = {
        "target": target,
        "latest_year": int(latest_year),
        "latest_value": latest_value,
        "gap": gap,
        "gap_relative": gap / reference,
    }
    predicted = forecast(points, target.year, confidence=confidence, bounds=bounds)
    if gap == 0:
        return Assessment(ACHIEVED, REASON_MET, forecast=predicted, **common)
    if latest_year >= target.year:
        return Assessment(OFF_TRACK, REASON_YEAR_PASSED, forecast=predicted, **common)
    if predicted is None:
        return Assessment(AT_RISK, REASON_TOO_FEW, **common)
    if meets(predicted.value, target):
        return Assessment(ON_TRACK, REASON_FORECAST_MEETS, forecast=predicted, **common)
    low, high = target.bounds()
    if predicted.high >= low and predicted.low <= high:
        return Assessment(AT_RISK, REASON_INTERVAL_REACHES, forecast=predicted, **common)
    return Assessment(OFF_TRACK, REASON_INTERVAL_MISSES, forecast=predicted, **common)


def _judge_ended(points: list[tuple[float, float]], target: TargetSpec) -> Assessment:
    """A target whose year is over: the value of that year decides, nothing else."""
    latest_year, latest_value = points[-1]
    reference = abs(target.reference) or 1.0
    of_year = [value for year, value in points if int(year) == target.year]
    if not of_year:
        gap = gap_to(latest_value, target)
        return Assessment(
            NO_DATA,
            REASON_NO_TARGET_YEAR_VALUE,
            target,
            latest_year=int(latest_year),
            latest_value=latest_value,
            gap=gap,
            gap_relative=gap / reference,
        )
    value = of_year[-1]
    gap = gap_to(value, target)
    status, reason = (ACHIEVED, REASON_MET) if gap == 0 else (OFF_TRACK, REASON_YEAR_PASSED)
    return Assessment(
        status,
        reason,
        target,
        latest_year=target.year,
        latest_value=value,
        gap=gap,
        gap_relative=gap / reference,
    )
