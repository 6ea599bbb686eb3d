# ruff: noqa: E501 - Vietnamese plan text is kept one sentence a line
"""Agency lists in sentences: where one agency ends and the next begins, leads, partners, headings."""

from __future__ import annotations

import pytest

from gemis.vn.parser.agencies import agency_heading, find_aliases, read_agencies, sentence_agencies


def names(agencies):
    return [a.name for a in agencies]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "Các Sở, ban, ngành, đoàn thể của tỉnh, UBND các huyện, thị xã, thành phố căn cứ nhiệm vụ",
            ["Các Sở, ban, ngành, đoàn thể của tỉnh", "UBND các huyện, thị xã, thành phố"],
        ),
        (
            "Đài Phát thanh - Truyền hình tỉnh, Báo Đắk Lắk và các cơ quan thông tấn báo chí của tỉnh:",
            ["Đài Phát thanh - Truyền hình tỉnh", "Báo Đắk Lắk", "các cơ quan thông tấn báo chí của tỉnh"],
        ),
        ("Sở Văn hóa, Thể thao và Du lịch chủ trì", ["Sở Văn hóa, Thể thao và Du lịch"]),
        ("Sở Giáo dục và Đào tạo hướng dẫn", ["Sở Giáo dục và Đào tạo"]),
        ("UBMTTQ và các tổ chức CT-XH huyện;", ["UBMTTQ", "các tổ chức CT-XH huyện"]),
        ("Công an tỉnh phối hợp", ["Công an tỉnh"]),
    ],
)
def test_read_agencies(text, expected):
    assert names(read_agencies(text)[0]) == expected


@pytest.mark.parametrize(
    "text", ["Ban hành Kế hoạch", "Hội nghị tổng kết", "Báo cáo kết quả", "Tăng cường vai trò"]
)
def test_words_that_only_look_like_agencies(text):
    assert read_agencies(text)[0] == []


def test_lead_after_a_role_and_partners():
    lead, partners = sentence_agencies(
        "Phân công Phó Trưởng Ban VSTBCPN tỉnh là Giám đốc Sở Nội vụ phối hợp với các đơn vị, địa phương có "
        "liên quan tham mưu."
    )
    assert names(lead) == ["Sở Nội vụ"]
    assert names(partners) == ["các đơn vị, địa phương có liên quan"]


def test_requests_are_not_part_of_the_name():
    lead, _ = sentence_agencies(
        "Đề nghị các cơ quan, đơn vị, địa phương được phân công chủ trì, phối hợp xây dựng"
    )
    assert names(lead) == ["các cơ quan, đơn vị, địa phương"]
    lead, _ = sentence_agencies("Giao Phòng Nội vụ theo dõi, tổng hợp")
    assert names(lead) == ["Phòng Nội vụ"]


def test_partners_lists():
    _, partners = sentence_agencies(
        "Chủ trì, phối hợp với các sở, ban, ngành, đoàn thể liên quan và UBND các huyện, thành phố quan tâm"
    )
    assert names(partners) == ["các sở, ban, ngành, đoàn thể liên quan", "UBND các huyện, thành phố"]
    assert sentence_agencies("Chủ trì, phối hợp, xây dựng hàng năm Kế hoạch")[1] == []


def test_agency_headings():
    assert names(agency_heading("Sở Lao động - Thương binh và Xã hội:")[0]) == [
        "Sở Lao động - Thương binh và Xã hội"
    ]
    found, inline, offset = agency_heading("Phòng Giáo dục và Đào tạo: Chỉ đạo các trường học lồng ghép")
    assert inline == "Chỉ đạo các trường học lồng ghép"
    found, inline, offset = agency_heading(
        "Đề nghị Ủy ban Mặt trận Tổ quốc Việt Nam tỉnh, Hội Liên hiệp Phụ nữ tỉnh, các tổ chức thành viên khác "
        "trong phạm vi chức năng, nhiệm vụ của mình, tham gia"
    )
    assert names(found) == [
        "Ủy ban Mặt trận Tổ quốc Việt Nam tỉnh",
        "Hội Liên hiệp Phụ nữ tỉnh",
        "các tổ chức thành viên khác",
    ]
    assert offset == 0
    assert agency_heading("Công chức Văn hóa - Xã hội: tham mưu UBND xã") is None
    found = agency_heading("Công chức Văn hóa - Xã hội: tham mưu UBND xã", any_name=True)
    assert names(found[0]) == ["Công chức Văn hóa - Xã hội"]
    assert agency_heading("Tuyên truyền: tổ chức hội nghị", any_name=True) is None
    assert agency_heading("Tuyên truyền, phổ biến pháp luật") is None


def test_short_names_defined_in_the_text():
    aliases = find_aliases(
        "Ban Vì sự tiến bộ của phụ nữ tỉnh (Ban VSTBCPN tỉnh) ban hành; Quyết định số 2382/QĐ-UBND ngày "
        "15/8/2016 (gọi tắt là Quyết định số 2382/QĐ-UBND); nhiệm kỳ (2021-2026)"
    )
    assert [(a.short, a.full) for a in aliases] == [
        ("Ban VSTBCPN tỉnh", "Ban Vì sự tiến bộ của phụ nữ tỉnh"),
        ("Quyết định số 2382/QĐ-UBND", None),
    ]


def test_short_names_resolve_by_their_full_name():
    from gemis.vn.parser import parse_text

    task = parse_text(
        "Ban Vì sự tiến bộ của phụ nữ tỉnh (Ban VSTBCPN tỉnh) ban hành.\n"
        "II. NỘI DUNG\n1. Kiện toàn\n- Giao Ban VSTBCPN tỉnh rà soát quy chế."
    ).to_dict()["tasks"][0]
    assert task["lead"] == ["Ban VSTBCPN tỉnh"]
    assert task["lead_keys"] == ["ban vì sự tiến bộ phụ nữ"]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Thống kê tỉnh chủ trì tổng hợp", ["Thống kê tỉnh"]),
        ("Thống kê số liệu về giới", []),
        ("Thanh tra tỉnh kiểm tra", ["Thanh tra tỉnh"]),
        ("Thanh tra việc thực hiện chính sách", []),
        ("Văn phòng HĐND và UBND xã tổng hợp", ["Văn phòng HĐND và UBND xã"]),
        ("Báo và Phát thanh, Truyền hình Quảng Ngãi đưa tin", ["Báo và Phát thanh, Truyền hình Quảng Ngãi"]),
    ],
)
def test_bodies_whose_names_are_also_verbs_or_lists(text, expected):
    assert names(read_agencies(text)[0]) == expected
