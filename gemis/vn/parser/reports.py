"""Report obligations: "báo cáo … gửi Sở … trước ngày 15/5/2020".

A report obligation is a due date introduced by a cue ("trước ngày", "chậm
nhất ngày", "hạn chót") in a sentence that speaks of a report ("báo cáo"): the
name is the phrase from the nearest "báo cáo" before the date (else after it),
the recipient the agency after "gửi (về)" in the same sentence. Dates of cited
documents are masked first. One entry per due date and name.
"""

from __future__ import annotations

import bisect
import re
from dataclasses import dataclass

from .agencies import read_agencies
from .dates import _DATE_RE, FoundDate, mask_spans, parse_date_match

__all__ = ["Report", "extract_reports"]

_DUE_RE = re.compile(
    r"(?<!\w)(?:trước|chậm nhất(?:\s+là)?|muộn nhất|hạn chót|hạn cuối|hạn gửi|hạn nộp)"
    r"\s*(?::\s*)?(?=(?:ngày\s*)?\d)",
    re.IGNORECASE,
)
_AND_DATE_RE = re.compile(r"\s*(?:và|,)\s*(?=(?:ngày\s*)?\d{1,2}\s?[/.-]\s?\d)", re.IGNORECASE)
_REPORT_RE = re.compile(r"(?<!\w)báo cáo(?!\w)(?!\s+viên)", re.IGNORECASE)
_SEND_RE = re.compile(
    r"(?<!\w)(?:(?:gửi|nộp)(?:\s+(?:về|cho|đến|tới))?\s+|về\s+(?=(?:UBND|Ủy ban|Sở|Phòng|Ban|Bộ)\b))",
    re.IGNORECASE,
)
_SENTENCE_END_RE = re.compile(r"(?:[.!?](?=\s+[A-ZĐÀ-Ỹ])|\n|;|:(?=\s))")
_NAME_END_RE = re.compile(
    r"\s+(?:gửi|nộp|trước|chậm nhất|về\s+(?:Sở|Phòng|UBND|Ủy ban|Ban)|đảm bảo|bảo đảm"
    r"|theo\s+(?:đề cương|mẫu|quy định))"
    r"|[,(;]",
    re.IGNORECASE,
)


# "Định kỳ 6 tháng (trước ngày 10/6) và năm (trước ngày 10/12)": the period in front of each date.
_PERIOD_RE = re.compile(
    r"(?<!\w)(6 tháng(?: đầu năm)?|06 tháng|9 tháng|quý(?: [IV]+)?|năm|tháng)\s*\(?\s*$", re.IGNORECASE
)


@dataclass
class Report:
    name: str
    due: str
    recipient: str | None
    start: int
    end: int

    def to_dict(self) -> dict:
        return {
            "name": self.name,
            "due": self.due,
            "recipient": self.recipient,
            "span": [self.start, self.end],
        }


class _Bounds:
    """Sentence and clause boundaries of the searched text, found once and looked up by bisection."""

    def __init__(self, text: str, start: int, end: int) -> None:
        self.start, self.end = start, end
        self.clause = [m.end() for m in _SENTENCE_END_RE.finditer(text, start, end)]
        self.clause_starts = [m.start() for m in _SENTENCE_END_RE.finditer(text, start, end)]
        self.sentence = [m.end() for m in _FULL_STOP_RE.finditer(text, start, end)]
        self.sentence_starts = [m.start() for m in _FULL_STOP_RE.finditer(text, start, end)]

    @staticmethod
    def _around(ends: list[int], starts: list[int], pos: int, floor: int, ceiling: int) -> tuple[int, int]:
        i = bisect.bisect_right(ends, pos) - 1
        left = ends[i] if i >= 0 else floor
        j = bisect.bisect_left(starts, pos)
        right = starts[j] if j < len(starts) else ceiling
        return left, right

    def clause_of(self, pos: int) -> tuple[int, int]:
        return self._around(self.clause, self.clause_starts, pos, self.start, self.end)

    def sentence_of(self, pos: int) -> tuple[int, int]:
        return self._around(self.sentence, self.sentence_starts, pos, self.start, self.end)


_FULL_STOP_RE = re.compile(r"[.!?](?=\s+[A-ZĐÀ-Ỹ])|\n")


def _recipient(text: str, start: int, end: int, before: int) -> str | None:
    best = None
    for match in _SEND_RE.finditer(text, start, end):
        found, _ = read_agencies(text, match.end())
        if found:
            best = found[0].name
            if match.start() > before:
                break
    return best


def extract_reports(
    text: str, start: int, end: int, masks: list[tuple[int, int]], default_year: int | None
) -> list[Report]:
    """Report obligations with a due date in ``text[start:end]``."""
    searched = mask_spans(text, masks)
    bounds = _Bounds(searched, start, end)
    reports: list[Report] = []
    seen: set[tuple[str, str]] = set()
    dues: list[tuple[re.Match[str], re.Match[str], FoundDate]] = []
    for cue in _DUE_RE.finditer(searched, start, end):
        date_match = _DATE_RE.match(searched, cue.end())
        if date_match is None:
            continue
        group = [(cue, date_match)]
        # "trước ngày 10/6 và 10/12/2024": the cue covers the dates joined to the first one
        pos = date_match.end()
        while (more := _AND_DATE_RE.match(searched, pos)) is not None:
            next_date = _DATE_RE.match(searched, more.end())
            if next_date is None:
                break
            group.append((more, next_date))
            pos = next_date.end()
        parsed = [parse_date_match(m, None) for _, m in group]
        # a day written without its year takes the year of the next date that has one
        group_year = next((int(p.iso[:4]) for p in reversed(parsed) if p is not None and p.has_year), None)
        for (cue_match, match), found in zip(group, parsed, strict=True):
            if found is None or not found.has_year:
                found = parse_date_match(match, group_year or default_year)
            if found is not None:
                dues.append((cue_match, match, found))
    for cue, date_match, found in dues:
        if len(found.iso) != 10:
            continue
        clause_start, clause_end = bounds.clause_of(cue.start())
        reports_before = list(_REPORT_RE.finditer(searched, clause_start, cue.start()))
        if not reports_before:
            # "- Báo cáo 6 tháng: trước ngày 15/6/2024": the name is before the colon
            line_start = searched.rfind("\n", start, cue.start()) + 1
            reports_before = list(_REPORT_RE.finditer(searched, max(start, line_start), cue.start()))
        if reports_before:
            name_at = reports_before[-1].start()
        else:
            after = _REPORT_RE.search(searched, date_match.end(), clause_end)
            # "gửi … trước ngày 31/3 để tổng hợp, báo cáo UBND tỉnh": the report is someone else's
            if after is None or re.search(r"(?i)\bđể\b|tổng hợp", searched[date_match.end() : after.start()]):
                continue
            name_at = after.start()
        name_end = _NAME_END_RE.search(text, name_at + 8, min(end, name_at + 300))
        name = text[name_at : name_end.start() if name_end else min(end, name_at + 120)].strip(" ,.;:")
        name = name[0].upper() + name[1:] if name else name
        sent_start, sent_end = bounds.sentence_of(cue.start())
        recipient = _recipient(searched, sent_start, sent_end, cue.start())
        if recipient is None:  # "báo cáo Sở Lao động - … trước ngày …": the verb names the recipient
            found_after, _ = read_agencies(text, name_at + len("báo cáo "), lower_plural=False)
            recipient = found_after[0].name if found_after else None
        period = _PERIOD_RE.search(searched, max(sent_start, cue.start() - 30), cue.start())
        if period and period.group(1).lower() not in name.lower():
            name = f"Báo cáo {period.group(1)}"
        key = (found.iso, name.lower())
        if key in seen:
            continue
        seen.add(key)
        reports.append(Report(name, found.iso, recipient, name_at, date_match.end()))
    return reports


def reports_from_tasks(tasks: list, known: list[Report]) -> list[Report]:
    """Reports whose due date is on a separate "Thời gian:" line or in a table row of the task."""
    seen = {report.due for report in known}
    out: list[Report] = []
    for task in tasks:
        deadline = task.deadline
        if deadline.kind != "date" or not deadline.date or deadline.date in seen:
            continue
        match = _REPORT_RE.search(task.text)
        if match is None:
            continue
        name_end = _NAME_END_RE.search(task.text, match.start() + 8)
        name = task.text[match.start() : name_end.start() if name_end else match.start() + 120].strip(" ,.;")
        found, _ = read_agencies(task.text, match.start() + len("báo cáo "), lower_plural=False)
        recipient = None
        send = _SEND_RE.search(task.text, match.start())
        if send:
            after, _ = read_agencies(task.text, send.end())
            recipient = after[0].name if after else None
        if recipient is None and found:
            recipient = found[0].name
        seen.add(deadline.date)
        out.append(
            Report(
                name[:1].upper() + name[1:], deadline.date, recipient, task.start + match.start(), task.end
            )
        )
    return out
