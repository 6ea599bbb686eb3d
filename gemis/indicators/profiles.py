"""A unit's profile: each indicator for the unit beside its province and the country
(shared pieces: :mod:`gemis.indicators.dashboards`)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.utils.translation import gettext as _

from gemis.indicators.aggregate import IndicatorResult, indicator_values
from gemis.indicators.dashboards import (
    MIN_PROVINCES_FOR_COUNTRY,
    Chart,
    Figure,
    chart_cell,
    figure,
    indicators_with_data,
    is_sex_disaggregable,
    province_of,
    rounded,
    yearly_values,
)
from gemis.indicators.disclosure import Disclosure
from gemis.indicators.models import Indicator
from gemis.orgs.models import OrgUnit


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
    own_province = province_of(unit)
    province = None if own_province.pk == unit.pk else own_province
    provinces = _country_units(unit)
    rows = []
    contributing = 0
    protect = Disclosure(user)
    for indicator in indicators_with_data(unit, user):
        series = yearly_values(indicator, unit, today)
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
                protect.hidden(indicator, unit, code, "male"),
            )
            female = figure(
                indicator,
                unit,
                indicator_values(indicator, [unit], [code], options={"sex": "female"})[(unit.pk, code)],
                protect.hidden(indicator, unit, code, "female"),
            )
        rows.append(
            ProfileRow(
                indicator,
                year,
                figure(indicator, unit, result, protect.hidden(indicator, unit, code)),
                province_figure,
                country,
                male,
                female,
            )
        )
    chart_rows = [r for r in rows if r.indicator.kind == "percentage"]
    series = [{"name": unit.name, "data": [rounded(r.unit.shown) for r in chart_rows]}]
    if province is not None:
        series.append(
            {
                "name": province.name,
                "data": [rounded(r.province.shown if r.province else None) for r in chart_rows],
            }
        )
    if any(r.country for r in chart_rows):
        series.append(
            {
                "name": _("Country"),
                "data": [rounded(r.country.shown if r.country else None) for r in chart_rows],
            }
        )
    headers = [_("Code"), _("Indicator"), _("Year"), unit.name]
    if province is not None:
        headers.append(province.name)
    headers += [_("Country"), _("Male"), _("Female")]
    table = []
    for r in rows:
        line = [r.indicator.code, r.indicator.name, r.year, chart_cell(r.unit)]
        if province is not None:
            line.append(chart_cell(r.province) if r.province else None)
        line += [
            chart_cell(r.country) if r.country else None,
            chart_cell(r.male) if r.male else None,
            chart_cell(r.female) if r.female else None,
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
    return numerator / denominator * float(indicator.multiplier or 1) if denominator else None
