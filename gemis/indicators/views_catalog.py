"""The indicator catalog: the list every member reads, and loading it from the circular's text.

Loading is for system administrators (``permissions.may_load_catalog``): the
circular's file is held for the person's session (``gemis.core.held``), read in
a background job (a scanned PDF goes through OCR), shown indicator by indicator
with what is new, what changes and what the text lacks, and loaded only when
confirmed. The same reading can be downloaded as the catalog TOML file that
ships in ``gemis/indicators/data/``.
"""

from __future__ import annotations

import json
from functools import lru_cache
from typing import Any

from django.contrib import messages
from django.core.files.storage import default_storage
from django.db.models import F, Q
from django.http import Http404, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from gemis.core import exports, jobs, search
from gemis.indicators.annex import AnnexReading
from gemis.indicators.forms import CatalogImportForm
from gemis.indicators.loader import (
    CATALOG_FILE,
    DATA_DIR,
    compare_with_catalog,
    describe_problem,
    load_catalog_data,
    read_toml,
)
from gemis.indicators.models import Indicator, IndicatorGroup
from gemis.indicators.permissions import changeable_units, may_load_catalog
from gemis.indicators.uploads import CIRCULARS, beside
from gemis.orgs import access
from gemis.orgs.requests import AuthenticatedRequest


@lru_cache(maxsize=1)
def bundled_source() -> dict[str, Any]:
    """The ``[source]`` of the bundled catalog file (document, how many indicators it defines)."""
    return read_toml(DATA_DIR / CATALOG_FILE).get("source", {})


def kind_labels() -> dict[str, str]:
    """The catalog's ``kind`` codes as a person reads them."""
    return {
        "count": _("count"),
        "percentage": _("percentage"),
        "ratio_per_100": _("per 100"),
        "rate_per_1000": _("per 1,000"),
        "mean": _("mean"),
        "index": _("index"),
        "other": _("reported value"),
    }


def catalog_list(request: AuthenticatedRequest) -> HttpResponse:
    """Every indicator the person may read, by group, with its definition's main fields."""
    # The national catalog and the local indicators the person may read (the access rule), of which
    # those of the person's units and above are listed (the units below define their own).
    visible = access.filter_for(request.user, Indicator.objects.all()).filter(
        Q(owner_unit__isnull=True) | Q(owner_unit__in=access.units_and_above(request.user))
    )
    indicators = visible.select_related("group", "owner_unit").order_by(
        F("group__code").asc(nulls_last=True), "code"
    )
    query = request.GET.get("q", "").strip()
    if query:
        rows = ((code, f"{code} {name}") for code, name in visible.values_list("code", "name"))
        codes = search.matching(rows, query)
        indicators = indicators.filter(code__in=codes)
    group = request.GET.get("group", "")
    if group:
        indicators = indicators.filter(group__code=group)
    source = bundled_source()
    expected = source.get("indicator_count")
    national = Indicator.objects.filter(is_national=True, code__regex=r"^[0-9]{4}$").count()
    context = {
        "indicators": indicators,
        "groups": IndicatorGroup.objects.filter(pk__in=visible.values("group")).order_by("code"),
        "query": query,
        "group": group,
        "source": source,
        "expected": expected,
        "national": national,
        "incomplete": bool(expected) and national < expected,
        "may_load": may_load_catalog(request.user),
        "may_add_local": changeable_units(request.user).exists(),
    }
    return render(request, "indicators/catalog_list.html", context)


def _loader_only(request: AuthenticatedRequest) -> None:
    if not may_load_catalog(request.user):
        raise Http404


def catalog_import(request: AuthenticatedRequest) -> HttpResponse:
    """Upload the circular; it is read in the background, then previewed."""
    _loader_only(request)
    form = CatalogImportForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        suffix = "." + upload.name.rsplit(".", 1)[-1].lower()
        token, name = CIRCULARS.hold(request, upload.read(), upload.name, suffix)
        job = jobs.start(
            request.user,
            "indicators.annex_read",
            _("Reading %(name)s") % {"name": upload.name},
            {"file": name, "name": upload.name, "token": token},
        )
        return redirect("orgs:job-detail", pk=job.pk)
    return render(
        request,
        "indicators/catalog_import.html",
        {"form": form},
        status=400 if request.method == "POST" else 200,
    )


def _reading(request: AuthenticatedRequest, token: str) -> tuple[dict[str, Any], AnnexReading]:
    entry = CIRCULARS.get(request, token)
    path = beside(entry["file"])
    if not default_storage.exists(path):
        raise Http404  # not read yet, or the reading failed (its job says why)
    with default_storage.open(path, "rb") as handle:
        return entry, AnnexReading.from_json(json.loads(handle.read()))


def catalog_import_preview(request: AuthenticatedRequest, token: str) -> HttpResponse:
    """What the text holds, indicator by indicator; loading it on confirmation."""
    _loader_only(request)
    entry, reading = _reading(request, token)
    if request.method == "POST":
        result = load_catalog_data(reading.catalog())
        CIRCULARS.forget(request, token)
        messages.success(
            request,
            _(
                "Catalog loaded from %(name)s: %(created)d indicators created, %(updated)d updated, "
                "%(unchanged)d unchanged."
            )
            % {
                "name": entry["name"],
                "created": result.indicators.created,
                "updated": result.indicators.updated,
                "unchanged": result.indicators.unchanged,
            },
        )
        for warning in result.warnings:
            messages.warning(request, warning)
        return redirect("indicators:catalog-list")
    outcome = compare_with_catalog(reading.indicators)
    problems_by_code: dict[str, list[str]] = {}
    for problem in reading.problems:
        problems_by_code.setdefault(problem.code, []).append(describe_problem(problem))
    groups = {group["code"]: group["name_vi"] for group in reading.groups}
    rows = [
        {
            "item": item,
            "group_name": groups.get(item["group"], ""),
            "outcome": outcome[item["code"]],
            "kind_label": kind_labels().get(item["kind"], item["kind"]),
            "problems": problems_by_code.get(item["code"], []),
        }
        for item in reading.indicators
    ]
    counts = {
        kind: sum(1 for row in rows if row["outcome"] == kind) for kind in ("new", "changed", "unchanged")
    }
    context = {
        "token": token,
        "name": entry["name"],
        "reading": reading,
        "rows": rows,
        "counts": counts,
        "group_problems": [describe_problem(p) for p in reading.problems if p.kind == "no_group_name"],
        "expected": bundled_source().get("indicator_count"),
    }
    return render(request, "indicators/catalog_preview.html", context)


def catalog_import_toml(request: AuthenticatedRequest, token: str) -> HttpResponseBase:
    """The reading as the catalog file the repository ships (to send to the developers)."""
    _loader_only(request)
    entry, reading = _reading(request, token)
    return exports.download(reading.to_toml(entry["name"]), "catalog.toml", "application/toml; charset=utf-8")
