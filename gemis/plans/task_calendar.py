"""Tasks in time: the month grid of the calendar screen and the iCalendar feed.

A task appears on its due date; a task whose deadline is a span of days (the
Action Month 15/11–15/12, "6 tháng đầu năm") appears on every day of the span
that the month shows. Months and quarters are not drawn as spans: "trong tháng
4" means "by the end of April", and thirty identical entries would hide the day
things are actually due; for the same reason spans longer than two months
(half-years, whole years) sit on their due date only.
"""

from __future__ import annotations

import calendar as std_calendar
import datetime as dt
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from functools import partial

from django.db.models import Q, QuerySet
from django.urls import reverse
from django.utils.translation import gettext as _
from icalendar import Calendar, Event

from gemis.plans import task_rules
from gemis.plans.models import Task, TaskStatus
from gemis.vn.deadlines import DeadlineKind

_MONTH_RE = re.compile(r"^(\d{4})-(\d{1,2})$")
# A day cell shows this many tasks, then "+N more" linking to the task table for that day.
PER_DAY = 4
# A span up to two months (the Action Month) is drawn on every day; a longer one ("6 tháng đầu năm",
# a whole year) would fill every cell of the month with the same task, so it sits on its due date only.
MAX_SPAN_DAYS = 62
SUMMARY_LENGTH = 120
PRODUCT_ID = "-//GEMIS//Gender equality tasks//VI"


def parse_month(text: str | None, today: dt.date) -> dt.date:
    """The first day of the month named "2026-11" in the address; this month when missing or wrong."""
    match = _MONTH_RE.match((text or "").strip())
    if match:
        year, month = int(match[1]), int(match[2])
        if 1900 <= year <= 2200 and 1 <= month <= 12:
            return dt.date(year, month, 1)
    return today.replace(day=1)


def add_months(first: dt.date, months: int) -> dt.date:
    index = first.year * 12 + first.month - 1 + months
    return dt.date(index // 12, index % 12 + 1, 1)


def month_weeks(first: dt.date) -> list[list[dt.date]]:
    """The weeks shown for a month, Monday first (Vietnamese calendars start on Monday)."""
    return std_calendar.Calendar(firstweekday=std_calendar.MONDAY).monthdatescalendar(first.year, first.month)


def task_span(task: Task) -> tuple[dt.date, dt.date] | None:
    """The days a task occupies: the range of a RANGE deadline, else its due date alone."""
    if task.due_date is None:
        return None
    kind = (task.deadline or {}).get("kind")
    if kind == DeadlineKind.RANGE.value:
        start = (task.deadline or {}).get("start")
        try:
            start_day = dt.date.fromisoformat(start) if start else None
        except ValueError:
            start_day = None
        if start_day and start_day <= task.due_date and (task.due_date - start_day).days <= MAX_SPAN_DAYS:
            return start_day, task.due_date
    return task.due_date, task.due_date


@dataclass
class Entry:
    """One task on one day of the grid."""

    task: Task
    display_status: str
    is_start: bool  # first day of a span (or the due date)
    is_due: bool  # the due date itself
    is_span: bool
    start: dt.date
    end: dt.date

    @property
    def is_overdue(self) -> bool:
        return self.display_status == task_rules.OVERDUE


@dataclass
class Day:
    date: dt.date
    in_month: bool
    is_today: bool
    entries: list[Entry] = field(default_factory=list)
    total: int = 0
    # The phone list names a span on its first and last day only, not on every day between.
    list_entries: list[Entry] = field(default_factory=list)
    list_total: int = 0

    @property
    def shown(self) -> list[Entry]:
        return self.entries[:PER_DAY]

    @property
    def more(self) -> int:
        return max(0, self.total - PER_DAY)

    @property
    def list_more(self) -> int:
        return max(0, self.list_total - PER_DAY)

    def add(self, make_entry: Callable[[], Entry], *, in_list: bool) -> None:
        """Count a task on this day; build its entry only if it will be shown (busy days have hundreds)."""
        self.total += 1
        entry = None
        if len(self.entries) < PER_DAY:
            entry = make_entry()
            self.entries.append(entry)
        if in_list:
            self.list_total += 1
            if len(self.list_entries) < PER_DAY:
                self.list_entries.append(entry or make_entry())


@dataclass
class MonthView:
    first: dt.date
    weeks: list[list[Day]]
    task_count: int

    @property
    def previous(self) -> dt.date:
        return add_months(self.first, -1)

    @property
    def next(self) -> dt.date:
        return add_months(self.first, 1)

    @property
    def busy_days(self) -> list[Day]:
        """The days of the month that have tasks, for the list shown on phones."""
        return [day for week in self.weeks for day in week if day.in_month and day.list_total]


def month_queryset(tasks: QuerySet[Task], first_shown: dt.date, last_shown: dt.date) -> QuerySet[Task]:
    """Tasks due in the shown weeks, or spanning into them (the due date is indexed; spans are few)."""
    span_reach = last_shown + dt.timedelta(days=MAX_SPAN_DAYS)
    return tasks.filter(
        Q(due_date__gte=first_shown, due_date__lte=last_shown)
        | Q(due_date__gt=last_shown, due_date__lte=span_reach, deadline__kind=DeadlineKind.RANGE.value)
    )


def _entry(task: Task, status: str, day: dt.date, start: dt.date, end: dt.date, is_span: bool) -> Entry:
    return Entry(
        task, status, is_start=day == start, is_due=day == end, is_span=is_span, start=start, end=end
    )


def build_month(tasks: QuerySet[Task], first: dt.date, today: dt.date) -> MonthView:
    """Place the tasks on the weeks of the month starting at ``first``."""
    week_dates = month_weeks(first)
    first_shown, last_shown = week_dates[0][0], week_dates[-1][-1]
    days = {
        d: Day(date=d, in_month=d.month == first.month, is_today=d == today) for w in week_dates for d in w
    }
    # Only what the cells show: a busy month has thousands of tasks.
    found = (
        month_queryset(tasks, first_shown, last_shown)
        .select_related("lead_agency")
        .only("id", "text", "status", "due_date", "deadline", "progress", "lead_agency__name")
    )
    count = 0
    for task in found.order_by("due_date", "pk"):
        span = task_span(task)
        if span is None or span[0] > last_shown or span[1] < first_shown:
            continue
        count += 1
        status = task_rules.display_status(task, today)
        start, end = span
        is_span = start != end
        day = max(start, first_shown)
        while day <= min(end, last_shown):
            # A span already running when the month begins is listed on the month's first day.
            in_list = day in (start, end, first)
            days[day].add(partial(_entry, task, status, day, start, end, is_span), in_list=in_list)
            day += dt.timedelta(days=1)
    # Within a day: what is due that day before spans running through it, overdue first.
    for cell in days.values():
        cell.entries.sort(key=lambda e: (not e.is_due, not e.is_overdue))
        cell.list_entries.sort(key=lambda e: (not e.is_due, not e.is_overdue))
    weeks = [[days[d] for d in w] for w in week_dates]
    return MonthView(first=first, weeks=weeks, task_count=count)


# --- iCalendar -----------------------------------------------------------------------------------------


def _summary(task: Task) -> str:
    text = " ".join(task.text.split())
    if len(text) > SUMMARY_LENGTH:
        text = text[: SUMMARY_LENGTH - 1].rstrip() + "…"
    if task.status == TaskStatus.DONE:
        return f"✓ {text}"
    return text


def _description(task: Task, link: str) -> str:
    lines = [
        f"{_('Plan')}: {task.plan.number or task.plan.subject[:120]}",
        f"{_('Lead agency')}: {task.lead_agency.name if task.lead_agency else '—'}",
        f"{_('Deadline')}: {task.deadline_text or '—'}",
        f"{_('Status')}: {task_rules.display_label(task)} ({task.progress}%)",
        link,
    ]
    return "\n".join(lines)


def ical_bytes(tasks: Iterable[Task], name: str, base_url: str, host: str) -> bytes:
    """An iCalendar file with one all-day event per task (spans from first to last day).

    ``UID`` is derived from the task's id and the server's host, so calendar apps
    update the same event when the task moves instead of adding a copy.
    """
    cal = Calendar()
    cal.add("prodid", PRODUCT_ID)
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    cal.add("method", "PUBLISH")
    cal.add("x-wr-calname", name)
    # Ask subscribed apps to refresh a few times a day (Apple, Outlook and Google read these).
    cal.add("x-published-ttl", "PT6H")
    cal.add("refresh-interval", dt.timedelta(hours=6), parameters={"VALUE": "DURATION"})
    for task in tasks:
        span = task_span(task)
        if span is None:
            continue
        start, end = span
        link = base_url + reverse("plans:task-detail", args=[task.pk])
        event = Event()
        event.add("uid", f"task-{task.pk}@{host}")
        event.add("dtstamp", task.updated_at)
        event.add("last-modified", task.updated_at)
        event.add("dtstart", start)
        # All-day events end on the day after (DTEND is exclusive).
        event.add("dtend", end + dt.timedelta(days=1))
        event.add("summary", _summary(task))
        event.add("description", _description(task, link))
        event.add("url", link)
        event.add("transp", "TRANSPARENT")
        if task.status == TaskStatus.CANCELLED:
            event.add("status", "CANCELLED")
        cal.add_component(event)
    return cal.to_ical()
