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

Shapes (:class:`DeadlineKind`)
------------------------------
``DATE``       ``start`` is the due day.
``MONTH``      ``start`` is the first and ``end`` the last day of the month; due on ``end``.
``QUARTER``    ``start``/``end`` are the quarter's first and last day; due on ``end``.
``RANGE``      ``start`` ≤ ``end``; due on ``end``.
``RECURRING``  a :class:`Recurrence` with optional ``anchors`` and plan period.
``EVENT``      an event phrase; due on ``event_date`` once an officer enters it.
``NONE``       nothing usable; ``text`` keeps whatever the document said.

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

Parsing (:func:`parse_deadline`) never raises. Text is matched on an
accent-free, lower-case key (so NFC/NFD, "hoá"/"hóa", "hằng"/"hàng" and text
typed without diacritics all match) while ``Deadline.text`` keeps the phrase as
written (NFC). Dates are day/month/year; a missing year comes from the other
end of a range, else from ``default_year`` (the document's year); two-digit
years are 20xx. The first shape that matches decides, in this order: recurring
words ("thường xuyên" first, then the most frequent period named), date range,
month range, quarter range, a single date, month, quarter, "6 tháng đầu năm",
the Action Month, "cuối/đầu/giữa năm", a range of years, a year, "trong năm",
an event phrase; anything else is ``NONE``. A shape that matches but names an
impossible date (31/2, tháng 13) gives ``NONE`` with the text kept, so the
officer sees the phrase and fixes it instead of the task silently moving.
"""

from __future__ import annotations

import calendar
import re
import unicodedata
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import MAXYEAR, MINYEAR, date, datetime, timedelta
from enum import StrEnum
from functools import lru_cache
from typing import Any

from gemis.core.text import nfc

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
    "parse_deadline",
    "previous_due",
    "status_for",
]


class DeadlineKind(StrEnum):
    """The shape of a deadline; the value is what is stored in JSON."""

    DATE = "date"
    MONTH = "month"
    QUARTER = "quarter"
    RANGE = "range"
    RECURRING = "recurring"
    EVENT = "event"
    NONE = "unspecified"


class Recurrence(StrEnum):
    """How often a recurring task falls due."""

    CONTINUOUS = "continuous"  # "thường xuyên": ongoing, never due
    YEARLY = "yearly"  # "hằng năm", "hàng năm"
    HALF_YEARLY = "half_yearly"  # "định kỳ 6 tháng"
    QUARTERLY = "quarterly"  # "hằng quý"
    MONTHLY = "monthly"  # "hằng tháng"


class DueStatus(StrEnum):
    """Where a task stands against its deadline on a given day."""

    DONE = "done"
    OVERDUE = "overdue"
    DUE_SOON = "due_soon"
    ON_TRACK = "on_track"
    NO_DUE_DATE = "no_due_date"


Anchor = tuple[int, int]

# The year used to check that an anchor day exists: a leap year, so 29/2 is allowed.
_LEAP_YEAR = 2000
# Years the parser accepts as written; anything else is a typo worth showing to a person.
_PARSE_MIN_YEAR = 1900
_PARSE_MAX_YEAR = 2199

_DEFAULT_ANCHORS: dict[Recurrence, tuple[Anchor, ...]] = {
    Recurrence.YEARLY: ((12, 31),),
    Recurrence.HALF_YEARLY: ((6, 30), (12, 31)),
    Recurrence.QUARTERLY: ((3, 31), (6, 30), (9, 30), (12, 31)),
    Recurrence.MONTHLY: ((0, 31),),
}

_ROMAN = ("I", "II", "III", "IV")
_MONTHS_EN = (
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
)


def _month_len(year: int, month: int) -> int:
    return calendar.monthrange(year, month)[1]


def _month_end(year: int, month: int) -> date:
    return date(year, month, _month_len(year, month))


def _quarter_bounds(year: int, quarter: int) -> tuple[date, date]:
    first_month = 3 * (quarter - 1) + 1
    return date(year, first_month, 1), _month_end(year, first_month + 2)


def _as_date(value: Any, name: str) -> date | None:
    """Accept a date (a datetime is cut to its day); refuse anything else."""
    if value is None:
        return None
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    raise ValueError(f"{name} must be a date, not {type(value).__name__}")


def _check_anchor(recurrence: Recurrence, anchor: Any) -> Anchor:
    try:
        month, day = (int(part) for part in anchor)
    except (TypeError, ValueError) as exc:
        raise ValueError(f"anchor {anchor!r} is not a (month, day) pair") from exc
    if recurrence is Recurrence.MONTHLY:
        if month != 0 or not 1 <= day <= 31:
            raise ValueError(f"a monthly anchor is (0, day of month), not {anchor!r}")
    elif not (1 <= month <= 12 and 1 <= day <= _month_len(_LEAP_YEAR, month)):
        raise ValueError(f"anchor {anchor!r} is not a day of the year")
    return month, day


@dataclass(frozen=True)
class Deadline:
    """One task deadline. Build it with the class-method constructors or :func:`parse_deadline`.

    Invalid combinations raise ``ValueError`` at construction, so a stored
    deadline is always one of the shapes described in the module docstring.
    """

    kind: DeadlineKind
    text: str = ""
    start: date | None = None
    end: date | None = None
    recurrence: Recurrence | None = None
    anchors: tuple[Anchor, ...] = field(default=())
    event: str | None = None
    event_date: date | None = None
    valid_from_year: int | None = None
    until_year: int | None = None

    def __post_init__(self) -> None:
        set_ = object.__setattr__
        kind = DeadlineKind(self.kind)
        set_(self, "kind", kind)
        set_(self, "text", nfc(self.text or "").strip())
        start = _as_date(self.start, "start")
        end = _as_date(self.end, "end")
        set_(self, "start", start)
        set_(self, "end", end)
        set_(self, "event_date", _as_date(self.event_date, "event_date"))
        event = nfc(self.event).strip() if self.event is not None else None
        set_(self, "event", event or None)

        if kind is not DeadlineKind.EVENT and (self.event is not None or self.event_date is not None):
            raise ValueError("only an EVENT deadline has an event")
        if kind is not DeadlineKind.RECURRING and (
            self.recurrence is not None
            or self.anchors
            or self.valid_from_year is not None
            or self.until_year is not None
        ):
            raise ValueError("only a RECURRING deadline has a recurrence, anchors or plan years")

        if kind is DeadlineKind.DATE:
            if start is None or end is not None:
                raise ValueError("a DATE deadline has a start (the due day) and no end")
        elif kind is DeadlineKind.MONTH:
            if start is None or end is None or start.day != 1 or end != _month_end(start.year, start.month):
                raise ValueError("a MONTH deadline runs from the first to the last day of one month")
        elif kind is DeadlineKind.QUARTER:
            quarter = (start.month - 1) // 3 + 1 if start is not None else 0
            if start is None or end is None or (start, end) != _quarter_bounds(start.year, quarter):
                raise ValueError("a QUARTER deadline runs from the first to the last day of one quarter")
        elif kind is DeadlineKind.RANGE:
            if start is None or end is None or start > end:
                raise ValueError("a RANGE deadline needs start <= end")
        elif kind is DeadlineKind.RECURRING:
            self._check_recurring(start, end)
        elif kind is DeadlineKind.EVENT:
            if start is not None or end is not None or self.event is None:
                raise ValueError("an EVENT deadline has an event phrase and no start or end")
        elif start is not None or end is not None:
            raise ValueError("an unspecified deadline has no dates")

    def _check_recurring(self, start: date | None, end: date | None) -> None:
        if start is not None or end is not None:
            raise ValueError("a RECURRING deadline has no start or end; use anchors and plan years")
        if self.recurrence is None:
            raise ValueError("a RECURRING deadline needs a recurrence")
        recurrence = Recurrence(self.recurrence)
        object.__setattr__(self, "recurrence", recurrence)
        if recurrence is Recurrence.CONTINUOUS and self.anchors:
            raise ValueError("continuous work has no anchor days")
        anchors = tuple(sorted({_check_anchor(recurrence, a) for a in self.anchors}))
        object.__setattr__(self, "anchors", anchors)
        for name in ("valid_from_year", "until_year"):
            year = getattr(self, name)
            if year is not None:
                if isinstance(year, bool) or not isinstance(year, int) or not MINYEAR <= year <= MAXYEAR:
                    raise ValueError(f"{name} must be a year, not {year!r}")
        if (
            self.valid_from_year is not None
            and self.until_year is not None
            and self.valid_from_year > self.until_year
        ):
            raise ValueError("valid_from_year is after until_year")

    # -- constructors ---------------------------------------------------------------------------------

    @classmethod
    def on(cls, day: date, text: str = "") -> Deadline:
        """Due on one day ("trước ngày 15/5/2021", "chậm nhất ngày 30/6")."""
        return cls(DeadlineKind.DATE, text=text, start=day)

    @classmethod
    def in_month(cls, year: int, month: int, text: str = "") -> Deadline:
        """Some time in a month, due on its last day ("trong tháng 4/2021")."""
        return cls(DeadlineKind.MONTH, text=text, start=date(year, month, 1), end=_month_end(year, month))

    @classmethod
    def in_quarter(cls, year: int, quarter: int, text: str = "") -> Deadline:
        """Some time in a quarter, due on its last day ("quý II/2021")."""
        if not 1 <= quarter <= 4:
            raise ValueError(f"quarter must be 1-4, not {quarter!r}")
        start, end = _quarter_bounds(year, quarter)
        return cls(DeadlineKind.QUARTER, text=text, start=start, end=end)

    @classmethod
    def between(cls, start: date, end: date, text: str = "") -> Deadline:
        """A span of days, due on the last ("từ 15/11 đến 15/12/2020")."""
        return cls(DeadlineKind.RANGE, text=text, start=start, end=end)

    @classmethod
    def recurring(
        cls,
        recurrence: Recurrence,
        anchors: Iterable[Anchor] = (),
        *,
        valid_from_year: int | None = None,
        until_year: int | None = None,
        text: str = "",
    ) -> Deadline:
        """Repeating work; ``anchors`` are (month, day) pairs, or (0, day) for MONTHLY."""
        return cls(
            DeadlineKind.RECURRING,
            text=text,
            recurrence=recurrence,
            anchors=tuple(tuple(a) for a in anchors),  # type: ignore[misc]
            valid_from_year=valid_from_year,
            until_year=until_year,
        )

    @classmethod
    def after_event(cls, event: str, event_date: date | None = None, text: str = "") -> Deadline:
        """Tied to an event ("sau khi có hướng dẫn của Bộ"); an officer may enter its date later."""
        return cls(DeadlineKind.EVENT, text=text, event=event, event_date=event_date)

    @classmethod
    def none(cls, text: str = "") -> Deadline:
        """No usable deadline; ``text`` keeps what the document said, if anything."""
        return cls(DeadlineKind.NONE, text=text)

    # -- derived values --------------------------------------------------------------------------------

    @property
    def is_recurring(self) -> bool:
        return self.kind is DeadlineKind.RECURRING

    @property
    def due(self) -> date | None:
        """The fixed due date of a one-shot deadline; ``None`` for recurring ones (see :func:`next_due`)."""
        if self.kind is DeadlineKind.DATE:
            return self.start
        if self.kind in (DeadlineKind.MONTH, DeadlineKind.QUARTER, DeadlineKind.RANGE):
            return self.end
        if self.kind is DeadlineKind.EVENT:
            return self.event_date
        return None

    @property
    def display(self) -> str:
        """What to show: the phrase as the document wrote it, else a rendering."""
        return self.text or self.label()

    def with_event_date(self, event_date: date | None) -> Deadline:
        """The same EVENT deadline with the event's date entered (or cleared) by an officer."""
        if self.kind is not DeadlineKind.EVENT:
            raise ValueError("only an EVENT deadline has an event date")
        return Deadline(DeadlineKind.EVENT, text=self.text, event=self.event, event_date=event_date)

    # -- storage -----------------------------------------------------------------------------------------

    def to_dict(self) -> dict[str, Any]:
        """A JSON-safe dict (ISO dates); empty fields are left out to keep rows small."""
        data: dict[str, Any] = {"kind": self.kind.value}
        if self.text:
            data["text"] = self.text
        if self.start is not None:
            data["start"] = self.start.isoformat()
        if self.end is not None:
            data["end"] = self.end.isoformat()
        if self.recurrence is not None:
            data["recurrence"] = self.recurrence.value
        if self.anchors:
            data["anchors"] = [[month, day] for month, day in self.anchors]
        if self.event is not None:
            data["event"] = self.event
        if self.event_date is not None:
            data["event_date"] = self.event_date.isoformat()
        if self.valid_from_year is not None:
            data["valid_from_year"] = self.valid_from_year
        if self.until_year is not None:
            data["until_year"] = self.until_year
        return data

    @classmethod
    def from_dict(cls, data: Mapping[str, Any] | None) -> Deadline:
        """Inverse of :meth:`to_dict`. An empty dict (a fresh JSON field) is ``NONE``.

        Malformed data raises ``ValueError``: a stored deadline that cannot be
        read is a bug to surface, not something to guess about.
        """
        if not data:
            return cls.none()
        if not isinstance(data, Mapping):
            raise ValueError("a deadline is stored as a JSON object")

        def iso(name: str) -> date | None:
            value = data.get(name)
            if value is None:
                return None
            if not isinstance(value, str):
                raise ValueError(f"{name} must be an ISO date string")
            return date.fromisoformat(value)

        def year(name: str) -> int | None:
            value = data.get(name)
            if value is not None and (isinstance(value, bool) or not isinstance(value, int)):
                raise ValueError(f"{name} must be an integer year")
            return value

        recurrence = data.get("recurrence")
        anchors = data.get("anchors") or ()
        if not isinstance(anchors, list | tuple):
            raise ValueError("anchors must be a list of [month, day] pairs")
        try:
            return cls(
                DeadlineKind(data.get("kind", DeadlineKind.NONE.value)),
                text=str(data.get("text") or ""),
                start=iso("start"),
                end=iso("end"),
                recurrence=Recurrence(recurrence) if recurrence is not None else None,
                anchors=tuple(tuple(a) for a in anchors),  # type: ignore[misc]
                event=str(data["event"]) if data.get("event") is not None else None,
                event_date=iso("event_date"),
                valid_from_year=year("valid_from_year"),
                until_year=year("until_year"),
            )
        except TypeError as exc:
            raise ValueError(str(exc)) from exc

    # -- rendering ---------------------------------------------------------------------------------------

    def label(self, lang: str = "vi") -> str:
        """Render the deadline in Vietnamese (default) or English ("en", "en-us"…).

        Used when the document's own words are missing (a deadline built in the
        form) and for the English interface.
        """
        en = lang.lower().startswith("en")
        kind = self.kind
        if kind is DeadlineKind.DATE:
            assert self.start is not None
            return f"By {_en_date(self.start)}" if en else f"Trước ngày {_vi_date(self.start)}"
        if kind is DeadlineKind.MONTH:
            assert self.start is not None
            month_en = _MONTHS_EN[self.start.month - 1]
            month_vi = f"{self.start.month}/{self.start.year}"
            return f"During {month_en} {self.start.year}" if en else f"Trong tháng {month_vi}"
        if kind is DeadlineKind.QUARTER:
            assert self.start is not None
            quarter = (self.start.month - 1) // 3 + 1
            return f"Q{quarter} {self.start.year}" if en else f"Quý {_ROMAN[quarter - 1]}/{self.start.year}"
        if kind is DeadlineKind.RANGE:
            assert self.start is not None and self.end is not None
            return _range_label(self.start, self.end, en)
        if kind is DeadlineKind.RECURRING:
            return _recurring_label(self, en)
        if kind is DeadlineKind.EVENT:
            event = self.event or ""
            if en:
                suffix = f" ({_en_date(self.event_date)})" if self.event_date else ""
                return f"On event: {event}{suffix}"
            suffix = f" (ngày {_vi_date(self.event_date)})" if self.event_date else ""
            return f"{event[:1].upper()}{event[1:]}{suffix}"
        return "Not specified" if en else "Không xác định"

    def __str__(self) -> str:
        return self.display


def _vi_date(day: date) -> str:
    return f"{day.day:02d}/{day.month:02d}/{day.year}"


def _en_date(day: date) -> str:
    return f"{day.day} {_MONTHS_EN[day.month - 1][:3]} {day.year}"


def _range_label(start: date, end: date, en: bool) -> str:
    whole_months = start.day == 1 and end == _month_end(end.year, end.month)
    if whole_months and start.month == 1 and end.month == 12:
        if start.year == end.year:
            return f"During {start.year}" if en else f"Trong năm {start.year}"
        return f"{start.year}–{end.year}" if en else f"Giai đoạn {start.year}–{end.year}"
    if whole_months and start.year == end.year:
        if (start.month, end.month) == (1, 6):
            return f"First half of {start.year}" if en else f"6 tháng đầu năm {start.year}"
        if (start.month, end.month) == (7, 12):
            return f"Second half of {start.year}" if en else f"6 tháng cuối năm {start.year}"
        if en:
            return f"{_MONTHS_EN[start.month - 1]} to {_MONTHS_EN[end.month - 1]} {start.year}"
        return f"Từ tháng {start.month} đến tháng {end.month}/{start.year}"
    if whole_months:
        if en:
            return f"{_MONTHS_EN[start.month - 1]} {start.year} to {_MONTHS_EN[end.month - 1]} {end.year}"
        return f"Từ tháng {start.month}/{start.year} đến tháng {end.month}/{end.year}"
    if en:
        return f"From {_en_date(start)} to {_en_date(end)}"
    return f"Từ {_vi_date(start)} đến {_vi_date(end)}"


def _recurring_label(deadline: Deadline, en: bool) -> str:
    recurrence = deadline.recurrence
    anchors = deadline.anchors
    if recurrence is Recurrence.MONTHLY:
        days = [day for _, day in anchors]
        if en:
            text = "Every month" + (", by day " + ", ".join(map(str, days)) if days else "")
        else:
            text = "Hằng tháng" + (", trước ngày " + ", ".join(map(str, days)) if days else "")
    else:
        if en:
            points = ", ".join(f"{day} {_MONTHS_EN[month - 1][:3]}" for month, day in anchors)
        else:
            points = ", ".join(f"{day}/{month}" for month, day in anchors)
        if recurrence is Recurrence.CONTINUOUS:
            text = "Ongoing" if en else "Thường xuyên"
        elif recurrence is Recurrence.YEARLY:
            if en:
                text = "Every year" + (f", by {points}" if points else "")
            else:
                text = "Hằng năm" + (f", trước ngày {points}" if points else "")
        elif recurrence is Recurrence.HALF_YEARLY:
            text = ("Every 6 months" if en else "Định kỳ 6 tháng") + (f" ({points})" if points else "")
        else:
            text = ("Every quarter" if en else "Hằng quý") + (f" ({points})" if points else "")
    lo, hi = deadline.valid_from_year, deadline.until_year
    if lo is not None and hi is not None:
        if lo == hi:
            return text + (f" in {lo}" if en else f" trong năm {lo}")
        return text + (f" ({lo}–{hi})" if en else f", giai đoạn {lo}–{hi}")
    if lo is not None:
        return text + (f" from {lo}" if en else f" từ năm {lo}")
    if hi is not None:
        return text + (f" until {hi}" if en else f" đến năm {hi}")
    return text


# == occurrences of recurring deadlines ===================================================================
#
# Occurrences are grouped in "buckets": a year for yearly, half-yearly and quarterly
# deadlines, a month (numbered year * 12 + month - 1) for monthly ones. Every bucket has
# at least one occurrence, so the next or previous occurrence is always in the bucket of
# the day asked about or in the one beside it: two buckets to look at, never a loop over days.


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


def _build_fold_table() -> dict[int, str]:
    """One character in, one character out, so positions in the key are positions in the text.

    Latin letters lose their marks and case ("Ờ" → "o", "Đ" → "d"); dashes become
    "-", every kind of space " ". Other characters pass through unchanged.
    """
    table: dict[int, str] = {}
    for cp in (*range(0x41, 0x5B), *range(0xC0, 0x250), *range(0x1E00, 0x1F00)):
        base = "".join(c for c in unicodedata.normalize("NFD", chr(cp)) if not unicodedata.combining(c))
        base = base.lower()
        if len(base) == 1 and "a" <= base <= "z":
            table[cp] = base
    for ch in "đĐÐð":
        table[ord(ch)] = "d"
    for ch in "\u2010\u2011\u2012\u2013\u2014\u2015\u2212\ufe58\ufe63\uff0d":
        table[ord(ch)] = "-"
    table[ord("\uff0f")] = "/"
    for ch in "\t\n\r\x0b\x0c\x85\xa0\u1680\u2028\u2029\u202f\u205f\u3000\u200b\ufeff":
        table[ord(ch)] = " "
    for cp in range(0x2000, 0x200B):
        table[cp] = " "
    return table


_FOLD = _build_fold_table()
# Long inputs are kept whole in ``text`` but only their start is searched: deadlines are short.
_MAX_SCAN = 600

_Y = r"(?:\d{4}|\d{2})(?!\d)"
_Q = r"iv|iii|ii|i|[1-4]"


def _year_suffix(name: str) -> str:
    """An optional year after a month or quarter: "/2021", "-21", " năm 2021"."""
    return rf"(?:\s*(?:/|-|\.|,?\s*nam)\s*(?P<{name}>{_Y}))?"


def _date_re(i: int) -> str:
    """A day written "15/5/2021", "15-5", "15.05.21" or "15 tháng 5 năm 2021"; groups suffixed ``i``."""
    numeric = (
        # not "tháng 11/21" or "quý 2/21": those are a month or a quarter with its year
        rf"(?<![\d/])(?<!thang )(?<!thang)(?<!quy )(?<!quy)"
        rf"(?P<d{i}>\d{{1,2}})(?P<s{i}>[/.\-])(?P<m{i}>\d{{1,2}})"
        rf"(?:(?P=s{i})(?P<y{i}>\d{{4}}|\d{{2}}))?(?!\d|(?P=s{i})\d)"
    )
    words = (
        rf"(?<![\d/])(?P<wd{i}>\d{{1,2}})\s+thang\s*(?P<wm{i}>\d{{1,2}})(?!\d|\s*lan)"
        rf"(?:\s*,?\s*nam\s*(?P<wy{i}>\d{{4}})(?!\d))?"
    )
    return rf"(?:ngay\s*)?(?:{numeric}|{words})"


_RANGE_SEP = r"\s*(?:-|~|den|toi)\s*(?:het\s+)?"
_DATE_RE = re.compile(_date_re(0))
_DATE_RANGE_RE = re.compile(_date_re(1) + _RANGE_SEP + _date_re(2))
_MONTH_RANGE_RE = re.compile(
    rf"thang\s*(?P<m1>\d{{1,2}})(?!\d)(?:\s*(?:/|\.|,?\s*nam)\s*(?P<y1>{_Y}))?"
    rf"{_RANGE_SEP}(?:thang\s*)?(?P<m2>\d{{1,2}})(?!\d)" + _year_suffix("y2")
)
_QUARTER_RANGE_RE = re.compile(
    rf"quy\s*(?P<q1>{_Q})(?![a-z\d])(?:\s*(?:/|\.|,?\s*nam)\s*(?P<y1>{_Y}))?"
    rf"{_RANGE_SEP}(?:quy\s*)?(?P<q2>{_Q})(?![a-z\d])" + _year_suffix("y2")
)
_MONTH_RE = re.compile(r"thang\s*(?P<m>\d{1,2})(?!\d|\s*lan)" + _year_suffix("y"))
_QUARTER_RE = re.compile(rf"quy\s*(?P<q>{_Q})(?![a-z\d])" + _year_suffix("y"))
_NUMBER_WORDS = {"ba": 3, "sau": 6, "chin": 9}
_PART_OF_YEAR_MONTHS_RE = re.compile(
    r"(?<![\d\w])(?P<n>\d{1,2}|ba|sau|chin)\s+thang\s+(?P<w>dau|cuoi)\s+nam(?:\s*(?P<y>\d{4})(?!\d))?"
)
_ACTION_MONTH_RE = re.compile(r"thang hanh dong vi binh dang gioi")
_PART_OF_YEAR_RE = re.compile(r"(?<![a-z])(?P<p>cuoi|dau|giua)\s+nam(?![a-z])(?:\s*(?P<y>\d{4})(?!\d))?")
_YEAR_RANGE_RE = re.compile(r"(?<!\d)(?P<y1>\d{4})\s*(?:-|den|toi)\s*(?:nam\s*)?(?P<y2>\d{4})(?!\d)")
_YEAR_RE = re.compile(r"(?<![a-z])nam\s*(?P<y>\d{4})(?!\d)")
_WHOLE_YEAR_RE = re.compile(r"(?<![a-z])(?:trong|ca|suot|het)\s+nam(?![a-z])(?!\s*\d)")
_FROM_YEAR_RE = re.compile(r"(?<![a-z])tu\s+nam\s*(?P<y>\d{4})(?!\d)")
_UNTIL_YEAR_RE = re.compile(r"(?<![a-z])(?:den|toi)\s+(?:het\s+)?nam\s*(?P<y>\d{4})(?!\d)")
_MONTH_DAY_RE = re.compile(r"ngay\s*(?P<d>\d{1,2})(?!\d)(?!\s*(?:[/.\-]\s*\d|thang\s*\d))")
_EVENT_RE = re.compile(
    r"(?<![a-z])(?:truoc|sau|khi|theo|ke tu|dong thoi|nhan dip|dip|trong thoi gian|trong vong|trong tuan)"
    r"(?![a-z])"
)
# "Thời gian: Hoàn thành …" — the label and the verbs in front of the time itself.
_LEAD_RE = re.compile(
    r"^\s*(?:(?:thoi gian|thoi han|han chot|han)(?:\s+(?:thuc hien|hoan thanh|gui))?\s*:\s*)?"
    r"(?:(?:du kien|hoan thanh|thuc hien|trien khai|to chuc|ban hanh|gui bao cao|gui|nop|xong)\s+)*"
)

# Recurrence words, most frequent first: "định kỳ 06 tháng và 01 năm" is half-yearly.
_RECURRENCE_RES: tuple[tuple[Recurrence, re.Pattern[str]], ...] = (
    (
        Recurrence.CONTINUOUS,
        re.compile(r"(?<![a-z])(?:thuong xuyen|lien tuc|quanh nam|hang ngay|moi ngay)(?![a-z])"),
    ),
    (
        Recurrence.MONTHLY,
        re.compile(r"(?<![a-z])(?:(?:hang|moi)\s+thang|dinh ky\s+(?:hang\s+)?thang)(?![a-z])(?!\s*\d)"),
    ),
    (
        Recurrence.QUARTERLY,
        re.compile(r"(?<![a-z])(?:(?:hang|moi)\s+quy|dinh ky\s+(?:hang\s+)?quy|theo quy)(?![a-z])(?!\s*\d)"),
    ),
    (
        Recurrence.HALF_YEARLY,
        re.compile(
            r"(?<![a-z])(?:(?:dinh ky|hang|moi)\s+(?:0?6|sau)\s+thang|(?:0?6|sau)\s+thang\s+(?:mot|1)\s+lan"
            r"|(?:hang|moi|dinh ky)\s+nua\s+nam|nua\s+nam\s+mot\s+lan|ban nien)(?![a-z])"
        ),
    ),
    (
        Recurrence.YEARLY,
        re.compile(
            r"(?<![a-z])(?:(?:hang|moi)\s+nam|dinh ky\s+(?:hang\s+)?(?:0?1\s+)?nam|nam\s+mot\s+lan"
            r"|thuong nien)(?![a-z])(?!\s*\d)"
        ),
    ),
)


class _Invalid(Exception):
    """A shape matched but names an impossible day: the phrase becomes NONE with its text."""


def _year(raw: str | None, fallback: int | None) -> int | None:
    if raw is None:
        return fallback
    year = int(raw)
    if len(raw) == 2:
        year += 2000
    if not _PARSE_MIN_YEAR <= year <= _PARSE_MAX_YEAR:
        raise _Invalid
    return year


def _day(year: int | None, month: int, day: int) -> date:
    if year is None:
        raise _Invalid
    try:
        return date(year, month, day)
    except ValueError:
        raise _Invalid from None


def _date_parts(match: re.Match[str], i: int) -> tuple[int, int, str | None]:
    if match.group(f"d{i}") is not None:
        return int(match.group(f"d{i}")), int(match.group(f"m{i}")), match.group(f"y{i}")
    return int(match.group(f"wd{i}")), int(match.group(f"wm{i}")), match.group(f"wy{i}")


def _month(raw: str) -> int:
    month = int(raw)
    if not 1 <= month <= 12:
        raise _Invalid
    return month


def _quarter(raw: str) -> int:
    return _ROMAN.index(raw.upper()) + 1 if not raw.isdigit() else int(raw)


def _span(start_year: int | None, end_year: int | None, default_year: int | None) -> tuple[int, int, bool]:
    """Years of a span's two ends; a missing start year comes from the end, else from the document."""
    if end_year is None:
        end_year = start_year if start_year is not None else default_year
    if end_year is None:
        raise _Invalid
    return (start_year if start_year is not None else end_year), end_year, start_year is None


def _parse_range(match: re.Match[str], default_year: int | None) -> tuple[date, date]:
    d1, m1, raw_y1 = _date_parts(match, 1)
    d2, m2, raw_y2 = _date_parts(match, 2)
    y1, y2 = _year(raw_y1, None), _year(raw_y2, None)
    if y2 is None and y1 is not None:
        start = _day(y1, m1, d1)
        end = _day(y1, m2, d2)
        if end < start:  # "từ 15/11/2020 đến 15/1": into the next year
            end = _day(y1 + 1, m2, d2)
        return start, end
    y1, y2, start_implied = _span(y1, y2, default_year)
    start, end = _day(y1, m1, d1), _day(y2, m2, d2)
    if start > end and start_implied:  # "từ 15/11 đến 15/1/2021" began in 2020
        start = _day(y2 - 1, m1, d1)
    return start, end


def _parse_month_range(match: re.Match[str], default_year: int | None) -> tuple[date, date]:
    m1, m2 = _month(match["m1"]), _month(match["m2"])
    y1, y2 = _year(match["y1"], None), _year(match["y2"], None)
    if y2 is None and y1 is not None:
        y2 = y1 + 1 if m2 < m1 else y1
    y1, y2, start_implied = _span(y1, y2, default_year)
    if start_implied and (y1, m1) > (y2, m2):
        y1 -= 1
    return date(y1, m1, 1), _month_end(y2, m2)


def _parse_quarter_range(match: re.Match[str], default_year: int | None) -> tuple[date, date]:
    q1, q2 = _quarter(match["q1"]), _quarter(match["q2"])
    y1, y2, start_implied = _span(_year(match["y1"], None), _year(match["y2"], None), default_year)
    if start_implied and (y1, q1) > (y2, q2):
        y1 -= 1
    return _quarter_bounds(y1, q1)[0], _quarter_bounds(y2, q2)[1]


def _recurring_anchors(key: str, recurrence: Recurrence) -> tuple[list[Anchor], list[int], str]:
    """Anchor days named in a recurring phrase, the years written with them, and the key with them blanked."""
    anchors: list[Anchor] = []
    years: list[int] = []
    blanked = list(key)

    def blank(match: re.Match[str]) -> None:
        blanked[match.start() : match.end()] = " " * (match.end() - match.start())

    if recurrence is Recurrence.CONTINUOUS:
        return anchors, years, key
    if recurrence is Recurrence.MONTHLY:
        for match in _MONTH_DAY_RE.finditer(key):
            day = int(match["d"])
            if not 1 <= day <= 31:
                raise _Invalid
            anchors.append((0, day))
        return anchors, years, key

    def add(day: int, month: int, raw_year: str | None) -> None:
        year = _year(raw_year, None)
        if year is not None:
            years.append(year)
        if not 1 <= month <= 12 or not 1 <= day <= _month_len(_LEAP_YEAR, month):
            raise _Invalid
        anchors.append((month, day))

    ranges = list(_DATE_RANGE_RE.finditer(key))
    for match in ranges:  # a recurring span ("15/11 - 15/12 hằng năm") is due at its end
        start_year = _year(_date_parts(match, 1)[2], None)
        if start_year is not None:
            years.append(start_year)
        add(*_date_parts(match, 2))
        blank(match)
    if not ranges:
        for match in _DATE_RE.finditer(key):
            add(*_date_parts(match, 0))
            blank(match)
    if not anchors:
        for match in _MONTH_RE.finditer(key):
            month = _month(match["m"])
            add(_month_len(_LEAP_YEAR, month), month, match["y"])
            blank(match)
    return anchors, years, "".join(blanked)


def _parse_recurring(key: str, text: str, recurrence: Recurrence) -> Deadline:
    # Blank the recurrence words first, so "6 tháng 1 lần" is not read as the day 6/1.
    for _, pattern in _RECURRENCE_RES:
        key = pattern.sub(lambda m: " " * len(m.group()), key)
    anchors, anchor_years, rest = _recurring_anchors(key, recurrence)
    lo: int | None = None
    hi: int | None = None
    if match := _YEAR_RANGE_RE.search(rest):
        lo, hi = _year(match["y1"], None), _year(match["y2"], None)
    else:
        if match := _FROM_YEAR_RE.search(rest):
            lo = _year(match["y"], None)
        if match := _UNTIL_YEAR_RE.search(rest):
            hi = _year(match["y"], None)
        if lo is None and hi is None:
            if match := _YEAR_RE.search(rest):
                lo = hi = _year(match["y"], None)
            elif anchor_years:
                lo = min(anchor_years)
    if lo is not None and hi is not None and lo > hi:
        lo = hi = None  # "giai đoạn 2025-2021": keep the recurrence, drop the nonsense period
    return Deadline.recurring(recurrence, anchors, valid_from_year=lo, until_year=hi, text=text)


def _parse_key(key: str, text: str, default_year: int | None) -> Deadline:
    """The shapes in the order given in the module docstring; raises ``_Invalid`` for impossible days."""
    for recurrence, pattern in _RECURRENCE_RES:
        if pattern.search(key):
            return _parse_recurring(key, text, recurrence)

    if match := _DATE_RANGE_RE.search(key):
        return Deadline.between(*_parse_range(match, default_year), text=text)
    if match := _MONTH_RANGE_RE.search(key):
        return Deadline.between(*_parse_month_range(match, default_year), text=text)
    if match := _QUARTER_RANGE_RE.search(key):
        return Deadline.between(*_parse_quarter_range(match, default_year), text=text)
    if match := _DATE_RE.search(key):
        day, month, raw_year = _date_parts(match, 0)
        return Deadline.on(_day(_year(raw_year, default_year), month, day), text=text)
    if match := _MONTH_RE.search(key):
        month = _month(match["m"])
        year = _year(match["y"], default_year)
        if year is None:
            raise _Invalid
        return Deadline.in_month(year, month, text=text)
    if match := _QUARTER_RE.search(key):
        year = _year(match["y"], default_year)
        if year is None:
            raise _Invalid
        return Deadline.in_quarter(year, _quarter(match["q"]), text=text)
    if match := _PART_OF_YEAR_MONTHS_RE.search(key):
        raw = match["n"]
        months = _NUMBER_WORDS[raw] if raw in _NUMBER_WORDS else int(raw)
        year = _year(match["y"], default_year)
        if year is None or not 1 <= months <= 12:
            raise _Invalid
        if match["w"] == "dau":  # "6 tháng đầu năm": January to June
            return Deadline.between(date(year, 1, 1), _month_end(year, months), text=text)
        return Deadline.between(date(year, 13 - months, 1), date(year, 12, 31), text=text)
    if _ACTION_MONTH_RE.search(key):
        year_match = _YEAR_RE.search(key)
        year = _year(year_match["y"] if year_match else None, default_year)
        if year is None:
            raise _Invalid
        return Deadline.between(date(year, 11, 15), date(year, 12, 15), text=text)
    if match := _PART_OF_YEAR_RE.search(key):
        year = _year(match["y"], default_year)
        if year is None:
            raise _Invalid
        part = match["p"]
        if part == "dau":  # "đầu năm": the first quarter
            return Deadline.in_quarter(year, 1, text=text)
        return Deadline.in_month(year, 12 if part == "cuoi" else 6, text=text)
    if match := _YEAR_RANGE_RE.search(key):
        y1, y2 = _year(match["y1"], None), _year(match["y2"], None)
        assert y1 is not None and y2 is not None
        return Deadline.between(date(y1, 1, 1), date(y2, 12, 31), text=text)
    if match := _YEAR_RE.search(key):
        year = _year(match["y"], None)
        assert year is not None
        return Deadline.between(date(year, 1, 1), date(year, 12, 31), text=text)
    if _WHOLE_YEAR_RE.search(key) and default_year is not None:
        return Deadline.between(date(default_year, 1, 1), date(default_year, 12, 31), text=text)
    if _EVENT_RE.search(key):
        lead = _LEAD_RE.match(key)
        event = text[lead.end() if lead else 0 :].rstrip(" .;,:")
        return Deadline.after_event(event or text, text=text)
    return Deadline.none(text)


def parse_deadline(text: str, default_year: int | None = None) -> Deadline:
    """Read a deadline phrase from a plan ("Hoàn thành trong tháng 4/2021", "thường xuyên"…).

    ``default_year`` is the document's year, used for days and months written
    without one. Never raises: what cannot be read becomes ``NONE`` with the
    text kept, so imports of thousands of tasks do not stop on one odd phrase.
    """
    if not isinstance(text, str):
        text = "" if text is None else str(text)
    original = nfc(text).strip()
    if not original:
        return Deadline.none()
    if default_year is not None and (
        isinstance(default_year, bool)
        or not isinstance(default_year, int)
        or not _PARSE_MIN_YEAR <= default_year <= _PARSE_MAX_YEAR
    ):
        default_year = None
    return _parse_normalised(original, default_year)


# Imports repeat the same few phrases ("Thực hiện thường xuyên trong năm.") thousands of
# times; deadlines are immutable, so a parsed phrase can be handed out again.
@lru_cache(maxsize=8192)
def _parse_normalised(original: str, default_year: int | None) -> Deadline:
    key = original[:_MAX_SCAN].translate(_FOLD)
    try:
        return _parse_key(key, original, default_year)
    except (_Invalid, ValueError, OverflowError):
        # ValueError/OverflowError: a last line of defence for imports; _Invalid is the expected case.
        return Deadline.none(original)
