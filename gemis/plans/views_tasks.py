"""Task screens: a task with its progress, "my tasks", the coordinators' table, board and calendar, exports.

Every list starts from ``access.filter_for(user, Task…)``; the table, the board,
the calendar and the exports share one filter form so that what a coordinator
sees is what they download.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db.models import Case, Count, F, IntegerField, QuerySet, Value, When
from django.http import FileResponse, Http404, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from gemis.core import jobs
from gemis.core.exports import table_response
from gemis.core.forms import BootstrapFormMixin
from gemis.core.uploads import ALLOWED, MAX_FILES_PER_UPDATE, TEXT_TYPES, private_file_response
from gemis.core.versioning import ConflictError
from gemis.orgs import access
from gemis.orgs.access import Action
from gemis.orgs.models import User
from gemis.orgs.requests import AuthenticatedRequest
from gemis.plans import cascade, exports, occurrences, permissions, task_calendar, task_filters, task_rules
from gemis.plans.models import OPEN_STATUSES, Attachment, Plan, PlanStatus, ProgressUpdate, Task, TaskStatus
from gemis.plans.progress import NOT_ISSUED_MESSAGE, ROLLED_UP_MESSAGE, record_progress
from gemis.plans.task_filters import (
    DISPLAY_STATUSES,
    SORT_FIELDS,
    SORT_OPTIONS,
    TaskFilterForm,
    filtered_tasks,
    sort_tasks,
)

PAGE_SIZE = 50
BOARD_COLUMN_LIMIT = 50
PROGRESS_CONFLICT = gettext_lazy(
    "Someone else recorded progress on this task after you opened it. Your update has not been saved: "
    "it is still in the form below. Read the latest updates, then send it again (attach the files again)."
)


# --- shared helpers ----------------------------------------------------------------------------------


@dataclass
class TaskRow:
    """A task with what the lists show about it today."""

    task: Task
    status: str
    label: str
    days_left: int | None

    @property
    def is_overdue(self) -> bool:
        return self.status == task_rules.OVERDUE

    @property
    def is_open(self) -> bool:
        return self.task.status in OPEN_STATUSES

    @property
    def overdue_days(self) -> int:
        return -self.days_left if self.days_left is not None and self.days_left < 0 else 0

    @property
    def is_due_soon(self) -> bool:
        return (
            self.task.status in OPEN_STATUSES
            and self.days_left is not None
            and 0 <= self.days_left <= task_rules.DUE_SOON_DAYS
        )


def task_rows(tasks: Any, today: dt.date) -> list[TaskRow]:
    rows = []
    for task in tasks:
        status = task_rules.display_status(task, today)
        days_left = (task.due_date - today).days if task.due_date else None
        rows.append(TaskRow(task, status, str(task_rules.DISPLAY_LABELS[status]), days_left))
    return rows


def _filtered(request: AuthenticatedRequest, today: dt.date, *, use_status: bool = True):
    return filtered_tasks(request.user, request.GET, today, use_status=use_status)


def _sort_links(form: TaskFilterForm) -> dict[str, dict[str, str]]:
    """For each sortable column: the key a click asks for and the arrow to show."""
    current = form.sort_key
    links = {}
    for name in SORT_FIELDS:
        if current == name:
            links[name] = {"key": f"-{name}", "arrow": "↑", "aria": "ascending"}
        elif current == f"-{name}":
            links[name] = {"key": name, "arrow": "↓", "aria": "descending"}
        else:
            links[name] = {"key": name, "arrow": "", "aria": "none"}
    return links


# --- the task table, board and calendar ----------------------------------------------------------------


def task_list(request: AuthenticatedRequest) -> HttpResponse:
    today = task_rules.today()
    form, tasks = _filtered(request, today)
    tasks = sort_tasks(tasks, form.sort_key, today).select_related("plan", "lead_agency")
    page = Paginator(tasks, PAGE_SIZE).get_page(request.GET.get("page"))
    context = {
        "form": form,
        "page": page,
        "rows": task_rows(page, today),
        "sort_links": _sort_links(form),
        "sort_options": SORT_OPTIONS,
        "today": today,
    }
    partial = request.htmx and request.htmx.target == "task-results"
    return render(request, "plans/_task_table.html" if partial else "plans/task_list.html", context)


@dataclass
class BoardColumn:
    status: str
    label: str
    total: int
    rows: list[TaskRow]

    @property
    def more(self) -> int:
        return max(0, self.total - len(self.rows))


def _board_columns(tasks: QuerySet[Task], today: dt.date, limit: int) -> dict[str, list[Task]]:
    """The first ``limit`` tasks of every column: open ones by what is due first, closed by last due.

    One small query per column: with an index on (status, due_date) each stops after ``limit`` rows,
    which measured 3-5× faster than one query with a window function over all of them.
    """
    found = {}
    for status in DISPLAY_STATUSES:
        closed = status in (TaskStatus.DONE, TaskStatus.CANCELLED)
        due = F("due_date").desc(nulls_last=True) if closed else F("due_date").asc(nulls_last=True)
        column = tasks.filter(task_rules.status_q(status, today))
        found[status] = list(column.order_by(due, "-pk" if closed else "pk")[:limit])
    return found


def task_board(request: AuthenticatedRequest) -> HttpResponse:
    today = task_rules.today()
    form, tasks = _filtered(request, today, use_status=False)
    limit = BOARD_COLUMN_LIMIT
    totals = tasks.aggregate(
        **{status: Count("pk", filter=task_rules.status_q(status, today)) for status in DISPLAY_STATUSES}
    )
    lists = _board_columns(tasks.select_related("plan", "lead_agency"), today, limit)
    columns = [
        BoardColumn(
            status, str(task_rules.DISPLAY_LABELS[status]), totals[status], task_rows(lists[status], today)
        )
        for status in DISPLAY_STATUSES
    ]
    context = {"form": form, "columns": columns, "today": today, "limit": limit}
    return render(request, "plans/task_board.html", context)


def task_calendar_view(request: AuthenticatedRequest) -> HttpResponse:
    today = task_rules.today()
    form, tasks = _filtered(request, today)
    first = task_calendar.parse_month(request.GET.get("month"), today)
    month = task_calendar.build_month(tasks, first, today)
    context = {
        "form": form,
        "month": month,
        "today": today,
        "weekdays": [_("Mon"), _("Tue"), _("Wed"), _("Thu"), _("Fri"), _("Sat"), _("Sun")],
    }
    return render(request, "plans/calendar.html", context)


# --- my tasks ------------------------------------------------------------------------------------------


def my_tasks(request: AuthenticatedRequest) -> HttpResponse:
    """The tasks of the person's agencies (led or shared), the ones needing attention first."""
    today = task_rules.today()
    agency_ids = task_filters.agency_ids_of(request.user)
    tasks = task_filters.my_tasks(request.user, agency_ids).select_related("plan", "lead_agency")
    show = request.GET.get("show", "open")
    counts = {
        "open": tasks.filter(status__in=OPEN_STATUSES).count(),
        "overdue": tasks.filter(task_rules.overdue_q(today)).count(),
        "due_soon": tasks.filter(task_rules.due_within_q(task_rules.DUE_SOON_DAYS, today)).count(),
        "done": tasks.filter(status=TaskStatus.DONE).count(),
    }
    if show == "open":
        tasks = tasks.filter(status__in=OPEN_STATUSES)
    else:
        show = "all"
    # Open before closed; among open ones the earliest due date first, so overdue, then due soon.
    tasks = tasks.annotate(
        closed=Case(
            When(status__in=OPEN_STATUSES, then=Value(0)), default=Value(1), output_field=IntegerField()
        )
    ).order_by("closed", F("due_date").asc(nulls_last=True), "pk")
    page = Paginator(tasks, PAGE_SIZE).get_page(request.GET.get("page"))
    rows = task_rows(page, today)
    for row in rows:
        row.is_lead = row.task.lead_agency_id in agency_ids  # type: ignore[attr-defined]
    context = {"page": page, "rows": rows, "counts": counts, "show": show, "has_agency": bool(agency_ids)}
    return render(request, "plans/task_mine.html", context)


# --- one task: its page, progress form and evidence files --------------------------------------------


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """Several files in one input; each one is checked later by ``core.uploads``."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("widget", MultipleFileInput())
        # Empty files get the message from core.uploads, which names the file.
        kwargs.setdefault("allow_empty_file", True)
        super().__init__(*args, **kwargs)

    def clean(self, data: Any, initial: Any = None) -> list[Any]:
        single = super().clean
        if isinstance(data, list | tuple):
            return [single(item, initial) for item in data if item]
        return [single(data, initial)] if data else []


class ProgressForm(BootstrapFormMixin, forms.Form):
    note = forms.CharField(
        label=gettext_lazy("What was done"), widget=forms.Textarea(attrs={"rows": 3}), max_length=5000
    )
    progress = forms.IntegerField(label=gettext_lazy("Progress (%)"), min_value=0, max_value=100)
    status = forms.ChoiceField(label=gettext_lazy("Status"), required=False)
    files = MultipleFileField(
        label=gettext_lazy("Evidence files"),
        required=False,
        help_text=gettext_lazy("Up to 5 files, 20 MB each: PDF, Word, Excel, PowerPoint, images, text."),
    )
    expected_version = forms.IntegerField(widget=forms.HiddenInput, min_value=0)

    def __init__(
        self, *args: Any, periods: list[occurrences.OccurrenceRow] | None = None, **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        self.fields["status"].choices = [("", _("Set from the percentage")), *TaskStatus.choices]
        if periods:
            # A recurring task: the update is for one period, by default the earliest still open.
            field = forms.TypedChoiceField(
                label=_("Period"),
                coerce=int,
                choices=[(r.occurrence.pk, f"{r.label} — {r.state_label}") for r in periods],
                help_text=_("Each period has its own due date and progress."),
            )
            self.fields = {"occurrence": field, **self.fields}
            current = next((r for r in periods if r.occurrence.is_open), periods[-1])
            self.fields["occurrence"].initial = current.occurrence.pk
        self.fields["files"].widget.attrs["accept"] = ",".join(sorted({*ALLOWED, *TEXT_TYPES}))
        self.fields["progress"].widget.attrs["data-testid"] = "progress-percent"

    def clean_files(self) -> list[Any]:
        files = self.cleaned_data.get("files") or []
        if len(files) > MAX_FILES_PER_UPDATE:
            raise ValidationError(_("Attach at most %(n)d files at a time.") % {"n": MAX_FILES_PER_UPDATE})
        return files


def _task_for(user: User, pk: int) -> Task:
    queryset = Task.objects.select_related(
        "plan__org_unit", "section", "lead_agency__org_unit", "parent_task__plan"
    ).prefetch_related("partners", "addressed_units")
    return access.get_for(user, queryset, pk=pk)


def _periods(task: Task) -> list[occurrences.OccurrenceRow]:
    return occurrences.rows(task, task_rules.deadline_of(task), task_rules.today(), task_rules.DUE_SOON_DAYS)


def task_detail(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    task = _task_for(request.user, pk)
    may_change = access.may(request.user, Action.CHANGE, task)
    # Progress is recorded on the tasks of issued plans only (plans/progress.py), and not on a task whose
    # progress is rolled up from its sub-tasks: no form there.
    may_record = may_change and task.plan.status == PlanStatus.ISSUED and not task_rules.is_rolled_up(task)
    status = 200
    form = None
    if request.method == "POST":
        if not may_change:
            raise Http404
        if not may_record:
            messages.error(
                request, ROLLED_UP_MESSAGE if task_rules.is_rolled_up(task) else NOT_ISSUED_MESSAGE
            )
            return redirect("plans:task-detail", pk=task.pk)
        form = ProgressForm(request.POST, request.FILES, periods=_periods(task))
        if form.is_valid():
            data = form.cleaned_data
            try:
                record_progress(
                    task,
                    request.user,
                    note=data["note"],
                    progress=data["progress"],
                    status=data["status"] or None,
                    files=data["files"],
                    expected_version=data["expected_version"],
                    occurrence_id=data.get("occurrence"),
                )
            except ConflictError:
                form.add_error(None, PROGRESS_CONFLICT)
                status = 409
                task = _task_for(request.user, pk)
                # The person has now seen the latest state; sending again records the update.
                form.data = form.data.copy()
                form.data["expected_version"] = str(task.version)
            except ValidationError as error:
                task.plan.refresh_from_db(fields=["status"])
                # The plan closed meanwhile concerns the whole form; anything else is about the files.
                form.add_error("files" if task.plan.status == PlanStatus.ISSUED else None, error)
                status = 400
            else:
                messages.success(request, _("Your progress update has been saved."))
                return redirect("plans:task-detail", pk=task.pk)
        else:
            status = 400
    elif may_record:
        periods = _periods(task)
        current = next((r.occurrence for r in periods if r.occurrence.is_open), None)
        progress = current.progress if current is not None else (0 if periods else task.progress)
        form = ProgressForm(initial={"progress": progress, "expected_version": task.version}, periods=periods)
    return render(request, "plans/task_detail.html", _detail_context(request, task, form), status=status)


def _detail_context(request: AuthenticatedRequest, task: Task, form: ProgressForm | None) -> dict[str, Any]:
    today = task_rules.today()
    user = request.user
    children = access.filter_for(
        user,
        task.child_tasks.select_related("plan__org_unit", "lead_agency", "assigned_unit").prefetch_related(
            "addressed_units"
        ),
    ).order_by("plan__org_unit__path", "assigned_unit__path", "pk")
    parent = task.parent_task if task.parent_task and access.may_view(user, task.parent_task) else None
    updates = task.updates.select_related("author", "agency").prefetch_related("attachments")
    return {
        "task": task,
        "row": task_rows([task], today)[0],
        "deadline": task_rules.deadline_of(task),
        "parent": parent,
        "children": task_rows(children, today),
        "rolled_up": task_rules.is_rolled_up(task),
        "roll_up_rule": task_rules.ROLL_UP_RULE,
        "periods": _periods(task),
        "own_plan": _own_plan_offer(user, task),
        "updates": updates.select_related("occurrence"),
        "form": form,
        "today": today,
        "may_change": access.may(user, Action.CHANGE, task),
        "plan_issued": task.plan.status == PlanStatus.ISSUED,
        "not_issued_message": NOT_ISSUED_MESSAGE,
        # Evidence is read by the task's people and the units above, not by every unit below.
        "may_read_evidence": access.may_view(user, Attachment(update=ProgressUpdate(task=task))),
    }


@dataclass(frozen=True)
class OwnPlanOffer:
    """On a unit's share: its own plan built from it (one click), or the one already built."""

    existing: Plan | None
    may_create: bool


def _own_plan_offer(user: User, task: Task) -> OwnPlanOffer | None:
    unit = task.assigned_unit
    if unit is None or task.plan.status != PlanStatus.ISSUED:
        return None
    existing = cascade.existing_cascade(task.plan, unit, None)
    if existing is not None and not access.may_view(user, existing):
        existing = None
    may_create = existing is None and permissions.may_write_plan_of(user, unit)
    return OwnPlanOffer(existing, may_create) if existing or may_create else None


def attachment_download(request: AuthenticatedRequest, pk: int) -> FileResponse:
    """Evidence files are never served as static files: only here, to the people the access rule names.

    Those are the task's unit and the units above, and its lead and partner agencies
    (``Attachment``'s access attributes) — not the units below that read an issued plan.
    """
    attachment = access.get_for(
        request.user,
        Attachment.objects.select_related("update__task__plan__org_unit", "update__task__lead_agency"),
        pk=pk,
    )
    return private_file_response(attachment.file, attachment.original_name, attachment.content_type)


# --- exports -------------------------------------------------------------------------------------------


def task_export(request: AuthenticatedRequest, fmt: str) -> HttpResponseBase:
    """The task table with the same filters and order, as XLSX or CSV.

    CSV streams (the download starts at once, whatever the size). A workbook is
    built whole before it can be sent, so a big one is made in the background
    and the person watches its progress instead of a spinning tab.
    """
    today = task_rules.today()
    form, tasks = _filtered(request, today)
    if fmt == "xlsx" and tasks.count() > exports.XLSX_INLINE_LIMIT:
        job = jobs.start(
            request.user,
            "plans.task_export",
            _("Task table as Excel"),
            {
                "query": request.GET.urlencode(),
                "today": today.isoformat(),
            },
        )
        return redirect("orgs:job-detail", pk=job.pk)
    rows = exports.task_rows(sort_tasks(tasks, form.sort_key, today), today)
    return table_response(
        fmt, exports.columns(), rows, exports.file_name(fmt, today), sheet_title=str(exports.SHEET_TITLE)
    )
