"""Reading a deadline from the words of a Vietnamese plan.

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

import re
import unicodedata
from datetime import date
from functools import lru_cache

from gemis.vn.deadlines.value import (  # the value's own helpers, shared inside the package
    _LEAP_YEAR,
    _PARSE_MAX_YEAR,
    _PARSE_MIN_YEAR,
    _ROMAN,
    Anchor,
    Deadline,
    Recurrence,
    _month_end,
    _month_len,
    _quarter_bounds,
)
from gemis.vn.text import nfc


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
