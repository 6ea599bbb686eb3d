"""Background jobs of the plans app: the task table as a big Excel workbook; handing a plan down."""

from __future__ import annotations

import datetime as dt

from django.http import QueryDict
from django.urls import reverse
from django.utils.translation import gettext as _

from gemis.core import jobs
from gemis.core.models import BackgroundJob
from gemis.orgs import access
from gemis.orgs.access import Action
from gemis.plans import exports, handdown
from gemis.plans.models import Plan
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


@jobs.runner("plans.hand_down")
def hand_down_plan(job: BackgroundJob, progress: jobs.Progress) -> jobs.Result:
    """Every addressed unit's share of an issued plan, by whoever issued it (checked again at run time)."""
    plan = Plan.objects.filter(pk=job.params["plan"]).first()
    if plan is None or not access.may(job.owner, Action.APPROVE, plan):
        raise jobs.JobError(_("This plan no longer exists or is no longer yours to hand down."))
    step = _("Handing the tasks down to the units")
    result = handdown.hand_down(plan, on_step=lambda done, total: progress.update(done, total, step))
    progress.update(job.done, job.total, _("%(n)s share(s) made") % {"n": result.created}, force=True)
    return jobs.Result(url=reverse("plans:plan-detail", args=[plan.pk]))
