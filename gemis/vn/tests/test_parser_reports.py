# ruff: noqa: E501 - Vietnamese plan text is kept one sentence a line
"""Report obligations: name, due date, recipient."""

from __future__ import annotations

from gemis.vn.parser import parse_text


def reports(text: str) -> list[tuple[str, str, str | None]]:
    return [(r["name"], r["due"], r["recipient"]) for r in parse_text(text).to_dict()["reports"]]


def test_half_year_and_annual_reports_with_their_recipient():
    assert reports(
        "Báo cáo định kỳ 06 tháng và 01 năm gửi Sở Lao động Thương binh và Xã hội (cụ thể: Báo cáo sơ kết 6 tháng "
        "đầu năm gửi trước ngày 15/5/2020, báo cáo tổng kết năm 2020 gửi trước ngày 15/11/2020) để tổng hợp."
    ) == [
        ("Báo cáo sơ kết 6 tháng đầu năm", "2020-05-15", "Sở Lao động Thương binh và Xã hội"),
        ("Báo cáo tổng kết năm 2020", "2020-11-15", "Sở Lao động Thương binh và Xã hội"),
    ]


def test_recipient_after_the_due_date_and_a_period_in_front_of_each_date():
    assert reports(
        "Định kỳ 6 tháng (trước ngày 10/6/2023) và năm (trước ngày 10/12/2023), các cơ quan báo cáo kết quả "
        "thực hiện gửi về UBND huyện để tổng hợp."
    ) == [
        ("Báo cáo 6 tháng", "2023-06-10", "UBND huyện"),
        ("Báo cáo năm", "2023-12-10", "UBND huyện"),
    ]


def test_dates_joined_to_one_cue_and_the_year_of_the_document():
    text = (
        "ỦY BAN NHÂN DÂN\nTỈNH KON TUM\nKon Tum, ngày 02 tháng 01 năm 2025\n"
        "Các sở gửi báo cáo về Sở Nội vụ trước ngày 15/6 và 15/12 hằng năm."
    )
    assert [due for _, due, _ in reports(text)] == ["2025-06-15", "2025-12-15"]


def test_a_deadline_that_is_not_about_a_report():
    assert reports("- Thời gian: Hoàn thành trước ngày 15 tháng 5 năm 2021.") == []


def test_dates_of_cited_reports_are_not_due_dates():
    assert reports("Căn cứ Báo cáo số 12/BC-UBND ngày 05/01/2024 của UBND tỉnh về kết quả năm 2023.") == []


def test_report_lines_under_a_reporting_heading():
    assert reports(
        "II. NỘI DUNG\n3. Chế độ báo cáo\n- Báo cáo 6 tháng: trước ngày 15/6/2024.\n"
        "- Báo cáo năm: gửi Sở Nội vụ trước ngày 15/12/2024."
    ) == [("Báo cáo 6 tháng", "2024-06-15", None), ("Báo cáo năm", "2024-12-15", "Sở Nội vụ")]


def test_report_due_on_its_time_line():
    assert reports(
        "II. NỘI DUNG\n(1) Tổng hợp kết quả, báo cáo UBND tỉnh\n- Chủ trì: Phòng Nội vụ\n- Thời gian: Trước ngày 18/12/2025"
    ) == [("Báo cáo UBND tỉnh", "2025-12-18", "UBND tỉnh")]


def test_what_is_not_a_report():
    assert reports("- Tập huấn cho báo cáo viên cấp xã trước ngày 30/6/2024.") == []
    assert (
        reports("- Các xã gửi kế hoạch về Phòng Nội vụ trước ngày 31/3/2024 để tổng hợp, báo cáo UBND tỉnh.")
        == []
    )
