"""What the dashboards show: targets with their status, gender gaps, the province dashboard — and
the pieces the indicator page (:mod:`.indicator_page`) and the unit profile (:mod:`.profiles`)
share: figures with small cells suppressed, charts and their data as tables.

Every figure comes from :mod:`gemis.indicators.aggregate` (ratios recomputed
from summed numerators and denominators) and every status from
:mod:`gemis.indicators.target_rules`; this module only chooses what to show and
shapes it for the page and its downloads.

Small cells of violence figures are hidden, with the cells that would give
them back by subtraction, by :mod:`gemis.indicators.disclosure`; every figure
a page shows goes through :func:`figure` with its decision.
"""

from __future__ import annotations

import datetime as dt
import json
import math
from dataclasses import dataclass, field
from typing import Any

from django.core.serializers.json import DjangoJSONEncoder
from django.utils.translation import gettext as _

from gemis.core import numbers
from gemis.indicators import disclosure, target_rules
from gemis.indicators import forecast as fc
from gemis.indicators.aggregate import IndicatorResult, indicator_values, is_sex_disaggregable, sources_for
from gemis.indicators.models import DataValue, Indicator, Target, ValueRollup
from gemis.orgs import access
from gemis.orgs.models import OrgUnit, Scheme

FIRST_YEAR = 2010
SMALL_CELL = disclosure.SMALL_CELL
MIN_PROVINCES_FOR_COUNTRY = 3
SEXES = (("male", "Nam"), ("female", "Nữ"))


# --------------------------------------------------------------------------- units


def home_unit(user: Any, requested: str | int | None = None) -> OrgUnit | None:
    """The unit a dashboard opens on: the one asked for (if the person may read it), else their own."""
    if requested not in (None, ""):
        return access.get_for(user, OrgUnit, pk=requested)
    units = list(access.top_units(user).order_by("depth", "path"))
    current = [u for u in units if u.scheme == Scheme.CURRENT]
    return (current or units or [None])[0]


def picker_units(user: Any, unit: OrgUnit) -> list[tuple[str, list[OrgUnit]]]:
    """The unit switch of the dashboards, in groups: the person's own units, the units above the one
    shown and the units directly under it (those the person may read)."""
    visible = access.visible_units(user)
    own = list(access.top_units(user).order_by("scheme", "path"))
    above_codes = [u.pk for u in unit.ancestors()]
    above = list(visible.filter(pk__in=above_codes).order_by("depth")) if above_codes else []
    below = list(visible.filter(parent=unit).order_by("name"))
    seen = {u.pk for u in own}
    groups = [(_("Your units"), own)]
    if above := [u for u in above if u.pk not in seen]:
        groups.append((_("Above %(unit)s") % {"unit": unit.name}, above))
    if below := [u for u in below if u.pk not in seen]:
        groups.append((_("Under %(unit)s") % {"unit": unit.name}, below))
    return groups


def province_of(unit: OrgUnit) -> OrgUnit:
    ancestors = unit.ancestors()
    return ancestors[0] if ancestors else unit


# --------------------------------------------------------------------------- figures


@dataclass(frozen=True)
class Figure:
    value: float | None
    suppressed: bool = False
    note: str = ""
    #: how many of the units that should report it did (0/0: a single unit's own figure)
    reported: int = 0
    expected: int = 0
    provisional: bool = False
    #: why it is hidden: disclosure.SMALL (fewer than 5 people) or disclosure.COMPLEMENT
    why: str = ""

    @property
    def shown(self) -> float | None:
        """The value if it may be shown (a chart's data point)."""
        return None if self.suppressed else self.value

    @property
    def hidden_label(self) -> str:
        return disclosure.hidden_label(self.why)


def figure(
    indicator: Indicator, unit: OrgUnit | None, result: IndicatorResult | None, why: str | None = None
) -> Figure:
    """A figure as a page shows it; ``why`` (from :class:`disclosure.Disclosure`) hides it."""
    if why:
        return Figure(None, True, why=why)
    if result is None:
        return Figure(None)
    return Figure(result.value, False, result.note, result.reported, result.expected, result.is_provisional)


def years_until(today: dt.date) -> list[str]:
    return [str(y) for y in range(FIRST_YEAR, today.year + 1)]


def yearly_values(indicator: Indicator, unit: OrgUnit, today: dt.date, options: dict[str, str] | None = None):
    codes = years_until(today)
    found = indicator_values(indicator, [unit], codes, options=options)
    return [(int(code), found[(unit.pk, code)]) for code in codes]


def indicators_with_data(unit: OrgUnit, user: Any = None) -> list[Indicator]:
    """The indicators with at least one value at or below the unit (or the legacy units it took over).

    With ``user``, only those the person may read: another province's local indicators never show,
    even if their values sit in a unit both can see.
    """
    sources = [src for src, _w, _whole in sources_for([unit])[unit.pk]]
    elements = set(
        ValueRollup.objects.filter(org_unit_id__in=sources, count__gt=0).values_list(
            "data_element__code", flat=True
        )
    ) | set(DataValue.objects.filter(org_unit_id__in=sources).values_list("data_element__code", flat=True))
    found = []
    indicators = Indicator.objects.select_related("group").order_by("code")
    if user is not None:
        indicators = access.filter_for(user, indicators)
    for indicator in indicators:
        codes = [t["element"] for t in indicator.numerator]
        if codes and set(codes) & elements:
            found.append(indicator)
    return found


# --------------------------------------------------------------------------- tables and charts


@dataclass
class Chart:
    """A chart and the table of its data (the page draws the one, the downloads write the other)."""

    id: str
    kind: str  # "line" or "bar"
    title: str
    categories: list[str]
    series: list[dict[str, Any]]
    headers: list[str]
    rows: list[list[Any]]
    unit_label: str = ""
    target: dict[str, Any] | None = None
    band: dict[str, Any] | None = None
    horizontal: bool = False

    def spec(self) -> dict[str, Any]:
        """What the page's chart script draws; always valid JSON (see :func:`finite`)."""
        return finite(self._spec())

    def _spec(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "kind": self.kind,
            "title": self.title,
            "categories": self.categories,
            "series": self.series,
            "unit": self.unit_label,
            "target": self.target,
            "band": self.band,
            "horizontal": self.horizontal,
            "labels": {
                "download": _("Download as PNG"),
                "forecast": _("Forecast"),
                "interval": _("Interval"),
            },
        }


def finite(data: Any) -> Any:
    """``data`` with every non-finite number (inf, NaN) replaced by None (a gap in the chart).

    Python's JSON writes them as ``Infinity``/``NaN``, which is not JSON: the browser's parser
    refuses the whole page's specs and no chart draws. A corrupt stored figure must cost one point,
    not every chart.
    """
    if isinstance(data, float):
        return data if math.isfinite(data) else None
    if isinstance(data, dict):
        return {key: finite(value) for key, value in data.items()}
    if isinstance(data, list | tuple):
        return [finite(value) for value in data]
    return data


def chart_specs(charts: list[Chart]) -> list[dict[str, Any]]:
    """The specs of a page's charts, checked to be strict JSON (raises ValueError otherwise)."""
    specs = [chart.spec() for chart in charts]
    json.dumps(specs, cls=DjangoJSONEncoder, allow_nan=False)
    return specs


# --------------------------------------------------------------------------- targets


@dataclass
class TargetRow:
    report: target_rules.TargetReport
    #: the latest figure is a small violence count (or protects one): value, gap and forecast hidden
    why: str = ""

    @property
    def hidden_label(self) -> str:
        return disclosure.hidden_label(self.why)

    @property
    def latest_places(self) -> int:
        """Decimals of the latest value: one, or as many as show which side of the target it lies."""
        return target_rules.deciding_places(self.assessment.latest_value, self.target, self.places)

    @property
    def forecast_places(self) -> int:
        value = self.forecast.value if self.forecast else None
        return target_rules.deciding_places(value, self.target, self.places)

    @property
    def places(self) -> int:
        """One precision per kind of figure: counts whole, shares and rates to one decimal."""
        return 1 if self.target.indicator.is_ratio else 0

    @property
    def flagged_text(self) -> str:
        """Says which year's value was set aside as far outside the series ("" if none)."""
        flagged = self.assessment.flagged
        return str(target_rules.FLAGGED_TEXT % {"year": flagged[-1]}) if flagged else ""

    @property
    def target(self) -> Target:
        return self.report.target

    @property
    def assessment(self) -> fc.Assessment:
        return self.report.assessment

    @property
    def forecast(self) -> fc.Forecast | None:
        return self.report.assessment.forecast

    @property
    def status(self) -> str:
        return self.report.status

    @property
    def wanted(self) -> str:
        """The target as "≥ 35", "≤ 1,4", "109–111", "≈ 111"."""
        t = self.target
        if t.comparator == "range":
            return f"{numbers.show(t.low)}–{numbers.show(t.high)}"
        sign = {">=": "≥", "<=": "≤", "about": "≈"}.get(t.comparator, "")
        return f"{sign} {numbers.show(t.value)}"


def target_rows(user: Any, unit: OrgUnit, today: dt.date, *, far_only: bool = False) -> list[TargetRow]:
    """The targets that apply to the unit, worst first; ``far_only``: off track and at risk only."""
    if far_only:
        reports = target_rules.far_off_targets(user, unit, today=today)
    else:
        reports = target_rules.targets_overview(user, unit, today=today)
    protect = disclosure.Disclosure(user)
    return [TargetRow(r, protect.target_hidden(r) or "") for r in reports]


def status_counts(rows: list[TargetRow]) -> list[tuple[str, str, int]]:
    return [
        (status, str(target_rules.STATUS_LABELS[status]), sum(1 for r in rows if r.status == status))
        for status in fc.STATUS_ORDER
    ]


# --------------------------------------------------------------------------- gender gaps


@dataclass
class GenderGap:
    indicator: Indicator
    year: int | None
    male: Figure
    female: Figure
    total: Figure

    @property
    def gap(self) -> float | None:
        """Women minus men (in the indicator's unit: points for a percentage)."""
        if self.male.shown is None or self.female.shown is None:
            return None
        return self.female.shown - self.male.shown


def gender_gaps(
    unit: OrgUnit, today: dt.date, indicators: list[Indicator] | None = None, *, user: Any = None
) -> list[GenderGap]:
    """Male and female side by side for the latest year with data, the widest gaps (relative) first."""
    gaps = []
    protect = disclosure.Disclosure(user)
    for indicator in indicators if indicators is not None else indicators_with_data(unit, user):
        if not is_sex_disaggregable(indicator):
            continue
        total = yearly_values(indicator, unit, today)
        latest = [(year, r) for year, r in total if r.value is not None]
        if not latest:
            continue
        year, total_result = latest[-1]
        found = {
            sex: indicator_values(indicator, [unit], [str(year)], options={"sex": sex})[(unit.pk, str(year))]
            for sex, _label in SEXES
        }
        code = str(year)
        gap = GenderGap(
            indicator,
            year,
            figure(indicator, unit, found["male"], protect.hidden(indicator, unit, code, "male")),
            figure(indicator, unit, found["female"], protect.hidden(indicator, unit, code, "female")),
            figure(indicator, unit, total_result, protect.hidden(indicator, unit, code)),
        )
        if gap.male.value is None and gap.female.value is None:
            continue
        gaps.append(gap)

    def size(g: GenderGap) -> float:
        if g.gap is None:
            return -1.0
        base = max(abs(g.male.shown or 0), abs(g.female.shown or 0)) or 1.0
        return abs(g.gap) / base

    return sorted(gaps, key=size, reverse=True)


def gaps_chart(gaps: list[GenderGap]) -> Chart:
    # Shares and rates share a scale; counts only when there is nothing else to draw.
    ratio = ([g for g in gaps if g.indicator.is_ratio] or gaps)[:10]
    labels = [g.indicator.code for g in ratio]
    return Chart(
        id="gender-gaps",
        kind="bar",
        title=_("Men and women, latest year"),
        categories=labels,
        series=[
            {"name": _("Male"), "sex": "male", "data": [rounded(g.male.shown) for g in ratio]},
            {"name": _("Female"), "sex": "female", "data": [rounded(g.female.shown) for g in ratio]},
        ],
        headers=[_("Code"), _("Indicator"), _("Year"), _("Male"), _("Female"), _("Female − male")],
        rows=[
            [
                g.indicator.code,
                g.indicator.name,
                g.year,
                chart_cell(g.male),
                chart_cell(g.female),
                rounded(g.gap),
            ]
            for g in gaps
        ],
        horizontal=True,
    )


def rounded(value: float | None, places: int = 2) -> float | None:
    return None if value is None else round(value, places)


def chart_cell(f: Figure) -> Any:
    return f.hidden_label if f.suppressed else rounded(f.value)


# --------------------------------------------------------------------------- the province dashboard


@dataclass
class Dashboard:
    unit: OrgUnit
    targets: list[TargetRow]
    counts: list[tuple[str, str, int]]
    gaps: list[GenderGap]
    charts: list[Chart] = field(default_factory=list)


def province_dashboard(user: Any, unit: OrgUnit, today: dt.date) -> Dashboard:
    rows = target_rows(user, unit, today)
    gaps = gender_gaps(unit, today, user=user)
    status_chart = Chart(
        id="target-status",
        kind="bar",
        title=_("Targets by status"),
        categories=[label for _s, label, _n in status_counts(rows)],
        series=[{"name": _("Targets"), "data": [n for _s, _l, n in status_counts(rows)]}],
        headers=[_("Status"), _("Targets")],
        rows=[[label, n] for _s, label, n in status_counts(rows)],
        horizontal=True,
    )
    return Dashboard(unit, rows, status_counts(rows), gaps, [status_chart, gaps_chart(gaps)])


def find_chart(charts: list[Chart], chart_id: str) -> Chart | None:
    return next((c for c in charts if c.id == chart_id), None)
