"""What a reader returns, the limits every reader checks, and telling the format of a file."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

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
