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

from ..errors import MAX_BYTES, ParseError
from .docx import read_docx
from .html_page import read_html
from .pdf import ocr_available, ocr_pdf, read_pdf
from .plain_text import decode_text, markdown_to_lines, read_txt
from .source import Source, detect_format
from .tables import table_lines

__all__ = [
    "Source",
    "decode_text",
    "detect_format",
    "markdown_to_lines",
    "ocr_available",
    "ocr_pdf",
    "read_docx",
    "read_html",
    "read_pdf",
    "read_text",
    "read_txt",
    "table_lines",
]


def read_text(data: bytes, filename: str = "") -> Source:
    """A document's bytes as plain text, one paragraph a line; ``filename`` only helps to tell the format.

    Raises :class:`~gemis.vn.parser.errors.ParseError` with a code the web layer words for people."""
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
