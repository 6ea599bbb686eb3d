"""Targets against the data: latest value, gap, forecast and status, for a unit; the far-off list.

The arithmetic is :mod:`gemis.indicators.forecast` (pure Python); this module
reads the series with :mod:`gemis.indicators.aggregate` and adds the words a
page shows. A national target is measured for whichever unit is looked at (a
province compares itself with the strategy); a local target for its own unit.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from gemis.indicators import forecast as fc
from gemis.indicators.aggregate import IndicatorResult, indicator_values
from gemis.indicators.models import Indicator, IndicatorKind, Target
from gemis.orgs import access
from gemis.orgs.models import OrgUnit

FIRST_YEAR = 2010

STATUS_LABELS = {
    fc.ACHIEVED: _("Achieved"),
    fc.ON_TRACK: _("On track"),
    fc.AT_RISK: _("At risk"),
    fc.OFF_TRACK: _("Off track"),
    fc.NO_DATA: _("No data"),
}
REASON_TEXTS = {
    fc.REASON_NO_VALUES: _("No value has been reported yet."),
    fc.REASON_MET: _("The latest value already meets the target."),
    fc.REASON_YEAR_PASSED: _("The target year has passed and the target was not met."),
    fc.REASON_NO_TARGET_YEAR_VALUE: _(
        "The target year has ended and its figure has not been reported yet: it cannot be judged."
    ),
    fc.REASON_TOO_FEW: _("Fewer than three years of data: too few to forecast."),
    fc.REASON_FORECAST_MEETS: _("The trend reaches the target by the target year."),
    fc.REASON_INTERVAL_REACHES: _(
        "The trend falls short, but the target is within the forecast interval: it can still be met."
    ),
    fc.REASON_INTERVAL_MISSES: _("Even the optimistic end of the forecast interval misses the target."),
    fc.REASON_CHECK_VALUE: _(
        "The value of the target year is far outside the unit's own series: it must be checked before it "
        "can decide."
    ),
}
FLAGGED_TEXT = _(
    "The value of %(year)s is far outside the unit's own series and was not used: check it in the data entry."
)
METHOD_TEXT = _(
    "Trend: the Theil–Sen line, whose slope is the median of the slopes between every pair of years, so "
    "that one exceptional or mistyped year barely moves it. Interval: the prediction interval of a straight "
    "line at 90 % (Student's t with the spread of the years around the trend), checked on simulated series "
    "to cover the value nine times in ten. Status: achieved if the latest value meets the target (once the "
    "target year has ended, the value of that year decides, and without it the target is not judged); on "
    "track if the trend meets it in the target year; at risk if only the interval reaches it (or there are "
    "fewer than three years of data); off track if even the interval misses it or the year has passed. A "
    "latest value far outside the unit's own series is flagged and does not decide until it is checked; a "
    "figure too few units have reported yet is shown as provisional and does not decide either."
)


def deciding_places(value: float | None, target: Target, places: int = 1, most: int = 4) -> int:
    """How many decimals show ``value`` beside its target without misleading: 94.96 against "≥ 95" is
    "94,96", not "95,0" (which would read as met)."""
    if value is None:
        return places
    spec = target_spec(target)
    truth = fc.meets(value, spec)
    while places < most and fc.meets(round(value, places), spec) != truth:
        places += 1
    return places


@dataclass(frozen=True)
class TargetReport:
    """A target for a unit. ``series`` holds the figures that may decide (complete enough, see
    ``aggregate.IndicatorResult.is_provisional``); ``results`` every year's figure with its coverage."""

    target: Target
    unit: OrgUnit
    series: list[tuple[int, float | None]]
    assessment: fc.Assessment
    results: dict[int, IndicatorResult] = field(default_factory=dict)

    @property
    def latest_result(self) -> IndicatorResult | None:
        """The figure the status rests on, with how many units it covers."""
        year = self.assessment.latest_year
        return self.results.get(year) if year is not None else None

    @property
    def provisional(self) -> IndicatorResult | None:
        """A later figure shown but not used: too few units have reported it yet."""
        latest = self.assessment.latest_year or 0
        later = [r for y, r in sorted(self.results.items()) if y > latest and r.is_provisional]
        return later[-1] if later else None

    @property
    def status(self) -> str:
        return self.assessment.status

    @property
    def status_label(self) -> Any:
        return STATUS_LABELS[self.assessment.status]

    @property
    def reason_text(self) -> Any:
        return REASON_TEXTS[self.assessment.reason]


def target_spec(target: Target) -> fc.TargetSpec:
    return fc.TargetSpec(
        comparator=target.comparator, year=target.year, value=target.value, low=target.low, high=target.high
    )


def assess_target(
    target: Target,
    unit: OrgUnit | None = None,
    *,
    today: dt.date | None = None,
    first_year: int = FIRST_YEAR,
    options: dict[str, str] | None = None,
) -> TargetReport:
    """Where ``target`` stands for ``unit`` (a local target's own unit by default)."""
    unit = unit or target.org_unit
    if unit is None:
        raise ValueError("a national target is measured for a unit: pass one")
    this_year = (today or timezone.localdate()).year
    last_year = min(this_year, target.year)
    codes = [str(year) for year in range(first_year, last_year + 1)]
    found = indicator_values(target.indicator, [unit], codes, options=options)
    results = {int(code): found[(unit.pk, code)] for code in codes}
    # A figure too few units have reported neither decides "achieved" nor feeds the trend.
    series = [(year, None if r.is_provisional else r.value) for year, r in results.items()]
    bounds = value_bounds(target.indicator)
    assessment = fc.assess(series, target_spec(target), bounds=bounds, year_ended=target.year < this_year)
    return TargetReport(target, unit, series, assessment, results)


def value_bounds(indicator: Indicator) -> fc.Bounds:
    """What the indicator's values can be: a percentage 0–100, everything else at least 0."""
    return (0.0, 100.0) if indicator.kind == IndicatorKind.PERCENTAGE else (0.0, None)


def targets_overview(
    user: Any, unit: OrgUnit, *, year: int | None = None, today: dt.date | None = None
) -> list[TargetReport]:
    """Every target the user may read that applies to ``unit`` (national and its own), worst first."""
    readable = access.filter_for(user, Target.objects.all())
    targets = readable.filter(org_unit__isnull=True) | readable.filter(org_unit=unit)
    targets = targets.select_related("indicator", "org_unit")
    if year is not None:
        targets = targets.filter(year=year)
    reports = [assess_target(t, unit, today=today) for t in targets]
    return sorted(reports, key=_worst_first)


def far_off_targets(user: Any, unit: OrgUnit, *, today: dt.date | None = None) -> list[TargetReport]:
    """The "targets still far off" list: off track, at risk, or past their year without its figure."""
    return [
        r
        for r in targets_overview(user, unit, today=today)
        if r.status in (fc.OFF_TRACK, fc.AT_RISK) or r.assessment.reason == fc.REASON_NO_TARGET_YEAR_VALUE
    ]


def _worst_first(report: TargetReport) -> tuple[int, float, int, str]:
    a = report.assessment
    return (fc.STATUS_ORDER.index(a.status), -(a.gap_relative or 0.0), report.target.year, report.target.code)
