"""PDF: the text layer, or OCR (tesseract with Vietnamese, pdftoppm) for a scan."""

from __future__ import annotations

import io
import os
import shutil
import subprocess
import tempfile
from pathlib import Path

from ..errors import ParseError
from ..legacy import best_decoding, looks_legacy, tcvn3_to_unicode, vni_to_unicode
from .source import MIN_PAGE_CHARS, OCR_TIMEOUT, Source


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
