"""Notifications written when something happens, not the next morning.

* **A plan is issued** → the people of every agency that leads or shares one of
  its tasks: "Kế hoạch … đã ban hành: cơ quan bạn chủ trì 3, phối hợp 1 nhiệm vụ"
  (this is when a task is assigned: tasks change only while the plan is a draft).
* **Progress is recorded** → the coordinators of the plan's unit (those who
  follow it), except the author: "Sở Y tế: 50 % — Tổ chức …".

Each notification has a key (``issued:<plan>``, ``progress:<update>``), so a
retried action never notifies twice (``Notification``'s unique key). They are
written once the saving transaction commits, so a refused action notifies no one.
The daily ``send-reminders`` digest still sends the e-mails of what is due.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable

from django.db import transaction
from django.urls import reverse
from django.utils import translation
from django.utils.text import Truncator
from django.utils.translation import gettext as _

from gemis.orgs.models import Membership, Role
from gemis.plans.models import Notification, Plan, ProgressUpdate

__all__ = ["plan_issued", "progress_recorded", "tell_issued", "tell_progress"]


def _write(rows: Iterable[Notification]) -> int:
    created = Notification.objects.bulk_create(list(rows), ignore_conflicts=True)
    return len(created)


def plan_issued(plan: Plan) -> None:
    """After the issuing transaction: every lead and partner agency's people learn their share."""
    transaction.on_commit(lambda: tell_issued(plan.pk))


def tell_issued(plan_pk: int) -> int:
    """Write the notifications of an issued plan now (the demo, which builds plans already issued)."""
    plan = Plan.objects.get(pk=plan_pk)
    led: dict[int, int] = defaultdict(int)
    shared: dict[int, int] = defaultdict(int)
    for task in plan.tasks.prefetch_related("partners"):
        if task.lead_agency_id:
            led[task.lead_agency_id] += 1
        for partner in task.partners.all():
            shared[partner.pk] += 1
    agencies = set(led) | set(shared)
    people: dict[int, set[int]] = defaultdict(set)
    for user_id, agency_id in Membership.objects.filter(
        agency_id__in=agencies, user__is_active=True
    ).values_list("user_id", "agency_id"):
        people[user_id].add(agency_id)
    url = reverse("plans:my-tasks")
    rows = []
    with translation.override("vi"):
        for user_id, theirs in people.items():
            lead, shares = sum(led[a] for a in theirs), sum(shared[a] for a in theirs)
            rows.append(
                Notification(
                    user_id=user_id,
                    key=f"issued:{plan.pk}",
                    title=Truncator(_("Plan issued: %(plan)s") % {"plan": plan}).chars(250),
                    body=_("Your agency leads %(lead)s task(s) and takes part in %(partner)s.")
                    % {"lead": lead, "partner": shares},
                    url=url,
                )
            )
    return _write(rows)


def progress_recorded(update: ProgressUpdate) -> None:
    """After the saving transaction: the coordinators following the plan see the new progress."""
    transaction.on_commit(lambda: tell_progress(update.pk))


def tell_progress(update_pk: int) -> int:
    """Write the notifications of one progress update now."""
    update = ProgressUpdate.objects.select_related("task__plan", "agency", "author").get(pk=update_pk)
    plan = update.task.plan
    coordinators = set(
        Membership.objects.filter(
            agency__org_unit_id=plan.org_unit_id, role=Role.COORDINATOR, user__is_active=True
        ).values_list("user_id", flat=True)
    ) - {update.author_id}
    who = update.agency.short_name or update.agency.name if update.agency else str(update.author)
    url = reverse("plans:task-detail", args=[update.task_id])
    with translation.override("vi"):
        title = Truncator(f"{who}: {update.progress} % — {update.task.text}").chars(250)
    return _write(
        Notification(
            user_id=user_id, key=f"progress:{update.pk}", title=title, body=update.note[:1000], url=url
        )
        for user_id in coordinators
    )
