"""Background jobs of the plans app: the task table as a big Excel workbook."""

from __future__ import annotations

import datetime as dt

from django.http import QueryDict

from gemis.core import jobs
from gemis.core.models import BackgroundJob
from gemis.plans import exports
from gemis.plans.task_filters import filtered_tasks, sort_tasks

XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@jobs.runner("plans.task_export")
def export_task_table(job: BackgroundJob, progress: jobs.Progress) -> jobs.Result:
    """The same rows as the table the person filtered, read again with their access at run time."""
    today = dt.date.fromisoformat(job.params["today"])
    form, tasks = filtered_tasks(job.owner, QueryDict(job.params.get("query", "")), today)
    total = tasks.count()
    rows = exports.task_rows(sort_tasks(tasks, form.sort_key, today), today)
    content = exports.xlsx_bytes(progress.iterate(rows, total=total))
    return jobs.Result(content=content, filename=exports.file_name("xlsx", today), content_type=XLSX_TYPE)
