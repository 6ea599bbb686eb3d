"""Dates as Vietnamese documents write them, and the deadline phrase of a task.

Dates are day/month/year: "09/3/2020", "15-11-2020", "ngày 12 tháng 4 năm
2021", "15/11" (the document's year), a month "tháng 4/2021", "tháng 9 năm
2021", a blank day "ngày  tháng 4 năm 2024" (the month only). :func:`find_dates`
lists the explicit dates of a text with their offsets.

:func:`find_deadline` looks inside a task's sentence for its time: a range
("từ ngày 15/11 đến ngày 15/12/2020"), a day after a cue word ("trước ngày
01/12/2024", "chậm nhất ngày …", "hoàn thành trong …"), a month or a quarter
after a cue, a recurrence ("thường xuyên", "hằng năm", "định kỳ"), an event
("khi có sự thay đổi", "nhân dịp …", "sau khi có hướng dẫn"). Dates that belong
to a cited document ("Nghị quyết số 11-NQ/TW ngày 27/4/2007") are masked out
first, so they are never taken for deadlines. The phrase found is then read by
:func:`gemis.vn.deadlines.parse_deadline`, the same reader the plans app
uses, and mapped to the schema's kinds (a quarter becomes a range).
"""

from __future__ import annotations

import calendar
import re
from dataclasses import dataclass

from gemis.vn.deadlines import DeadlineKind, parse_deadline

__all__ = ["DeadlineFound", "find_dates", "find_deadline", "iso_date", "map_deadline"]

_D = r"(?P<d>\d{1,2})"
_M = r"(?P<m>\d{1,2})"
NUMERIC_DATE = (
    rf"(?<![\d/.\-]){_D}\s?(?P<sep>[/.\-])\s?{_M}(?:(?P=sep)\s?(?P<y>\d{{4}}|\d{{2}}))?(?![\d/]|\.\d)"
)
WORD_DATE = (
    r"(?<!\d)(?P<wd>\d{1,2})?\s*tháng\s*(?P<wm>\d{1,2})(?!\d)\s*(?:,\s*)?(?:năm|/)\s*(?P<wy>\d{4})(?!\d)"
)
_DATE_RE = re.compile(rf"(?:ngày\s*)?(?:{WORD_DATE}|{NUMERIC_DATE})", re.IGNORECASE)


_MONTH_DAYS = (31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31)


def iso_date(day: int | None, month: int, year: int | None) -> str | None:
    """ISO "2021-04-12", or "2021-04" without a day; None for impossible dates."""
    if year is None or not 1900 <= year <= 2199 or not 1 <= month <= 12:
        return None
    if day is None:
        return f"{year:04d}-{month:02d}"
    days = _MONTH_DAYS[month - 1] + (month == 2 and calendar.isleap(year))
    if not 1 <= day <= days:
        return None
    return f"{year:04d}-{month:02d}-{day:02d}"


@dataclass
class FoundDate:
    iso: str
    start: int
    end: int
    has_year: bool


def _year(raw: str | None) -> int | None:
    if not raw:
        return None
    year = int(raw)
    return year + 2000 if len(raw) == 2 else year


def parse_date_match(match: re.Match[str], default_year: int | None) -> FoundDate | None:
    if match.group("wm"):
        day = int(match.group("wd")) if match.group("wd") else None
        month = int(match.group("wm"))
        year = _year(match.group("wy"))
        has_year = True
    else:
        day, month = int(match.group("d")), int(match.group("m"))
        year = _year(match.group("y"))
        has_year = year is not None
        if year is None:
            year = default_year
    iso = iso_date(day, month, year)
    if iso is None:
        return None
    return FoundDate(iso, match.start(), match.end(), has_year)


def find_dates(text: str, default_year: int | None = None) -> list[FoundDate]:
    """Explicit dates in ``text`` with offsets (a day and month at least, or "tháng M năm Y")."""
    out = []
    for match in _DATE_RE.finditer(text):
        found = parse_date_match(match, default_year)
        if found is not None:
            out.append(found)
    return out


def date_at(text: str, pos: int, default_year: int | None = None, reach: int = 6) -> FoundDate | None:
    """A date starting within ``reach`` characters after ``pos`` ("…, ngày 12/02/2020")."""
    match = _DATE_RE.search(text, pos, min(len(text), pos + reach + 40))
    if match is None or match.start() - pos > reach:
        return None
    found = parse_date_match(match, default_year)
    return found


# --------------------------------------------------------------------------- deadlines


@dataclass
class DeadlineFound:
    kind: str  # date | month | range | recurring | event | unspecified
    date: str | None = None
    end: str | None = None
    text: str | None = None
    start_offset: int | None = None  # within the text searched
    end_offset: int | None = None

    def to_dict(self) -> dict:
        return {"kind": self.kind, "date": self.date, "end": self.end, "text": self.text}


UNSPECIFIED = DeadlineFound("unspecified")

_DAY = (
    r"(?:\d{1,2}\s?[/.\-]\s?\d{1,2}(?:\s?[/.\-]\s?\d{2,4})?"
    r"|\d{1,2}\s+tháng\s+\d{1,2}(?:\s*,?\s*năm\s+\d{4})?)"
)
_MONTH = r"(?:tháng\s*\d{1,2}(?:\s*(?:/|-|,?\s*năm)\s*\d{4})?)"
_QUARTER = r"(?:quý\s*(?:IV|III|II|I|[1-4])(?![\w])(?:\s*(?:/|-|,?\s*năm)\s*\d{4})?)"
_CUE = (
    r"(?:trước|chậm nhất(?:\s+là)?|muộn nhất|hạn chót|hạn|xong trước|đến hết|đến|trong|vào|"
    r"hoàn thành|kết thúc)"
)
_RANGE_RE = re.compile(
    rf"(?:từ\s+)(?:ngày\s*)?{_DAY}\s*(?:đến|tới|-|–)\s*(?:hết\s+)?(?:ngày\s*)?{_DAY}"
    rf"|(?:từ\s+)?{_MONTH}\s*(?:đến|tới|-|–)\s*(?:hết\s+)?(?:tháng\s*)?\d{{1,2}}(?:\s*(?:/|,?\s*năm)\s*\d{{4}})"
    rf"|(?:từ\s+){_QUARTER}\s*(?:đến|tới|-|–)\s*(?:hết\s+)?{_QUARTER}",
    re.IGNORECASE,
)
_CUE_DATE_RE = re.compile(rf"(?<!\w){_CUE}\s+(?:(?:ngày|hết ngày)\s*)?{_DAY}", re.IGNORECASE)
_CUE_MONTH_RE = re.compile(
    rf"(?<!\w)(?:{_CUE}\s+(?:(?:cuối|đầu|giữa)\s+)?{_MONTH}|tháng\s*\d{{1,2}}\s*/\s*\d{{4}})", re.IGNORECASE
)
_CUE_QUARTER_RE = re.compile(rf"(?<!\w)(?:{_CUE}\s+)?{_QUARTER}", re.IGNORECASE)
_HALF_YEAR_RE = re.compile(
    r"(?<!\w)(?:trong\s+)?(?:6|06|sáu)\s+tháng\s+(?:đầu|cuối)\s+năm(?:\s+\d{4})?", re.I
)
_RECURRING_RE = re.compile(
    r"(?<!\w)(?:thường xuyên|liên tục|thường niên|định kỳ"
    r"|(?:hằng|hàng|mỗi)\s+(?:năm|quý|tháng|tuần|ngày)|lần\s*/\s*(?:năm|quý|tháng|tuần))(?!\w)",
    re.IGNORECASE,
)
_EVENT_RE = re.compile(
    r"(?<!\w)(?:ngay\s+)?(?:khi có|sau khi|nhân dịp|trước thời gian|trước kỳ|trước khi|ngay sau|"
    r"khi được|sau thời gian)(?!\w)[^.;:\n]*",
    re.IGNORECASE,
)


_DIGIT_RE = re.compile(r"\d")


def mask_spans(text: str, masks: list[tuple[int, int]]) -> str:
    """``text`` with the spans replaced by "#" (same length, so offsets stay valid)."""
    if not masks:
        return text
    parts = []
    pos = 0
    for start, end in sorted(masks):
        start, end = max(start, pos), min(end, len(text))
        if end <= start:
            continue
        parts.append(text[pos:start])
        parts.append("#" * (end - start))
        pos = end
    parts.append(text[pos:])
    return "".join(parts)


def map_deadline(phrase: str, default_year: int | None) -> DeadlineFound:
    """The schema form of a deadline phrase, read by the plans app's ``parse_deadline``."""
    deadline = parse_deadline(phrase, default_year)
    kind = deadline.kind
    text = deadline.text or None
    if kind is DeadlineKind.DATE and deadline.start:
        return DeadlineFound("date", deadline.start.isoformat(), None, text)
    if kind is DeadlineKind.MONTH and deadline.start:
        return DeadlineFound("month", deadline.start.strftime("%Y-%m"), None, text)
    if kind in (DeadlineKind.RANGE, DeadlineKind.QUARTER) and deadline.start and deadline.end:
        return DeadlineFound("range", deadline.start.isoformat(), deadline.end.isoformat(), text)
    if kind is DeadlineKind.RECURRING:
        return DeadlineFound("recurring", None, None, text)
    if kind is DeadlineKind.EVENT:
        return DeadlineFound("event", None, None, text)
    return DeadlineFound("unspecified", None, None, text)


def find_deadline(
    text: str,
    default_year: int | None,
    masks: list[tuple[int, int]] | None = None,
    searched: str | None = None,
) -> DeadlineFound:
    """The deadline a task's sentence states, or ``unspecified`` (see the module docstring).

    ``masks`` (offsets in ``text``) are cited documents to ignore; ``searched`` is ``text`` with
    them already masked, when the caller has it.
    """
    if not text:
        return DeadlineFound("unspecified")
    if searched is None:
        searched = mask_spans(text, masks or [])
    # An occasion ("nhân dịp ngày 8/3") names when something happens, not a due date.
    occasion = re.search(r"(?<!\w)nhân dịp(?!\w)", searched, re.IGNORECASE)
    candidates: list[re.Match[str]] = []
    # every dated shape has a digit, or "quý"/"sáu tháng": most task sentences are spared five searches
    dated = _DIGIT_RE.search(searched) is not None or "quý" in searched.lower()
    for pattern in (_RANGE_RE, _CUE_DATE_RE, _CUE_MONTH_RE, _CUE_QUARTER_RE, _HALF_YEAR_RE) if dated else ():
        for match in pattern.finditer(searched):
            if occasion and match.start() > occasion.start():
                continue
            candidates.append(match)
        if candidates:
            break
    for match in candidates:
        found = map_deadline(text[match.start() : match.end()], default_year)
        if found.kind in ("date", "month", "range"):
            found.start_offset, found.end_offset = match.start(), match.end()
            return found
    if recurring := _RECURRING_RE.search(searched):
        return DeadlineFound(
            "recurring",
            None,
            None,
            text[recurring.start() : recurring.end()],
            recurring.start(),
            recurring.end(),
        )
    if event := _EVENT_RE.search(searched):
        phrase = text[event.start() : event.end()].strip(" ,")
        return DeadlineFound("event", None, None, phrase, event.start(), event.start() + len(phrase))
    return DeadlineFound("unspecified")
