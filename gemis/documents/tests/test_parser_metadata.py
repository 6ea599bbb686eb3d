# ruff: noqa: E501 - Vietnamese plan text is kept one sentence a line
"""The document's own metadata from its letterhead, title and place-date line."""

from __future__ import annotations

from gemis.documents.parser import parse_text


def meta(text: str) -> dict:
    return parse_text(text).to_dict()["document"]


def test_plan_letterhead():
    assert meta(
        "ỦY BAN NHÂN DÂN\nTỈNH KON TUM\nSố: 1003 /KH-UBND\nCỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM\n"
        "Độc lập - Tự do - Hạnh phúc\nKon Tum, ngày 29 tháng 3 năm 2021\nKẾ HOẠCH\n"
        "Thực hiện Chiến lược quốc gia về bình đẳng giới giai đoạn 2021-2030\nCăn cứ Nghị quyết số 28/NQ-CP"
    ) == {
        "kind": "Kế hoạch",
        "number": "1003/KH-UBND",
        "issuer": "Ủy ban nhân dân tỉnh Kon Tum",
        "date": "2021-03-29",
        "subject": "Thực hiện Chiến lược quốc gia về bình đẳng giới giai đoạn 2021-2030",
    }


def test_letter_with_a_blank_number_and_day():
    assert meta(
        "Số: /UBND-LĐTBXH\nV/v triển khai công tác bình đẳng\ngiới năm 2024\nTân Yên, ngày tháng 4 năm 2024\n"
        "Kính gửi: Các cơ quan, đơn vị\nCăn cứ Công văn số 1/SLĐTBXH ngày 02/4/2024, UBND huyện đề nghị:"
    ) == {
        "kind": "Công văn",
        "number": None,
        "issuer": "UBND huyện Tân Yên",
        "date": "2024-04",
        "subject": "triển khai công tác bình đẳng giới năm 2024",
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
        "Kon Tum, ngày 12 tháng 4 năm 2021\nSố: 1170 /CTr-BVSTBPN\nCHƯƠNG TRÌNH\n"
        "Công tác năm 2021 của Ban vì sự tiến bộ của phụ nữ tỉnh Kon Tum\nThực hiện Văn bản số 04/UBQG-VP"
    )
    assert found["kind"] == "Chương trình"
    assert found["issuer"] == "Ban vì sự tiến bộ của phụ nữ tỉnh Kon Tum"


def test_news_page_about_a_plan():
    found = meta(
        "Đắk Lắk: Ban hành kế hoạch triển khai công tác bình đẳng giới năm 2020.\nThứ tư - 11/03/2020 00:11\n"
        "Ngày 09/3/2020, Ủy ban nhân dân tỉnh ban hành Kế hoạch số 1889/KH-UBND về việc triển khai công tác bình "
        "đẳng giới năm 2020.\n"
    )
    assert (found["kind"], found["number"], found["date"]) == ("Kế hoạch", "1889/KH-UBND", "2020-03-09")
    assert found["subject"] == "triển khai công tác bình đẳng giới năm 2020"


def test_news_page_with_the_date_after_the_number():
    found = meta(
        "Tin tức\nUBND huyện vừa ban hành Chương trình số 15/CTr-UBND ngày 20/01/2025 về công tác bình đẳng giới.\n"
    )
    assert (found["kind"], found["number"], found["date"]) == ("Chương trình", "15/CTr-UBND", "2025-01-20")
