"""What a plan says around its body: the grounds it cites without a number, and who signs it.

* :func:`find_bases` reads the preamble's grounds ("Căn cứ Luật Bình đẳng giới
  năm 2006;", "Căn cứ tình hình thực tế của địa phương,") that carry no number
  and signature (numbered ones are :mod:`.references`'). A ground that names a
  document kind ("Luật", "Nghị quyết"…) is a document cited by its title; any
  other is a reason, kept with ``kind`` None so the review can say it was not
  carried over rather than lose it.
* :func:`find_signature` reads the signature block after the body (Nghị định
  30/2020/NĐ-CP, mẫu 1.1): the authority lines ("TM. ỦY BAN NHÂN DÂN",
  "KT. CHỦ TỊCH", "PHÓ CHỦ TỊCH") and the signer's name under them, which text
  extraction often puts after the "Nơi nhận" list of the left column.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from .dates import _DATE_RE, parse_date_match
from .references import NUMBER_RE

__all__ = ["Basis", "Signature", "find_bases", "find_signature"]

_GROUND_RE = re.compile(r"^(?:Căn cứ|Thực hiện)\s+", re.IGNORECASE)
_DOCUMENT_KINDS = (
    "Bộ luật", "Luật", "Pháp lệnh", "Nghị quyết", "Nghị định", "Quyết định", "Thông tư", "Chỉ thị",
    "Công văn", "Văn bản", "Kế hoạch", "Chương trình", "Kết luận", "Hướng dẫn", "Hiến pháp", "Chiến lược",
    "Đề án", "Thông báo",
)  # fmt: skip
_KIND_RE = re.compile(r"^(?P<kind>" + "|".join(_DOCUMENT_KINDS) + r")\s+(?P<title>\S.*)$")
# The sentence closing the preamble ("…, Ủy ban nhân dân xã ban hành Kế hoạch … như sau:") is no ground.
_ISSUING_RE = re.compile(
    r",\s*(?:Ủy ban|UBND|Ban|Sở|Hội đồng|HĐND|Phòng)\b[^,;]{0,80}?\b(?:ban hành|xây dựng|đề nghị|yêu cầu)\b"
)


@dataclass
class Basis:
    kind: str | None  # the document kind as written, None for a ground that is not a document
    title: str  # the rest of the ground: "Bình đẳng giới năm 2006"
    text: str  # the ground as written, without "Căn cứ"
    date: str | None
    start: int
    end: int

    def to_dict(self) -> dict:
        return {
            "kind": self.kind,
            "title": self.title,
            "text": self.text,
            "date": self.date,
            "span": [self.start, self.end],
        }


def find_bases(text: str, start: int, end: int) -> list[Basis]:
    """The grounds without a number in the preamble lines of ``text[start:end]``."""
    found: list[Basis] = []
    pos = start
    while pos < end:
        newline = text.find("\n", pos, end)
        line_end = end if newline == -1 else newline
        line = text[pos:line_end]
        if _GROUND_RE.match(line):
            found.extend(_grounds_of(text, pos, line_end))
        pos = line_end + 1
    return found


def _grounds_of(text: str, line_start: int, line_end: int) -> list[Basis]:
    out: list[Basis] = []
    line = text[line_start:line_end]
    if not line.rstrip().endswith((";", ",", ".", ":")):
        return out  # "Thực hiện Chương trình …" under the title is the subject, not a ground
    closing = _ISSUING_RE.search(line)
    stop = closing.start() if closing else len(line)
    piece_start = 0
    for piece in re.split(r"(;)", line[:stop]) + [";"]:
        if piece == ";":
            continue
        offset = piece_start
        piece_start += len(piece) + 1
        head = _GROUND_RE.match(piece.lstrip())
        lead = len(piece) - len(piece.lstrip())
        if head is None and not _KIND_RE.match(piece.lstrip()):
            continue  # "…; Nhằm thực hiện …", "…; Ban … ban hành …": the preamble goes on, no ground
        body_at = offset + lead + (head.end() if head else 0)
        body = piece[body_at - offset :].rstrip(" ,.:")
        if len(body) < 3 or NUMBER_RE.search(body):
            continue  # a numbered document is a reference already
        kind_match = _KIND_RE.match(body)
        kind = kind_match["kind"] if kind_match else None
        title = kind_match["title"] if kind_match else body
        date = None
        date_match = _DATE_RE.search(title)
        if kind and date_match and date_match.start() > 0:
            parsed = parse_date_match(date_match, None)
            if parsed is not None and parsed.has_year:
                date = parsed.iso
                title = title[: date_match.start()]
        title = title.strip(" ,.")
        out.append(Basis(kind, title, body, date, line_start + body_at, line_start + body_at + len(body)))
    return out


_AUTHORITY_RE = re.compile(r"^(?:TM|KT|TL|TUQ|Q|T/M|K/T|T\.M|K\.T)\s*\.\s*\S")
_ROLE_LINE_RE = re.compile(
    r"^(?:PHÓ\s+)?(?:CHỦ TỊCH|GIÁM ĐỐC|TRƯỞNG BAN|TRƯỞNG PHÒNG|CHÁNH VĂN PHÒNG|BÍ THƯ|TRƯỞNG ĐOÀN|"
    r"THỦ TRƯỞNG|CỤC TRƯỞNG|CHI CỤC TRƯỞNG|TRƯỞNG|CHÁNH THANH TRA)\b[^a-zà-ỹđ]*$"
)
_NAME_WORD_RE = re.compile(r"^[A-ZĐÀ-Ỹ][a-zđà-ỹ]*$")


@dataclass
class Signature:
    title: str  # the authority lines joined by " / ": "TM. ỦY BAN NHÂN DÂN / KT. CHỦ TỊCH / PHÓ CHỦ TỊCH"
    name: str | None
    start: int
    end: int

    def to_dict(self) -> dict:
        return {"title": self.title, "name": self.name, "span": [self.start, self.end]}


def _is_name(line: str) -> bool:
    """ "Nguyễn Thị Lan": two to six capitalised words, nothing else."""
    words = line.split()
    return 2 <= len(words) <= 6 and all(_NAME_WORD_RE.match(word) for word in words)


def find_signature(text: str, start: int, end: int) -> Signature | None:
    """The signature block in ``text[start:end]`` (after the body), or None when there is none."""
    titles: list[str] = []
    last = -1
    name = None
    pos = start
    while pos < end:
        newline = text.find("\n", pos, end)
        line_end = end if newline == -1 else newline
        line = text[pos:line_end].strip()
        pos = line_end + 1
        if not line:
            continue
        if _AUTHORITY_RE.match(line) or _ROLE_LINE_RE.match(line):
            titles.append(line)
            last = line_end
            continue
        if titles and name is None and _is_name(line):
            name = line
            last = line_end
            break
    if not titles:
        return None
    block_start = text.find(titles[0], start, end)
    return Signature(" / ".join(titles), name, block_start, last)
