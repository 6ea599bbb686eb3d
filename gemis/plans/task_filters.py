"""The task table's filters and sort orders, shared by the table, the board, the calendar and the exports.

:func:`filtered_tasks` reads the filter form from a query string and returns
the tasks it selects for a person (always through the access rule), so the
same selection can be made inside a request or later in a background export.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django import forms
from django.db.models import Case, Exists, F, IntegerField, OuterRef, Q, QuerySet, Value, When
from django.utils.functional import cached_property
from django.utils.html import escape
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from gemis.core import search
from gemis.core.forms import BootstrapFormMixin, DayMonthYearInput
from gemis.orgs import access
from gemis.orgs.access import Action
from gemis.orgs.models import Agency, Membership, OrgUnit, User
from gemis.plans import task_rules
from gemis.plans.models import Plan, PlanKind, PlanStatus, Task, TaskStatus

DUE_WINDOWS = {"7": 7, "30": 30}
DISPLAY_STATUSES = (
    TaskStatus.NOT_STARTED,
    TaskStatus.IN_PROGRESS,
    task_rules.OVERDUE,
    TaskStatus.DONE,
    TaskStatus.CANCELLED,
)


def _status_choices() -> list[tuple[str, Any]]:
    return [(s, task_rules.DISPLAY_LABELS[s]) for s in DISPLAY_STATUSES]


SORT_FIELDS = {
    "due": gettext_lazy("Due date"),
    "status": gettext_lazy("Status"),
    "agency": gettext_lazy("Lead agency"),
    "progress": gettext_lazy("Progress"),
    "plan": gettext_lazy("Plan"),
}

SORT_OPTIONS = (
    ("due", gettext_lazy("Due date, earliest first")),
    ("-due", gettext_lazy("Due date, latest first")),
    ("status", gettext_lazy("Status, overdue first")),
    ("agency", gettext_lazy("Lead agency")),
    ("progress", gettext_lazy("Progress, lowest first")),
    ("-progress", gettext_lazy("Progress, highest first")),
    ("plan", gettext_lazy("Plan")),
)


def sort_tasks(tasks: QuerySet[Task], key: str, today: dt.date) -> QuerySet[Task]:
    """Order by a whitelisted key ("due", "-progress"…); ties by due date, then the plan's order."""
    descending = key.startswith("-")
    name = key.lstrip("-")
    if name not in SORT_FIELDS:
        name, descending = "due", False
    due = (
        F("due_date").desc(nulls_last=True)
        if descending and name == "due"
        else F("due_date").asc(nulls_last=True)
    )
    if name == "status":
        tasks = tasks.annotate(
            status_rank=Case(
                When(task_rules.overdue_q(today), then=Value(0)),
                When(status=TaskStatus.IN_PROGRESS, then=Value(1)),
                When(status=TaskStatus.NOT_STARTED, then=Value(2)),
                When(status=TaskStatus.DONE, then=Value(3)),
                default=Value(4),
                output_field=IntegerField(),
            )
        )
    primary = {
        "due": [],
        "status": ["status_rank"],
        "agency": ["lead_agency__name"],
        "progress": ["progress"],
        "plan": ["plan__period_start", "plan__number", "plan_id", "order"],
    }[name]
    if descending:
        primary = [f"-{p}" for p in primary]
    return tasks.order_by(*primary, due, "pk")


def _paths_above(user: User) -> set[str]:
    """Paths of the units above the person's own ("legacy/91/911/" → {"legacy/91/"})."""
    found = set()
    for prefix in access.scope_for(user).prefixes(Action.VIEW):
        parts = prefix.strip("/").split("/")
        found.update("/".join(parts[:end]) + "/" for end in range(2, len(parts)))
    return found


class TaskFilterForm(BootstrapFormMixin, forms.Form):
    """The filters of the task table, board, calendar and exports (read from the address)."""

    q = forms.CharField(label=gettext_lazy("Search"), required=False, max_length=200)
    agency = forms.ModelChoiceField(
        label=gettext_lazy("Lead agency"),
        queryset=Agency.objects.none(),
        required=False,
        empty_label=gettext_lazy("All agencies"),
    )
    unit = forms.ModelChoiceField(
        label=gettext_lazy("Unit"),
        queryset=OrgUnit.objects.none(),
        required=False,
        empty_label=gettext_lazy("All units"),
    )
    status = forms.ChoiceField(label=gettext_lazy("Status"), required=False)
    due = forms.ChoiceField(
        label=gettext_lazy("Due"),
        required=False,
        choices=[
            ("", gettext_lazy("Any time")),
            ("7", gettext_lazy("In the next 7 days")),
            ("30", gettext_lazy("In the next 30 days")),
        ],
    )
    overdue = forms.BooleanField(label=gettext_lazy("Overdue only"), required=False)
    plan = forms.ModelChoiceField(
        label=gettext_lazy("Plan"),
        queryset=Plan.objects.none(),
        required=False,
        empty_label=gettext_lazy("All plans"),
    )
    due_from = forms.DateField(label=gettext_lazy("Due from"), required=False, widget=DayMonthYearInput())
    due_to = forms.DateField(label=gettext_lazy("Due until"), required=False, widget=DayMonthYearInput())
    drafts = forms.BooleanField(label=gettext_lazy("Include draft plans"), required=False)
    sort = forms.CharField(required=False, widget=forms.HiddenInput)

    def __init__(self, data: Any, *, user: User) -> None:
        super().__init__(data)
        plans = access.filter_for(user, Plan.objects.all())
        self.fields["status"].choices = [("", _("All statuses")), *_status_choices()]
        # Only what can match: agencies that lead tasks here, and units that issued plans.
        # (Not "lead agencies of the visible tasks": that scans every task on each page view.)
        leading = Exists(Task.objects.filter(lead_agency=OuterRef("pk")))
        in_scope = access.filter_for(user, Agency.objects.filter(leading)).values("pk")
        # Issued plans of the units above are read below (the province's plan in a district).
        above = Agency.objects.filter(leading, org_unit__path__in=_paths_above(user)).values("pk")
        own = Membership.objects.filter(user=user).values("agency_id")
        shared_with_me = Task.objects.filter(partners__in=own).values("lead_agency_id")
        self.fields["agency"].queryset = (
            Agency.objects.filter(Q(pk__in=in_scope) | Q(pk__in=above) | Q(pk__in=shared_with_me))
            .select_related("org_unit")
            .order_by("org_unit__path", "name")
        )
        self.fields["unit"].queryset = OrgUnit.objects.filter(pk__in=plans.values("org_unit_id")).order_by(
            "path"
        )
        self.fields["plan"].queryset = plans.order_by("-period_start", "number", "pk")
        for name, field in self.fields.items():
            field.widget.attrs["id"] = f"filter-{name}"
            if isinstance(field.widget, forms.Select):
                field.widget.attrs["class"] = "form-select form-select-sm"
        self.full_clean()

    def _choices(self, name: str) -> list[tuple[Any, Any]]:
        """The choices of a select, read as plain values: hundreds of agencies need no model instances."""
        field = self.fields[name]
        if not isinstance(field, forms.ModelChoiceField):
            return list(field.choices)
        rows = [("", field.empty_label)]
        if name == "agency":
            found = field.queryset.values_list("pk", "name", "org_unit__name")
            rows += [(pk, f"{agency} ({unit})") for pk, agency, unit in found]
        elif name == "plan":
            found = field.queryset.values_list("pk", "number", "kind", "subject")
            rows += [
                (pk, f"{number or PlanKind(kind).label} — {subject[:70]}")
                for pk, number, kind, subject in found
            ]
        else:
            rows += list(field.queryset.values_list("pk", "name"))
        return rows

    @cached_property
    def options(self) -> dict[str, str]:
        """``<option>`` lists of the select fields, built here: widget templates cost ~1 ms per option."""
        rendered = {}
        for name, field in self.fields.items():
            if not isinstance(field.widget, forms.Select):
                continue
            selected = str(self.data.get(name, "")) if self.is_bound else ""
            parts = []
            for value, label in self._choices(name):
                mark = " selected" if str(value) == selected else ""
                parts.append(f'<option value="{escape(value)}"{mark}>{escape(label)}</option>')
            rendered[name] = mark_safe("".join(parts))  # every value and label is escaped above
        return rendered

    def value(self, name: str) -> Any:
        """The cleaned value, or nothing for a field that did not validate (a stale link is not an error)."""
        return self.cleaned_data.get(name) if hasattr(self, "cleaned_data") else None

    @property
    def sort_key(self) -> str:
        """The chosen order if it is one of ours, else by due date."""
        key = self.value("sort") or ""
        return key if key.lstrip("-") in SORT_FIELDS else "due"

    @property
    def is_filtered(self) -> bool:
        return any(self.value(n) for n in self.fields if n != "sort")

    def apply(self, tasks: QuerySet[Task], today: dt.date, *, use_status: bool = True) -> QuerySet[Task]:
        # Accent-insensitive: "bao luc gia dinh" finds "bạo lực gia đình" (and "Bạo Lực" too).
        tasks = search.filter_words(tasks, "search_text", self.value("q"))
        if agency := self.value("agency"):
            tasks = tasks.filter(lead_agency=agency)
        if unit := self.value("unit"):
            tasks = tasks.filter(plan__org_unit__path__startswith=unit.path)
        if use_status and (status := self.value("status")):
            tasks = tasks.filter(task_rules.status_q(status, today))
        if due := self.value("due"):
            tasks = tasks.filter(task_rules.due_within_q(DUE_WINDOWS[due], today))
        if self.value("overdue"):
            tasks = tasks.filter(task_rules.overdue_q(today))
        if plan := self.value("plan"):
            tasks = tasks.filter(plan=plan)
        elif not self.value("drafts"):
            # Drafts are still being written; following up starts when a plan is issued.
            tasks = tasks.exclude(plan__status=PlanStatus.DRAFT)
        if due_from := self.value("due_from"):
            tasks = tasks.filter(due_date__gte=due_from)
        if due_to := self.value("due_to"):
            tasks = tasks.filter(due_date__lte=due_to)
        return tasks


def filtered_tasks(user: User, query: Any, today: dt.date, *, use_status: bool = True):
    """The filter form read from ``query`` (a QueryDict or dict) and the tasks it selects for ``user``."""
    visible = access.filter_for(user, Task.objects.all())
    form = TaskFilterForm(query, user=user)
    return form, form.apply(visible, today, use_status=use_status)


def agency_ids_of(user: Any) -> list[int]:
    return list(Membership.objects.filter(user=user).values_list("agency_id", flat=True))


def my_tasks(user: Any, agency_ids: list[int] | None = None) -> QuerySet[Task]:
    """The tasks of the person's agencies (led or shared) in plans past their draft, that the person may
    read: what "Nhiệm vụ của tôi" and the home page list."""
    if agency_ids is None:
        agency_ids = agency_ids_of(user)
    mine = Task.objects.filter(lead_agency_id__in=agency_ids) | Task.objects.filter(partners__in=agency_ids)
    # A unit's share with no standing agency to lead it is the unit's people's (plans/handdown.py).
    units = Agency.objects.filter(pk__in=agency_ids).values("org_unit_id")
    mine = mine | Task.objects.filter(assigned_unit__in=units, lead_agency__isnull=True)
    return access.filter_for(user, Task.objects.filter(pk__in=mine.values("pk"))).exclude(
        plan__status=PlanStatus.DRAFT
    )
