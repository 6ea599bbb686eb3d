"""Task rules: due dates, overdue and due-soon, progress roll-up.

``Task.due_date`` is the date by which the *current* obligation is due, kept in
the row so that lists filter and sort on an index:

* one-shot deadlines (a date, a month, a quarter, a range): the last day;
* recurring ones: the due date of the earliest occurrence still open
  (plans/occurrences.py; before the plan is issued and its occurrences made, the
  first occurrence after the day the task last reached 100 %).
  A missed occurrence therefore stays as the due date, and the task is overdue
  until someone reports that occurrence done;
* "thường xuyên", events without a date, no deadline: no due date.

"Quá hạn" (overdue) is never stored: an open task whose due date has passed.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from django.db import transaction
from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from gemis.plans import occurrences
from gemis.plans.models import OPEN_STATUSES, PlanStatus, Task, TaskStatus
from gemis.vn.deadlines import Deadline, DeadlineKind, next_due, parse_deadline, previous_due

DUE_SOON_DAYS = 7

OVERDUE = "overdue"
DONE_LATE = "done_late"
DISPLAY_LABELS = {
    TaskStatus.NOT_STARTED: _("Not started"),
    TaskStatus.IN_PROGRESS: _("In progress"),
    TaskStatus.DONE: _("Done"),
    TaskStatus.CANCELLED: _("Cancelled"),
    OVERDUE: _("Overdue"),
    DONE_LATE: _("Done late"),
}


def today() -> dt.date:
    return timezone.localdate()


def deadline_of(task: Task) -> Deadline:
    if task.deadline:
        return Deadline.from_dict(task.deadline)
    if task.deadline_text:
        return parse_deadline(task.deadline_text, task.plan.period_start if task.plan_id else None)
    return Deadline.none()


def set_deadline(task: Task, deadline: Deadline) -> None:
    """Store a deadline on the task (not saved) and recompute its due date."""
    task.deadline = deadline.to_dict()
    task.deadline_text = deadline.display
    task.due_date = compute_due_date(task, deadline)


def compute_due_date(task: Task, deadline: Deadline | None = None) -> dt.date | None:
    deadline = deadline or deadline_of(task)
    if deadline.kind == DeadlineKind.RECURRING and task.pk:
        # Once the plan is issued the task has its occurrences: the earliest open one is due.
        dates = list(task.occurrences.order_by("due_date").values_list("due_date", "status"))
        if dates:
            return next((day for day, status in dates if status in OPEN_STATUSES), None)
    if deadline.kind == DeadlineKind.RECURRING:
        done = task.last_done_on
        if done is None:
            return next_due(deadline, dt.date(task.plan.period_start, 1, 1))
        # A completion clears the occurrence nearest to it: a half-year report sent on 10/11 or on 18/11
        # both settle the 15/11 occurrence, and the next one becomes due.
        following = next_due(deadline, done)
        preceding = previous_due(deadline, done)
        if following is None:
            return None
        if preceding is not None and (done - preceding) < (following - done):
            return following
        return next_due(deadline, following + dt.timedelta(days=1))
    # One-shot deadlines do not depend on the reference day.
    return next_due(deadline, dt.date(1900, 1, 1))


def is_open(task: Task) -> bool:
    return task.status in OPEN_STATUSES


def is_overdue(task: Task, on: dt.date | None = None) -> bool:
    """The one definition (``overdue_q`` is the same in SQL): open, past its due date, in an issued plan
    (a draft is still being written, a closed plan is no longer followed up)."""
    return (
        is_open(task)
        and task.due_date is not None
        and task.due_date < (on or today())
        and task.plan.status == PlanStatus.ISSUED
    )


def is_done_late(task: Task) -> bool:
    """Done, but after its due date ("hoàn thành trễ hạn"): recorded, counted, shown."""
    return (
        task.status == TaskStatus.DONE
        and task.last_done_on is not None
        and task.due_date is not None
        and task.last_done_on > task.due_date
    )


def is_due_soon(task: Task, on: dt.date | None = None, days: int = DUE_SOON_DAYS) -> bool:
    on = on or today()
    return is_open(task) and task.due_date is not None and on <= task.due_date <= on + dt.timedelta(days=days)


def display_status(task: Task, on: dt.date | None = None) -> str:
    """The status a person sees: the stored one, "overdue", or "done late"."""
    if is_overdue(task, on):
        return OVERDUE
    return DONE_LATE if is_done_late(task) else task.status


def display_label(task: Task, on: dt.date | None = None) -> str:
    return str(DISPLAY_LABELS[display_status(task, on)])


def overdue_q(on: dt.date | None = None) -> Q:
    """Overdue, in SQL: the same rule as :func:`is_overdue`, used by every list, count and digest."""
    return Q(status__in=OPEN_STATUSES, due_date__lt=on or today(), plan__status=PlanStatus.ISSUED)


def due_within_q(days: int, on: dt.date | None = None) -> Q:
    on = on or today()
    return Q(status__in=OPEN_STATUSES, due_date__gte=on, due_date__lte=on + dt.timedelta(days=days))


def status_q(display: str, on: dt.date | None = None) -> Q:
    """Filter by the displayed status; open tasks past due count as overdue only."""
    if display == OVERDUE:
        return overdue_q(on)
    if display in OPEN_STATUSES:
        on = on or today()
        return Q(status=display) & (Q(due_date__isnull=True) | Q(due_date__gte=on))
    return Q(status=display)


#: The roll-up rule, as the task page states it.
ROLL_UP_RULE = _(
    "A task carried out through sub-tasks — the shares of the units it is addressed to, or the tasks of "
    "a unit's own issued plan — takes its progress from them: the average of those not cancelled; it is "
    "done when all of them are (late if after its due date), and records no progress of its own."
)


def _counted(task: Task) -> QuerySet[Task]:
    return task.child_tasks.exclude(status=TaskStatus.CANCELLED).filter(
        plan__status__in=(PlanStatus.ISSUED, PlanStatus.CLOSED)
    )


def counted_children(task: Task) -> list[Task]:
    """The sub-tasks a task's progress is rolled up from: not cancelled, in an issued (or closed) plan.

    A unit's own plan still in draft has no progress yet and does not pull its parent down."""
    return list(_counted(task))


def is_rolled_up(task: Task) -> bool:
    """Whether the task's progress comes from sub-tasks (it then takes no progress of its own)."""
    return bool(task.pk) and _counted(task).exists()


def roll_up(task: Task | None) -> None:
    """Recompute a parent's progress and status from its children, up the chain (:data:`ROLL_UP_RULE`)."""
    seen: set[int] = set()
    while task is not None and task.pk not in seen:
        seen.add(task.pk)
        children = counted_children(task)
        if not children:
            break
        before = (task.progress, task.status, task.last_done_on, task.due_date)
        own_occurrences = list(task.occurrences.all())
        if own_occurrences:
            occurrences.roll_up(task, children)
            occurrences.summarise(task, list(task.occurrences.all()))
        else:
            all_done = all(child.status == TaskStatus.DONE for child in children)
            average = sum(child.progress for child in children) / len(children)
            task.progress = 100 if all_done else min(99, round(average))
            if all_done:
                task.status = TaskStatus.DONE
                # Done on the day the last of them was: that is what decides "late".
                task.last_done_on = max((c.last_done_on for c in children if c.last_done_on), default=today())
            else:
                task.status = TaskStatus.IN_PROGRESS if average > 0 else TaskStatus.NOT_STARTED
            task.due_date = compute_due_date(task)
        if (task.progress, task.status, task.last_done_on, task.due_date) != before:
            task.version += 1
            task.save(
                update_fields=["progress", "status", "last_done_on", "due_date", "version", "updated_at"]
            )
        task = task.parent_task


def refresh_recurring_due_dates(tasks: Iterable[Task] | None = None) -> int:
    """Recompute stored due dates (run daily: events get dates, plans change). Returns rows changed."""
    queryset = tasks if tasks is not None else Task.objects.filter(status__in=OPEN_STATUSES)
    changed = []
    for task in queryset.select_related("plan") if hasattr(queryset, "select_related") else queryset:
        due = compute_due_date(task)
        if due != task.due_date:
            task.due_date = due
            changed.append(task)
    with transaction.atomic():
        Task.objects.bulk_update(changed, ["due_date"], batch_size=500)
    return len(changed)
