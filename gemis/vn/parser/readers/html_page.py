"""Web pages (a portal's article): the main content without menus and footers, tables included."""

from __future__ import annotations

import codecs
import re
from typing import Any

from ..errors import ParseError
from ..legacy import best_decoding, looks_legacy, tcvn3_to_unicode, vni_to_unicode
from .plain_text import decode_text, superscript
from .source import Source
from .tables import table_lines

_BOILERPLATE_RE = re.compile(
    r"menu|nav|footer|header|sidebar|breadcrumb|banner|counter|share|social|comment|related|widget|"
    r"advert|ads\b|login|search|rating|vote|tags?\b|toolbar|copyright|popup|modal|cookie|top-?bar|author|"
    r"tac-?gia|print|font-?size",
    re.IGNORECASE,
)
_DROP_TAGS = ("script", "style", "noscript", "nav", "header", "footer", "aside", "form", "iframe",
              "svg", "button", "select", "input", "template", "object", "embed")  # fmt: skip
_BLOCK_TAGS = frozenset(
    "p div br li tr td th h1 h2 h3 h4 h5 h6 table section article blockquote pre dd dt ul ol center".split()
)


_XML_UNSAFE_RE = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


def _html_charset(data: bytes) -> str | None:
    match = re.search(rb"""<meta[^>]+charset\s*=\s*["']?([\w-]+)""", data[:4096], re.IGNORECASE)
    if match:
        name = match.group(1).decode("ascii", "ignore").lower()
        try:
            codecs.lookup(name)
        except LookupError:
            return None
        return name
    return None


def read_html(data: bytes) -> Source:
    import lxml.html
    from lxml import etree

    charset = _html_charset(data)
    if charset and charset.replace("-", "") not in ("utf8",):
        text = data.decode(charset, errors="replace")
        encoding = charset
        if looks_legacy(text):
            encoding, text = best_decoding(
                {charset: text, "tcvn3": tcvn3_to_unicode(text), "vni": vni_to_unicode(text)}
            )
    else:
        text, encoding = decode_text(data)
    # lxml refuses control characters, and a stray one should not lose the page
    text = _XML_UNSAFE_RE.sub("", text)
    try:
        root = lxml.html.document_fromstring(text)
    except (etree.ParserError, ValueError) as exc:
        raise ParseError("empty") from exc
    title = ""
    for tag in ("h1", "title"):
        found = root.find(f".//{tag}")
        if found is not None and found.text_content().strip():
            title = " ".join(found.text_content().split())
            break
    for bad in list(root.iter(*_DROP_TAGS)):
        bad.drop_tree()
    for node in list(root.iter()):
        if not isinstance(node.tag, str) or node.getparent() is None:
            continue
        marks = f"{node.get('class', '')} {node.get('id', '')} {node.get('role', '')}"
        if marks.strip() and _BOILERPLATE_RE.search(marks) and node.tag not in ("body", "html"):
            node.drop_tree()
    main = _main_content(root)
    lines = _html_lines(main)
    if title and not any(title in line for line in lines[:5]):
        lines.insert(0, title)
    body = "\n".join(lines)
    if not body.strip():
        raise ParseError("empty")
    return Source(text=body, format="html", encoding=encoding)


def _own_text_length(node) -> int:
    length = len((node.text or "").strip())
    for child in node:
        if isinstance(child.tag, str) and child.tag not in _BLOCK_TAGS and child.tag != "a":
            length += len(child.text_content().strip())
        length += len((child.tail or "").strip())
    return length


def _main_content(root: Any) -> Any:
    """The element holding the article: where paragraph text (not link text) concentrates."""
    scores: dict[Any, float] = {}
    for node in root.iter("p", "div", "td", "li", "span", "font"):
        length = _own_text_length(node)
        if length < 20:
            continue
        parent = node.getparent()
        if parent is not None:
            scores[parent] = scores.get(parent, 0) + length
            grand = parent.getparent()
            if grand is not None:
                scores[grand] = scores.get(grand, 0) + length / 2
    body = root.find("body")
    if not scores:
        return body if body is not None else root
    best = max(scores, key=lambda element: scores[element])
    # text that sits in the cells of a data table: take the whole table and what surrounds it
    while best.tag in ("tr", "tbody", "thead", "tfoot", "table") and best.getparent() is not None:
        best = best.getparent()
    # Link-heavy blocks are menus even when long.
    links = sum(len(a.text_content()) for a in best.iter("a"))
    total = len(best.text_content()) or 1
    if links / total > 0.5 and body is not None:
        return body
    return best


def _span(cell, name: str) -> int:
    try:
        return max(1, min(50, int(cell.get(name, "1"))))
    except ValueError:
        return 1


def _html_table_rows(table) -> list[list[str]]:
    """Rows of an HTML table with colspan repeated and rowspan carried down, so columns line up."""
    rows: list[list[str]] = []
    carried: dict[int, tuple[str, int]] = {}  # column → (text, rows still to fill)
    for row in table.iter("tr"):
        cells: list[str] = []
        for cell in row:
            if not isinstance(cell.tag, str) or cell.tag not in ("td", "th"):
                continue
            _fill_carried(cells, carried)
            text = "\n".join(" ".join(part.split()) for part in cell.itertext() if part.strip())
            for _ in range(_span(cell, "colspan")):
                if _span(cell, "rowspan") > 1:
                    carried[len(cells)] = (text, _span(cell, "rowspan") - 1)
                cells.append(text)
        _fill_carried(cells, carried)
        rows.append(cells)
    return rows


def _fill_carried(cells: list[str], carried: dict[int, tuple[str, int]]) -> None:
    """Put in the cells that rows above span into this one, at the next column."""
    while len(cells) in carried:
        column = len(cells)
        text, left = carried[column]
        cells.append(text)
        if left <= 1:
            del carried[column]
        else:
            carried[column] = (text, left - 1)


def _html_lines(node) -> list[str]:
    lines: list[str] = []
    current: list[str] = []

    def flush() -> None:
        text = " ".join("".join(current).split())
        if text:
            lines.append(text)
        current.clear()

    def walk(element) -> None:
        if not isinstance(element.tag, str):
            current.append(element.tail or "")
            return
        if element.tag == "table":
            flush()
            lines.extend(table_lines(_html_table_rows(element)))
            current.append(element.tail or "")
            return
        block = element.tag in _BLOCK_TAGS
        if block:
            flush()
        if element.tag == "br":
            flush()
        if element.tag == "sup" and (element.text or "").strip().isdigit():
            current.append(superscript(element.text.strip()))
        else:
            current.append(element.text or "")
            for child in element:
                walk(child)
        if block:
            flush()
        current.append(element.tail or "")

    walk(node)
    flush()
    return lines
