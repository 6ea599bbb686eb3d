"""What the home page (``core.home_page``) shows of plans and tasks: my tasks overdue and due soon,
the plans waiting for my issue, and, for coordinators and leaders, the agencies that are late. One
definition of overdue
(``task_rules.overdue_q``) for this page, "my tasks", the board and the digests."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db.models import Count
from django.urls import reverse
from django.utils.text import Truncator
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from gemis.core.home_page import HomeItem, HomeSection
from gemis.orgs import access
from gemis.orgs.access import Action
from gemis.orgs.models import Agency, Role
from gemis.plans import task_filters, task_rules
from gemis.plans.models import Plan, PlanStatus, Task

TASKS_SHOWN = 8
PLANS_SHOWN = 5
AGENCIES_SHOWN = 6


def home_sections(user: Any, today: dt.date) -> list[HomeSection]:
    found = [_my_tasks(user, today), _plans_to_issue(user), _late_agencies(user, today)]
    return [section for section in found if section is not None]


def _my_tasks(user: Any, today: dt.date) -> HomeSection | None:
    agency_ids = task_filters.agency_ids_of(user)
    if not agency_ids:
        return None
    tasks = (
        task_filters.my_tasks(user, agency_ids)
        .filter(task_rules.overdue_q(today) | task_rules.due_within_q(task_rules.DUE_SOON_DAYS, today))
        .select_related("plan")
        .order_by("due_date", "pk")
    )
    count = tasks.count()
    items = []
    for task in tasks[:TASKS_SHOWN]:
        late = (today - task.due_date).days if task.due_date and task.due_date < today else 0
        when = f"{task.due_date:%d/%m/%Y}" if task.due_date else "—"
        detail = (
            ngettext("due %(date)s, %(n)s day late", "due %(date)s, %(n)s days late", late)
            % {"date": when, "n": late}
            if late
            else _("due %(date)s") % {"date": when}
        )
        items.append(
            HomeItem(
                Truncator(task.text).chars(140),
                reverse("plans:task-detail", args=[task.pk]),
                f"{detail} · {task.plan}",
                "danger" if late else "warning",
                f"{task.progress} %",
            )
        )
    return HomeSection(
        "tasks",
        _("My tasks overdue and due within %(days)s days") % {"days": task_rules.DUE_SOON_DAYS},
        items,
        count,
        reverse("plans:my-tasks"),
        _("All my tasks"),
        empty=_("Nothing overdue or due soon.") if not items else "",
        order=10,
    )


def _plans_to_issue(user: Any) -> HomeSection | None:
    """Drafts of the units whose plans the person writes: waiting to be issued."""
    writable = access.units_for(user, Plan, Action.CHANGE).filter(access.current_q())
    drafts = (
        access.filter_for(user, Plan.objects.filter(status=PlanStatus.DRAFT, org_unit__in=writable))
        .select_related("org_unit")
        .order_by("-pk")
    )
    count = drafts.count()
    items = [
        HomeItem(str(plan), reverse("plans:plan-detail", args=[plan.pk]), plan.org_unit.name)
        for plan in drafts[:PLANS_SHOWN]
    ]
    if not items:
        return None
    return HomeSection(
        "drafts",
        _("Draft plans waiting to be issued"),
        items,
        count,
        reverse("plans:plan-list") + "?status=draft",
        _("All plans"),
        order=20,
    )


def _late_agencies(user: Any, today: dt.date) -> HomeSection | None:
    """For coordinators and leaders: the agencies with the most overdue tasks in the plans they follow."""
    roles = set(access.scope_for(user).prefixes_by_role)
    if not roles & {Role.COORDINATOR, Role.LEADER, Role.ADMIN} and not access.scope_for(user).is_superuser:
        return None
    late = (
        access.filter_for(user, Task.objects.exclude(plan__status=PlanStatus.DRAFT))
        .filter(task_rules.overdue_q(today), lead_agency__isnull=False)
        .values("lead_agency")
        .annotate(n=Count("pk"))
        .order_by("-n", "lead_agency")
    )
    rows = list(late[: AGENCIES_SHOWN + 1])
    names = dict(Agency.objects.filter(pk__in=[r["lead_agency"] for r in rows]).values_list("pk", "name"))
    items = [
        HomeItem(
            names.get(r["lead_agency"], "—"),
            reverse("plans:task-list") + f"?agency={r['lead_agency']}&overdue=1",
            ngettext("%(n)s task overdue", "%(n)s tasks overdue", r["n"]) % {"n": r["n"]},
            "danger",
        )
        for r in rows[:AGENCIES_SHOWN]
    ]
    return HomeSection(
        "late",
        _("Who is late"),
        items,
        late.count(),
        reverse("plans:task-list") + "?overdue=1",
        _("Every overdue task"),
        empty=_("No agency has an overdue task.") if not items else "",
        order=40,
    )
