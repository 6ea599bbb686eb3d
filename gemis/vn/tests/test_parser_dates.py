"""Dates in every written form and the deadline phrase of a task."""

from __future__ import annotations

import pytest

from gemis.vn.parser.dates import find_dates, find_deadline, iso_date, map_deadline


@pytest.mark.parametrize(
    ("text", "iso"),
    [
        ("ngày 09/3/2020", "2020-03-09"),
        ("ngày 12 tháng 4 năm 2021", "2021-04-12"),
        ("15-11-2020", "2020-11-15"),
        ("15.11.2020", "2020-11-15"),
        ("15/11", "2024-11-15"),
        ("ngày  tháng 4 năm 2024", "2024-04"),
        ("tháng 9 năm 2021", "2021-09"),
    ],
)
def test_explicit_dates(text, iso):
    assert [d.iso for d in find_dates(text, default_year=2024)] == [iso]


def test_impossible_dates_are_dropped():
    assert find_dates("ngày 31/2/2021 và 45/13") == []
    assert iso_date(29, 2, 2024) == "2024-02-29"
    assert iso_date(29, 2, 2023) is None


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "Chủ trì tổ chức Tháng hành động từ ngày 15/11 đến ngày 15/12/2020;",
            ("range", "2020-11-15", "2020-12-15"),
        ),
        ("gửi về Phòng LĐTBXH trước ngày 01/12/2024 để tổng hợp", ("date", "2024-12-01", None)),
        ("Hoàn thành trong tháng 4/2021.", ("month", "2021-04", None)),
        ("hoàn thành trong quý III/2023.", ("range", "2023-07-01", "2023-09-30")),
        ("chậm nhất ngày 15 tháng 5 năm 2021", ("date", "2021-05-15", None)),
        ("tổ chức vào ngày 16/11", ("date", "2022-11-16", None)),
        ("Thường xuyên theo dõi, cập nhật biến động", ("recurring", None, None)),
        ("xây dựng hàng năm Kế hoạch, đề án", ("recurring", None, None)),
        ("họp thôn ít nhất 01 lần/quý", ("recurring", None, None)),
        ("Kiện toàn Ban khi có sự thay đổi;", ("event", None, None)),
        ("gặp mặt nhân dịp kỷ niệm ngày Quốc tế phụ nữ 8/3 và ngày 20/10/2020", ("event", None, None)),
        ("Tổ chức hội thảo về bình đẳng giới", ("unspecified", None, None)),
    ],
)
def test_deadline_in_a_sentence(text, expected):
    found = find_deadline(text, 2022)
    assert (found.kind, found.date, found.end) == expected


def test_dates_of_cited_documents_are_not_deadlines():
    text = "Tuyên truyền Nghị quyết số 11-NQ/TW ngày 27/4/2007 của Bộ Chính trị đến hết năm"
    start = text.index("Nghị quyết")
    end = text.index(" của")
    assert find_deadline(text, 2020, masks=[(start, end)]).kind == "unspecified"


def test_year_ranges_in_free_text_are_not_deadlines():
    assert find_deadline("Thực hiện Chiến lược quốc gia giai đoạn 2021-2030", 2021).kind == "unspecified"


@pytest.mark.parametrize(
    ("phrase", "kind", "date"),
    [
        ("Hoàn thành trước thời gian bầu cử Hội đồng nhân dân các cấp.", "event", None),
        ("Sau khi có hướng dẫn của Bộ Lao động - Thương binh và Xã hội.", "event", None),
        ("Thực hiện thường xuyên trong năm.", "recurring", None),
        ("Quý II/2024", "range", "2024-04-01"),
        ("Hoàn thành trong tháng 11/2021.", "month", "2021-11"),
        ("", "unspecified", None),
    ],
)
def test_time_lines_read_by_the_plans_deadline_parser(phrase, kind, date):
    found = map_deadline(phrase, 2021)
    assert (found.kind, found.date) == (kind, date)
