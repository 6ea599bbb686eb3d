"""Excel: the template of a form, the upload, the preview with its error report, saving.

The uploaded file is held (``gemis.core.held``) until it is saved or
abandoned: known to the person's session only. A file with more rows than :data:`INLINE_ROWS` is
checked, and one with more values than :data:`INLINE_VALUES` saved, by a
background job with progress (``gemis.core.jobs``).
"""

from __future__ import annotations

import json
from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.files.storage import default_storage
from django.http import Http404, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _

from gemis.core import exports, jobs
from gemis.core.uploads import check_upload
from gemis.indicators import disclosure, excel, grid, permissions
from gemis.indicators.forms import UploadForm
from gemis.indicators.uploads import WORKBOOKS, beside
from gemis.indicators.views_entry import _grid_objects, grid_url, today
from gemis.orgs.requests import AuthenticatedRequest

INLINE_VALUES = 2000
INLINE_ROWS = 3000  # a longer file is checked in the background too
PREVIEW_ROWS = 200


def _units_under(user: Any, unit: Any):
    return permissions.entry_units(user).filter(path__startswith=unit.path).order_by("path")


def excel_template(request: AuthenticatedRequest, dataset: str, unit: int, period: str) -> HttpResponseBase:
    """The workbook for the unit and the units below it that the person enters for (or the unit alone)."""
    found, org_unit, found_period = _grid_objects(request, dataset, unit, period)
    units = list(_units_under(request.user, org_unit)) or [org_unit]
    elements = list(found.data_elements.all())
    withheld = {u.pk: disclosure.withheld_elements(request.user, u, elements) for u in units}
    content = excel.build_template(found, found_period, units, withheld=withheld)
    return exports.download(content, excel.template_name(found, found_period), exports.XLSX_TYPE)


def _stored(request: AuthenticatedRequest, token: str) -> dict[str, Any]:
    return WORKBOOKS.get(request, token)


def _report(request: AuthenticatedRequest, entry: dict[str, Any], found, found_period) -> excel.UploadReport:
    checked = beside(entry["file"])
    if default_storage.exists(checked):
        with default_storage.open(checked, "rb") as handle:
            return excel.report_from_json(json.loads(handle.read()), found, found_period)
    with default_storage.open(entry["file"], "rb") as handle:
        content = handle.read()
    return excel.read_upload(
        content, found, found_period, allowed_units=permissions.entry_units(request.user), today=today()
    )


def _store(request: AuthenticatedRequest, content: bytes, original: str) -> tuple[str, str]:
    return WORKBOOKS.hold(request, content, original, ".xlsx")


def excel_upload(request: AuthenticatedRequest, dataset: str, unit: int, period: str) -> HttpResponse:
    found, org_unit, found_period = _grid_objects(request, dataset, unit, period)
    if not permissions.may_enter(request.user, org_unit):
        raise Http404
    form = UploadForm(request.POST or None, request.FILES or None)
    status = 200
    file_errors: list[str] = []
    if request.method == "POST":
        status = 400
        if form.is_valid():
            upload = form.cleaned_data["file"]
            try:
                checked = check_upload(upload.name, upload, upload.size)
                if not checked.name.lower().endswith(".xlsx"):
                    raise ValidationError(
                        _("%(name)s is not an Excel workbook (.xlsx). Fill in the template and upload it.")
                        % {"name": checked.name}
                    )
            except ValidationError as error:
                form.add_error("file", error)
            else:
                upload.seek(0)
                content = upload.read()
                if excel.data_rows(content) > INLINE_ROWS:
                    token, name = _store(request, content, checked.name)
                    job = jobs.start(
                        request.user,
                        "indicators.excel_check",
                        _("Checking %(name)s") % {"name": checked.name},
                        {
                            "file": name,
                            "dataset": found.code,
                            "period": found_period.code,
                            "unit": org_unit.pk,
                            "token": token,
                            "today": today().isoformat(),
                        },
                    )
                    return redirect("orgs:job-detail", pk=job.pk)
                report = excel.read_upload(
                    content,
                    found,
                    found_period,
                    allowed_units=permissions.entry_units(request.user),
                    today=today(),
                )
                if report.file_errors:
                    file_errors = report.file_errors
                else:
                    token, _name = _store(request, content, checked.name)
                    return redirect(
                        "indicators:excel-preview", found.code, org_unit.pk, found_period.code, token
                    )
    context = {
        "dataset": found,
        "unit": org_unit,
        "period": found_period,
        "period_label": grid.period_label(found_period.code),
        "form": form,
        "file_errors": file_errors,
        "inline_values": INLINE_VALUES,
        "inline_rows": INLINE_ROWS,
    }
    return render(request, "indicators/excel_upload.html", context, status=status)


def excel_preview(
    request: AuthenticatedRequest, dataset: str, unit: int, period: str, token: str
) -> HttpResponse:
    """What the file holds, line by line with its errors; saving the correct units on confirmation."""
    found, org_unit, found_period = _grid_objects(request, dataset, unit, period)
    if not permissions.may_enter(request.user, org_unit):
        raise Http404
    entry = _stored(request, token)
    report = _report(request, entry, found, found_period)
    if request.method == "POST" and not report.file_errors:
        checked_in_background = default_storage.exists(beside(entry["file"]))
        if checked_in_background or report.values_to_save > INLINE_VALUES:
            job = jobs.start(
                request.user,
                "indicators.excel_import",
                _("Saving %(name)s") % {"name": entry["name"]},
                {
                    "file": entry["file"],
                    "dataset": found.code,
                    "period": found_period.code,
                    "unit": org_unit.pk,
                    "today": today().isoformat(),
                },
            )
            _forget(request, token, delete=False)
            return redirect("orgs:job-detail", pk=job.pk)
        units, values = excel.save_report(report, user=request.user, today=today())
        _forget(request, token)
        messages.success(
            request,
            _("Saved: %(units)s units, %(values)s values. Units with errors were not saved.")
            % {"units": units, "values": values}
            if report.invalid_units
            else _("Saved: %(units)s units, %(values)s values.") % {"units": units, "values": values},
        )
        return redirect(grid_url(found, org_unit, found_period))
    columns = excel.value_columns(found)
    invalid = {form.unit.pk for form in report.invalid_units}
    context = {
        "dataset": found,
        "unit": org_unit,
        "period": found_period,
        "period_label": grid.period_label(found_period.code),
        "report": report,
        "token": token,
        "name": entry["name"],
        "preview_rows": [
            (
                row,
                [row.values.get(code) for code, _label in columns],
                row.unit is None or row.unit.pk in invalid,
            )
            for row in report.rows[:PREVIEW_ROWS]
        ],
        "more_rows": max(0, len(report.rows) - PREVIEW_ROWS),
        "in_background": report.values_to_save > INLINE_VALUES
        or default_storage.exists(beside(entry["file"])),
        "columns": columns,
    }
    return render(
        request, "indicators/excel_preview.html", context, status=400 if report.file_errors else 200
    )


def excel_errors(
    request: AuthenticatedRequest, dataset: str, unit: int, period: str, token: str
) -> HttpResponseBase:
    """The error report of an uploaded file as a workbook."""
    found, org_unit, found_period = _grid_objects(request, dataset, unit, period)
    if not permissions.may_enter(request.user, org_unit):
        raise Http404
    report = _report(request, _stored(request, token), found, found_period)
    filename = f"loi-{found.code}-{found_period.code}.xlsx"
    return exports.download(excel.error_report(report), filename, exports.XLSX_TYPE)


def _forget(request: AuthenticatedRequest, token: str, delete: bool = True) -> None:
    WORKBOOKS.forget(request, token, delete)


def preview_url(dataset: str, unit: int, period: str, token: str) -> str:
    return reverse("indicators:excel-preview", args=[dataset, unit, period, token])
