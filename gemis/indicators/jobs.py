"""Background jobs of the indicators app: checking and saving a large uploaded Excel template, and
reading the national catalog from the circular's annexes."""

from __future__ import annotations

import datetime as dt
import json

from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _

from gemis.core import jobs
from gemis.core.models import BackgroundJob
from gemis.indicators import annex, excel, permissions
from gemis.indicators.loader import describe_problem
from gemis.indicators.models import Dataset, Period
from gemis.indicators.permissions import may_load_catalog
from gemis.indicators.uploads import CIRCULARS, WORKBOOKS, beside
from gemis.orgs import access
from gemis.orgs.models import OrgUnit
from gemis.vn.parser import ParseError


def _read(job: BackgroundJob, progress: jobs.Progress, today: dt.date):
    """The job's dataset, period and unit (read again with the owner's access) and the file's report."""
    params = job.params
    dataset = access.get_for(job.owner, Dataset, code=params["dataset"])
    period = Period.objects.get(code=params["period"])
    unit = access.get_for(job.owner, OrgUnit, pk=params["unit"])
    if not default_storage.exists(params["file"]):
        raise jobs.JobError(_("The uploaded file is no longer there; upload it again."))
    with default_storage.open(params["file"], "rb") as handle:
        content = handle.read()
    progress.update(0, step=_("Checking the file…"), force=True)
    report = excel.read_upload(
        content, dataset, period, allowed_units=permissions.entry_units(job.owner), today=today
    )
    return dataset, period, unit, report


@jobs.runner("indicators.excel_import")
def import_workbook(job: BackgroundJob, progress: jobs.Progress) -> jobs.Result:
    """Read the file again with the owner's access at run time, and save the units without errors."""
    params = job.params
    today = dt.date.fromisoformat(params["today"])
    dataset, period, unit, report = _read(job, progress, today)
    if report.file_errors:
        raise jobs.JobError(" ".join(report.file_errors))
    units = report.valid_units
    excel.save_report(
        report,
        user=job.owner,
        today=today,
        step=lambda forms: progress.iterate(forms, total=len(units), step=_("Saving the units…")),
    )
    WORKBOOKS.delete(params["file"])
    url = reverse("indicators:entry-grid", args=[dataset.code, unit.pk, period.code])
    if report.errors:
        return jobs.Result(
            content=excel.error_report(report),
            filename=f"loi-{dataset.code}-{period.code}.xlsx",
            content_type=excel.XLSX_TYPE,
            url=url,
        )
    return jobs.Result(url=url)


@jobs.runner("indicators.excel_check")
def check_workbook(job: BackgroundJob, progress: jobs.Progress) -> jobs.Result:
    """Read a large file and keep its report for the preview page (nothing is saved)."""
    params = job.params
    today = dt.date.fromisoformat(params["today"])
    dataset, period, unit, report = _read(job, progress, today)
    if report.file_errors:
        WORKBOOKS.delete(params["file"])
        raise jobs.JobError(" ".join(report.file_errors))
    name = beside(params["file"])
    default_storage.delete(name)
    default_storage.save(name, ContentFile(json.dumps(excel.report_to_json(report)).encode()))
    url = reverse("indicators:excel-preview", args=[dataset.code, unit.pk, period.code, params["token"]])
    return jobs.Result(url=url)


@jobs.runner("indicators.annex_read")
def read_catalog_annex(job: BackgroundJob, progress: jobs.Progress) -> jobs.Result:
    """Read an uploaded circular's annexes (OCR of a scan can take minutes) for the preview page."""
    params = job.params
    if not may_load_catalog(job.owner):
        raise jobs.JobError(_("Only a system administrator may load the national catalog."))
    if not default_storage.exists(params["file"]):
        raise jobs.JobError(_("The uploaded file is no longer there; upload it again."))
    progress.update(0, step=_("Reading the annexes…"), force=True)
    with default_storage.open(params["file"], "rb") as handle:
        content = handle.read()
    try:
        reading = annex.read_annex_bytes(content, params.get("name", ""))
    except ParseError as error:
        CIRCULARS.delete(params["file"])
        message = error.message_en if translation.get_language() == "en" else error.message_vi
        raise jobs.JobError(message) from error
    if not reading.usable:
        CIRCULARS.delete(params["file"])
        raise jobs.JobError(describe_problem(reading.problems[0]))
    name = beside(params["file"])
    default_storage.delete(name)
    default_storage.save(name, ContentFile(json.dumps(reading.to_json(), ensure_ascii=False).encode()))
    return jobs.Result(url=reverse("indicators:catalog-import-preview", args=[params["token"]]))
