"""Task deadlines as Vietnamese plans write them: shapes, parsing and due dates.

A plan gives every task a time ("Thời gian: …") in one of many shapes: a day
("trước ngày 15/5/2021"), a month ("Hoàn thành trong tháng 4/2021"), a quarter
("quý II/2021"), a range (the Action Month "từ ngày 15/11 đến ngày 15/12"), a
recurrence ("thường xuyên trong năm", "định kỳ 6 tháng", "trước ngày 15/11
hằng năm") or an event that has no date yet ("sau khi có hướng dẫn của Bộ").
Reminders, dashboards and the calendar all need one answer to "when is this
due?", so the shapes are modelled here once, as a small immutable value that is
stored in a JSON field (:meth:`Deadline.to_dict`) next to the text as written.

The module is pure Python (no Django) because the document parser reuses
:func:`parse_deadline` outside the web application.

The package is pure Python (no Django) because the document parser reuses
:func:`parse_deadline` outside the web application. Its three modules follow the
three questions: :mod:`.value` (what the deadline is), :mod:`.schedule` (when it
is due, and the status on a given day) and :mod:`.parse` (how a plan's words
become one).
"""

from gemis.vn.deadlines.parse import parse_deadline
from gemis.vn.deadlines.schedule import (
    days_left,
    is_due_soon,
    is_overdue,
    next_due,
    occurrence_start,
    occurrences_between,
    previous_due,
    status_for,
)
from gemis.vn.deadlines.value import Deadline, DeadlineKind, DueStatus, Recurrence

__all__ = [
    "Deadline",
    "DeadlineKind",
    "DueStatus",
    "Recurrence",
    "days_left",
    "is_due_soon",
    "is_overdue",
    "next_due",
    "occurrence_start",
    "occurrences_between",
    "parse_deadline",
    "previous_due",
    "status_for",
]
