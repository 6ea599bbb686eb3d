# ruff: noqa: E501 - Vietnamese plan text is kept one sentence a line
"""References: number-and-symbol variants, kinds, dates, issuers, one entry per number."""

from __future__ import annotations

import pytest

from gemis.vn.parser.references import find_references, kind_from_symbol, normalise_number


@pytest.mark.parametrize(
    ("text", "number"),
    [
        ("Kế hoạch số 1889/KH-UBND ngày 09/3/2020", "1889/KH-UBND"),
        ("Chương trình số 1170 /CTr-BVSTBPN", "1170/CTr-BVSTBPN"),
        ("Nghị quyết số 11- NQ/TW ngày 27/4/2007", "11-NQ/TW"),
        ("Nghị định 70/2008/NĐ-CP ngày 04/6/2008", "70/2008/NĐ-CP"),
        ("Công văn số 2792/LĐT BXH-BĐG ngày 20/8/2021", "2792/LĐTBXH-BĐG"),
        ("Kế hoạch số 107/KHUBND ngày 16/7/2021", "107/KHUBND"),
        ("Công văn số 739/BNV-CTTN&BĐG của Bộ Nội vụ", "739/BNV-CTTN&BĐG"),
        ("Luật Bình đẳng giới số 73/2006/QH11", "73/2006/QH11"),
    ],
)
def test_number_variants(text, number):
    refs, _ = find_references(text)
    assert [r.number for r in refs] == [number]


def test_dates_and_fractions_are_not_numbers():
    refs, _ = find_references(
        "từ ngày 15/11 đến 15/12/2020, tỷ lệ 8/3, giai đoạn 2021-2025, 109 bé trai/100 bé gái"
    )
    assert refs == []


def test_kind_date_and_issuer():
    refs, _ = find_references(
        "Thực hiện Công văn số 458/LĐTBXH-BĐG ngày 12/02/2020 của Bộ Lao động - Thương binh và Xã hội về việc "
        "hướng dẫn; Văn bản số 04/UBQG-VP ngày 19 tháng 02 năm 2021 của Ủy ban quốc gia vì sự tiến bộ của phụ nữ "
        "Việt Nam; Chương trình 15-CT/TU ngày 15/8/2007 của ban thường vụ Tỉnh ủy về thực hiện"
    )
    assert [(r.kind, r.number, r.date, r.issuer) for r in refs] == [
        ("Công văn", "458/LĐTBXH-BĐG", "2020-02-12", "Bộ Lao động - Thương binh và Xã hội"),
        ("Văn bản", "04/UBQG-VP", "2021-02-19", "Ủy ban quốc gia vì sự tiến bộ của phụ nữ Việt Nam"),
        ("Chương trình", "15-CT/TU", "2007-08-15", "ban thường vụ Tỉnh ủy"),
    ]


def test_kind_from_type_letters_when_no_word_precedes():
    refs, _ = find_references("theo 22/QĐ-UBQG và 57/NQ-CP; xem 5645/LĐTBXH-BĐG")
    assert [r.kind for r in refs] == ["Quyết định", "Nghị quyết", "Công văn"]
    assert kind_from_symbol("CTr-BVSTBPN") == "Chương trình"
    assert kind_from_symbol("KHUBND") == "Kế hoạch"
    assert kind_from_symbol("UBND-LĐTBXH") is None


def test_typo_in_kind_word_trusts_the_type_letters():
    refs, _ = find_references("Nghị quyết định số 28/NQ-CP ngày 03 tháng 3 năm 2021 của Chính phủ")
    assert refs[0].kind == "Nghị quyết"
    assert refs[0].date == "2021-03-03"


def test_one_entry_per_number_and_the_own_number_left_out():
    text = (
        "Kế hoạch số 1889/KH-UBND. Quyết định số 2382/QĐ-UBND ngày 15/08/2016 của UBND tỉnh (gọi tắt là "
        "Quyết định số 2382/QĐ-UBND); căn cứ Quyết định số 2382/QĐ-UBND"
    )
    refs, citations = find_references(text, own_number="1889/KH-UBND")
    assert [r.number for r in refs] == ["2382/QĐ-UBND"]
    assert refs[0].date == "2016-08-15"
    assert len(citations) == 4


def test_span_covers_the_citation():
    text = "căn cứ Thông tư số 10/2019/TT-BKHĐT ngày 30/7/2019 của Bộ Kế hoạch và Đầu tư về quy định"
    ref = find_references(text)[0][0]
    assert (
        text[ref.start : ref.end] == "Thông tư số 10/2019/TT-BKHĐT ngày 30/7/2019 của Bộ Kế hoạch và Đầu tư"
    )
    assert normalise_number(" 1170 /CTr-BVSTBPN ") == "1170/CTr-BVSTBPN"


def test_report_forms_are_not_documents():
    refs, _ = find_references(
        "báo cáo theo Mẫu số 02/BC-BĐG và Biểu số 01/TKG kèm theo Công văn số 12/SNV-BĐG"
    )
    assert [r.number for r in refs] == ["12/SNV-BĐG"]
