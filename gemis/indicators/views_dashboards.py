"""Dashboards: the province's targets and gender gaps, an indicator's page, a unit's profile, the
targets list with its "still far off" filter, and every chart's data as XLSX or CSV.

The unit is read with ``access.get_for`` (another province's unit is a 404);
the figures come from :mod:`gemis.indicators.dashboards`.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from django.http import Http404, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _

from gemis.core import exports
from gemis.indicators import dashboards, indicator_page, profiles, target_rules
from gemis.indicators.models import Indicator
from gemis.indicators.permissions import changeable_units, may_change_indicator
from gemis.orgs import access
from gemis.orgs.access import Action
from gemis.orgs.requests import AuthenticatedRequest


def _unit(request: AuthenticatedRequest, pk: Any = None):
    unit = dashboards.home_unit(request.user, pk if pk is not None else request.GET.get("unit"))
    if unit is None:
        raise Http404
    return unit


def _indicator(request: AuthenticatedRequest, code: str) -> Indicator:
    return access.get_for(request.user, Indicator.objects.select_related("group"), code=code)


def _year(request: AuthenticatedRequest) -> int | None:
    value = request.GET.get("year", "")
    # Four ASCII digits only: "²⁰²⁵" passes isdigit() but not int(), 5,000 digits exceed int()'s limit.
    if not (len(value) == 4 and value.isascii() and value.isdigit()):
        return None
    return int(value) if 1900 < int(value) < 2200 else None


def indicator_dashboard(request: AuthenticatedRequest) -> HttpResponse:
    unit = _unit(request)
    board = dashboards.province_dashboard(request.user, unit, timezone.localdate())
    context = {
        "unit": unit,
        "board": board,
        "top": board.targets[:12],
        "charts": {c.id: c for c in board.charts},
        "specs": dashboards.chart_specs(board.charts),
        "unit_groups": dashboards.picker_units(request.user, unit),
        "method": target_rules.METHOD_TEXT,
        "unit_query": urlencode({"unit": unit.pk}),
    }
    return render(request, "indicators/dashboard.html", context)


def indicator_detail(request: AuthenticatedRequest, code: str) -> HttpResponse:
    indicator = _indicator(request, code)
    unit = _unit(request)
    page = indicator_page.indicator_page(request.user, indicator, unit, timezone.localdate(), _year(request))
    context = {
        "indicator": indicator,
        "unit": unit,
        "page": page,
        "specs": dashboards.chart_specs(page.charts),
        "method": target_rules.METHOD_TEXT,
        "unit_groups": dashboards.picker_units(request.user, unit),
        "may_edit_indicator": not indicator.is_national and may_change_indicator(request.user, indicator),
        "may_add_target": changeable_units(request.user).exists(),
        "editable_targets": {
            row.target.pk
            for row in page.targets
            if row.target.org_unit_id and access.may(request.user, Action.CHANGE, row.target)
        },
        "suppressed_any": any(f.suppressed for f in page.total)
        or any(r.total.suppressed or r.male.suppressed or r.female.suppressed for r in page.breakdown),
        "small_cell": dashboards.SMALL_CELL,
        "rows": list(zip(page.years, page.total, page.male, page.female, strict=True)),
        "query": urlencode(
            {"unit": unit.pk, "indicator": indicator.code, **({"year": y} if (y := _year(request)) else {})}
        ),
    }
    return render(request, "indicators/indicator_detail.html", context)


def unit_profile(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    unit = _unit(request, pk)
    profile = profiles.unit_profile(request.user, unit, timezone.localdate())
    context = {
        "unit": unit,
        "profile": profile,
        "specs": dashboards.chart_specs(profile.charts),
        "min_provinces": dashboards.MIN_PROVINCES_FOR_COUNTRY,
        "small_cell": dashboards.SMALL_CELL,
        "children": access.filter_for(request.user, unit.children.all()).order_by("code"),
        "query": urlencode({"unit": unit.pk}),
    }
    return render(request, "indicators/unit_profile.html", context)


def target_list(request: AuthenticatedRequest) -> HttpResponse:
    unit = _unit(request)
    far = request.GET.get("far") == "1"
    rows = dashboards.target_rows(request.user, unit, timezone.localdate(), far_only=far)
    context = {
        "unit": unit,
        "rows": rows,
        "far": far,
        "counts": dashboards.status_counts(
            rows if not far else dashboards.target_rows(request.user, unit, timezone.localdate())
        ),
        "unit_groups": dashboards.picker_units(request.user, unit),
        "keep": [("far", "1")] if far else [],
        "method": target_rules.METHOD_TEXT,
    }
    return render(request, "indicators/target_list.html", context)


def _charts_for(request: AuthenticatedRequest, page: str) -> list[dashboards.Chart]:
    today = timezone.localdate()
    if page == "dashboard":
        return dashboards.province_dashboard(request.user, _unit(request), today).charts
    if page == "indicator":
        indicator = _indicator(request, request.GET.get("indicator", ""))
        return indicator_page.indicator_page(
            request.user, indicator, _unit(request), today, _year(request)
        ).charts
    if page == "profile":
        return profiles.unit_profile(request.user, _unit(request), today).charts
    raise Http404


def chart_data(request: AuthenticatedRequest, page: str, fmt: str) -> HttpResponseBase:
    """The table behind one chart of a page, with Vietnamese headers, as XLSX or CSV."""
    chart = dashboards.find_chart(_charts_for(request, page), request.GET.get("chart", ""))
    if chart is None or fmt not in ("xlsx", "csv"):
        raise Http404
    filename = f"{page}-{chart.id}-{timezone.localdate():%Y%m%d}.{fmt}"
    headers = [str(h) for h in chart.headers]
    # Names typed by people (a local indicator, a unit) go through the shared exporter, which keeps a
    # "=HYPERLINK(…)" a text and not a live formula.
    decimal = exports.DECIMAL_COMMA if request.GET.get("decimal") == "comma" else exports.DECIMAL_POINT
    return exports.table_response(
        fmt, headers, chart.rows, filename, sheet_title=_("Data"), title=str(chart.title), decimal=decimal
    )
