"""The register of legal documents: a document's kind, and one record per document."""

from __future__ import annotations

import pytest

from gemis.legal.models import DocumentKind, LegalDocument, number_key
from gemis.legal.register import find_document, kind_of, record_document


@pytest.mark.parametrize(
    "kind,number,expected",
    [
        ("Nghị định", "125/2021/NĐ-CP", DocumentKind.DECREE),
        ("", "125/2021/NĐ-CP", DocumentKind.DECREE),
        ("", "73/2006/QH11", DocumentKind.LAW),
        ("", "28/NQ-CP", DocumentKind.RESOLUTION),
        ("", "11-NQ/TW", DocumentKind.RESOLUTION),
        ("", "2382/QĐ-UBND", DocumentKind.DECISION),
        ("", "10/2019/TT-BKHĐT", DocumentKind.CIRCULAR),
        ("", "1170/CTr-BVSTBPN", DocumentKind.PROGRAMME),
        ("", "1889/KH-UBND", DocumentKind.PLAN),
        ("", "5645/LĐTBXH-BĐG", DocumentKind.OFFICIAL_LETTER),
        ("Văn bản", "04/UBQG-VP", DocumentKind.OFFICIAL_LETTER),
        ("", "không số", DocumentKind.OTHER),
    ],
)
def test_kind_of(kind, number, expected):
    assert kind_of(kind, number) == expected


@pytest.mark.django_db
def test_record_document_fills_what_was_missing():
    first, created = record_document(kind=DocumentKind.DECREE, number="125/2021/NĐ-CP", issue_date=None)
    again, created_again = record_document(
        kind=DocumentKind.DECREE, number="125 /2021/NĐ-CP", issue_date=None, issuer="Chính phủ"
    )
    assert created and not created_again and first == again
    again.refresh_from_db()
    assert again.issuer == "Chính phủ"


def test_number_key_ignores_spacing_and_dots():
    assert number_key("1003 /KH-UBND") == number_key("1003/KH-UBND") == "1003/KH-UBND"
    assert number_key("125/2021/NĐ-CP") == "125/2021/ND-CP"


@pytest.mark.django_db
def test_the_same_number_in_another_year_is_another_document():
    import datetime as dt

    letter_2024, _ = record_document(kind="", number="458/LĐTBXH-BĐG", issue_date=dt.date(2024, 3, 1))
    letter_2025, created = record_document(kind="", number="458/LĐTBXH-BĐG", issue_date=dt.date(2025, 3, 1))
    assert created and letter_2024 != letter_2025
    assert find_document("458/LĐTBXH-BĐG", dt.date(2025, 6, 1)) == letter_2025
    assert LegalDocument.objects.count() == 2
