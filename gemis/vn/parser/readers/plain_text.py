"""Plain text: encodings (UTF-8/16, the legacy Vietnamese code pages), binary checks, Markdown."""

from __future__ import annotations

import codecs
import re
import unicodedata

from ..errors import ParseError
from ..legacy import best_decoding, looks_legacy, tcvn3_to_unicode, vni_to_unicode
from .source import Source
from .tables import table_lines


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


_SUPERSCRIPT = str.maketrans("0123456789", "⁰¹²³⁴⁵⁶⁷⁸⁹")


def superscript(number: str) -> str:
    return number.translate(_SUPERSCRIPT)
