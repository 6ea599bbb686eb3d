# ruff: noqa: E501 - Vietnamese plan text is kept one sentence a line
"""The document's own metadata from its letterhead, title and place-date line."""

from __future__ import annotations

from gemis.vn.parser import parse_text


def meta(text: str) -> dict:
    return parse_text(text).to_dict()["document"]


def test_plan_letterhead():
    assert meta(
        "ỦY BAN NHÂN DÂN\nTỈNH GIA LAI\nSố: 742 /KH-UBND\nCỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM\n"
        "Độc lập - Tự do - Hạnh phúc\nGia Lai, ngày 17 tháng 5 năm 2022\nKẾ HOẠCH\n"
        "Triển khai Chương trình truyền thông về bình đẳng giới giai đoạn 2022-2025\nCăn cứ Luật Bình đẳng giới"
    ) == {
        "kind": "Kế hoạch",
        "number": "742/KH-UBND",
        "issuer": "Ủy ban nhân dân tỉnh Gia Lai",
        "date": "2022-05-17",
        "subject": "Triển khai Chương trình truyền thông về bình đẳng giới giai đoạn 2022-2025",
    }


def test_letter_with_a_blank_number_and_day():
    assert meta(
        "Số: /UBND-VHXH\nV/v tổ chức Tháng hành động\nvì bình đẳng giới năm 2023\nMộ Đức, ngày tháng 10 năm 2023\n"
        "Kính gửi: Các cơ quan, đơn vị\nCăn cứ Công văn số 9/SNV ngày 05/10/2023, UBND huyện đề nghị:"
    ) == {
        "kind": "Công văn",
        "number": None,
        "issuer": "UBND huyện Mộ Đức",
        "date": "2023-10",
        "subject": "tổ chức Tháng hành động vì bình đẳng giới năm 2023",
    }


def test_department_under_its_superior_body():
    found = meta(
        "UBND TỈNH QUẢNG NGÃI\nSỞ Y TẾ\nSố: 15/KH-SYT Quảng Ngãi, ngày 25/4/2024\nKẾ HOẠCH\nTriển khai"
    )
    assert found["issuer"] == "Sở Y tế"
    assert found["number"] == "15/KH-SYT"
    assert found["date"] == "2024-04-25"


def test_programme_number_gives_the_kind_and_the_title_gives_the_issuer():
    found = meta(
        "Bình Định, ngày 08 tháng 2 năm 2023\nSố: 36 /CTr-BVSTBPN\nCHƯƠNG TRÌNH\n"
        "Công tác năm 2023 của Ban vì sự tiến bộ của phụ nữ tỉnh Bình Định\nThực hiện Văn bản số 11/UBQG-VP"
    )
    assert found["kind"] == "Chương trình"
    assert found["issuer"] == "Ban vì sự tiến bộ của phụ nữ tỉnh Bình Định"


def test_news_page_about_a_plan():
    found = meta(
        "Phú Yên: Ban hành kế hoạch thực hiện công tác bình đẳng giới năm 2022.\nThứ hai - 14/02/2022 08:30\n"
        "Ngày 10/2/2022, Ủy ban nhân dân tỉnh ban hành Kế hoạch số 415/KH-UBND về việc thực hiện công tác bình "
        "đẳng giới năm 2022.\n"
    )
    assert (found["kind"], found["number"], found["date"]) == ("Kế hoạch", "415/KH-UBND", "2022-02-10")
    assert found["subject"] == "thực hiện công tác bình đẳng giới năm 2022"


def test_news_page_with_the_date_after_the_number():
    found = meta(
        "Tin tức\nUBND huyện vừa ban hành Chương trình số 15/CTr-UBND ngày 20/01/2025 về công tác bình đẳng giới.\n"
    )
    assert (found["kind"], found["number"], found["date"]) == ("Chương trình", "15/CTr-UBND", "2025-01-20")
