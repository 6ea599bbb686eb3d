"""The section tree: lines classified as numbered headings, lettered items, dashes and paragraphs.

Plans number their parts "I.", "1.", "1.1.", "a)", then use dashes and "+"
(Nghị định 30/2020/NĐ-CP, phụ lục I). :func:`build_tree` turns the lines of the
normalised text into :class:`Node` objects nested by those levels, and labels
each top part by what it is for (:func:`part_of`): its purposes, its content,
its budget, its implementation ("TỔ CHỨC THỰC HIỆN"). The task extractor reads
tasks from the content and implementation parts only.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field

from gemis.vn.text import fold

__all__ = ["Node", "build_tree", "part_of", "iter_lines"]

# "A. MỤC ĐÍCH, YÊU CẦU", "PHẦN II: NỘI DUNG": parts above the Roman sections (titles in capitals).
_PART_RE = re.compile(r"^(?P<label>PHẦN\s+(?:[IVX]+|THỨ\s+\S+|[A-H])|[A-H])\s*[.:)]\s*(?P<body>\S.*)$")
_ROMAN_RE = re.compile(r"^(?P<label>[IVXLC]{1,6})\s?(?:[.)]|/(?=\s))\s*(?P<body>\S.*)$")
_ROMAN_TITLE_RE = re.compile(r"^(?P<label>[IVXLC]{1,6})\s*[:\-–—]\s*(?P<body>\S.*)$")
_DECIMAL_RE = re.compile(r"^(?P<label>\d{1,2}(?:\.\d{1,2})+)\.?[)]?\s+(?P<body>\D.*)$")
_NUMBER_RE = re.compile(r"^(?P<label>\d{1,2})\s?(?:[.)]|/(?=\s))\s*(?P<body>[^\d\s/].*)$")
_PAREN_NUMBER_RE = re.compile(r"^\((?P<label>\d{1,2})\)\s*(?P<body>\S.*)$")
_LETTER_RE = re.compile(r"^(?P<label>[a-zđ])\s?[).\/]\s+(?P<body>\S.*)$")
_DASH_RE = re.compile(r"^[-–—•▪●◦∙*]\s*(?P<body>\S.*)$")
_PLUS_RE = re.compile(r"^\+\s*(?P<body>\S.*)$")
_ROMAN_VALUES = {"I": 1, "V": 5, "X": 10, "L": 50, "C": 100}

LEVELS = {
    "part": 0.5,
    "roman": 1,
    "number": 2,
    "decimal": 3,
    "item": 4,
    "letter": 5,
    "dash": 6,
    "plus": 7,
    "para": 8,
}
SECTION_KINDS = frozenset({"roman", "number", "decimal", "item", "letter"})


@dataclass(eq=False)
class Node:
    kind: str  # roman | number | decimal | item ("(1)", a table row) | letter | dash | plus | para | root
    label: str
    start: int  # offset of the line in the normalised text
    body_start: int  # offset of the text after the marker
    end: int
    text: str  # the line without its marker
    parent: Node | None = field(default=None, repr=False)
    children: list[Node] = field(default_factory=list, repr=False)
    part: str = ""  # purpose | content | budget | implementation | other ("" inherits)

    @property
    def level(self) -> float:
        if self.kind == "decimal":
            return LEVELS["decimal"] + self.label.count(".") / 10
        return LEVELS.get(self.kind, 0)

    def path(self) -> str:
        """Numbering path: "IV.1.b"; a decimal label "3.1" replaces its parent "3"."""
        labels: list[str] = []
        node: Node | None = self
        chain = []
        while node is not None and node.kind != "root":
            chain.append(node)
            node = node.parent
        for item in reversed(chain):
            if item.kind not in SECTION_KINDS:
                continue
            if item.kind == "decimal":
                first = item.label.split(".")[0]
                while labels and labels[-1] == first:
                    labels.pop()
            labels.append(item.label)
        return ".".join(labels)

    def effective_part(self) -> str:
        node: Node | None = self
        while node is not None:
            if node.part:
                return node.part
            node = node.parent
        return ""

    def walk(self) -> Iterator[Node]:
        for child in self.children:
            yield child
            yield from child.walk()

    def to_dict(self) -> dict:
        return {
            "path": self.path(),
            "kind": self.kind,
            "label": self.label,
            "title": self.text,
            "part": self.effective_part(),
            "span": [self.start, self.end],
            "children": [c.to_dict() for c in self.children if c.kind in SECTION_KINDS],
        }


def _is_roman(label: str) -> bool:
    return (
        bool(re.fullmatch(r"M{0,3}(CM|CD|D?C{0,3})(XC|XL|L?X{0,3})(IX|IV|V?I{0,3})", label)) and label != ""
    )


def iter_lines(text: str, start: int = 0, end: int | None = None) -> Iterator[tuple[int, int, str]]:
    """(start, end, line) of the non-empty lines of ``text[start:end]``."""
    stop = len(text) if end is None else end
    pos = start
    while pos < stop:
        newline = text.find("\n", pos, stop)
        line_end = stop if newline == -1 else newline
        if line_end > pos:
            yield pos, line_end, text[pos:line_end]
        pos = line_end + 1


def classify(line: str) -> tuple[str, str, int]:
    """(kind, label, length of the marker) of one line."""
    if (
        (match := _PART_RE.match(line))
        and match["body"] == match["body"].upper()
        and any(ch.isalpha() for ch in match["body"])
    ):
        return "part", match["label"], match.start("body")
    if match := _ROMAN_RE.match(line):
        label = match["label"]
        if _is_roman(label) and (len(label) > 1 or line[len(label) : len(label) + 1] in ".)/"):
            return "roman", label, match.start("body")
    # "IV - TỔ CHỨC THỰC HIỆN", "II: NỘI DUNG": other separators, for titles in capitals only
    if (
        (match := _ROMAN_TITLE_RE.match(line))
        and _is_roman(match["label"])
        and match["body"] == match["body"].upper()
    ):
        return "roman", match["label"], match.start("body")
    if match := _DECIMAL_RE.match(line):
        return "decimal", match["label"], match.start("body")
    if match := _NUMBER_RE.match(line):
        return "number", match["label"], match.start("body")
    if match := _PAREN_NUMBER_RE.match(line):
        return "item", match["label"], match.start("body")
    if match := _LETTER_RE.match(line):
        return "letter", match["label"], match.start("body")
    if match := _DASH_RE.match(line):
        return "dash", "-", match.start("body")
    if match := _PLUS_RE.match(line):
        return "plus", "+", match.start("body")
    return "para", "", 0


def build_tree(text: str, start: int = 0, end: int | None = None) -> Node:
    """Nest the lines of ``text[start:end]`` into a tree under a root node."""
    root = Node("root", "", start, start, start if end is None else end, "")
    stack: list[Node] = [root]
    for line_start, line_end, line in iter_lines(text, start, end):
        kind, label, marker = classify(line)
        body = line[marker:].strip()
        node = Node(kind, label, line_start, line_start + marker, line_end, body)
        if kind == "para":
            # A paragraph belongs to the innermost open section (never to a dash item); one that
            # introduces a group ("Công tác truyền thông:", a table's group row) closes open items.
            while len(stack) > 1 and (
                stack[-1].kind not in SECTION_KINDS or (stack[-1].kind == "item" and body.endswith(":"))
            ):
                stack.pop()
        else:
            while len(stack) > 1 and stack[-1].level >= node.level:
                stack.pop()
            if kind == "decimal":
                # "3.1." belongs under "3.", not under whatever number is open.
                while (
                    len(stack) > 1
                    and stack[-1].kind in ("number", "decimal")
                    and not (label.startswith(stack[-1].label + "."))
                ):
                    stack.pop()
        parent = stack[-1]
        node.parent = parent
        parent.children.append(node)
        if kind != "para":
            stack.append(node)
    _fix_ends(root)
    return root


def _fix_ends(node: Node) -> None:
    for child in node.children:
        _fix_ends(child)
    if node.children:
        node.end = max(node.end, node.children[-1].end)


_PARTS: tuple[tuple[str, re.Pattern[str], int], ...] = (
    # (part, title pattern on the accent-free title, longest title in words)
    ("implementation", re.compile(r"^(?:to chuc thuc hien|trach nhiem|phan cong|giao nhiem vu)"), 8),
    ("budget", re.compile(r"^(?:kinh phi|nguon kinh phi|du toan|co che tai chinh)"), 10),
    ("purpose", re.compile(
        r"^(?:muc dich|yeu cau|quan diem|muc tieu|chi tieu|can cu|su can thiet|boi canh|danh gia|ket qua|"
        r"tinh hinh|thuc trang|pham vi|doi tuong|nguyen tac|chu de|thong diep|khau hieu)"
    ), 10),
)  # fmt: skip


def part_of(title: str) -> str:
    """What a part is for, from its title: purpose | budget | implementation | content."""
    key = fold(title)
    words = len(key.split())
    for part, pattern, longest in _PARTS:
        if words <= longest and pattern.search(key):
            # "MỤC TIÊU, NHIỆM VỤ VÀ GIẢI PHÁP" holds tasks: naming them makes it content
            if part != "implementation" and _CONTENT_WORDS_RE.search(key):
                return "content"
            return part
    return "content"


_CONTENT_WORDS_RE = re.compile(r"\b(?:nhiem vu|giai phap|noi dung|hoat dong)\b")
