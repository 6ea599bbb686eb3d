"""The pipeline: read → normalise → metadata, references, sections, tasks, reports, targets."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

from gemis.vn.agency_names import agency_key

from .agencies import Alias, find_aliases
from .closing import Basis, Signature, find_bases, find_signature
from .errors import MAX_BYTES, ParseError
from .metadata import DocumentMeta, document_year, extract_metadata
from .normalise import normalise
from .readers import Source, read_text
from .references import Reference, find_references
from .reports import Report, extract_reports, reports_from_tasks
from .structure import SECTION_KINDS, Node, build_tree
from .targets import Target, extract_targets
from .tasks import Task, extract_tasks

__all__ = ["PARSER_VERSION", "ParseResult", "parse_bytes", "parse_file", "parse_text"]

PARSER_VERSION = "1.0"

# Where the body ends: the distribution list, the signature block, a portal's footer.
_BODY_END_RE = re.compile(
    r"^(?:Nơi nhận|NƠI NHẬN|Tác giả|Nguồn tin|Tin liên quan|Các tin khác|Những tin mới hơn|Những tin cũ hơn|"
    r"Bài viết liên quan)\b"
    r"|^(?:TM|KT|TL|TUQ|Q|T/M|K/T)\.?\s+[A-ZĐ]{2,}"
    r"|^(?:CHỦ TỊCH|PHÓ CHỦ TỊCH|GIÁM ĐỐC|PHÓ GIÁM ĐỐC|TRƯỞNG BAN|PHÓ TRƯỞNG BAN|CHÁNH VĂN PHÒNG)\s*$",
    re.MULTILINE,
)
_FIRST_SECTION_RE = re.compile(r"^(?:[IVX]{1,4}\s?[.)]|\d{1,2}\s?[.)])\s*\S", re.MULTILINE)
# The preamble opens the body: "Căn cứ …", "Thực hiện Công văn số …", "Kính gửi: …" (a subject line
# may also start with "Thực hiện", so that needs a document kind after it).
_PREAMBLE_RE = re.compile(
    r"^(?:Căn cứ|Kính gửi|Thực hiện\s+(?:Công văn|Văn bản|Kế hoạch|Quyết định|Chỉ thị|Nghị quyết|"
    r"Chương trình|Hướng dẫn|Thông báo|Nghị định|Thông tư|Luật|chỉ đạo|ý kiến))\b",
    re.MULTILINE,
)


@dataclass
class ParseResult:
    """Everything found in one document; :meth:`to_dict` is the JSON of shared/parse-schema.md."""

    document: DocumentMeta
    references: list[Reference]
    tasks: list[Task]
    reports: list[Report]
    targets: list[Target]
    sections: list[Node]
    aliases: list[Alias]
    text: str
    footnotes: list[tuple[str, int, int]] = field(default_factory=list)
    body: tuple[int, int] = (0, 0)
    source: Source | None = None
    warnings: list[str] = field(default_factory=list)
    bases: list[Basis] = field(default_factory=list)
    signature: Signature | None = None
    place: str | None = None

    def to_dict(self, include_text: bool = True) -> dict:
        data: dict = {
            "document": self.document.to_dict(),
            "references": [r.to_dict() for r in self.references],
            "tasks": [t.to_dict() for t in self.tasks],
            "reports": [r.to_dict() for r in self.reports],
            "targets": [t.to_dict() for t in self.targets],
            "sections": [n.to_dict() for n in self.sections if n.kind in SECTION_KINDS or n.kind == "part"],
            "aliases": [a.to_dict() for a in self.aliases],
            "footnotes": [{"marker": m, "span": [s, e]} for m, s, e in self.footnotes],
            "body_span": list(self.body),
            "source": {
                "format": self.source.format if self.source else "text",
                "encoding": self.source.encoding if self.source else None,
                "ocr": bool(self.source and self.source.ocr),
            },
            "warnings": list(self.warnings),
            "bases": [b.to_dict() for b in self.bases],
            "signature": self.signature.to_dict() if self.signature else None,
            "place": self.place,
            "parser_version": PARSER_VERSION,
        }
        if include_text:
            data["text"] = self.text
        return data


def _body_bounds(text: str, footnotes_start: int) -> tuple[int, int, int]:
    """(header end, body start, body end) of the normalised text."""
    limit = footnotes_start if footnotes_start >= 0 else len(text)
    body_end = limit
    first = _FIRST_SECTION_RE.search(text, 0, limit)
    search_from = first.start() if first else 0
    end_match = _BODY_END_RE.search(text, search_from, limit)
    if end_match:
        body_end = end_match.start()
    closing = text.find("./.", search_from, body_end)
    if closing != -1:
        line_end = text.find("\n", closing)
        body_end = min(body_end, line_end if line_end != -1 else body_end)
    preamble = _PREAMBLE_RE.search(text, 0, first.start() if first else limit)
    header_end = min(x for x in (preamble.start() if preamble else limit, first.start() if first else limit))
    return header_end, 0, body_end


def _expand_aliases(tasks: list[Task], aliases: list[Alias]) -> None:
    """A lead written with a short name the text defined ("Ban VSTBCPN tỉnh") resolves by its full name."""
    full_by_key = {agency_key(a.short): a.full for a in aliases if a.full}
    if not full_by_key:
        return
    for task in tasks:
        for agency in (*task.lead, *task.partners):
            full = full_by_key.get(agency_key(agency.name))
            if full:
                agency.full_name = full


def parse_text(raw: str, source: Source | None = None) -> ParseResult:
    """Parse a document's text (any normalisation state). Never raises on text."""
    hard_wrapped = bool(source and source.hard_wrapped)
    norm = normalise(raw or "", hard_wrapped=hard_wrapped)
    text = norm.text
    header_end, body_start, body_end = _body_bounds(text, norm.footnotes_start)
    meta = extract_metadata(text, header_end)
    references, citations = find_references(text, meta.number)
    masks = [(c.start, c.mask_end) for c in citations]
    year = document_year(meta, text)
    tree = build_tree(text, body_start, body_end)
    tasks = extract_tasks(text, tree, masks, year)
    reports = extract_reports(text, body_start, body_end, masks, year)
    reports += reports_from_tasks(tasks, reports)
    targets = extract_targets(text, body_start, body_end)
    aliases = find_aliases(text, 0, body_end)
    _expand_aliases(tasks, aliases)
    first_section = _FIRST_SECTION_RE.search(text, header_end, body_end)
    bases = find_bases(text, header_end, first_section.start() if first_section else body_end)
    after_body = norm.footnotes_start if norm.footnotes_start >= 0 else len(text)
    signature = find_signature(text, body_end, after_body)
    warnings = list(source.warnings) if source else []
    if not tasks:
        warnings.append("no_tasks")
    return ParseResult(
        document=meta,
        references=references,
        tasks=tasks,
        reports=reports,
        targets=targets,
        sections=tree.children,
        aliases=aliases,
        text=text,
        footnotes=norm.footnotes,
        body=(body_start, body_end),
        source=source,
        warnings=warnings,
        bases=bases,
        signature=signature,
        place=meta.place,
    )


def parse_bytes(data: bytes, filename: str = "") -> ParseResult:
    """Parse the bytes of a .txt/.docx/.pdf/.html file; raises :class:`ParseError` if unreadable."""
    source = read_text(data, filename)
    return parse_text(source.text, source)


def parse_file(path: str | Path) -> ParseResult:
    """Parse a file on disk; the 50 MB limit is checked before it is read."""
    path = Path(path)
    try:
        size = path.stat().st_size
    except FileNotFoundError as exc:
        raise ParseError("not_found", str(path)) from exc
    except OSError as exc:
        raise ParseError("unreadable", str(path)) from exc
    if path.is_dir():
        raise ParseError("unreadable", f"{path} is a directory")
    if size > MAX_BYTES:
        raise ParseError("too_large", f"{size // (1024 * 1024)} MB")
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise ParseError("unreadable", str(path)) from exc
    return parse_bytes(data, path.name)
