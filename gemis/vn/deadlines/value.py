"""The deadline value: its shapes, checks, storage as JSON and labels.

Shapes (:class:`DeadlineKind`)
------------------------------
``DATE``       ``start`` is the due day.
``MONTH``      ``start`` is the first and ``end`` the last day of the month; due on ``end``.
``QUARTER``    ``start``/``end`` are the quarter's first and last day; due on ``end``.
``RANGE``      ``start`` ≤ ``end``; due on ``end``.
``RECURRING``  a :class:`Recurrence` with optional ``anchors`` and plan period.
``EVENT``      an event phrase; due on ``event_date`` once an officer enters it.
``NONE``       nothing usable; ``text`` keeps whatever the document said.
"""

from __future__ import annotations

import calendar
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import MAXYEAR, MINYEAR, date, datetime
from enum import StrEnum
from typing import Any

from gemis.vn.text import nfc


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
            anchors=tuple((a[0], a[1]) for a in anchors),
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
                anchors=tuple(tuple(a) for a in anchors),
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
