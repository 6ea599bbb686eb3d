"""Readers: bytes of a .txt, .docx, .pdf or .html file → plain text, one paragraph a line.

Every reader returns a :class:`Source` (the text and how it was obtained) or
raises :class:`~.errors.ParseError`. Limits are checked before work is done:
the 50 MB size limit, the zip entries' declared sizes and ratios of a .docx
(a zip bomb is refused without inflating it), a PDF's encryption. A PDF without
a text layer is a scan: it is read with OCR when ``tesseract`` (with the
Vietnamese data) and ``pdftoppm`` are installed, otherwise refused with a
message that says so.

Tables (.docx, .html, Markdown pipe tables in .txt) whose header names the
columns of a task table ("Nội dung", "Cơ quan chủ trì", "Phối hợp", "Thời gian")
are written out as one item per row, "(1) …", with "- Chủ trì: …",
"- Phối hợp: …", "- Thời gian: …" lines, the shape the task extractor already
reads in programmes; a group row ("I | Công tác truyền thông") becomes a line
ending with ":"; other tables (the two-column letterhead) are written cell by
cell.
"""

from __future__ import annotations

import codecs
import io
import os
import re
import shutil
import subprocess
import tempfile
import unicodedata
import zipfile
from dataclasses import dataclass, field
from pathlib import Path

from .errors import MAX_BYTES, ParseError
from .legacy import best_decoding, looks_legacy, tcvn3_to_unicode, vni_to_unicode

__all__ = ["Source", "detect_format", "read_bytes"]

# .docx limits: total inflated size and the inflate ratio of any big entry.
MAX_UNZIPPED = 200 * 1024 * 1024
MAX_RATIO = 200
MAX_ENTRIES = 5000
# A PDF page with fewer extracted characters than this is taken as an image.
MIN_PAGE_CHARS = 25
OCR_TIMEOUT = 300


@dataclass
class Source:
    """What a reader produced: the text, the format, and notes for the reviewer."""

    text: str
    format: str  # "txt" | "docx" | "pdf" | "html"
    encoding: str | None = None
    ocr: bool = False
    hard_wrapped: bool = False  # PDF/OCR text: lines end where the page did, not the paragraph
    footnotes: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)


def detect_format(data: bytes, filename: str = "") -> str:
    """ "txt" | "docx" | "pdf" | "html" | "doc" from the magic bytes first, then the extension."""
    ext = Path(filename).suffix.lower().lstrip(".")
    head = data[:2048]
    if head.startswith(b"%PDF") or b"%PDF-" in head[:1024]:
        return "pdf"
    if head.startswith(b"PK\x03\x04") or head.startswith(b"PK\x05\x06"):
        return "docx"
    if head.startswith(b"\xd0\xcf\x11\xe0"):
        return "doc"
    if ext in ("html", "htm", "xhtml"):
        return "html"
    sniff = head.lstrip(b"\xef\xbb\xbf \t\r\n").lower()
    if sniff.startswith((b"<!doctype html", b"<html", b"<?xml")) or b"<body" in head.lower():
        return "html"
    if ext in ("docx", "pdf", "doc"):
        return ext  # a wrong magic for the extension: the reader says it is damaged
    return "txt"


def read_bytes(data: bytes, filename: str = "") -> Source:
    """Read a document's bytes; ``filename`` only helps to tell the format."""
    if len(data) > MAX_BYTES:
        raise ParseError("too_large")
    if not data.strip():
        raise ParseError("empty")
    fmt = detect_format(data, filename)
    if fmt == "doc":
        raise ParseError("legacy_doc")
    reader = {"pdf": read_pdf, "docx": read_docx, "html": read_html}.get(fmt, read_txt)
    try:
        return reader(data)
    except ParseError:
        raise
    except Exception as exc:
        # A damaged file can make zlib, zipfile, lxml or pypdf fail in ways no list foresees;
        # whoever uploads it gets the same one-line answer.
        code = {"pdf": "corrupt_pdf", "docx": "corrupt_docx"}.get(fmt, "unreadable")
        raise ParseError(code, type(exc).__name__) from exc


# --------------------------------------------------------------------------- text


def _looks_utf16(data: bytes) -> str | None:
    """UTF-16 without a byte-order mark: every other byte of ASCII text is NUL."""
    sample = data[:4000]
    if len(sample) < 4:
        return None
    even_nuls = sample[0::2].count(0)
    odd_nuls = sample[1::2].count(0)
    half = len(sample) / 2
    if odd_nuls > 0.3 * half and even_nuls < 0.05 * half:
        return "utf-16-le"
    if even_nuls > 0.3 * half and odd_nuls < 0.05 * half:
        return "utf-16-be"
    return None


def decode_text(data: bytes) -> tuple[str, str]:
    """(text, encoding name): BOMs, UTF-8, UTF-16, else the legacy encoding that reads best."""
    if data.startswith(codecs.BOM_UTF8):
        text, encoding = data[3:].decode("utf-8", errors="replace"), "utf-8"
    elif data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        text, encoding = data.decode("utf-16", errors="replace"), "utf-16"
    elif utf16 := _looks_utf16(data):
        text, encoding = data.decode(utf16, errors="replace"), "utf-16"
    else:
        try:
            text, encoding = data.decode("utf-8"), "utf-8"
        except UnicodeDecodeError:
            latin = data.decode("latin-1")
            candidates = {
                "windows-1258": data.decode("cp1258", errors="replace"),
                "tcvn3": tcvn3_to_unicode(latin),
                "vni": vni_to_unicode(data.decode("cp1252", errors="replace")),
            }
            encoding, text = best_decoding(candidates)
            return _check_binary(text), encoding
    if looks_legacy(text):
        # Legacy-font text saved as Unicode (a web page set in .VnTime, a converted file).
        candidates = {
            encoding: text,
            encoding + "+tcvn3": tcvn3_to_unicode(text),
            encoding + "+vni": vni_to_unicode(text),
        }
        encoding, text = best_decoding(candidates)
    return _check_binary(text), encoding


_CONTROL_RE = re.compile(r"[\x00-\x08\x0e-\x1f\x7f\ufffd]")


def _check_binary(text: str) -> str:
    sample = text[:20000]
    if sample and len(_CONTROL_RE.findall(sample)) > 0.05 * len(sample):
        raise ParseError("binary")
    if not text.strip():
        raise ParseError("empty")
    return text


def read_txt(data: bytes) -> Source:
    text, encoding = decode_text(data)
    # Windows-1258 writes most tone marks as combining characters: compose them.
    text = unicodedata.normalize("NFC", text)
    if "|" in text or "#" in text:
        text = markdown_to_lines(text)
    return Source(text=text, format="txt", encoding=encoding)


_PIPE_ROW_RE = re.compile(r"^\s*\|.*\|\s*$")
_PIPE_RULE_RE = re.compile(r"^\s*\|?\s*:?-{3,}:?\s*(?:\|\s*:?-{3,}:?\s*)*\|?\s*$")
_HEADING_MARK_RE = re.compile(r"^\s{0,3}#{1,6}\s+")


def markdown_to_lines(text: str) -> str:
    """Text converted from Word to Markdown: "### I. MỤC ĐÍCH" headings and "| … |" tables."""
    out: list[str] = []
    rows: list[list[str]] = []

    def flush() -> None:
        if rows:
            out.extend(table_lines(rows))
            rows.clear()

    for line in text.split("\n"):
        if _PIPE_ROW_RE.match(line):
            if not _PIPE_RULE_RE.match(line):
                rows.append(
                    [cell.strip().replace("<br>", "\n") for cell in line.strip().strip("|").split("|")]
                )
            continue
        if rows and _PIPE_RULE_RE.match(line):
            continue
        flush()
        out.append(_HEADING_MARK_RE.sub("", line))
    flush()
    return "\n".join(out)


# --------------------------------------------------------------------------- tables

_ROLE_WORDS: tuple[tuple[str, tuple[str, ...]], ...] = (
    # checked in this order, on the canonical header text
    ("content", ("nội dung", "nhiệm vụ", "hoạt động", "công việc", "tên hoạt động", "tên nhiệm vụ")),
    ("partners", ("phối hợp",)),
    ("deadline", ("thời gian", "thời hạn", "tiến độ", "hoàn thành")),
    ("product", ("sản phẩm", "kết quả")),
    ("budget", ("kinh phí", "nguồn")),
    ("lead", ("chủ trì", "thực hiện", "phụ trách", "cơ quan", "đơn vị", "trách nhiệm")),
)
_NUMBER_HEADERS = ("stt", "tt", "số tt", "số thứ tự")
_ATTRIBUTE_LABEL = {
    "lead": "Chủ trì",
    "partners": "Phối hợp",
    "deadline": "Thời gian",
    "product": "Sản phẩm",
    "budget": "Kinh phí",
}


def _column_roles(header: list[str]) -> list[str | None]:
    from gemis.core.text import canonical

    roles: list[str | None] = []
    for cell in header:
        key = canonical(cell)
        role = "number" if key.strip(" .") in _NUMBER_HEADERS else None
        for name, words in _ROLE_WORDS:
            if role:
                break
            if (
                name == "content"
                and key.startswith(words)
                or name != "content"
                and any(w in key for w in words)
            ):
                role = name
        roles.append(role)
    return roles


def table_lines(rows: list[list[str]]) -> list[str]:
    """A table as lines: a task table as numbered items with attribute lines, else cell by cell."""
    rows = [
        ["\n".join(" ".join(line.split()) for line in cell.split("\n") if line.strip()) for cell in row]
        for row in rows
        if any(c.strip() for c in row)
    ]
    if not rows:
        return []
    for header_at in range(min(2, len(rows))):
        roles = _column_roles(rows[header_at])
        if "content" in roles and ("lead" in roles or "deadline" in roles):
            body = rows[header_at + 1 :]
            # a two-row header: "Cơ quan thực hiện" over "Chủ trì" | "Phối hợp"
            if body:
                sub = _column_roles(body[0])
                content_at = roles.index("content")
                content_cell = body[0][content_at] if content_at < len(body[0]) else ""
                if any(sub) and (not content_cell or sub[content_at] is not None):
                    roles = [
                        s_role or role for role, s_role in zip(roles, sub + [None] * len(roles), strict=False)
                    ]
                    body = body[1:]
            return _task_table_lines(body, roles)
    lines: list[str] = []
    for row in rows:
        seen: set[str] = set()
        for cell in row:
            if cell and cell not in seen:  # merged cells repeat their text
                seen.add(cell)
                lines.extend(part for part in cell.split("\n") if part.strip())
    return lines


_ROW_NUMBER_RE = re.compile(r"^\s*(\d{1,3}(?:\.\d{1,3})*|[IVXLC]{1,6}|[a-zđ])[.)]?\s*$")


def _task_table_lines(rows: list[list[str]], roles: list[str | None]) -> list[str]:
    lines: list[str] = []
    counter = 0
    for row in rows:
        cells = {role: "" for role in _ATTRIBUTE_LABEL}
        cells["content"] = cells["number"] = ""
        for role, cell in zip(roles, row, strict=False):
            if role and cell and not cells.get(role):
                cells[role] = cell
        distinct = {c for c in row if c}
        content = cells["content"]
        if not content:
            continue
        if len(distinct) == 1 or (not any(cells[r] for r in _ATTRIBUTE_LABEL) and cells["number"] != ""):
            # a group row ("I. Công tác tuyên truyền" across the table)
            number = cells["number"]
            lines.append(f"{' '.join(content.split())}:")
            continue
        number = cells["number"].strip(" .)")
        if not (number and _ROW_NUMBER_RE.match(number) and number[0].isdigit()):
            counter += 1
            number = str(counter)
        else:
            counter = int(number.split(".")[0]) if number.split(".")[0].isdigit() else counter + 1
        # "(1)": a row is an item one level below the heading the table sits under.
        lines.append(f"({number}) {' '.join(content.split()).rstrip(':')}")
        for role, label in _ATTRIBUTE_LABEL.items():
            if cells[role]:
                lines.append(f"- {label}: {' '.join(cells[role].split())}")
    return lines


# --------------------------------------------------------------------------- docx

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
            parts.append(_superscript(node.get(f"{_W}id", "")))
    return "".join(parts)


_SUPERSCRIPT = str.maketrans("0123456789", "⁰¹²³⁴⁵⁶⁷⁸⁹")


def _superscript(number: str) -> str:
    return number.translate(_SUPERSCRIPT)


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
                    footnotes.append(f"{_superscript(note_id)} {text}")
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


# --------------------------------------------------------------------------- pdf


def read_pdf(data: bytes) -> Source:
    try:
        from pypdf import PdfReader
        from pypdf.errors import PdfReadError
    except ImportError as exc:  # pragma: no cover - a dependency
        raise ParseError("unknown_format", "pypdf is not installed") from exc
    import logging

    logging.getLogger("pypdf").setLevel(logging.ERROR)
    try:
        reader = PdfReader(io.BytesIO(data), strict=False)
        if reader.is_encrypted:
            try:
                if not reader.decrypt(""):
                    raise ParseError("encrypted_pdf")
            except ParseError:
                raise
            except Exception as exc:
                raise ParseError("encrypted_pdf") from exc
        pages = [page.extract_text() or "" for page in reader.pages]
    except ParseError:
        raise
    except (PdfReadError, ValueError, KeyError, TypeError, AttributeError, OSError, RecursionError) as exc:
        raise ParseError("corrupt_pdf") from exc
    except Exception as exc:  # pypdf raises assorted errors on damaged files
        raise ParseError("corrupt_pdf") from exc
    text_chars = sum(len(page.strip()) for page in pages)
    if not pages or text_chars < MIN_PAGE_CHARS * len(pages):
        text = ocr_pdf(data)
        return Source(text=text, format="pdf", encoding=None, ocr=True, hard_wrapped=True,
                      warnings=["ocr"])  # fmt: skip
    text = "\n".join(pages)
    if looks_legacy(text):
        _, text = best_decoding({"pdf": text, "tcvn3": tcvn3_to_unicode(text), "vni": vni_to_unicode(text)})
    return Source(text=text, format="pdf", hard_wrapped=True)


def ocr_available() -> bool:
    """Whether scanned PDFs can be read here: tesseract with Vietnamese, and pdftoppm (GEMIS_NO_OCR=1: no)."""
    if os.environ.get("GEMIS_NO_OCR") or not shutil.which("tesseract") or not shutil.which("pdftoppm"):
        return False
    try:
        langs = subprocess.run(
            ["tesseract", "--list-langs"], capture_output=True, text=True, timeout=30, check=False
        ).stdout.split()
    except (OSError, subprocess.SubprocessError):
        return False
    return "vie" in langs


def ocr_pdf(data: bytes) -> str:
    """Text of a scanned PDF by OCR, or ParseError("scanned_pdf") when OCR is not installed."""
    if not ocr_available():
        raise ParseError("scanned_pdf")
    with tempfile.TemporaryDirectory(prefix="gemis-ocr-") as tmp:
        pdf = Path(tmp) / "in.pdf"
        pdf.write_bytes(data)
        try:
            subprocess.run(
                ["pdftoppm", "-r", "300", "-gray", "-png", str(pdf), str(Path(tmp) / "page")],
                capture_output=True, timeout=OCR_TIMEOUT, check=True,
            )  # fmt: skip
            texts = []
            for image in sorted(Path(tmp).glob("page*.png")):
                out = subprocess.run(
                    ["tesseract", str(image), "stdout", "-l", "vie", "--psm", "4"],
                    capture_output=True, timeout=OCR_TIMEOUT, check=True,
                )  # fmt: skip
                texts.append(out.stdout.decode("utf-8", errors="replace"))
        except (OSError, subprocess.SubprocessError) as exc:
            raise ParseError("ocr_failed") from exc
    text = "\n".join(texts)
    if not text.strip():
        raise ParseError("ocr_failed", "no text recognised")
    return text


# --------------------------------------------------------------------------- html

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


def _main_content(root):
    """The element holding the article: where paragraph text (not link text) concentrates."""
    scores: dict = {}
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
    best = max(scores, key=scores.get)
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
            current.append(_superscript(element.text.strip()))
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
