"""Deadlines: the phrase shapes plans use, their storage, labels and due-date rules.

Plain functions, no database: :mod:`gemis.vn.deadlines` is pure Python so the
document parser can use it, and these tests keep it that way (no Django import).
"""

from __future__ import annotations

import calendar
import json
import unicodedata
from datetime import date, timedelta

import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from gemis.vn.deadlines import (
    Deadline,
    DeadlineKind,
    DueStatus,
    Recurrence,
    days_left,
    is_due_soon,
    is_overdue,
    next_due,
    occurrence_start,
    parse_deadline,
    previous_due,
    status_for,
)
from gemis.vn.text import nfc

D = date
K = DeadlineKind
R = Recurrence

# == parsing: one row per phrase shape =============================================================
# (text, default_year, kind, start, end, recurrence, anchors, (valid_from_year, until_year), event)

PARSE_CASES = [
    # a single day
    ("trước ngày 15/5/2021", 2020, K.DATE, D(2021, 5, 15), None, None, (), None, None),
    ("Trước 15/5", 2021, K.DATE, D(2021, 5, 15), None, None, (), None, None),
    ("chậm nhất ngày 30/6/2021", None, K.DATE, D(2021, 6, 30), None, None, (), None, None),
    ("Hoàn thành trước ngày 01/12/2024.", None, K.DATE, D(2024, 12, 1), None, None, (), None, None),
    ("Hoàn thành trước ngày 20 tháng 10 năm 2021", None, K.DATE, D(2021, 10, 20), None, None, (), None, None),
    ("ngày 12 tháng 4 năm 2021", None, K.DATE, D(2021, 4, 12), None, None, (), None, None),
    ("ngày 3 tháng 9", 2022, K.DATE, D(2022, 9, 3), None, None, (), None, None),
    ("gửi trước ngày 15-5-2021", None, K.DATE, D(2021, 5, 15), None, None, (), None, None),
    ("trước ngày 15.05.21", None, K.DATE, D(2021, 5, 15), None, None, (), None, None),
    ("Thời gian: trước ngày 29/2/2024", None, K.DATE, D(2024, 2, 29), None, None, (), None, None),
    # a month
    ("trong tháng 4/2021", None, K.MONTH, D(2021, 4, 1), D(2021, 4, 30), None, (), None, None),
    ("tháng 4 năm 2021", None, K.MONTH, D(2021, 4, 1), D(2021, 4, 30), None, (), None, None),
    ("Hoàn thành trong tháng 4/2021.", None, K.MONTH, D(2021, 4, 1), D(2021, 4, 30), None, (), None, None),
    ("Hoàn thành trong tháng 9 năm 2021", None, K.MONTH, D(2021, 9, 1), D(2021, 9, 30), None, (), None, None),
    ("trong tháng 2", 2024, K.MONTH, D(2024, 2, 1), D(2024, 2, 29), None, (), None, None),
    ("cuối tháng 11/21", None, K.MONTH, D(2021, 11, 1), D(2021, 11, 30), None, (), None, None),
    ("cuối năm", 2021, K.MONTH, D(2021, 12, 1), D(2021, 12, 31), None, (), None, None),
    ("giữa năm 2023", None, K.MONTH, D(2023, 6, 1), D(2023, 6, 30), None, (), None, None),
    # a quarter
    ("quý II/2021", None, K.QUARTER, D(2021, 4, 1), D(2021, 6, 30), None, (), None, None),
    ("quý 3 năm 2021", None, K.QUARTER, D(2021, 7, 1), D(2021, 9, 30), None, (), None, None),
    ("trong quý I", 2022, K.QUARTER, D(2022, 1, 1), D(2022, 3, 31), None, (), None, None),
    ("Quý IV", 2021, K.QUARTER, D(2021, 10, 1), D(2021, 12, 31), None, (), None, None),
    ("đầu năm 2022", None, K.QUARTER, D(2022, 1, 1), D(2022, 3, 31), None, (), None, None),
    # ranges
    (
        "từ ngày 15/11 đến ngày 15/12/2020",
        2021,
        K.RANGE,
        D(2020, 11, 15),
        D(2020, 12, 15),
        None,
        (),
        None,
        None,
    ),
    ("từ 15/11 - 15/12", 2021, K.RANGE, D(2021, 11, 15), D(2021, 12, 15), None, (), None, None),
    ("15/11–15/12/2022", None, K.RANGE, D(2022, 11, 15), D(2022, 12, 15), None, (), None, None),
    ("từ 15/11 đến 15/1/2021", None, K.RANGE, D(2020, 11, 15), D(2021, 1, 15), None, (), None, None),
    ("từ 20/12/2020 đến 10/1", None, K.RANGE, D(2020, 12, 20), D(2021, 1, 10), None, (), None, None),
    (
        "từ ngày 15 tháng 11 đến ngày 15 tháng 12 năm 2020",
        None,
        K.RANGE,
        D(2020, 11, 15),
        D(2020, 12, 15),
        None,
        (),
        None,
        None,
    ),
    ("từ tháng 3 đến tháng 5/2021", None, K.RANGE, D(2021, 3, 1), D(2021, 5, 31), None, (), None, None),
    ("tháng 3-5/2021", None, K.RANGE, D(2021, 3, 1), D(2021, 5, 31), None, (), None, None),
    (
        "từ tháng 11/2021 đến tháng 2/2022",
        None,
        K.RANGE,
        D(2021, 11, 1),
        D(2022, 2, 28),
        None,
        (),
        None,
        None,
    ),
    ("từ tháng 11 đến tháng 2/2024", None, K.RANGE, D(2023, 11, 1), D(2024, 2, 29), None, (), None, None),
    ("quý II-III/2021", None, K.RANGE, D(2021, 4, 1), D(2021, 9, 30), None, (), None, None),
    ("6 tháng đầu năm", 2021, K.RANGE, D(2021, 1, 1), D(2021, 6, 30), None, (), None, None),
    ("sáu tháng cuối năm 2021", None, K.RANGE, D(2021, 7, 1), D(2021, 12, 31), None, (), None, None),
    ("9 tháng đầu năm 2023", None, K.RANGE, D(2023, 1, 1), D(2023, 9, 30), None, (), None, None),
    ("trong năm 2021", 2020, K.RANGE, D(2021, 1, 1), D(2021, 12, 31), None, (), None, None),
    ("Hoàn thành trong năm", 2024, K.RANGE, D(2024, 1, 1), D(2024, 12, 31), None, (), None, None),
    ("giai đoạn 2021-2025", None, K.RANGE, D(2021, 1, 1), D(2025, 12, 31), None, (), None, None),
    (
        "trong Tháng hành động vì bình đẳng giới",
        2023,
        K.RANGE,
        D(2023, 11, 15),
        D(2023, 12, 15),
        None,
        (),
        None,
        None,
    ),
    # recurring
    ("thường xuyên", 2021, K.RECURRING, None, None, R.CONTINUOUS, (), (None, None), None),
    (
        "Thực hiện thường xuyên trong năm.",
        2021,
        K.RECURRING,
        None,
        None,
        R.CONTINUOUS,
        (),
        (None, None),
        None,
    ),
    ("thường xuyên trong năm 2021", None, K.RECURRING, None, None, R.CONTINUOUS, (), (2021, 2021), None),
    ("hằng năm, thường xuyên", None, K.RECURRING, None, None, R.CONTINUOUS, (), (None, None), None),
    ("hằng năm", 2021, K.RECURRING, None, None, R.YEARLY, (), (None, None), None),
    ("hàng năm", 2021, K.RECURRING, None, None, R.YEARLY, (), (None, None), None),
    ("trước ngày 15/11 hằng năm", 2021, K.RECURRING, None, None, R.YEARLY, ((11, 15),), (None, None), None),
    ("hàng năm, trước 15/11/2022", None, K.RECURRING, None, None, R.YEARLY, ((11, 15),), (2022, None), None),
    (
        "báo cáo thường niên vào tháng 11",
        None,
        K.RECURRING,
        None,
        None,
        R.YEARLY,
        ((11, 30),),
        (None, None),
        None,
    ),
    ("từ 15/11 đến 15/12 hằng năm", None, K.RECURRING, None, None, R.YEARLY, ((12, 15),), (None, None), None),
    ("hằng năm giai đoạn 2021-2025", None, K.RECURRING, None, None, R.YEARLY, (), (2021, 2025), None),
    ("hằng năm từ năm 2022 đến năm 2030", None, K.RECURRING, None, None, R.YEARLY, (), (2022, 2030), None),
    ("hằng năm đến năm 2025", None, K.RECURRING, None, None, R.YEARLY, (), (None, 2025), None),
    ("trước ngày 29/2 hằng năm", None, K.RECURRING, None, None, R.YEARLY, ((2, 29),), (None, None), None),
    ("định kỳ 6 tháng", 2021, K.RECURRING, None, None, R.HALF_YEARLY, (), (None, None), None),
    ("Định kỳ 06 tháng và 01 năm", 2021, K.RECURRING, None, None, R.HALF_YEARLY, (), (None, None), None),
    ("6 tháng một lần", None, K.RECURRING, None, None, R.HALF_YEARLY, (), (None, None), None),
    ("6 tháng 1 lần", None, K.RECURRING, None, None, R.HALF_YEARLY, (), (None, None), None),
    (
        "định kỳ 6 tháng, trước ngày 15/5 và 15/11",
        2021,
        K.RECURRING,
        None,
        None,
        R.HALF_YEARLY,
        ((5, 15), (11, 15)),
        (None, None),
        None,
    ),
    (
        "báo cáo định kỳ 6 tháng (trước 15/5/2020 và 15/11/2020) năm 2020",
        None,
        K.RECURRING,
        None,
        None,
        R.HALF_YEARLY,
        ((5, 15), (11, 15)),
        (2020, 2020),
        None,
    ),
    ("định kỳ hằng quý", None, K.RECURRING, None, None, R.QUARTERLY, (), (None, None), None),
    ("hàng quý", None, K.RECURRING, None, None, R.QUARTERLY, (), (None, None), None),
    ("hằng tháng", None, K.RECURRING, None, None, R.MONTHLY, (), (None, None), None),
    ("trước ngày 20 hằng tháng", None, K.RECURRING, None, None, R.MONTHLY, ((0, 20),), (None, None), None),
    # events
    (
        "Hoàn thành trước thời gian bầu cử",
        2021,
        K.EVENT,
        None,
        None,
        None,
        (),
        None,
        "trước thời gian bầu cử",
    ),
    (
        "Sau khi có hướng dẫn của Bộ.",
        2021,
        K.EVENT,
        None,
        None,
        None,
        (),
        None,
        "Sau khi có hướng dẫn của Bộ",
    ),
    (
        "Thực hiện theo hướng dẫn của Bộ Tài chính",
        2021,
        K.EVENT,
        None,
        None,
        None,
        (),
        None,
        "theo hướng dẫn của Bộ Tài chính",
    ),
    ("khi có kinh phí", 2021, K.EVENT, None, None, None, (), None, "khi có kinh phí"),
    (
        "Thời gian: 15 ngày kể từ ngày nhận",
        2021,
        K.EVENT,
        None,
        None,
        None,
        (),
        None,
        "15 ngày kể từ ngày nhận",
    ),
    # nothing usable
    ("", 2021, K.NONE, None, None, None, (), None, None),
    ("   ", 2021, K.NONE, None, None, None, (), None, None),
    ("theo đúng chất lượng", None, K.EVENT, None, None, None, (), None, "theo đúng chất lượng"),
    ("không rõ", 2021, K.NONE, None, None, None, (), None, None),
]


@pytest.mark.parametrize(
    ("text", "default_year", "kind", "start", "end", "recurrence", "anchors", "years", "event"),
    PARSE_CASES,
    ids=[case[0] or "<empty>" for case in PARSE_CASES],
)
def test_parse_shapes(text, default_year, kind, start, end, recurrence, anchors, years, event):
    deadline = parse_deadline(text, default_year)
    assert deadline.kind is kind
    assert deadline.start == start
    assert deadline.end == end
    assert deadline.recurrence == recurrence
    assert deadline.anchors == anchors
    if years is not None:
        assert (deadline.valid_from_year, deadline.until_year) == years
    assert deadline.event == event
    assert deadline.text == text.strip()


@pytest.mark.parametrize(
    "text",
    [
        "31/2/2021",
        "trước ngày 31/2",
        "ngày 30 tháng 2 năm 2021",
        "tháng 13/2021",
        "từ 15/12/2021 đến 15/11/2021",
        "trước ngày 31/2 hằng năm",
        "trước ngày 0 hằng tháng",
        "trước ngày 15/5/3021",
        "năm 0000",
    ],
)
def test_impossible_days_become_unspecified_with_text_kept(text):
    deadline = parse_deadline(text, 2021)
    assert deadline.kind is K.NONE
    assert deadline.text == text
    assert deadline.display == text


@pytest.mark.parametrize("text", ["trước 15/5", "trong tháng 4", "quý II", "6 tháng đầu năm", "trong năm"])
def test_missing_year_without_document_year_is_unspecified(text):
    assert parse_deadline(text, None).kind is K.NONE


def test_two_digit_years_are_this_century():
    assert parse_deadline("trước 15/5/21", None).start == D(2021, 5, 15)
    assert parse_deadline("quý II/21", None).start == D(2021, 4, 1)


@pytest.mark.parametrize(
    "text",
    [
        unicodedata.normalize("NFD", "Hoàn thành trong tháng 4/2021"),
        "HOÀN THÀNH TRONG THÁNG 4/2021",
        "hoan thanh trong thang 4/2021",
        "Hoàn\u00a0thành  trong\ttháng 4 / 2021".replace(" / ", "/"),
    ],
)
def test_normal_forms_case_and_missing_diacritics_match(text):
    deadline = parse_deadline(text, None)
    assert deadline.kind is K.MONTH
    assert deadline.start == D(2021, 4, 1)
    assert deadline.text == nfc(text).strip()
    assert unicodedata.is_normalized("NFC", deadline.text)


@pytest.mark.parametrize(
    "text", ["hằng năm", "hàng năm", "Hằng Năm", "hang nam", unicodedata.normalize("NFD", "hàng năm")]
)
def test_both_spellings_of_yearly(text):
    assert parse_deadline(text, 2021).recurrence is R.YEARLY


def test_old_and_new_tone_placement_in_events_are_kept_as_written():
    old = parse_deadline("sau khi có hướng dẫn về bình đẳng giới trong văn hoá", 2021)
    new = parse_deadline("sau khi có hướng dẫn về bình đẳng giới trong văn hóa", 2021)
    assert old.kind is new.kind is K.EVENT
    assert old.event is not None and old.event.endswith("hoá")
    assert new.event is not None and new.event.endswith("hóa")


def test_an_explicit_time_beats_an_event_phrase():
    deadline = parse_deadline("Sau khi có hướng dẫn của Bộ, chậm nhất ngày 30/6/2021", None)
    assert deadline.kind is K.DATE
    assert deadline.start == D(2021, 6, 30)


def test_non_string_input_does_not_raise():
    assert parse_deadline(None, 2021).kind is K.NONE  # type: ignore[arg-type]
    assert parse_deadline("trước 15/5", 10**9).kind is K.NONE  # a nonsense document year is ignored


# == labels ========================================================================================

LABEL_CASES = [
    (Deadline.on(D(2021, 5, 15)), "Trước ngày 15/05/2021", "By 15 May 2021"),
    (Deadline.in_month(2021, 4), "Trong tháng 4/2021", "During April 2021"),
    (Deadline.in_quarter(2021, 2), "Quý II/2021", "Q2 2021"),
    (
        Deadline.between(D(2020, 11, 15), D(2020, 12, 15)),
        "Từ 15/11/2020 đến 15/12/2020",
        "From 15 Nov 2020 to 15 Dec 2020",
    ),
    (Deadline.between(D(2021, 1, 1), D(2021, 12, 31)), "Trong năm 2021", "During 2021"),
    (Deadline.between(D(2021, 1, 1), D(2021, 6, 30)), "6 tháng đầu năm 2021", "First half of 2021"),
    (Deadline.between(D(2021, 3, 1), D(2021, 5, 31)), "Từ tháng 3 đến tháng 5/2021", "March to May 2021"),
    (Deadline.between(D(2021, 1, 1), D(2025, 12, 31)), "Giai đoạn 2021–2025", "2021–2025"),
    (Deadline.recurring(R.CONTINUOUS), "Thường xuyên", "Ongoing"),
    (Deadline.recurring(R.YEARLY, [(11, 15)]), "Hằng năm, trước ngày 15/11", "Every year, by 15 Nov"),
    (
        Deadline.recurring(R.HALF_YEARLY, [(11, 15), (5, 15)]),
        "Định kỳ 6 tháng (15/5, 15/11)",
        "Every 6 months (15 May, 15 Nov)",
    ),
    (Deadline.recurring(R.QUARTERLY), "Hằng quý", "Every quarter"),
    (Deadline.recurring(R.MONTHLY, [(0, 20)]), "Hằng tháng, trước ngày 20", "Every month, by day 20"),
    (
        Deadline.recurring(R.YEARLY, valid_from_year=2021, until_year=2025),
        "Hằng năm, giai đoạn 2021–2025",
        "Every year (2021–2025)",
    ),
    (
        Deadline.recurring(R.CONTINUOUS, valid_from_year=2021, until_year=2021),
        "Thường xuyên trong năm 2021",
        "Ongoing in 2021",
    ),
    (
        Deadline.after_event("sau khi có hướng dẫn của Bộ"),
        "Sau khi có hướng dẫn của Bộ",
        "On event: sau khi có hướng dẫn của Bộ",
    ),
    (
        Deadline.after_event("sau khi có hướng dẫn của Bộ", D(2021, 6, 15)),
        "Sau khi có hướng dẫn của Bộ (ngày 15/06/2021)",
        "On event: sau khi có hướng dẫn của Bộ (15 Jun 2021)",
    ),
    (Deadline.none(), "Không xác định", "Not specified"),
]


@pytest.mark.parametrize(("deadline", "vi", "en"), LABEL_CASES, ids=[case[1] for case in LABEL_CASES])
def test_labels(deadline, vi, en):
    assert deadline.label() == vi
    assert deadline.label("vi") == vi
    assert deadline.label("en") == en
    assert deadline.label("en-us") == en
    assert deadline.display == vi  # no text: the rendering


def test_display_prefers_the_text_as_written():
    deadline = parse_deadline("Hoàn thành trong tháng 4/2021.", None)
    assert deadline.display == "Hoàn thành trong tháng 4/2021."
    assert deadline.label() == "Trong tháng 4/2021"
    assert str(deadline) == deadline.display


# == construction and storage ======================================================================


@pytest.mark.parametrize(
    "build",
    [
        lambda: Deadline(K.DATE),
        lambda: Deadline(K.DATE, start=D(2021, 1, 1), end=D(2021, 1, 2)),
        lambda: Deadline(K.MONTH, start=D(2021, 4, 2), end=D(2021, 4, 30)),
        lambda: Deadline(K.QUARTER, start=D(2021, 2, 1), end=D(2021, 4, 30)),
        lambda: Deadline.between(D(2021, 5, 2), D(2021, 5, 1)),
        lambda: Deadline.in_quarter(2021, 5),
        lambda: Deadline.in_month(2021, 13),
        lambda: Deadline(K.RECURRING),
        lambda: Deadline.recurring(R.YEARLY, [(2, 30)]),
        lambda: Deadline.recurring(R.YEARLY, [(13, 1)]),
        lambda: Deadline.recurring(R.MONTHLY, [(1, 20)]),
        lambda: Deadline.recurring(R.CONTINUOUS, [(1, 20)]),
        lambda: Deadline.recurring(R.YEARLY, valid_from_year=2025, until_year=2021),
        lambda: Deadline.after_event(""),
        lambda: Deadline(K.DATE, start=D(2021, 1, 1), recurrence=R.YEARLY),
        lambda: Deadline(K.NONE, event="x"),
        lambda: Deadline(K.DATE, start="2021-01-01"),
    ],
)
def test_impossible_deadlines_are_refused(build):
    with pytest.raises(ValueError):
        build()


def test_anchors_are_sorted_and_unique():
    deadline = Deadline.recurring(R.HALF_YEARLY, [(11, 15), (5, 15), (11, 15)])
    assert deadline.anchors == ((5, 15), (11, 15))


def test_to_dict_is_json_with_iso_dates():
    deadline = Deadline.between(D(2020, 11, 15), D(2020, 12, 15), text="từ 15/11 đến 15/12/2020")
    data = deadline.to_dict()
    assert data == {
        "kind": "range",
        "text": "từ 15/11 đến 15/12/2020",
        "start": "2020-11-15",
        "end": "2020-12-15",
    }
    assert Deadline.from_dict(json.loads(json.dumps(data))) == deadline


def test_recurring_to_dict():
    deadline = Deadline.recurring(R.HALF_YEARLY, [(5, 15), (11, 15)], valid_from_year=2021, until_year=2025)
    assert deadline.to_dict() == {
        "kind": "recurring",
        "recurrence": "half_yearly",
        "anchors": [[5, 15], [11, 15]],
        "valid_from_year": 2021,
        "until_year": 2025,
    }


def test_empty_json_field_is_unspecified():
    assert Deadline.from_dict({}) == Deadline.none()
    assert Deadline.from_dict(None) == Deadline.none()


@pytest.mark.parametrize(
    "data",
    [
        {"kind": "someday"},
        {"kind": "date", "start": "15/05/2021"},
        {"kind": "date", "start": 20210515},
        {"kind": "recurring", "recurrence": "weekly"},
        {"kind": "recurring", "recurrence": "yearly", "anchors": [[11]]},
        {"kind": "recurring", "recurrence": "yearly", "anchors": "11-15"},
        {"kind": "recurring", "recurrence": "yearly", "until_year": "2025"},
        {"kind": "range", "start": "2021-02-01", "end": "2021-01-01"},
    ],
)
def test_malformed_stored_deadlines_raise_value_error(data):
    with pytest.raises(ValueError):
        Deadline.from_dict(data)


def test_officer_enters_the_event_date():
    deadline = parse_deadline("Sau khi có hướng dẫn của Bộ", 2021)
    assert next_due(deadline, D(2021, 5, 1)) is None
    dated = deadline.with_event_date(D(2021, 7, 1))
    assert dated.text == deadline.text and dated.event == deadline.event
    assert next_due(dated, D(2021, 5, 1)) == D(2021, 7, 1)
    with pytest.raises(ValueError):
        Deadline.on(D(2021, 1, 1)).with_event_date(D(2021, 2, 1))


# == due dates =====================================================================================

YEARLY_15_NOV = Deadline.recurring(R.YEARLY, [(11, 15)])
HALF_YEARLY = Deadline.recurring(R.HALF_YEARLY)
REPORTS = Deadline.recurring(R.HALF_YEARLY, [(5, 15), (11, 15)])
QUARTERLY = Deadline.recurring(R.QUARTERLY)
MONTHLY = Deadline.recurring(R.MONTHLY)
MONTHLY_31 = Deadline.recurring(R.MONTHLY, [(0, 31)])
LEAP_DAY = Deadline.recurring(R.YEARLY, [(2, 29)])
PLAN_2021_2025 = Deadline.recurring(R.YEARLY, [(11, 15)], valid_from_year=2021, until_year=2025)

NEXT_DUE_CASES = [
    (YEARLY_15_NOV, D(2025, 11, 10), D(2025, 11, 15)),
    (YEARLY_15_NOV, D(2025, 11, 15), D(2025, 11, 15)),
    (YEARLY_15_NOV, D(2025, 11, 20), D(2026, 11, 15)),
    (YEARLY_15_NOV, D(2025, 12, 31), D(2026, 11, 15)),
    (Deadline.recurring(R.YEARLY), D(2025, 12, 31), D(2025, 12, 31)),
    (Deadline.recurring(R.YEARLY), D(2026, 1, 1), D(2026, 12, 31)),
    (HALF_YEARLY, D(2025, 1, 1), D(2025, 6, 30)),
    (HALF_YEARLY, D(2025, 7, 1), D(2025, 12, 31)),
    (REPORTS, D(2025, 5, 16), D(2025, 11, 15)),
    (REPORTS, D(2025, 11, 16), D(2026, 5, 15)),
    (QUARTERLY, D(2025, 4, 1), D(2025, 6, 30)),
    (QUARTERLY, D(2025, 12, 31), D(2025, 12, 31)),
    (MONTHLY, D(2024, 2, 10), D(2024, 2, 29)),
    (MONTHLY, D(2025, 2, 10), D(2025, 2, 28)),
    (MONTHLY, D(2025, 12, 31), D(2025, 12, 31)),
    (MONTHLY_31, D(2025, 4, 30), D(2025, 4, 30)),
    (Deadline.recurring(R.MONTHLY, [(0, 20)]), D(2025, 12, 21), D(2026, 1, 20)),
    (LEAP_DAY, D(2025, 1, 1), D(2025, 2, 28)),
    (LEAP_DAY, D(2027, 3, 1), D(2028, 2, 29)),
    (PLAN_2021_2025, D(2019, 6, 1), D(2021, 11, 15)),
    (PLAN_2021_2025, D(2025, 11, 15), D(2025, 11, 15)),
    (PLAN_2021_2025, D(2025, 11, 16), None),
    (PLAN_2021_2025, D(2030, 1, 1), None),
    (Deadline.recurring(R.MONTHLY, until_year=2025), D(2025, 12, 31), D(2025, 12, 31)),
    (Deadline.recurring(R.CONTINUOUS), D(2025, 1, 1), None),
    (Deadline.on(D(2021, 5, 15)), D(2030, 1, 1), D(2021, 5, 15)),
    (Deadline.in_month(2021, 4), D(2021, 1, 1), D(2021, 4, 30)),
    (Deadline.in_quarter(2021, 2), D(2021, 1, 1), D(2021, 6, 30)),
    (Deadline.between(D(2020, 11, 15), D(2020, 12, 15)), D(2020, 1, 1), D(2020, 12, 15)),
    (Deadline.after_event("khi có kinh phí"), D(2021, 1, 1), None),
    (Deadline.none(), D(2021, 1, 1), None),
]


@pytest.mark.parametrize(("deadline", "today", "expected"), NEXT_DUE_CASES)
def test_next_due(deadline, today, expected):
    assert next_due(deadline, today) == expected


PREVIOUS_DUE_CASES = [
    (YEARLY_15_NOV, D(2025, 11, 20), D(2025, 11, 15)),
    (YEARLY_15_NOV, D(2025, 11, 15), D(2024, 11, 15)),
    (YEARLY_15_NOV, D(2026, 1, 5), D(2025, 11, 15)),
    (REPORTS, D(2026, 1, 5), D(2025, 11, 15)),
    (REPORTS, D(2026, 5, 16), D(2026, 5, 15)),
    (MONTHLY, D(2024, 3, 1), D(2024, 2, 29)),
    (LEAP_DAY, D(2025, 3, 1), D(2025, 2, 28)),
    (PLAN_2021_2025, D(2021, 11, 15), None),
    (PLAN_2021_2025, D(2021, 11, 16), D(2021, 11, 15)),
    (PLAN_2021_2025, D(2031, 1, 1), D(2025, 11, 15)),
    (Deadline.recurring(R.MONTHLY, until_year=2025), D(2027, 6, 1), D(2025, 12, 31)),
    (Deadline.recurring(R.CONTINUOUS), D(2025, 1, 1), None),
    (Deadline.on(D(2021, 5, 15)), D(2021, 5, 15), None),
    (Deadline.on(D(2021, 5, 15)), D(2021, 5, 16), D(2021, 5, 15)),
]


@pytest.mark.parametrize(("deadline", "today", "expected"), PREVIOUS_DUE_CASES)
def test_previous_due(deadline, today, expected):
    assert previous_due(deadline, today) == expected


def test_occurrence_windows_start_halfway_after_the_previous_occurrence():
    # 15/11/2024 + 365 // 2 + 1 days
    assert occurrence_start(YEARLY_15_NOV, D(2025, 11, 15)) == D(2025, 5, 17)
    assert occurrence_start(REPORTS, D(2026, 5, 15)) == D(2026, 2, 14)
    assert occurrence_start(REPORTS, D(2025, 11, 15)) == D(2025, 8, 16)
    assert occurrence_start(MONTHLY, D(2024, 3, 31)) == D(2024, 3, 16)
    # the first occurrence of a plan has a window too
    assert occurrence_start(PLAN_2021_2025, D(2021, 11, 15)) == D(2021, 5, 17)
    assert occurrence_start(Deadline.in_month(2021, 4), D(2021, 4, 30)) == D(2021, 4, 1)
    assert occurrence_start(Deadline.recurring(R.CONTINUOUS), D(2021, 4, 30)) is None


def test_days_left():
    assert days_left(Deadline.on(D(2021, 5, 15)), D(2021, 5, 10)) == 5
    assert days_left(Deadline.on(D(2021, 5, 15)), D(2021, 5, 20)) == -5
    assert days_left(YEARLY_15_NOV, D(2025, 11, 20)) == (D(2026, 11, 15) - D(2025, 11, 20)).days
    assert days_left(Deadline.recurring(R.CONTINUOUS), D(2025, 1, 1)) is None


# == status ========================================================================================

MAY_15 = Deadline.on(D(2021, 5, 15))

ONE_SHOT_STATUS_CASES = [
    (MAY_15, D(2021, 5, 16), False, DueStatus.OVERDUE),
    (MAY_15, D(2021, 5, 16), True, DueStatus.DONE),
    (MAY_15, D(2021, 5, 15), False, DueStatus.DUE_SOON),
    (MAY_15, D(2021, 5, 8), False, DueStatus.DUE_SOON),
    (MAY_15, D(2021, 5, 7), False, DueStatus.ON_TRACK),
    (Deadline.in_month(2021, 4), D(2021, 4, 15), False, DueStatus.ON_TRACK),
    (Deadline.in_month(2021, 4), D(2021, 5, 1), False, DueStatus.OVERDUE),
    (Deadline.after_event("khi có kinh phí"), D(2021, 5, 1), False, DueStatus.NO_DUE_DATE),
    (Deadline.after_event("khi có kinh phí", D(2021, 5, 1)), D(2021, 5, 2), False, DueStatus.OVERDUE),
    (Deadline.none("không rõ"), D(2021, 5, 1), False, DueStatus.NO_DUE_DATE),
    (Deadline.none("không rõ"), D(2021, 5, 1), True, DueStatus.DONE),
]


@pytest.mark.parametrize(("deadline", "today", "done", "expected"), ONE_SHOT_STATUS_CASES)
def test_one_shot_status(deadline, today, done, expected):
    assert status_for(deadline, today, done=done) is expected


def test_window_days():
    assert status_for(MAY_15, D(2021, 5, 1), done=False, window_days=14) is DueStatus.DUE_SOON
    assert status_for(MAY_15, D(2021, 5, 1), done=False, window_days=0) is DueStatus.ON_TRACK
    assert is_due_soon(MAY_15, D(2021, 5, 1), window_days=14)
    assert is_overdue(MAY_15, D(2021, 5, 16))
    assert not is_overdue(MAY_15, D(2021, 5, 16), done=True)


RECURRING_STATUS_CASES = [
    # missed last year's 15/11 report: overdue until it is done
    (YEARLY_15_NOV, D(2025, 11, 20), False, None, None, DueStatus.OVERDUE),
    # a bare 100% flag cannot say it was for the 15/11 occurrence
    (YEARLY_15_NOV, D(2025, 11, 20), True, None, None, DueStatus.OVERDUE),
    # done on 14/11 for the 15/11 occurrence; next one is far away
    (YEARLY_15_NOV, D(2025, 11, 20), True, D(2025, 11, 14), None, DueStatus.ON_TRACK),
    # done three days late: clears the 15/11/2025 occurrence, does not count for 2026
    (YEARLY_15_NOV, D(2025, 11, 20), True, D(2025, 11, 18), None, DueStatus.ON_TRACK),
    (YEARLY_15_NOV, D(2026, 11, 16), True, D(2025, 11, 18), None, DueStatus.OVERDUE),
    # done early for the coming occurrence
    (YEARLY_15_NOV, D(2026, 11, 12), True, D(2026, 10, 10), None, DueStatus.DONE),
    # last year's report done; this year's due in 5 days
    (YEARLY_15_NOV, D(2025, 11, 10), False, D(2024, 11, 14), None, DueStatus.DUE_SOON),
    # this year's already done early
    (YEARLY_15_NOV, D(2025, 11, 10), True, D(2025, 11, 1), None, DueStatus.DONE),
    # a task given on 1/12/2025 is not late for the 15/11/2025 occurrence
    (YEARLY_15_NOV, D(2025, 12, 5), False, None, D(2025, 12, 1), DueStatus.ON_TRACK),
    # first occurrence, nothing before: the done flag decides
    (PLAN_2021_2025, D(2021, 11, 10), True, None, None, DueStatus.DONE),
    (PLAN_2021_2025, D(2021, 11, 10), False, None, None, DueStatus.DUE_SOON),
    (PLAN_2021_2025, D(2021, 3, 1), False, None, None, DueStatus.ON_TRACK),
    # after the plan period: the last occurrence decides
    (PLAN_2021_2025, D(2026, 3, 1), False, D(2025, 11, 10), None, DueStatus.DONE),
    (PLAN_2021_2025, D(2026, 3, 1), False, D(2024, 11, 10), None, DueStatus.OVERDUE),
    # half-yearly reports across the year boundary
    (REPORTS, D(2026, 1, 5), False, D(2025, 11, 14), None, DueStatus.ON_TRACK),
    (REPORTS, D(2026, 5, 10), False, D(2025, 11, 14), None, DueStatus.DUE_SOON),
    (REPORTS, D(2026, 5, 16), False, D(2025, 11, 14), None, DueStatus.OVERDUE),
    (REPORTS, D(2026, 5, 16), False, D(2026, 5, 15), None, DueStatus.ON_TRACK),
    # leap day anchor in a common year falls on 28/2
    (LEAP_DAY, D(2025, 3, 1), False, D(2025, 2, 27), None, DueStatus.ON_TRACK),
    (LEAP_DAY, D(2025, 3, 1), False, D(2024, 2, 29), None, DueStatus.OVERDUE),
    # continuous work is never due
    (Deadline.recurring(R.CONTINUOUS), D(2025, 3, 1), False, None, None, DueStatus.NO_DUE_DATE),
    (Deadline.recurring(R.CONTINUOUS), D(2025, 3, 1), True, None, None, DueStatus.DONE),
]


@pytest.mark.parametrize(
    ("deadline", "today", "done", "last_done_on", "since", "expected"), RECURRING_STATUS_CASES
)
def test_recurring_status(deadline, today, done, last_done_on, since, expected):
    status = status_for(deadline, today, done=done, last_done_on=last_done_on, since=since)
    assert status is expected


# == properties ====================================================================================

WIDE_DATES = st.dates(min_value=D(1990, 1, 1), max_value=D(2100, 12, 31))
YEARS = st.integers(1990, 2100)
SHORT_TEXT = st.text(max_size=40)


@st.composite
def anchors_for(draw, recurrence: Recurrence):
    if recurrence is R.CONTINUOUS:
        return ()
    if recurrence is R.MONTHLY:
        return tuple(draw(st.lists(st.tuples(st.just(0), st.integers(1, 31)), max_size=3)))
    pairs = st.integers(1, 12).flatmap(
        lambda month: st.tuples(st.just(month), st.integers(1, calendar.monthrange(2000, month)[1]))
    )
    return tuple(draw(st.lists(pairs, max_size=4)))


@st.composite
def recurring_deadlines(draw):
    recurrence = draw(st.sampled_from(list(R)))
    anchors = draw(anchors_for(recurrence))
    lo = draw(st.none() | YEARS)
    hi = draw(st.none() | YEARS)
    if lo is not None and hi is not None and lo > hi:
        lo, hi = hi, lo
    return Deadline.recurring(recurrence, anchors, valid_from_year=lo, until_year=hi, text=draw(SHORT_TEXT))


@st.composite
def one_shot_deadlines(draw):
    text = draw(SHORT_TEXT)
    choice = draw(st.sampled_from(["date", "month", "quarter", "range", "event", "none"]))
    if choice == "date":
        return Deadline.on(draw(WIDE_DATES), text=text)
    if choice == "month":
        return Deadline.in_month(draw(YEARS), draw(st.integers(1, 12)), text=text)
    if choice == "quarter":
        return Deadline.in_quarter(draw(YEARS), draw(st.integers(1, 4)), text=text)
    if choice == "range":
        first, second = draw(WIDE_DATES), draw(WIDE_DATES)
        return Deadline.between(min(first, second), max(first, second), text=text)
    if choice == "event":
        event = draw(st.text(min_size=1, max_size=30).filter(lambda s: nfc(s).strip()))
        return Deadline.after_event(event, draw(st.none() | WIDE_DATES), text=text)
    return Deadline.none(text)


deadlines = one_shot_deadlines() | recurring_deadlines()

# Pieces of deadline phrases, glued at random, reach every branch of the parser far more
# often than arbitrary text does, including impossible numbers.
FRAGMENTS = st.sampled_from(
    [
        "trước", "ngày", "tháng", "năm", "quý", "từ", "đến", "-", "/", ".", ",", " ", "và", "hằng",
        "hàng", "định kỳ", "thường xuyên", "6 tháng", "đầu", "cuối", "giữa", "trong", "sau khi",
        "theo", "khi có", "giai đoạn", "một lần", "lần", "I", "II", "III", "IV", "hết",
        "Tháng hành động vì bình đẳng giới", "Hoàn thành", "Thời gian:", "ngày 15/11",
    ]
)  # fmt: skip
NUMBERS = (
    st.integers(0, 40).map(str) | st.integers(1890, 2210).map(str) | st.integers(0, 99).map("{:02d}".format)
)
PHRASES = st.lists(FRAGMENTS | NUMBERS, max_size=12).map(" ".join) | st.lists(
    FRAGMENTS | NUMBERS, max_size=12
).map("".join)


@settings(max_examples=500, deadline=None)
@given(st.text(), st.none() | st.integers())
def test_parse_never_raises_and_keeps_text(text, default_year):
    deadline = parse_deadline(text, default_year)
    assert isinstance(deadline, Deadline)
    assert deadline.text == nfc(text).strip()


@settings(max_examples=1000, deadline=None)
@given(PHRASES, st.none() | YEARS)
def test_parse_of_phrase_like_text(text, default_year):
    deadline = parse_deadline(text, default_year)
    assert deadline.text == nfc(text).strip()
    if deadline.kind is K.RANGE:
        assert deadline.start is not None and deadline.end is not None
        assert deadline.end >= deadline.start
    assert Deadline.from_dict(json.loads(json.dumps(deadline.to_dict()))) == deadline
    assert deadline.label() and deadline.label("en")


@given(deadlines)
def test_to_dict_round_trip(deadline):
    data = json.loads(json.dumps(deadline.to_dict()))
    assert Deadline.from_dict(data) == deadline


@given(deadlines)
def test_labels_never_empty(deadline):
    assert deadline.label("vi")
    assert deadline.label("en")
    assert deadline.display


def _is_occurrence(deadline: Deadline, day: date) -> bool:
    """Independent, slow definition of an occurrence day, to check the fast one against."""
    if deadline.valid_from_year is not None and day.year < deadline.valid_from_year:
        return False
    if deadline.until_year is not None and day.year > deadline.until_year:
        return False
    defaults = {
        R.YEARLY: ((12, 31),),
        R.HALF_YEARLY: ((6, 30), (12, 31)),
        R.QUARTERLY: ((3, 31), (6, 30), (9, 30), (12, 31)),
        R.MONTHLY: ((0, 31),),
    }
    anchors = deadline.anchors or defaults[deadline.recurrence]
    last = calendar.monthrange(day.year, day.month)[1]
    if deadline.recurrence is R.MONTHLY:
        return any(min(anchor_day, last) == day.day for _, anchor_day in anchors)
    return any(month == day.month and min(anchor_day, last) == day.day for month, anchor_day in anchors)


@settings(max_examples=300, deadline=None)
@given(recurring_deadlines(), WIDE_DATES)
def test_recurring_next_and_previous_match_a_day_by_day_search(deadline, today):
    assume(deadline.recurrence is not R.CONTINUOUS)
    assume(deadline.valid_from_year is None or deadline.valid_from_year <= today.year)
    expected_next = next(
        (
            today + timedelta(days=n)
            for n in range(400)
            if _is_occurrence(deadline, today + timedelta(days=n))
        ),
        None,
    )
    assert next_due(deadline, today) == expected_next
    assume(deadline.until_year is None or deadline.until_year >= today.year)
    expected_previous = next(
        (
            today - timedelta(days=n)
            for n in range(1, 400)
            if _is_occurrence(deadline, today - timedelta(days=n))
        ),
        None,
    )
    assert previous_due(deadline, today) == expected_previous


@given(recurring_deadlines(), WIDE_DATES)
def test_recurring_next_due_is_never_in_the_past(deadline, today):
    due = next_due(deadline, today)
    assert due is None or due >= today
    previous = previous_due(deadline, today)
    assert previous is None or previous < today
    if due is not None:
        assert previous_due(deadline, due + timedelta(days=1)) == due
        start = occurrence_start(deadline, due)
        assert start is not None and start <= due


@given(recurring_deadlines(), st.dates(), st.booleans(), st.none() | st.dates(), st.none() | st.dates())
def test_recurring_functions_never_raise_even_at_the_ends_of_the_calendar(deadline, today, done, last, since):
    next_due(deadline, today)
    previous_due(deadline, today)
    days_left(deadline, today)
    status_for(deadline, today, done=done, last_done_on=last, since=since)


@given(one_shot_deadlines(), WIDE_DATES, WIDE_DATES)
def test_one_shot_next_due_does_not_depend_on_today(deadline, first, second):
    assert next_due(deadline, first) == next_due(deadline, second) == deadline.due


@given(one_shot_deadlines(), WIDE_DATES, st.integers(0, 60))
def test_one_shot_done_is_always_done(deadline, today, window):
    assert status_for(deadline, today, done=True, window_days=window) is DueStatus.DONE


@given(deadlines, WIDE_DATES, st.booleans(), st.none() | WIDE_DATES, st.integers(0, 60))
def test_due_soon_is_never_overdue(deadline, today, done, last_done_on, window):
    soon = is_due_soon(deadline, today, done=done, last_done_on=last_done_on, window_days=window)
    late = is_overdue(deadline, today, done=done, last_done_on=last_done_on)
    assert not (soon and late)


@given(WIDE_DATES, WIDE_DATES, st.booleans())
def test_a_date_is_overdue_exactly_when_passed_and_not_done(due, today, done):
    deadline = Deadline.on(due)
    assert is_overdue(deadline, today, done=done) == (today > due and not done)


@given(one_shot_deadlines(), WIDE_DATES, st.integers(0, 3000), st.integers(0, 60))
def test_one_shot_overdue_stays_overdue(deadline, today, shift, window):
    later = today + timedelta(days=shift)
    assume(later <= D(9999, 12, 31))
    if status_for(deadline, today, done=False, window_days=window) is DueStatus.OVERDUE:
        assert status_for(deadline, later, done=False, window_days=window) is DueStatus.OVERDUE
