"""Occurrences of a recurring task: one per period of its plan, each with its own due date and progress.

The rule, as the task page states it:

* A task whose deadline recurs ("hằng tháng", "định kỳ hằng quý", "định kỳ 6 tháng", "hằng năm")
  has one occurrence per period falling in its plan's years — 24 for a monthly task of a
  2026–2027 plan. "Thường xuyên" (ongoing) work has none: it is never due.
* Progress is recorded on one occurrence (the earliest still open unless the person picks
  another); 100 % closes it on that day, *late* when after its due date.
* The task's due date is that of its earliest open occurrence, so only a missed occurrence makes
  the task overdue and ``task_rules.overdue_q`` stays the one definition of overdue; the task's
  progress is the share of its occurrences done, and it is done when all of them are.

Occurrences are made when the plan is issued (``ensure``): an issued plan's tasks and period no
longer change, so the schedule is fixed from then on.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass

from django.db.models import QuerySet
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from gemis.plans.models import OPEN_STATUSES, Task, TaskOccurrence, TaskStatus
from gemis.vn.deadlines import Deadline, DeadlineKind, Recurrence, occurrences_between

_ROMAN = ("I", "II", "III", "IV")


def schedule(task: Task, deadline: Deadline) -> list[dt.date]:
    """The due dates of the task's occurrences over its plan's years (empty unless it recurs)."""
    return occurrences_between(deadline, task.plan.period_start, task.plan.period_end)


def is_recurring(deadline: Deadline) -> bool:
    return deadline.kind is DeadlineKind.RECURRING and deadline.recurrence is not Recurrence.CONTINUOUS


def period_label(deadline: Deadline, due: dt.date) -> str:
    """The period an occurrence stands for, named after the month its due date falls in."""
    recurrence = deadline.recurrence
    if recurrence is Recurrence.MONTHLY:
        return _("Month %(month)d/%(year)d") % {"month": due.month, "year": due.year}
    if recurrence is Recurrence.QUARTERLY:
        return _("Quarter %(quarter)s/%(year)d") % {"quarter": _ROMAN[(due.month - 1) // 3], "year": due.year}
    if recurrence is Recurrence.HALF_YEARLY:
        if due.month <= 6:
            return _("First half of %(year)d") % {"year": due.year}
        return _("Second half of %(year)d") % {"year": due.year}
    return _("Year %(year)d") % {"year": due.year}


def ensure(task: Task, deadline: Deadline) -> int:
    """Make the task's missing occurrences (idempotent); returns how many were made.

    An occurrence someone already reported on is never removed."""
    wanted = schedule(task, deadline) if is_recurring(deadline) else []
    have = set(task.occurrences.values_list("due_date", flat=True))
    made = TaskOccurrence.objects.bulk_create(
        [TaskOccurrence(task=task, due_date=day) for day in wanted if day not in have],
        ignore_conflicts=True,
    )
    stale = task.occurrences.exclude(due_date__in=wanted).filter(updates__isnull=True, progress=0)
    stale.delete()
    return len(made)


def of(task: Task) -> QuerySet[TaskOccurrence]:
    return task.occurrences.order_by("due_date")


def current(task: Task) -> TaskOccurrence | None:
    """The occurrence progress goes to unless the person chooses: the earliest still open."""
    return task.occurrences.filter(status__in=OPEN_STATUSES).order_by("due_date").first()


def summarise(task: Task, occurrences: Sequence[TaskOccurrence]) -> None:
    """Set the task's due date, progress, status and last completion from its occurrences (not saved).

    A task cancelled as a whole stays cancelled."""
    if not occurrences or task.status == TaskStatus.CANCELLED:
        return
    counted = [o for o in occurrences if o.status != TaskStatus.CANCELLED]
    open_ones = [o for o in counted if o.status in OPEN_STATUSES]
    done = [o for o in counted if o.status == TaskStatus.DONE]
    task.due_date = min((o.due_date for o in open_ones), default=None)
    task.progress = round(100 * len(done) / len(counted)) if counted else 100
    if not open_ones:
        task.status = TaskStatus.DONE
        task.progress = 100
    elif done or any(o.progress for o in open_ones):
        task.status = TaskStatus.IN_PROGRESS
    else:
        task.status = TaskStatus.NOT_STARTED
    task.last_done_on = max((o.done_on for o in done if o.done_on), default=task.last_done_on)


def is_late(occurrence: TaskOccurrence) -> bool:
    return (
        occurrence.status == TaskStatus.DONE
        and occurrence.done_on is not None
        and occurrence.done_on > occurrence.due_date
    )


def is_missed(occurrence: TaskOccurrence, on: dt.date) -> bool:
    return occurrence.status in OPEN_STATUSES and occurrence.due_date < on


def roll_up(parent: Task, children: Sequence[Task]) -> None:
    """A recurring parent's occurrences from its counted children's: occurrence by occurrence (same
    due date), done when every child has done it (on the last child's day), progress their average."""
    if not children:
        return
    by_due: dict[dt.date, list[TaskOccurrence]] = {}
    for occurrence in TaskOccurrence.objects.filter(task__in=[c.pk for c in children]):
        by_due.setdefault(occurrence.due_date, []).append(occurrence)
    changed = []
    for occurrence in parent.occurrences.all():
        theirs = [o for o in by_due.get(occurrence.due_date, []) if o.status != TaskStatus.CANCELLED]
        if not theirs:
            continue
        all_done = all(o.status == TaskStatus.DONE for o in theirs)
        progress = 100 if all_done else min(99, round(sum(o.progress for o in theirs) / len(theirs)))
        status = (
            TaskStatus.DONE if all_done else (TaskStatus.IN_PROGRESS if progress else TaskStatus.NOT_STARTED)
        )
        done_on = max((o.done_on for o in theirs if o.done_on), default=None) if all_done else None
        if (occurrence.progress, occurrence.status, occurrence.done_on) != (progress, status, done_on):
            occurrence.progress, occurrence.status, occurrence.done_on = progress, status, done_on
            occurrence.version += 1
            changed.append(occurrence)
    TaskOccurrence.objects.bulk_update(changed, ["progress", "status", "done_on", "version"])


MISSED = "missed"
DONE_LATE = "done_late"
DUE_SOON = "due_soon"
UPCOMING = "upcoming"
ROW_LABELS = {
    TaskStatus.DONE: gettext_lazy("Done"),
    DONE_LATE: gettext_lazy("Done late"),
    MISSED: gettext_lazy("Overdue"),
    TaskStatus.IN_PROGRESS: gettext_lazy("In progress"),
    DUE_SOON: gettext_lazy("Due soon"),
    UPCOMING: gettext_lazy("Not yet due"),
    TaskStatus.CANCELLED: gettext_lazy("Cancelled"),
}


@dataclass(frozen=True)
class OccurrenceRow:
    """One period as the task page lists it."""

    occurrence: TaskOccurrence
    label: str
    state: str

    @property
    def state_label(self) -> str:
        return str(ROW_LABELS[self.state])


def rows(task: Task, deadline: Deadline, on: dt.date, due_soon_days: int = 7) -> list[OccurrenceRow]:
    found = []
    for occurrence in of(task):
        if occurrence.status == TaskStatus.CANCELLED:
            state = str(TaskStatus.CANCELLED)
        elif occurrence.status == TaskStatus.DONE:
            state = DONE_LATE if is_late(occurrence) else str(TaskStatus.DONE)
        elif is_missed(occurrence, on):
            state = MISSED
        elif occurrence.progress:
            state = str(TaskStatus.IN_PROGRESS)
        elif (occurrence.due_date - on).days <= due_soon_days:
            state = DUE_SOON
        else:
            state = UPCOMING
        found.append(OccurrenceRow(occurrence, period_label(deadline, occurrence.due_date), state))
    return found
