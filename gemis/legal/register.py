"""The register of legal documents: one record per document, whoever cites it first.

Plans written by hand and plans imported from a file both go through
:func:`record_document`, so "Nghị quyết 28/NQ-CP" cited by ten plans is one row.
"""

from __future__ import annotations

import datetime as dt
import re

from gemis.legal.models import DocumentKind, LegalDocument, number_key
from gemis.vn.text import fold

# The document's kind as written ("Nghị quyết", "Công văn"…), accent-free, first words.
_KIND_WORDS = [
    ("nghi quyet", DocumentKind.RESOLUTION),
    ("nghi dinh", DocumentKind.DECREE),
    ("quyet dinh", DocumentKind.DECISION),
    ("thong tu", DocumentKind.CIRCULAR),
    ("chi thi", DocumentKind.DIRECTIVE),
    ("ke hoach", DocumentKind.PLAN),
    ("chuong trinh", DocumentKind.PROGRAMME),
    ("cong van", DocumentKind.OFFICIAL_LETTER),
    ("ket luan", DocumentKind.CONCLUSION),
    ("bao cao", DocumentKind.REPORT),
    ("luat", DocumentKind.LAW),
    ("bo luat", DocumentKind.LAW),
]
# The type letters of a number symbol (Nghị định 30/2020/NĐ-CP, appendix I), when no kind is written.
_SYMBOL_KINDS = [
    (re.compile(r"/(?:\d{4}/)?QH\d*$"), DocumentKind.LAW),
    (re.compile(r"[/-]NQ(?:[-/]|$)"), DocumentKind.RESOLUTION),
    (re.compile(r"/NĐ-"), DocumentKind.DECREE),
    (re.compile(r"/QĐ-"), DocumentKind.DECISION),
    (re.compile(r"/TT(?:LT)?-"), DocumentKind.CIRCULAR),
    (re.compile(r"[/-]CT(?:[-/]|$)"), DocumentKind.DIRECTIVE),
    (re.compile(r"/KH-"), DocumentKind.PLAN),
    (re.compile(r"/CTr-"), DocumentKind.PROGRAMME),
    (re.compile(r"[/-]KL(?:[-/]|$)"), DocumentKind.CONCLUSION),
    (re.compile(r"/BC-"), DocumentKind.REPORT),
]


def kind_of(kind_text: str = "", number: str = "") -> str:
    """The :class:`DocumentKind` of a cited document: its symbol's type letters, else its written kind.

    The type letters decide first because they are part of the document's identity
    ("73/2006/QH11" is a law however a sentence introduces it).
    """
    for pattern, kind in _SYMBOL_KINDS:
        if pattern.search(number or ""):
            return kind
    folded = fold(kind_text)
    for words, kind in _KIND_WORDS:
        if folded.startswith(words):
            return kind
    if re.fullmatch(r"\d+/[^/\s]+-[^/\s]+", number or ""):
        return DocumentKind.OFFICIAL_LETTER  # "5645/LĐTBXH-BĐG": a công văn carries no type letters
    return DocumentKind.OTHER


def find_document(number: str, issue_date: dt.date | None) -> LegalDocument | None:
    """The recorded document with this number and issue year, if any (the same number recurs yearly)."""
    if not number.strip():
        return None
    return LegalDocument.objects.filter(
        number_key=number_key(number), issue_year=issue_date.year if issue_date else 0
    ).first()


def record_document(
    *, kind: str, number: str, issue_date: dt.date | None, issuer: str = "", subject: str = ""
) -> tuple[LegalDocument, bool]:
    """The document's record, created if it is new; an existing record gains what it lacked."""
    number = number.strip()
    document = find_document(number, issue_date)
    if document is None:
        document = LegalDocument.objects.create(
            kind=kind, number=number, issue_date=issue_date, issuer=issuer.strip(), subject=subject.strip()
        )
        return document, True
    missing = {}
    if not document.issuer and issuer.strip():
        missing["issuer"] = issuer.strip()
    if not document.subject and subject.strip():
        missing["subject"] = subject.strip()
    if missing:
        for name, value in missing.items():
            setattr(document, name, value)
        document.save()
    return document, False
