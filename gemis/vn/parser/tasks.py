"""Tasks: the numbered items and dashes of the content part, the responsibilities of the implementation part.

Following the conventions of the gold annotations (shared/parse-schema.md):

* In the content part ("NỘI DUNG", "NHIỆM VỤ VÀ GIẢI PHÁP", or the whole body of a
  letter or a programme without Roman parts) a task is a dash item or a
  paragraph under a numbered heading, or a numbered item itself when it is a
  sentence rather than a title (it ends with a full stop) or has nothing under
  it but its "Thực hiện: …" / "Thời gian: …" lines.
* In the implementation part ("TỔ CHỨC THỰC HIỆN") a heading that names agencies
  ("1. Sở Lao động - Thương binh và Xã hội:") gives every lettered item, dash or
  paragraph under it that agency as lead; a heading that goes on into a
  sentence ("16. Đề nghị Ủy ban MTTQ tỉnh, Hội LHPN tỉnh … tham gia …") is a
  task itself.
* Purposes, targets and the budget part hold no tasks; nor do the preamble and
  the closing formulas ("Trên đây là …", "Căn cứ nhiệm vụ được giao, yêu cầu …").

Lead and partners come, by priority, from the item's own lines ("Thực hiện:",
"Chủ trì:", "Phối hợp:"), from its agency heading, and from the sentence
(its subject, "phối hợp với …"). The deadline comes from "Thời gian:" or from
the sentence (:func:`.dates.find_deadline`).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from .agencies import Agency, agency_heading, read_agencies, sentence_agencies
from .dates import DeadlineFound, find_deadline, map_deadline, mask_spans
from .structure import SECTION_KINDS, Node, part_of

__all__ = ["Task", "extract_tasks"]

_ATTRIBUTE_LABELS = (
    r"thời gian(?:\s+(?:thực hiện|hoàn thành|triển khai))?|thời hạn(?:\s+hoàn thành)?"
    r"|tiến độ(?:\s+thực hiện)?|(?:cơ quan|đơn vị)?\s*chủ trì(?:\s+thực hiện)?"
    r"|(?:cơ quan|đơn vị)\s+(?:thực hiện|phụ trách|thường trực)"
    r"|thực hiện|trách nhiệm(?:\s+thực hiện)?|(?:cơ quan|đơn vị)?\s*phối hợp(?:\s+thực hiện)?"
    r"|sản phẩm|kết quả(?:\s+đầu ra)?|(?:nguồn\s+)?kinh phí"
)
_ATTRIBUTE_RE = re.compile(rf"^(?P<label>{_ATTRIBUTE_LABELS})\s*:\s*(?P<value>.*)$", re.IGNORECASE)
_ATTRIBUTE_SPLIT_RE = re.compile(rf"[;.]\s*(?=(?:{_ATTRIBUTE_LABELS})\s*:)", re.IGNORECASE)
_CLOSING_RE = re.compile(
    r"^(?:trên đây|trong quá trình|căn cứ [^.;]{0,80}?,\s*(?:yêu cầu|đề nghị|giao) (?:các|thủ trưởng)|"
    r"yêu cầu (?:các|thủ trưởng)|nơi nhận|ủy ban nhân dân .{0,40}yêu cầu|đề nghị .{0,80}nghiêm túc|"
    r"định kỳ .{0,80}báo cáo|chế độ (?:thông tin,? )?báo cáo)",
    re.IGNORECASE,
)


@dataclass
class Task:
    section: str
    text: str
    start: int
    end: int
    lead: list[Agency] = field(default_factory=list)
    partners: list[Agency] = field(default_factory=list)
    deadline: DeadlineFound = field(default_factory=lambda: DeadlineFound("unspecified"))
    deadline_span: tuple[int, int] | None = None
    origin: str = "item"  # item | agency_heading | attribute

    def to_dict(self) -> dict:
        return {
            "section": self.section,
            "text": short_text(self.text),
            "full_text": self.text,
            "lead": [a.name for a in self.lead],
            "partners": [a.name for a in self.partners],
            "deadline": self.deadline.to_dict(),
            "span": [self.start, self.end],
            "lead_spans": [[a.start, a.end] for a in self.lead],
            "partner_spans": [[a.start, a.end] for a in self.partners],
            "deadline_span": list(self.deadline_span) if self.deadline_span else None,
            "lead_keys": [a.key for a in self.lead],
            "partner_keys": [a.key for a in self.partners],
        }


# The list and the gold annotations show a task by its opening words; the whole item is in "full_text".
SHORT_TEXT = 200


def short_text(text: str, limit: int = SHORT_TEXT) -> str:
    """The first ``limit`` characters of ``text``, cut at a word boundary."""
    if len(text) <= limit:
        return text
    cut = text[:limit]
    return cut.rsplit(" ", 1)[0] if " " in cut else cut


def attributes_of(node: Node) -> list[tuple[str, str, int]]:
    """(role, value, offset of the value) of an attribute line ("- Thời gian: …"), else []."""
    if node.kind not in ("dash", "plus", "para"):
        return []
    text = node.text
    if not _ATTRIBUTE_RE.match(text):
        return []
    out = []
    pieces = []
    last = 0
    for split in _ATTRIBUTE_SPLIT_RE.finditer(text):
        pieces.append((last, split.start()))
        last = split.end()
    pieces.append((last, len(text)))
    for start, end in pieces:
        piece = text[start:end]
        match = _ATTRIBUTE_RE.match(piece)
        if not match:
            continue
        role = _role_of(match.group("label"))
        out.append((role, match.group("value").strip(), node.body_start + start + match.start("value")))
    return out


_CHU_TRI_RE = re.compile(r"(?i)\bchủ trì\b")


def _names_as_lead(text: str, agencies: list[Agency]) -> bool:
    """Whether the agencies found are followed by "chủ trì" (and so lead instead of the heading's)."""
    end = agencies[-1].end
    return bool(re.match(r"\s*,?\s*(?:là cơ quan\s+)?chủ trì\b", text[end:], re.IGNORECASE))


def _role_of(label: str) -> str:
    label = label.lower()
    if label.startswith(("thời", "tiến")):
        return "deadline"
    if "phối hợp" in label:
        return "partners"
    if label.startswith(("sản", "kết", "kinh", "nguồn")):
        return "other"
    return "lead"


_INLINE_ATTRIBUTE_RE = re.compile(
    r"(?:(?<=[.;(])|(?<=[.;(]\s))\s*"
    r"(?P<label>(?:cơ quan|đơn vị)\s+(?:chủ trì|phối hợp|thực hiện)|chủ trì|phối hợp"
    r"|thời gian(?:\s+(?:thực hiện|hoàn thành))?|thời hạn)\s*:\s*(?P<value>[^;.()\n]+(?:\.\d[^;.()\n]*)*)",
    re.IGNORECASE,
)


def _sentence_like(text: str) -> bool:
    stripped = text.rstrip(" \"'”’)")
    return stripped.endswith((".", "./.", ";")) and len(text.split()) >= 10 or ". " in text.strip()[:-1]


def _is_closing(node: Node) -> bool:
    """The closing formulas of a document, and its last paragraph (the one that ends with "./.")."""
    return node.kind == "para" and (bool(_CLOSING_RE.match(node.text)) or node.text.rstrip().endswith("/."))


class _Extractor:
    def __init__(self, text: str, masks: list[tuple[int, int]], default_year: int | None) -> None:
        self.text = text
        self.masked = mask_spans(text, masks)
        self.default_year = default_year
        self.tasks: list[Task] = []

    # -- building one task -----------------------------------------------------------------------

    def make_task(
        self, node: Node, lead: list[Agency] | None = None, offset: int = 0, origin: str = "item"
    ) -> Task:
        start = node.body_start + offset
        end = node.end if not node.children else node.start + len(self.text_line(node))
        text = self.text[start:end].strip()
        end = start + len(text)
        # Under an agency heading the heading leads, unless the sentence names another body as
        # "chủ trì" ("Sở Tư pháp chủ trì, …", "(Công an tỉnh chủ trì)").
        with_lead = not lead or _CHU_TRI_RE.search(text) is not None
        sentence_lead, partners = sentence_agencies(text, with_lead=with_lead)
        if lead and sentence_lead and not _names_as_lead(text, sentence_lead):
            sentence_lead = []
        chosen = (
            [Agency(a.name, a.start + start, a.end + start) for a in sentence_lead]
            if sentence_lead
            else lead or []
        )
        partners = [Agency(a.name, a.start + start, a.end + start) for a in partners]
        deadline = find_deadline(text, self.default_year, searched=self.masked[start:end])
        span = None
        if deadline.start_offset is not None and deadline.end_offset is not None:
            span = (start + deadline.start_offset, start + deadline.end_offset)
        section = node.path() if node.kind in SECTION_KINDS else (node.parent.path() if node.parent else "")
        task = Task(section, text, start, end, chosen, partners, deadline, span, origin)
        self.tasks.append(task)
        # "… . Đơn vị chủ trì: Hội LHPN huyện; thời gian: quý II/2024." written inside the item
        for match in _INLINE_ATTRIBUTE_RE.finditer(text):
            role = _role_of(match.group("label"))
            if role != "other":
                self.apply(task, role, match.group("value").strip(), start + match.start("value"))
        for child in node.children:
            for role, value, at in attributes_of(child):
                self.apply(task, role, value, at)
        return task

    def text_line(self, node: Node) -> str:
        line_end = self.text.find("\n", node.start)
        return self.text[node.start : line_end if line_end != -1 else len(self.text)]

    def apply(self, task: Task, role: str, value: str, at: int) -> None:
        if not value:
            return
        if role == "deadline":
            found = map_deadline(value, self.default_year)
            if found.kind != "unspecified" or task.deadline.kind == "unspecified":
                found.text = found.text or value
                task.deadline = found
                task.deadline_span = (at, at + len(value))
        elif role == "lead":
            lead, partners = sentence_agencies(value)
            if not lead:
                lead, _ = read_agencies(value, 0)
            if lead:
                task.lead = [Agency(a.name, a.start + at, a.end + at) for a in lead]
            if partners:
                task.partners = [Agency(a.name, a.start + at, a.end + at) for a in partners]
        elif role == "partners":
            named, _ = read_agencies(value, 0)
            if named:
                task.partners = [Agency(a.name, a.start + at, a.end + at) for a in named]

    # -- walking the tree ----------------------------------------------------------------------------

    def content(self, node: Node) -> None:
        children = node.children
        last: Task | None = None
        for i, child in enumerate(children):
            if child.kind in SECTION_KINDS:
                sub = part_of(child.text)
                if sub != "content":
                    child.part = sub
                    if sub == "implementation":
                        self.implementation(child, None)
                    last = None
                    continue
            attributes = attributes_of(child)
            if attributes:
                if last is not None:
                    for role, value, at in attributes:
                        self.apply(last, role, value, at)
                continue
            if _is_closing(child):
                continue
            if child.kind in SECTION_KINDS and child.children:
                heading = agency_heading(child.text)
                if heading is not None and not heading[1]:
                    # "1. Sở Y tế:" in a content part: its items are that agency's tasks.
                    last = None
                    self.implementation(child, None, heading=heading)
                    continue
            if child.kind in SECTION_KINDS:
                real = [c for c in child.children if not attributes_of(c) and not _is_closing(c)]
                # "- Thực hiện: …" right under the heading makes the heading the task
                has_attributes = bool(child.children) and bool(attributes_of(child.children[0]))
                if not real:
                    last = self.make_task(child)
                elif _sentence_like(child.text) or has_attributes:
                    last = self.make_task(child)
                    self.content(child)
                else:
                    last = None
                    self.content(child)
                continue
            following = children[i + 1] if i + 1 < len(children) else None
            if child.text.rstrip().endswith(":") and (
                child.children or (following is not None and following.kind in ("dash", "plus", "item"))
            ):
                # An introduction ("Tập trung các nội dung sau:"): what follows are the tasks.
                for grandchild in child.children:
                    if not attributes_of(grandchild):
                        last = self.make_task(grandchild)
                continue
            last = self.make_task(child)

    def implementation(
        self,
        node: Node,
        agencies: list[Agency] | None,
        heading: tuple | None = None,
    ) -> None:
        if heading is not None:
            names = [Agency(a.name, a.start + node.body_start, a.end + node.body_start) for a in heading[0]]
            self.implementation(node, names)
            return
        last: Task | None = None
        for child in node.children:
            attributes = attributes_of(child)
            if attributes:
                if last is not None:
                    for role, value, at in attributes:
                        self.apply(last, role, value, at)
                continue
            if _is_closing(child):
                continue
            # Outside an agency's section a short name before a colon may be a body of its own.
            heading = agency_heading(child.text, any_name=agencies is None)
            if heading is not None and agencies and heading[1] and heading[2] == 0:
                # inside an agency's section a sentence about another body is still the section's
                # task (its lead changes only when the sentence says who "chủ trì")
                heading = None
            if heading is not None and (child.kind != "para" or heading[1] != child.text or agencies is None):
                names, inline, offset = heading
                names = [Agency(a.name, a.start + child.body_start, a.end + child.body_start) for a in names]
                # "1. Sở X là cơ quan thường trực, có trách nhiệm:" followed by its duties: a heading.
                if inline and child.children and child.text.rstrip().endswith(":"):
                    inline = ""
                if not inline:
                    last = None
                    self.implementation(child, names)
                    continue
                last = self.make_task(child, names, offset=offset, origin="agency_heading")
                if child.children:
                    self.implementation(child, names)
                continue
            if agencies:
                if child.kind in SECTION_KINDS and child.children and child.text.rstrip().endswith(":"):
                    last = None
                    self.implementation(child, agencies)
                    continue
                last = self.make_task(child, agencies)
                if child.kind in SECTION_KINDS and child.children:
                    self.implementation(child, agencies)
                continue
            real = [c for c in child.children if not attributes_of(c)]
            if child.kind in SECTION_KINDS and real and not _sentence_like(child.text):
                last = None
                self.implementation(child, None)
                continue
            lead, _ = sentence_agencies(child.text)
            if lead or any(role == "lead" for c in child.children for role, _, _ in attributes_of(c)):
                last = self.make_task(child)
                if child.kind in SECTION_KINDS and real:
                    self.implementation(child, None)
            else:
                last = None


def extract_tasks(
    text: str, root: Node, masks: list[tuple[int, int]], default_year: int | None
) -> list[Task]:
    """Tasks of the tree built over ``text`` (see the module docstring), in document order."""
    extractor = _Extractor(text, masks, default_year)
    tops = _without_parts(root.children)
    has_roman = any(n.kind == "roman" for n in tops)
    has_sections = any(n.kind in SECTION_KINDS for n in tops)
    if not has_sections:
        _letter_without_sections(extractor, root)
        if not extractor.tasks:
            # A portal's news item relaying a letter lists its requests in running prose.
            _requests_in_prose(extractor, root)
        return extractor.tasks
    for node in tops:
        if node.kind not in SECTION_KINDS or (has_roman and node.kind != "roman"):
            continue
        node.part = part_of(node.text)
        inherited = node.parent.part if node.parent is not None and node.parent.kind == "part" else ""
        if node.part == "content" and inherited:
            node.part = inherited
        if node.part == "implementation":
            heading = agency_heading(node.text) if inherited else None
            if heading is not None and not heading[1]:
                # "C. TỔ CHỨC THỰC HIỆN" / "I. Sở Y tế": the section itself names the agency
                extractor.implementation(node, None, heading=heading)
            else:
                extractor.implementation(node, None)
        elif node.part == "content":
            if has_roman or node.children or _sentence_like(node.text) or len(node.text.split()) > 8:
                holder = Node("root", "", node.start, node.start, node.end, "", children=[node])
                node_parent = node.parent
                extractor.content(holder)
                node.parent = node_parent
    extractor.tasks.sort(key=lambda t: t.start)
    return extractor.tasks


def _without_parts(nodes: list[Node]) -> list[Node]:
    """Sections under "A. …", "PHẦN I …" parts, as if the parts were not there (a part lends them
    its purpose when it has one)."""
    out: list[Node] = []
    for node in nodes:
        if node.kind == "part":
            own = part_of(node.text)
            node.part = "" if own == "content" else own
            out.extend(_without_parts(node.children))
        else:
            out.append(node)
    return out


def _letter_without_sections(extractor: _Extractor, root: Node) -> None:
    """A letter with no numbered parts: the dashes after an introduction ending with ":" are tasks."""
    active = False
    for child in root.children:
        if child.kind == "para":
            lowered = child.text.lower()
            active = child.text.rstrip().endswith(":") and not lowered.startswith(("kính gửi", "nơi nhận"))
            if _is_closing(child):
                active = False
            continue
        if active and child.kind in ("dash", "plus") and not attributes_of(child):
            extractor.make_task(child)


# "yêu cầu các sở, ban, ngành …", "giao Sở Nội vụ chủ trì …", "đề nghị Báo … mở chuyên mục …"
_REQUEST_MARK_RE = re.compile(r"(?<![\w])(?:yêu cầu|giao(?:\s+cho)?|đề nghị)\s+(?=\S)", re.IGNORECASE)
# A sentence ends at a full stop followed by a capital (numbers such as "15/11/2026." end one too).
_SENTENCE_END_RE = re.compile(r"[.!?](?=\s+[A-ZĐÀ-Ỹ])|[.!?]?$")


def _requests_in_prose(extractor: _Extractor, root: Node) -> None:
    """Each request a paragraph makes of named agencies, from its verb to the next request or full stop.

    The request keeps its verb ("giao Sở Nội vụ chủ trì …") so that its agencies read as the
    ones asked, and the sentence's time ("trước ngày 15/11/2026") is its deadline.
    """
    for para in root.children:
        if para.kind != "para" or _is_closing(para):
            continue
        line = para.text
        marks = [m for m in _REQUEST_MARK_RE.finditer(line) if read_agencies(line, m.end())[0]]
        for index, mark in enumerate(marks):
            sentence_end = _SENTENCE_END_RE.search(line, mark.end())
            stop = sentence_end.end() if sentence_end else len(line)
            if index + 1 < len(marks):
                stop = min(stop, marks[index + 1].start())
            piece = line[mark.start() : stop].rstrip(" ,;")
            if len(piece.split()) < 5:
                continue
            start = para.body_start + mark.start()
            node = Node("para", "", start, start, start + len(piece), piece, parent=root)
            extractor.make_task(node)
