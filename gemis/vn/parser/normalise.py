"""Text normalisation before extraction: NFC, spaces, broken lines, page numbers, footnotes.

The extractors work on lines (one paragraph a line). Documents arrive with
lines broken where a page or a PDF column ended ("phòng ngừa và ứng phó" /
"với bạo lực"), page numbers standing alone or between two halves of a
sentence, footnote texts in the middle of the body and footnote markers glued
to words ("Luật¹."). :func:`normalise` returns text where every paragraph is
one line, page-number lines are gone, markers are cut from words and footnote
texts are moved after the body (``Normalised.footnotes_start``) so that a
sentence broken by a footnote reads whole again. Every offset the parser
reports refers to this normalised text.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from gemis.vn.text import nfc

__all__ = ["MARKER_RE", "Normalised", "normalise"]

_SUPERSCRIPTS = "⁰¹²³⁴⁵⁶⁷⁸⁹"
_SPACES_RE = re.compile(r"[\t\u00a0\u1680\u2000-\u200a\u202f\u205f\u3000\ufeff]")
_INVISIBLE_RE = re.compile(r"[\u200b-\u200d\u2060\u00ad]")
_MANY_SPACES_RE = re.compile(r" {2,}")
_EMPHASIS_RE = re.compile(r"\*\*|__|(?<=[(\s])\*(?=\S)|(?<=\S)\*(?=[)\s.,;:]|$)", re.MULTILINE)
_PAGE_NUMBER_RE = re.compile(
    r"^(?:[-–—]\s*)?\d{1,3}(?:\s*[-–—])?$|^(?:Trang|Page)\s+\d+(?:\s*/\s*\d+)?$", re.I
)
_FOOTNOTE_LINE_RE = re.compile(rf"^([{_SUPERSCRIPTS}]+)\s*(\S.*)$")
_PLAIN_FOOTNOTE_RE = re.compile(
    r"^\d{1,2}\s+(?:Theo|Ban hành kèm theo|Luật|Nghị quyết|Nghị định|Quyết định|Thông tư|Chỉ thị|Công văn|"
    r"Kế hoạch|Văn bản|Chương trình|Hướng dẫn|Điều|Khoản)\b",
    re.IGNORECASE,
)
_PLAIN_NOTE_START_RE = re.compile(r"^\d{1,2}\s+\S")
_CITATION_RE = re.compile(r"\d{1,5}\s?[/-]\s?(?:\d{4}/)?[A-ZĐ]{1,6}[A-Za-zĐ]*[-/][A-ZĐ]")


def _last_text(body: list[str]) -> str | None:
    for line in reversed(body):
        if line:
            return line
    return None


_INLINE_MARKER_RE = re.compile(rf"(?<=[^\s{_SUPERSCRIPTS}])[{_SUPERSCRIPTS}]+")
_INLINE_DASH_RE = re.compile(r"([;.])\s+[-–]\s+(?=[A-ZĐÀ-ỸĂÂÊÔƠƯ])")
# A line that opens an item: numbering, letters, dashes. Such a line is never glued to the one before.
MARKER_RE = re.compile(
    r"^(?:[IVXLC]{1,6}[.)/]|\d{1,2}(?:\.\d{1,2})*[.)/]?\s|[a-zđ][).\/]\s|[-–—•▪●◦∙+*]|\(\d{1,2}\)|Điều\s+\d)"
)
_TERMINAL = ".:;!?"
_SECTION_MARKER_RE = re.compile(
    r"^(?:[IVXLC]{1,6}[.)/]|\d{1,2}(?:\.\d{1,2})*[.)/]?\s|[a-zđ][).\/]\s|\(\d{1,2}\))"
)


@dataclass
class Normalised:
    text: str
    footnotes: list[tuple[str, int, int]] = field(default_factory=list)  # (marker, start, end)
    footnotes_start: int = -1  # offset where moved footnote texts begin (-1: none)
    markers: int = 0  # footnote markers cut from words


def _ends_open(line: str) -> bool:
    stripped = line.rstrip(" \"'”’)]»")
    return bool(stripped) and stripped[-1] not in _TERMINAL


def _starts_lower(line: str) -> bool:
    """Whether a line starts with a small letter, also inside a bracket or quotes ("(qua Phòng …)")."""
    first = line.lstrip("(\"'“‘")[:1]
    return first.isalpha() and first.islower()


def _starts_with_figure(line: str) -> bool:
    """ "25%.", "2024." on a line of their own: the end of a sentence the page cut."""
    return line[:1].isdigit() and not MARKER_RE.match(line)


def looks_hard_wrapped(lines: list[str], full_line: int) -> bool:
    """Whether lines were cut at a page width: many lines of nearly full length ending mid-sentence."""
    if not 40 <= full_line <= 140:
        return False
    stripped = [line.strip() for line in lines if line.strip()]
    if len(stripped) < 8:
        return False
    cut = sum(1 for line in stripped if len(line) >= 0.8 * full_line and _ends_open(line))
    return cut >= 5 and cut >= 0.2 * len(stripped)


def normalise(raw: str, hard_wrapped: bool = False) -> Normalised:
    """Normalise ``raw`` text (see the module docstring); never raises."""
    text = nfc(raw).replace("\r\n", "\n").replace("\r", "\n").replace("\f", "\n")
    text = _SPACES_RE.sub(" ", text)
    text = _INVISIBLE_RE.sub("", text)
    text = _CONTROL_RE.sub("", text)
    text = _EMPHASIS_RE.sub("", text)

    raw_lines = text.split("\n")
    # Hard-wrapped text (PDF, OCR, a .txt saved from one): a line much shorter than a full line
    # ends its paragraph.
    lengths = sorted(len(line.strip()) for line in raw_lines if line.strip())
    full_line = lengths[int(len(lengths) * 0.9)] if lengths else 0
    if not hard_wrapped:
        hard_wrapped = looks_hard_wrapped(raw_lines, full_line)
    last_physical = 0
    body: list[str] = []
    notes: list[str] = []
    in_note = False
    markers = 0
    after_note = False  # the last text line read was a footnote (blank lines in between allowed)
    for raw_line in raw_lines:
        line = _MANY_SPACES_RE.sub(" ", raw_line).strip()
        if not line:
            # a footnote cut by a page break goes on after the blank line ("… trong lĩnh" / "vực …")
            in_note = in_note and _ends_open(notes[-1])
            if body and body[-1] != "":
                body.append("")
            continue
        if _PAGE_NUMBER_RE.match(line):
            continue
        note = _FOOTNOTE_LINE_RE.match(line) or (
            # a footnote whose marker lost its superscript ("1 Nghị định 70/2008/NĐ-CP …") after a blank
            # line: it starts like a citation, or cites a document where a footnote can stand (after
            # another footnote, or in the middle of a sentence the page break cut)
            (not body or body[-1] == "")
            and _PLAIN_NOTE_START_RE.match(line) is not None
            and (
                _PLAIN_FOOTNOTE_RE.match(line) is not None
                or (
                    _CITATION_RE.search(line) is not None
                    and (after_note or _ends_open(_last_text(body) or ""))
                )
            )
        )
        if note:
            notes.append(line)
            in_note = after_note = True
            continue
        # A footnote goes on over the next lines until a blank line; in text cut at the page width
        # also on lines that start with a capital, while the note has not reached its full stop.
        if (
            in_note
            and not MARKER_RE.match(line)
            and (
                _starts_lower(line)
                or (hard_wrapped and _ends_open(notes[-1]) and not notes[-1].endswith(";"))
                or (hard_wrapped and len(notes[-1]) >= 0.75 * full_line and not notes[-1].endswith("."))
            )
        ):
            notes[-1] += " " + line
            continue
        in_note = after_note = False
        line, count = _INLINE_MARKER_RE.subn("", line)
        markers += count
        if line.startswith("* "):
            line = "- " + line[2:]
        # Glue a broken line to the paragraph it continues.
        previous_index = len(body) - 1
        while previous_index >= 0 and body[previous_index] == "":
            previous_index -= 1
        gap = len(body) - 1 - previous_index
        if (
            hard_wrapped
            and previous_index >= 0
            and gap == 0
            and line.startswith("- ")
            and last_physical >= 0.75 * full_line
            and body[previous_index][-1:].isalnum()
            # not after a heading ("1. Tuyên truyền … chính trị" / "- Tiếp tục …" is a real item)
            and not _SECTION_MARKER_RE.match(body[previous_index])
        ):
            # "… Bộ Lao động" / "- Thương binh và Xã hội …": a name's dash that the page width put first
            body[previous_index] += " " + line
            last_physical = len(line)
            continue
        if previous_index >= 0 and not MARKER_RE.match(line):
            previous = body[previous_index]
            # A small letter right after a ";" line still continues it ("… khi sinh;" / "phối hợp …").
            full = last_physical >= 0.75 * full_line
            glue = (
                (gap == 0 and previous.endswith(";") and _starts_lower(line))
                or (gap <= 2 and _ends_open(previous) and _starts_with_figure(line))
                # cut at the page width: a full line goes on after ";" or ":" when a small letter follows
                or (
                    hard_wrapped
                    and gap == 0
                    and full
                    and previous.endswith((";", ":"))
                    and _starts_lower(line)
                )
                or _ends_open(previous)
                and (
                    (_starts_lower(line) and gap <= 2)
                    or (
                        hard_wrapped
                        and gap == 0
                        and last_physical >= 0.75 * full_line
                        and previous != previous.upper()
                        and line != line.upper()
                    )
                )
            )
            if glue:
                del body[previous_index + 1 :]
                body[previous_index] = previous + " " + line
                last_physical = len(line)
                continue
        last_physical = len(line)
        body.append(line)
    while body and body[-1] == "":
        body.pop()
    # two dash items run together on one line ("…8/3; - Tăng cường …"), also once lines are glued
    body = [piece for paragraph in body for piece in _INLINE_DASH_RE.sub(r"\1\n- ", paragraph).split("\n")]
    out = "\n".join(body)
    footnotes: list[tuple[str, int, int]] = []
    footnotes_start = -1
    if notes:
        out += "\n\n"
        footnotes_start = len(out)
        for note_line in notes:
            match = _FOOTNOTE_LINE_RE.match(note_line)
            if match:
                marker = match.group(1).translate(str.maketrans(_SUPERSCRIPTS, "0123456789"))
            else:
                marker = note_line.split(maxsplit=1)[0] if note_line[:1].isdigit() else ""
            start = len(out)
            out += note_line + "\n"
            footnotes.append((marker, start, start + len(note_line)))
        out = out.rstrip("\n")
    return Normalised(out, footnotes, footnotes_start, markers)


_CONTROL_RE = re.compile(r"[\x00-\x08\x0b\x0e-\x1f\x7f]")
