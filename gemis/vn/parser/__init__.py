"""GEMIS document parser: plan documents (.txt, .docx, .pdf, .html) → the JSON of shared/parse-schema.md.

Pure Python: nothing here imports Django (a test checks it), so the parser runs
in the web process, in a background task, or from ``gemis parse-doc``.

API (stable; the review screen builds on it)
============================================

``parse_file(path) -> ParseResult``
    Read and parse a file. Raises :class:`ParseError` for a file it cannot read.
``parse_bytes(data, filename="") -> ParseResult``
    The same for an upload's bytes; ``filename`` only helps to tell the format
    (the magic bytes decide first).
``parse_text(text) -> ParseResult``
    Parse text already extracted. Never raises (property-tested).
``ParseResult.to_dict(include_text=True) -> dict``
    The JSON object. Every offset is a character offset into ``result["text"]``
    (the normalised text: NFC, one paragraph a line, page numbers dropped,
    footnote markers cut from words, footnote texts moved after the body), as
    ``"span": [start, end]`` (end exclusive).
``ParseError``
    ``.code`` (machine: "empty", "too_large", "not_found", "unreadable", "binary",
    "unknown_format", "legacy_doc", "corrupt_docx", "zip_bomb", "corrupt_pdf",
    "encrypted_pdf", "scanned_pdf", "ocr_failed"), ``.message_vi``,
    ``.message_en``; ``str(error)`` is "Lỗi: … / Error: …".

Keys of ``to_dict()``
---------------------
``document``   {kind, number, issuer, date, subject}; ``number`` None when blank,
               ``date`` "YYYY-MM-DD" or "YYYY-MM".
``references`` [{kind, number, date, issuer, span}], one per number, the
               document's own number excluded.
``tasks``      [{section ("IV.1.b"), text, full_text, lead [names], partners
               [names], deadline {kind: date|month|range|recurring|event|
               unspecified, date, end, text}, span, lead_spans, partner_spans,
               deadline_span (or None), lead_keys, partner_keys}].
               ``text`` is the opening words (at most 200 characters, cut at a
               word), as the gold annotations and a task list show a task;
               ``full_text`` is the whole item, what a Task should store;
               ``span`` covers ``full_text``. ``date`` is "YYYY-MM-DD", or
               "YYYY-MM" for a month; a quarter is a range. Names are as
               written; ``*_keys`` are ``gemis.vn.agency_names.agency_key`` of
               them (of the full name when the text defined a short one), for
               ``AgencyResolver``.
``reports``    [{name, due "YYYY-MM-DD", recipient (name or None), span}]
``targets``    [{text, value (number), unit ("%" …), span}]
``sections``   the section tree: [{path, kind (part|roman|number|decimal|item|
               letter; "item" is "(1)", a table row; "part" is "A." or "PHẦN I"),
               label, title, part (purpose|content|budget|implementation),
               span, children [...]}]
``aliases``    [{short, full (or None), span}]: short names the text defines.
``footnotes``  [{marker, span}] of the footnote texts (after the body).
``body_span``  [start, end] of the body (letterhead and "Nơi nhận" outside).
``source``     {format: txt|docx|pdf|html|text, encoding, ocr}
``warnings``   e.g. ["ocr", "no_tasks"]
``bases``      [{kind (as written, None for a ground that is no document), title, text, date, span}]:
               the preamble's grounds ("Căn cứ Luật Bình đẳng giới năm 2006") without a number.
``signature``  {title ("KT. CHỦ TỊCH / PHÓ CHỦ TỊCH"), name (or None), span}, or None.
``place``      the place of the place-date line ("Hòa Phú"), or None.
``parser_version``, ``text``.
"""

from __future__ import annotations

from .core import PARSER_VERSION, ParseResult, parse_bytes, parse_file, parse_text
from .errors import MAX_BYTES, ParseError
from .readers import Source, read_text

__all__ = [
    "MAX_BYTES",
    "PARSER_VERSION",
    "ParseError",
    "ParseResult",
    "Source",
    "parse_bytes",
    "parse_file",
    "parse_text",
    "read_text",
]
