"""What the dashboards show: targets with their status, gender gaps, an indicator's series and
breakdown, a unit against its province and the country — and the charts' data as tables.

Every figure comes from :mod:`gemis.indicators.aggregate` (ratios recomputed
from summed numerators and denominators) and every status from
:mod:`gemis.indicators.targets`; this module only chooses what to show and
shapes it for the page and its downloads.

Small cells: DESIGN says GBV data is aggregates only and small cells are
suppressed below province level. The domain stores aggregates only; this
module suppresses a figure of a sensitive indicator (``Indicator.sensitive``:
gender-based violence, set by the loader from the indicator's text) for a
unit below a province when its numerator or denominator is 1 to
:data:`SMALL_CELL` − 1 (the page shows "< 5"), everywhere it is shown and
downloaded.
"""

from __future__ import annotations

import datetime as dt
import json
import math
from dataclasses import dataclass, field
from typing import Any

from django.core.serializers.json import DjangoJSONEncoder
from django.db.models import Q
from django.utils.translation import gettext as _

from gemis.core import numbers
from gemis.indicators import forecast as fc
from gemis.indicators import targets as target_rules
from gemis.indicators.aggregate import IndicatorResult, indicator_values, sources_for
from gemis.indicators.models import DataValue, Indicator, Target, ValueRollup
from gemis.orgs import access
from gemis.orgs.models import OrgUnit, Scheme, Tier

FIRST_YEAR = 2010
SMALL_CELL = 5
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


def is_gbv(indicator: Indicator) -> bool:
    """Are the indicator's figures sensitive (gender-based violence)? Set on the indicator, by the loader."""
    return indicator.sensitive


def is_suppressed(indicator: Indicator, unit: OrgUnit, result: IndicatorResult | None) -> bool:
    if result is None or result.value is None or unit.tier == Tier.PROVINCE or not is_gbv(indicator):
        return False
    small = [x for x in (result.numerator, result.denominator) if x is not None and 0 < x < SMALL_CELL]
    return bool(small)


@dataclass(frozen=True)
class Figure:
    value: float | None
    suppressed: bool = False
    note: str = ""

    @property
    def shown(self) -> float | None:
        """The value if it may be shown (a chart's data point)."""
        return None if self.suppressed else self.value


def figure(indicator: Indicator, unit: OrgUnit, result: IndicatorResult | None) -> Figure:
    if is_suppressed(indicator, unit, result):
        return Figure(None, True)
    if result is None:
        return Figure(None)
    return Figure(result.value, False, result.note)


def years_until(today: dt.date) -> list[str]:
    return [str(y) for y in range(FIRST_YEAR, today.year + 1)]


def _series(indicator: Indicator, unit: OrgUnit, today: dt.date, options: dict[str, str] | None = None):
    codes = years_until(today)
    found = indicator_values(indicator, [unit], codes, options=options)
    return [(int(code), found[(unit.pk, code)]) for code in codes]


def is_sex_disaggregable(indicator: Indicator) -> bool:
    """Can the indicator be split by sex (its terms do not already fix the sex)?"""
    if "sex" not in (indicator.disaggregations or []):
        return False
    terms = [*indicator.numerator, *indicator.denominator]
    return not any("sex" in t.get("options", {}) for t in terms)


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
    return [TargetRow(r) for r in reports]


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
    for indicator in indicators if indicators is not None else indicators_with_data(unit, user):
        if not is_sex_disaggregable(indicator):
            continue
        total = _series(indicator, unit, today)
        latest = [(year, r) for year, r in total if r.value is not None]
        if not latest:
            continue
        year, total_result = latest[-1]
        found = {
            sex: indicator_values(indicator, [unit], [str(year)], options={"sex": sex})[(unit.pk, str(year))]
            for sex, _label in SEXES
        }
        gap = GenderGap(
            indicator,
            year,
            figure(indicator, unit, found["male"]),
            figure(indicator, unit, found["female"]),
            figure(indicator, unit, total_result),
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
            {"name": _("Male"), "data": [_round(g.male.shown) for g in ratio]},
            {"name": _("Female"), "data": [_round(g.female.shown) for g in ratio]},
        ],
        headers=[_("Code"), _("Indicator"), _("Year"), _("Male"), _("Female"), _("Female − male")],
        rows=[
            [
                g.indicator.code,
                g.indicator.name,
                g.year,
                _cell(g.male),
                _cell(g.female),
                _round(g.gap),
            ]
            for g in gaps
        ],
        horizontal=True,
    )


def _round(value: float | None, places: int = 2) -> float | None:
    return None if value is None else round(value, places)


def _cell(f: Figure) -> Any:
    return f"< {SMALL_CELL}" if f.suppressed else _round(f.value)


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


# --------------------------------------------------------------------------- the indicator page


@dataclass
class UnitRow:
    unit: OrgUnit
    total: Figure
    male: Figure
    female: Figure


@dataclass
class IndicatorPage:
    indicator: Indicator
    unit: OrgUnit
    years: list[int]
    total: list[Figure]
    male: list[Figure]
    female: list[Figure]
    targets: list[TargetRow]
    main: TargetRow | None
    band: list[tuple[int, float, float, float]]
    breakdown_year: int | None
    breakdown: list[UnitRow]
    sex_split: bool
    charts: list[Chart]


def _main_target(rows: list[TargetRow], today: dt.date) -> TargetRow | None:
    future = [r for r in rows if r.target.year >= today.year]
    chosen = sorted(future, key=lambda r: r.target.year) or sorted(rows, key=lambda r: -r.target.year)
    return chosen[0] if chosen else None


def _band(
    series: list[tuple[int, float | None]], last_year: int, target_year: int, bounds: fc.Bounds = (None, None)
):
    """The forecast and its interval for every year from the last value to the target year."""
    band = []
    for year in range(last_year, target_year + 1):
        predicted = fc.forecast(series, year, bounds=bounds)
        if predicted is None:
            return []
        band.append((year, predicted.value, predicted.low, predicted.high))
    return band


def indicator_page(
    user: Any, indicator: Indicator, unit: OrgUnit, today: dt.date, year: int | None = None
) -> IndicatorPage:
    codes = years_until(today)
    sex_split = is_sex_disaggregable(indicator)
    totals = indicator_values(indicator, [unit], codes)
    by_sex = {
        sex: indicator_values(indicator, [unit], codes, options={"sex": sex}) if sex_split else {}
        for sex, _label in SEXES
    }
    years = [int(c) for c in codes]
    total = [figure(indicator, unit, totals[(unit.pk, c)]) for c in codes]
    male = [figure(indicator, unit, by_sex["male"].get((unit.pk, c))) for c in codes]
    female = [figure(indicator, unit, by_sex["female"].get((unit.pk, c))) for c in codes]
    # Trim the years before the first value (the chart starts with the data).
    first = next((i for i, f in enumerate(total) if f.value is not None or f.suppressed), len(years))
    first = min(first, max(0, len(years) - 1))
    years, total, male, female = years[first:], total[first:], male[first:], female[first:]

    applicable = (
        access.filter_for(user, Target.objects.all())
        .filter(indicator=indicator)
        .filter(Q(org_unit__isnull=True) | Q(org_unit=unit))
    )
    rows = [
        TargetRow(target_rules.assess_target(t, unit, today=today))
        for t in applicable.select_related("indicator", "org_unit")
    ]
    rows.sort(key=lambda r: (r.target.year, r.target.org_unit_id is not None))
    main = _main_target(rows, today)
    series = [(y, f.shown) for y, f in zip(years, total, strict=True)]
    with_values = [y for y, v in series if v is not None]
    bounds = target_rules.value_bounds(indicator)
    band = _band(series, with_values[-1], main.target.year, bounds) if main and with_values else []

    breakdown_year = year or (with_values[-1] if with_values else None)
    children = list(access.filter_for(user, OrgUnit.objects.filter(parent=unit)).order_by("code"))
    breakdown: list[UnitRow] = []
    if children and breakdown_year:
        code = str(breakdown_year)
        t = indicator_values(indicator, children, [code])
        m = indicator_values(indicator, children, [code], options={"sex": "male"}) if sex_split else {}
        f = indicator_values(indicator, children, [code], options={"sex": "female"}) if sex_split else {}
        breakdown = [
            UnitRow(
                child,
                figure(indicator, child, t[(child.pk, code)]),
                figure(indicator, child, m.get((child.pk, code))),
                figure(indicator, child, f.get((child.pk, code))),
            )
            for child in children
        ]
        # A ranking reads best: the highest first, units without a figure last.
        breakdown.sort(key=lambda r: (r.total.shown is None, -(r.total.shown or 0), r.unit.code))
    page = IndicatorPage(
        indicator,
        unit,
        years,
        total,
        male,
        female,
        rows,
        main,
        band,
        breakdown_year,
        breakdown,
        sex_split,
        [],
    )
    page.charts = [_series_chart(page), _breakdown_chart(page)]
    return page


def _series_chart(page: IndicatorPage) -> Chart:
    categories = [str(y) for y in page.years]
    band_years = [str(y) for y, *_rest in page.band]
    for year in band_years:
        if year not in categories:
            categories.append(year)
    pad = len(categories) - len(page.years)
    series = [
        {
            "name": _("Total"),
            "data": [_round(f.shown) for f in page.total] + [None] * pad,
            "dash": "solid",
            "symbol": "circle",
        }
    ]
    if page.sex_split:
        series += [
            {
                "name": _("Male"),
                "data": [_round(f.shown) for f in page.male] + [None] * pad,
                "dash": "dashed",
                "symbol": "triangle",
            },
            {
                "name": _("Female"),
                "data": [_round(f.shown) for f in page.female] + [None] * pad,
                "dash": "dotted",
                "symbol": "rect",
            },
        ]
    target = None
    if page.main is not None:
        t = page.main.target
        value = t.value if t.value is not None else (t.low + t.high) / 2 if t.low is not None else None
        if value is not None:
            target = {
                "value": value,
                "label": _("Target %(year)s: %(value)s") % {"year": t.year, "value": page.main.wanted},
            }
    band = None
    if page.band:
        offset = categories.index(str(page.band[0][0]))
        band = {
            "start": offset,
            "value": [_round(v) for _y, v, _lo, _hi in page.band],
            "low": [_round(lo) for _y, _v, lo, _hi in page.band],
            "high": [_round(hi) for _y, _v, _lo, hi in page.band],
        }
    headers = [_("Year"), _("Total")]
    if page.sex_split:
        headers += [_("Male"), _("Female")]
    headers += [_("Forecast"), _("Forecast: low"), _("Forecast: high")]
    by_band = {str(y): (v, lo, hi) for y, v, lo, hi in page.band}
    rows = []
    for index, year in enumerate(categories):
        row: list[Any] = [int(year)]
        if index < len(page.years):
            row.append(_cell(page.total[index]))
            if page.sex_split:
                row += [_cell(page.male[index]), _cell(page.female[index])]
        else:
            row += [None] * (3 if page.sex_split else 1)
        v, lo, hi = by_band.get(year, (None, None, None))
        row += [_round(v), _round(lo), _round(hi)]
        rows.append(row)
    return Chart(
        id="series",
        kind="line",
        title=_("%(code)s by year, %(unit)s") % {"code": page.indicator.code, "unit": page.unit.name},
        categories=categories,
        series=series,
        headers=headers,
        rows=rows,
        unit_label=page.indicator.unit_label,
        target=target,
        band=band,
    )


def _breakdown_chart(page: IndicatorPage) -> Chart:
    rows = page.breakdown
    series = [{"name": _("Total"), "data": [_round(r.total.shown) for r in rows]}]
    if page.sex_split:
        series = [
            {"name": _("Male"), "data": [_round(r.male.shown) for r in rows]},
            {"name": _("Female"), "data": [_round(r.female.shown) for r in rows]},
            *series,
        ]
    headers = [_("Unit"), _("Total")] + ([_("Male"), _("Female")] if page.sex_split else [])
    return Chart(
        id="breakdown",
        kind="bar",
        title=_("By unit, %(year)s") % {"year": page.breakdown_year or "—"},
        categories=[r.unit.short_name or r.unit.name for r in rows],
        series=series,
        headers=headers,
        rows=[
            [r.unit.name, _cell(r.total)] + ([_cell(r.male), _cell(r.female)] if page.sex_split else [])
            for r in rows
        ],
        unit_label=page.indicator.unit_label,
        horizontal=len(rows) > 8,
    )


# --------------------------------------------------------------------------- the unit profile


@dataclass
class ProfileRow:
    indicator: Indicator
    year: int
    unit: Figure
    province: Figure | None
    country: Figure | None
    male: Figure | None
    female: Figure | None


@dataclass
class Profile:
    unit: OrgUnit
    province: OrgUnit | None
    rows: list[ProfileRow]
    charts: list[Chart]
    country_provinces: int


def _country_units(unit: OrgUnit) -> list[OrgUnit]:
    return list(OrgUnit.objects.filter(parent__isnull=True, scheme=unit.scheme))


def unit_profile(user: Any, unit: OrgUnit, today: dt.date) -> Profile:
    """The unit's indicators (latest year) against its province and the country.

    "The country" adds up every province of the unit's scheme that GEMIS holds; it is shown only when
    at least three provinces have data, so that no one province's figure can be read from it.
    """
    province = province_of(unit)
    province = None if province.pk == unit.pk else province
    provinces = _country_units(unit)
    rows = []
    contributing = 0
    for indicator in indicators_with_data(unit, user):
        series = _series(indicator, unit, today)
        latest = [(y, r) for y, r in series if r.value is not None]
        if not latest:
            continue
        year, result = latest[-1]
        code = str(year)
        province_figure = None
        if province is not None:
            province_figure = figure(
                indicator, province, indicator_values(indicator, [province], [code])[(province.pk, code)]
            )
        found = indicator_values(indicator, provinces, [code])
        with_data = [found[(p.pk, code)] for p in provinces if found[(p.pk, code)].values_counted]
        contributing = max(contributing, len(with_data))
        country = None
        if len(with_data) >= MIN_PROVINCES_FOR_COUNTRY:
            country = Figure(_country_value(indicator, with_data))
        male = female = None
        if is_sex_disaggregable(indicator):
            male = figure(
                indicator,
                unit,
                indicator_values(indicator, [unit], [code], options={"sex": "male"})[(unit.pk, code)],
            )
            female = figure(
                indicator,
                unit,
                indicator_values(indicator, [unit], [code], options={"sex": "female"})[(unit.pk, code)],
            )
        rows.append(
            ProfileRow(
                indicator, year, figure(indicator, unit, result), province_figure, country, male, female
            )
        )
    chart_rows = [r for r in rows if r.indicator.kind == "percentage"]
    series = [{"name": unit.name, "data": [_round(r.unit.shown) for r in chart_rows]}]
    if province is not None:
        series.append(
            {
                "name": province.name,
                "data": [_round(r.province.shown if r.province else None) for r in chart_rows],
            }
        )
    if any(r.country for r in chart_rows):
        series.append(
            {
                "name": _("Country"),
                "data": [_round(r.country.shown if r.country else None) for r in chart_rows],
            }
        )
    headers = [_("Code"), _("Indicator"), _("Year"), unit.name]
    if province is not None:
        headers.append(province.name)
    headers += [_("Country"), _("Male"), _("Female")]
    table = []
    for r in rows:
        line = [r.indicator.code, r.indicator.name, r.year, _cell(r.unit)]
        if province is not None:
            line.append(_cell(r.province) if r.province else None)
        line += [
            _cell(r.country) if r.country else None,
            _cell(r.male) if r.male else None,
            _cell(r.female) if r.female else None,
        ]
        table.append(line)
    chart = Chart(
        id="profile",
        kind="bar",
        title=_("Shares (%%), %(unit)s against its province and the country") % {"unit": unit.name},
        categories=[r.indicator.code for r in chart_rows],
        series=series,
        headers=headers,
        rows=table,
        unit_label="%",
        horizontal=True,
    )
    return Profile(unit, province, rows, [chart], contributing)


def _country_value(indicator: Indicator, results: list[IndicatorResult]) -> float | None:
    """Σ numerators / Σ denominators over the provinces (never the mean of their ratios)."""
    numerator = sum(r.numerator or 0 for r in results)
    if not indicator.is_ratio:
        return numerator
    denominator = sum(r.denominator or 0 for r in results)
    return numerator / denominator * indicator.multiplier if denominator else None


def find_chart(charts: list[Chart], chart_id: str) -> Chart | None:
    return next((c for c in charts if c.id == chart_id), None)
