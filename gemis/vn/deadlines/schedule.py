"""When a deadline is due: occurrences of recurring deadlines and the status on a day.

Due-date rules (simple on purpose, so that officers can predict them)
--------------------------------------------------------------------
1. "Trước ngày 15/5" is read as due *on* 15/5, not 14/5: that is how offices
   read it, and a one-day lenient reading never raises a false alarm.
2. A one-shot deadline (every kind but ``RECURRING``) has one fixed due date
   (:attr:`Deadline.due`), whatever the day. Its status is DONE when done,
   OVERDUE when today is after the due date, DUE_SOON when it is due within
   ``window_days`` (today included), ON_TRACK otherwise and NO_DUE_DATE when
   there is no due date (an event without a date, ``NONE``).
3. A recurring deadline has *occurrences*: the anchor days ``(month, day)`` of
   every year, or for ``MONTHLY`` the anchor days ``(0, day)`` of every month.
   Without anchors: YEARLY 31/12; HALF_YEARLY 30/6 and 31/12; QUARTERLY the
   quarter ends; MONTHLY the last day of the month. A day the month lacks
   (29/2 in a common year, day 31 in April) falls on the month's last day.
   Only years ``valid_from_year``..``until_year`` have occurrences.
   ``CONTINUOUS`` work is never due.
4. Finishing the task (``last_done_on``, the day progress reached 100%)
   counts for the occurrence nearest to that day: the window of the
   occurrence due on day D starts halfway after the previous occurrence
   (:func:`occurrence_start`). A report finished a few days late thus clears
   the occurrence it was late for and does not also count for the next one,
   while work finished early counts for the coming one.
5. A recurring task is OVERDUE when its latest occurrence before today
   (:func:`previous_due`) was not fulfilled, that is ``last_done_on`` is unknown
   or before that occurrence's window — unless that occurrence falls
   before ``since`` (the day the task was given), because nobody can be late
   for work that did not exist yet. A bare ``done`` flag, without a date,
   cannot say which occurrence it was for, so it only ever counts for the
   coming occurrence and only when ``last_done_on`` is unknown. Otherwise the
   coming occurrence (:func:`next_due`) decides DONE, DUE_SOON or ON_TRACK as
   in rule 2; after the plan period the last occurrence decides DONE.
"""

from __future__ import annotations

from datetime import MAXYEAR, MINYEAR, date, timedelta
from functools import lru_cache

from gemis.vn.deadlines.value import (  # the value's own helpers, shared inside the package
    _DEFAULT_ANCHORS,
    Anchor,
    Deadline,
    DeadlineKind,
    DueStatus,
    Recurrence,
    _month_len,
)


def _anchors(deadline: Deadline) -> tuple[Anchor, ...]:
    assert deadline.recurrence is not None
    return deadline.anchors or _DEFAULT_ANCHORS[deadline.recurrence]


def _bucket(deadline: Deadline, day: date) -> int:
    if deadline.recurrence is Recurrence.MONTHLY:
        return day.year * 12 + day.month - 1
    return day.year


def _bucket_year(deadline: Deadline, bucket: int) -> int:
    return bucket // 12 if deadline.recurrence is Recurrence.MONTHLY else bucket


@lru_cache(maxsize=4096)
def _occurrences(anchors: tuple[Anchor, ...], monthly: bool, bucket: int) -> tuple[date, ...]:
    """The sorted occurrence days of one bucket; days a month lacks fall on its last day."""
    if monthly:
        year, month = divmod(bucket, 12)
        month += 1
        last = _month_len(year, month)
        return tuple(sorted({date(year, month, min(day, last)) for _, day in anchors}))
    return tuple(sorted({date(bucket, month, min(day, _month_len(bucket, month))) for month, day in anchors}))


def _bucket_days(deadline: Deadline, bucket: int) -> tuple[date, ...]:
    return _occurrences(_anchors(deadline), deadline.recurrence is Recurrence.MONTHLY, bucket)


def _recurring_next(deadline: Deadline, today: date) -> date | None:
    if deadline.recurrence is Recurrence.CONTINUOUS:
        return None
    lo, hi = deadline.valid_from_year, deadline.until_year
    if hi is not None and today.year > hi:
        return None
    if lo is not None and today.year < lo:
        today = date(lo, 1, 1)
    first = _bucket(deadline, today)
    for bucket in (first, first + 1):
        year = _bucket_year(deadline, bucket)
        if year > MAXYEAR or (hi is not None and year > hi):
            return None
        for day in _bucket_days(deadline, bucket):
            if day >= today:
                return day
    return None  # pragma: no cover - every bucket has an occurrence


def _recurring_previous(deadline: Deadline, today: date) -> date | None:
    """The latest occurrence strictly before ``today`` inside the plan period."""
    if deadline.recurrence is Recurrence.CONTINUOUS:
        return None
    lo = deadline.valid_from_year if deadline.valid_from_year is not None else MINYEAR
    hi = deadline.until_year if deadline.until_year is not None else MAXYEAR
    if today.year < lo:
        return None
    first = _bucket(deadline, today)
    for bucket in (first, first - 1):
        year = _bucket_year(deadline, bucket)
        if year > hi:
            continue
        if year < lo:
            return None
        for day in reversed(_bucket_days(deadline, bucket)):
            if day < today:
                return day
    # today is after the plan period and the first bucket looked at was past its end
    if today.year > hi:
        return _bucket_days(deadline, _bucket(deadline, date(hi, 12, 31)))[-1]
    return None


def occurrence_start(deadline: Deadline, due: date) -> date | None:
    """First day of the window in which finishing the task counts for the occurrence due on ``due``.

    For recurring deadlines this is the day after the midpoint between the
    previous occurrence and ``due`` (rule 4); the plan period is ignored, so the
    first occurrence of a plan has a window too. For a one-shot deadline it is
    its ``start`` (``None`` for DATE, EVENT and NONE, which have no window).
    """
    if deadline.kind is not DeadlineKind.RECURRING:
        return deadline.start if deadline.kind is not DeadlineKind.DATE else None
    if deadline.recurrence is Recurrence.CONTINUOUS:
        return None
    first = _bucket(deadline, due)
    for bucket in (first, first - 1):
        if _bucket_year(deadline, bucket) < MINYEAR:
            return date.min
        for day in reversed(_bucket_days(deadline, bucket)):
            if day < due:
                return day + timedelta(days=(due - day).days // 2 + 1)
    return date.min  # pragma: no cover - every bucket has an occurrence


def occurrences_between(deadline: Deadline, first_year: int, last_year: int) -> list[date]:
    """Every occurrence of a recurring deadline in the years ``first_year``..``last_year`` (a plan's
    period), within the deadline's own years; empty for one-shot deadlines and continuous work."""
    if deadline.kind is not DeadlineKind.RECURRING or deadline.recurrence is Recurrence.CONTINUOUS:
        return []
    lo = max(first_year, deadline.valid_from_year or first_year)
    hi = min(last_year, deadline.until_year or last_year)
    days: list[date] = []
    for year in range(lo, hi + 1):
        if deadline.recurrence is Recurrence.MONTHLY:
            for month in range(12):
                days.extend(_bucket_days(deadline, year * 12 + month))
        else:
            days.extend(_bucket_days(deadline, year))
    return days


def next_due(deadline: Deadline, today: date) -> date | None:
    """The due date to chase on ``today``.

    One-shot deadlines: their fixed due date, even when it has passed (so an
    overdue task keeps its date). Recurring: the first occurrence on or after
    ``today`` within the plan period, ``None`` for continuous work or after the
    period. Constant time: at most two buckets of anchors are looked at.
    """
    if deadline.kind is DeadlineKind.RECURRING:
        return _recurring_next(deadline, today)
    return deadline.due


def previous_due(deadline: Deadline, today: date) -> date | None:
    """The latest due date strictly before ``today`` (a one-shot's due date once passed)."""
    if deadline.kind is DeadlineKind.RECURRING:
        return _recurring_previous(deadline, today)
    due = deadline.due
    return due if due is not None and due < today else None


def days_left(deadline: Deadline, today: date) -> int | None:
    """Days from ``today`` to :func:`next_due`; negative when a one-shot deadline has passed."""
    due = next_due(deadline, today)
    return None if due is None else (due - today).days


def status_for(
    deadline: Deadline,
    today: date,
    *,
    done: bool,
    last_done_on: date | None = None,
    since: date | None = None,
    window_days: int = 7,
) -> DueStatus:
    """Classify a task on ``today`` following the rules in the module docstring.

    ``done`` is whether the task's progress is 100% now. For recurring tasks,
    ``last_done_on`` is the day progress last reached 100% and ``since`` the day
    the task was given (occurrences before it are never overdue).
    """
    if deadline.kind is not DeadlineKind.RECURRING:
        if done:
            return DueStatus.DONE
        due = deadline.due
        if due is None:
            return DueStatus.NO_DUE_DATE
        return _by_distance(due, today, window_days)

    if deadline.recurrence is Recurrence.CONTINUOUS:
        return DueStatus.DONE if done else DueStatus.NO_DUE_DATE

    def fulfilled(occurrence: date | None) -> bool:
        if last_done_on is None:
            return False
        if occurrence is None:
            return True
        period_start = occurrence_start(deadline, occurrence)
        return period_start is None or last_done_on >= period_start

    previous = _recurring_previous(deadline, today)
    if previous is not None and (since is None or previous >= since) and not fulfilled(previous):
        return DueStatus.OVERDUE
    coming = _recurring_next(deadline, today)
    if coming is None:
        finished = fulfilled(previous) if last_done_on is not None else done
        return DueStatus.DONE if finished else DueStatus.NO_DUE_DATE
    if fulfilled(coming) if last_done_on is not None else done:
        return DueStatus.DONE
    return _by_distance(coming, today, window_days)


def _by_distance(due: date, today: date, window_days: int) -> DueStatus:
    if today > due:
        return DueStatus.OVERDUE
    if (due - today).days <= window_days:
        return DueStatus.DUE_SOON
    return DueStatus.ON_TRACK


def is_overdue(
    deadline: Deadline,
    today: date,
    *,
    done: bool = False,
    last_done_on: date | None = None,
    since: date | None = None,
) -> bool:
    """Shortcut for ``status_for(...) is DueStatus.OVERDUE``."""
    status = status_for(deadline, today, done=done, last_done_on=last_done_on, since=since)
    return status is DueStatus.OVERDUE


def is_due_soon(
    deadline: Deadline,
    today: date,
    *,
    done: bool = False,
    last_done_on: date | None = None,
    since: date | None = None,
    window_days: int = 7,
) -> bool:
    """Shortcut for ``status_for(...) is DueStatus.DUE_SOON``."""
    status = status_for(
        deadline, today, done=done, last_done_on=last_done_on, since=since, window_days=window_days
    )
    return status is DueStatus.DUE_SOON


# == parsing =================================================================================================
