"""Word (.docx): zip limits checked before inflating, list numbering, footnotes, content controls, tables."""

from __future__ import annotations

import io
import re
import zipfile

from ..errors import ParseError
from .plain_text import superscript
from .source import MAX_ENTRIES, MAX_RATIO, MAX_UNZIPPED, Source
from .tables import table_lines

_W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"


def _check_zip(archive: zipfile.ZipFile) -> None:
    infos = archive.infolist()
    if len(infos) > MAX_ENTRIES:
        raise ParseError("zip_bomb", f"{len(infos)} entries")
    total = 0
    for info in infos:
        total += info.file_size
        if (
            info.file_size > 1024 * 1024
            and info.compress_size
            and info.file_size / info.compress_size > MAX_RATIO
        ):
            raise ParseError("zip_bomb", f"{info.filename}: ratio {info.file_size // info.compress_size}:1")
        if info.file_size > MAX_UNZIPPED or total > MAX_UNZIPPED:
            raise ParseError("zip_bomb", f"{total // (1024 * 1024)} MB uncompressed")


def _read_member(archive: zipfile.ZipFile, name: str) -> bytes | None:
    try:
        info = archive.getinfo(name)
    except KeyError:
        return None
    with archive.open(info) as handle:
        # Read at most the declared size (+1): a lying header cannot inflate further.
        data = handle.read(info.file_size + 1)
    if len(data) > info.file_size:
        raise ParseError("zip_bomb", f"{name} is larger than declared")
    return data


def _xml(data: bytes):  # -> lxml element
    from lxml import etree

    parser = etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=False, recover=True)
    return etree.fromstring(data, parser)


_ROMAN = ((1000, "M"), (900, "CM"), (500, "D"), (400, "CD"), (100, "C"), (90, "XC"),
          (50, "L"), (40, "XL"), (10, "X"), (9, "IX"), (5, "V"), (4, "IV"), (1, "I"))  # fmt: skip
_LETTERS = "abcdđeghiklmnopqrstuvxy"


def _format_number(value: int, fmt: str) -> str:
    if fmt in ("upperRoman", "lowerRoman"):
        out, n = "", value
        for amount, numeral in _ROMAN:
            while n >= amount:
                out += numeral
                n -= amount
        return out if fmt == "upperRoman" else out.lower()
    if fmt in ("lowerLetter", "upperLetter"):
        letter = "abcdefghijklmnopqrstuvwxyz"[(value - 1) % 26]
        return letter if fmt == "lowerLetter" else letter.upper()
    if fmt == "bullet":
        return "-"
    if fmt == "none":
        return ""
    return str(value)


class _Numbering:
    """Labels of Word's automatic numbering ("%1.", "%1.%2.", "a)", bullets)."""

    def __init__(self, numbering_xml: bytes | None, styles_xml: bytes | None) -> None:
        self.levels: dict[str, dict[int, tuple[str, str, int]]] = {}
        self.counters: dict[str, dict[int, int]] = {}
        self.style_num: dict[str, tuple[str, int]] = {}
        if numbering_xml:
            root = _xml(numbering_xml)
            abstract: dict[str, dict[int, tuple[str, str, int]]] = {}
            for node in root.iter(f"{_W}abstractNum"):
                levels = {}
                for lvl in node.iter(f"{_W}lvl"):
                    ilvl = int(lvl.get(f"{_W}ilvl", "0"))
                    fmt = lvl.find(f"{_W}numFmt")
                    text = lvl.find(f"{_W}lvlText")
                    start = lvl.find(f"{_W}start")
                    levels[ilvl] = (
                        fmt.get(f"{_W}val", "decimal") if fmt is not None else "decimal",
                        text.get(f"{_W}val", "") if text is not None else "",
                        int(start.get(f"{_W}val", "1")) if start is not None else 1,
                    )
                abstract[node.get(f"{_W}abstractNumId", "")] = levels
            for num in root.iter(f"{_W}num"):
                ref = num.find(f"{_W}abstractNumId")
                if ref is not None:
                    self.levels[num.get(f"{_W}numId", "")] = abstract.get(ref.get(f"{_W}val", ""), {})
        if styles_xml:
            for style in _xml(styles_xml).iter(f"{_W}style"):
                num_pr = style.find(f"{_W}pPr/{_W}numPr")
                if num_pr is not None:
                    num_id = num_pr.find(f"{_W}numId")
                    ilvl = num_pr.find(f"{_W}ilvl")
                    if num_id is not None:
                        self.style_num[style.get(f"{_W}styleId", "")] = (
                            num_id.get(f"{_W}val", ""),
                            int(ilvl.get(f"{_W}val", "0")) if ilvl is not None else 0,
                        )

    def label(self, paragraph) -> str:
        num_pr = paragraph.find(f"{_W}pPr/{_W}numPr")
        num_id, ilvl = None, 0
        if num_pr is not None:
            node = num_pr.find(f"{_W}numId")
            level = num_pr.find(f"{_W}ilvl")
            num_id = node.get(f"{_W}val") if node is not None else None
            ilvl = int(level.get(f"{_W}val", "0")) if level is not None else 0
        else:
            style = paragraph.find(f"{_W}pPr/{_W}pStyle")
            if style is not None:
                num_id, ilvl = self.style_num.get(style.get(f"{_W}val", ""), (None, 0))
        if not num_id or num_id == "0" or num_id not in self.levels:
            return ""
        levels = self.levels[num_id]
        if ilvl not in levels:
            return ""
        counters = self.counters.setdefault(num_id, {})
        fmt, pattern, start = levels[ilvl]
        counters[ilvl] = counters.get(ilvl, start - 1) + 1
        for deeper in [k for k in counters if k > ilvl]:
            del counters[deeper]
        if fmt == "bullet":
            return "- "

        def level_value(match: re.Match[str]) -> str:
            level = int(match.group(1)) - 1
            lfmt, _, lstart = levels.get(level, ("decimal", "", 1))
            return _format_number(counters.get(level, lstart), lfmt)

        text = re.sub(r"%(\d)", level_value, pattern).strip()
        return text + " " if text else ""


_MC_FALLBACK = "{http://schemas.openxmlformats.org/markup-compatibility/2006}Fallback"


def _runs(node):
    """Descendants in order, leaving out mc:Fallback (a second copy of text-box content)."""
    for child in node:
        if child.tag == _MC_FALLBACK:
            continue
        yield child
        yield from _runs(child)


def _paragraph_text(paragraph, footnote_marks: bool = True) -> str:
    parts: list[str] = []
    for node in _runs(paragraph):
        tag = node.tag
        if tag == f"{_W}t":
            parts.append(node.text or "")
        elif tag == f"{_W}tab":
            parts.append(" ")
        elif tag in (f"{_W}br", f"{_W}cr"):
            parts.append("\n")
        elif tag == f"{_W}footnoteReference" and footnote_marks:
            parts.append(superscript(node.get(f"{_W}id", "")))
    return "".join(parts)


def read_docx(data: bytes) -> Source:
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except (zipfile.BadZipFile, OSError, ValueError) as exc:
        raise ParseError("corrupt_docx") from exc
    with archive:
        _check_zip(archive)
        try:
            document = _read_member(archive, "word/document.xml")
        except (zipfile.BadZipFile, OSError, ValueError, EOFError, NotImplementedError) as exc:
            raise ParseError("corrupt_docx") from exc
        if document is None:
            # .odt, .xlsx, a plain .zip: an archive, but not a Word document
            raise ParseError("unknown_format", "zip archive without word/document.xml")
        try:
            numbering = _Numbering(
                _read_member(archive, "word/numbering.xml"), _read_member(archive, "word/styles.xml")
            )
            footnotes_xml = _read_member(archive, "word/footnotes.xml")
            root = _xml(document)
        except ParseError:
            raise
        except Exception as exc:  # lxml and zlib raise many kinds; all mean a damaged file
            raise ParseError("corrupt_docx") from exc
    if root is None:
        raise ParseError("corrupt_docx")
    body = root.find(f"{_W}body")
    lines: list[str] = []
    for child in _block_children(body):
        if child.tag == f"{_W}p":
            text = _paragraph_text(child)
            if text.strip():
                lines.append(numbering.label(child) + text)
            else:
                lines.append("")
        elif child.tag == f"{_W}tbl":
            lines.extend(_docx_table(child, numbering))
            lines.append("")
    footnotes: list[str] = []
    if footnotes_xml:
        try:
            for note in _xml(footnotes_xml).iter(f"{_W}footnote"):
                note_id = note.get(f"{_W}id", "")
                if not note_id.isdigit() or int(note_id) <= 0:
                    continue  # separators
                text = " ".join(_paragraph_text(p, False) for p in note.iter(f"{_W}p")).strip()
                if text:
                    footnotes.append(f"{superscript(note_id)} {text}")
        except Exception:  # a damaged footnote part should not lose the document
            footnotes = []
    text = "\n".join(lines)
    if footnotes:
        text += "\n\n" + "\n".join(footnotes)
    if not text.strip():
        raise ParseError("empty")
    return Source(text=text, format="docx", encoding="utf-8", footnotes=footnotes)


def _block_children(body):
    """Paragraphs and tables of the body, also those inside content controls (w:sdt)."""
    if body is None:
        return
    for child in body:
        if child.tag == f"{_W}sdt":
            content = child.find(f"{_W}sdtContent")
            if content is not None:
                yield from _block_children(content)
        else:
            yield child


def _docx_table(table, numbering: _Numbering) -> list[str]:
    """A Word table's rows; a cell spanning columns (gridSpan) is repeated, one merged down (vMerge)
    takes the text above, so that the columns line up with the header."""
    rows: list[list[str]] = []
    for row in table.iter(f"{_W}tr"):
        cells: list[str] = []
        for cell in row.iter(f"{_W}tc"):
            paragraphs = [numbering.label(p) + _paragraph_text(p) for p in cell.iter(f"{_W}p")]
            text = "\n".join(p for p in paragraphs if p.strip())
            properties = cell.find(f"{_W}tcPr")
            span = 1
            if properties is not None:
                grid = properties.find(f"{_W}gridSpan")
                if grid is not None and (grid.get(f"{_W}val") or "1").isdigit():
                    span = max(1, min(50, int(grid.get(f"{_W}val"))))
                merge = properties.find(f"{_W}vMerge")
                if merge is not None and merge.get(f"{_W}val") != "restart" and rows:
                    above = rows[-1]
                    text = above[len(cells)] if len(cells) < len(above) else text
            cells.extend([text] * span)
        rows.append(cells)
    return table_lines(rows)
