"""The page of one indicator for a unit: its targets, its series with the forecast band, its
breakdown by sex and the units below (shared pieces: :mod:`gemis.indicators.dashboards`)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.db.models import Q
from django.utils.translation import gettext as _

from gemis.indicators import forecast as fc
from gemis.indicators import target_rules
from gemis.indicators.aggregate import IndicatorResult, indicator_values, unattributed_values
from gemis.indicators.dashboards import (
    SEXES,
    Chart,
    Figure,
    TargetRow,
    chart_cell,
    figure,
    is_sex_disaggregable,
    rounded,
    years_until,
)
from gemis.indicators.disclosure import Disclosure
from gemis.indicators.grid import period_label
from gemis.indicators.models import CategoryOptionCombo, Indicator, Target
from gemis.orgs import access
from gemis.orgs.models import OrgUnit


@dataclass
class UnitRow:
    """A row of the breakdown: a unit below, or (``unit`` None) what no unit below accounts for."""

    unit: OrgUnit | None
    total: Figure
    male: Figure
    female: Figure
    label: str = ""

    @property
    def name(self) -> str:
        return self.unit.name if self.unit else self.label


@dataclass
class CoverageNote:
    """Who has not reported (fully) the figure of one year: what a coordinator chases."""

    year: int
    reported: int
    expected: int
    partly: list[tuple[str, str]]  # (unit, what it left empty)
    missing: list[str]
    more: int = 0


MAX_LISTED = 30


def coverage_note(user: Any, unit: OrgUnit, year: int, result: IndicatorResult) -> CoverageNote | None:
    """Who below ``unit`` left ``result`` (its figure for ``year``) incomplete, among the units the person
    may read (None: complete)."""
    if result.expected <= 1 or result.is_complete:
        return None
    ids = [g.unit_id for g in result.gaps] + list(result.missing)
    names = dict(
        access.filter_for(user, OrgUnit.objects.filter(pk__in=ids[: MAX_LISTED * 4])).values_list(
            "pk", "name"
        )
    )
    cells = dict(
        CategoryOptionCombo.objects.filter(pk__in={c for g in result.gaps for c in g.cells}).values_list(
            "pk", "name"
        )
    )
    partly = []
    for gap in result.gaps:
        if gap.unit_id in names:
            lacking = [cells.get(c, "") for c in gap.cells] + [period_label(p) for p in gap.periods]
            partly.append((names[gap.unit_id], ", ".join(x for x in lacking if x)))
    missing = [names[pk] for pk in result.missing if pk in names]
    listed = partly[:MAX_LISTED], missing[:MAX_LISTED]
    more = len(result.gaps) + len(result.missing) - len(listed[0]) - len(listed[1])
    return CoverageNote(year, result.reported, result.expected, listed[0], listed[1], more)


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
    coverage: CoverageNote | None = None


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
    protect = Disclosure(user)
    if indicator.sensitive and unit.parent is not None and not protect.sees_raw(unit):
        protect.table(indicator, unit.parent, codes)  # every year's decisions at once

    def shown(found: dict, code: str, column: str) -> Figure:
        return figure(
            indicator, unit, found.get((unit.pk, code)), protect.hidden(indicator, unit, code, column)
        )

    total = [shown(totals, c, "total") for c in codes]
    male = [shown(by_sex["male"], c, "male") for c in codes]
    female = [shown(by_sex["female"], c, "female") for c in codes]
    # Trim the years before the first value (the chart starts with the data).
    first = next((i for i, f in enumerate(total) if f.value is not None or f.suppressed), len(years))
    first = min(first, max(0, len(years) - 1))
    years, total, male, female = years[first:], total[first:], male[first:], female[first:]

    applicable = (
        access.filter_for(user, Target.objects.all())
        .filter(indicator=indicator)
        .filter(Q(org_unit__isnull=True) | Q(org_unit=unit))
    )
    reports = [
        target_rules.assess_target(t, unit, today=today) for t in applicable.select_related("indicator")
    ]
    rows = [TargetRow(r, protect.target_hidden(r) or "") for r in reports]
    rows.sort(key=lambda r: (r.target.year, r.target.org_unit_id is not None))
    main = _main_target(rows, today)
    # The trend and its band rest on the figures that may decide: not the provisional ones.
    series = [(y, None if f.provisional else f.shown) for y, f in zip(years, total, strict=True)]
    with_values = [y for y, v in series if v is not None]
    shown_years = [y for y, f in zip(years, total, strict=True) if f.shown is not None]
    bounds = target_rules.value_bounds(indicator)
    band = _band(series, with_values[-1], main.target.year, bounds) if main and with_values else []

    # The breakdown opens on the latest year with figures, a year under way included (who is missing).
    breakdown_year = year or (shown_years[-1] if shown_years else None)
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
                figure(indicator, child, t[(child.pk, code)], protect.hidden(indicator, child, code)),
                figure(
                    indicator, child, m.get((child.pk, code)), protect.hidden(indicator, child, code, "male")
                ),
                figure(
                    indicator,
                    child,
                    f.get((child.pk, code)),
                    protect.hidden(indicator, child, code, "female"),
                ),
            )
            for child in children
        ]
        # A ranking reads best: the highest first, units without a figure last.
        breakdown.sort(
            key=lambda r: (r.total.shown is None, -(r.total.shown or 0), r.unit.code if r.unit else "")
        )
        rest = _unattributed_row(indicator, unit, code, sex_split, protect)
        if rest is not None:
            breakdown.append(rest)
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
    if breakdown_year:
        code = str(breakdown_year)
        result = totals.get((unit.pk, code)) or indicator_values(indicator, [unit], [code])[(unit.pk, code)]
        page.coverage = coverage_note(user, unit, breakdown_year, result)
    return page


def _unattributed_row(
    indicator: Indicator, unit: OrgUnit, code: str, sex_split: bool, protect: Disclosure
) -> UnitRow | None:
    """Values in the unit's total that no unit below holds (a former district's own), so the parts add up."""
    found = {"total": unattributed_values(indicator, unit, [code]).get(code)}
    if found["total"] is None or found["total"].value is None:
        return None
    for sex, _label in SEXES if sex_split else ():
        found[sex] = unattributed_values(indicator, unit, [code], options={"sex": sex}).get(code)
    total, male, female = (
        figure(indicator, None, found.get(column), protect.hidden_rest(indicator, unit, code, column))
        for column in ("total", "male", "female")
    )
    return UnitRow(None, total, male, female, _("Reported at a former district or at this level"))


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
            "sex": "total",
            "data": [None if f.provisional else rounded(f.shown) for f in page.total] + [None] * pad,
            "dash": "solid",
            "symbol": "circle",
        }
    ]
    if page.sex_split:
        series += [
            {
                "name": _("Male"),
                "sex": "male",
                "data": [rounded(f.shown) for f in page.male] + [None] * pad,
                "dash": "dashed",
                "symbol": "triangle",
            },
            {
                "name": _("Female"),
                "sex": "female",
                "data": [rounded(f.shown) for f in page.female] + [None] * pad,
                "dash": "dotted",
                "symbol": "rect",
            },
        ]
    if any(f.provisional and f.shown is not None for f in page.total):
        series.append(
            {
                "name": _("Total, provisional (not all units have reported)"),
                "data": [rounded(f.shown) if f.provisional else None for f in page.total] + [None] * pad,
                "dash": "dotted",
                "symbol": "emptyCircle",
            }
        )
    target = None
    if page.main is not None:
        t = page.main.target
        value = t.value
        if value is None and t.low is not None and t.high is not None:
            value = (t.low + t.high) / 2
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
            "value": [rounded(v) for _y, v, _lo, _hi in page.band],
            "low": [rounded(lo) for _y, _v, lo, _hi in page.band],
            "high": [rounded(hi) for _y, _v, _lo, hi in page.band],
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
            row.append(chart_cell(page.total[index]))
            if page.sex_split:
                row += [chart_cell(page.male[index]), chart_cell(page.female[index])]
        else:
            row += [None] * (3 if page.sex_split else 1)
        v, lo, hi = by_band.get(year, (None, None, None))
        row += [rounded(v), rounded(lo), rounded(hi)]
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
    series = [{"name": _("Total"), "sex": "total", "data": [rounded(r.total.shown) for r in rows]}]
    if page.sex_split:
        series = [
            {"name": _("Male"), "sex": "male", "data": [rounded(r.male.shown) for r in rows]},
            {"name": _("Female"), "sex": "female", "data": [rounded(r.female.shown) for r in rows]},
            *series,
        ]
    headers = [_("Unit"), _("Total")] + ([_("Male"), _("Female")] if page.sex_split else [])
    return Chart(
        id="breakdown",
        kind="bar",
        title=_("By unit, %(year)s") % {"year": page.breakdown_year or "—"},
        categories=[(r.unit.short_name or r.unit.name) if r.unit else r.label for r in rows],
        series=series,
        headers=headers,
        rows=[
            [r.name, chart_cell(r.total)]
            + ([chart_cell(r.male), chart_cell(r.female)] if page.sex_split else [])
            for r in rows
        ],
        unit_label=page.indicator.unit_label,
        horizontal=len(rows) > 8,
    )
