"""The shared table exporter: text that a spreadsheet would run as a formula stays text, in XLSX and
CSV alike; numbers stay numbers, dates stay dates, Vietnamese survives Excel."""

from __future__ import annotations

import csv
import datetime as dt
import io
import math
from decimal import Decimal

import pytest
from openpyxl import Workbook, load_workbook

from gemis.core import exports

HOSTILE = [
    '=HYPERLINK("http://example.com/x","Bấm vào đây")',
    "+1+2",
    "-2+3",
    "@SUM(A1:A2)",
    "\t=1+1",
    "\r=1+1",
    "- Tổ chức hội nghị",  # a Vietnamese bullet: a formula to Excel, text to us
]


def read_csv(text: str) -> list[list[str]]:
    assert text.startswith(exports.BOM)  # Excel reads UTF-8 only with it
    return list(csv.reader(io.StringIO(text.removeprefix(exports.BOM))))


def read_xlsx(content: bytes):
    return load_workbook(io.BytesIO(content)).active


@pytest.mark.parametrize("text", HOSTILE)
def test_formula_like_text_is_escaped_in_csv(text):
    rows = read_csv(exports.csv_text(["Tên"], [[text]]))
    assert rows[1] == ["'" + text]


@pytest.mark.parametrize("text", HOSTILE)
def test_formula_like_text_is_a_quoted_string_in_xlsx(text):
    sheet = read_xlsx(exports.xlsx_bytes(["Tên"], [[text]], sheet_title="Số liệu"))
    cell = sheet["A2"]
    assert cell.data_type == "s"  # a string, never "f" (formula)
    assert cell.value == text.replace("\r", "\n") or cell.value == text  # XML normalises a lone CR
    assert cell.quotePrefix  # Excel keeps it text when the cell is edited


def test_formula_like_headers_and_titles_are_text_too():
    content = exports.xlsx_bytes(["=1+1"], [], sheet_title="=x", title="=HYPERLINK(1)")
    sheet = read_xlsx(content)
    assert (sheet["A1"].data_type, sheet["A2"].data_type) == ("s", "s")
    assert read_csv(exports.csv_text(["=1+1"], []))[0] == ["'=1+1"]


def test_ordinary_values_keep_their_type():
    row = [
        "Hà Nội",
        1234,
        -3,
        2.5,
        Decimal("7.25"),
        dt.date(2026, 1, 31),
        dt.datetime(2026, 1, 31, 8, 5),
        None,
    ]
    columns = ["a", "b", "c", "d", "e", exports.Column("f", number_format=exports.DATE_FORMAT), "g", "h"]
    sheet = read_xlsx(exports.xlsx_bytes(columns, [row], sheet_title="T"))
    values = [c.value for c in sheet[2]]
    assert values[:5] == ["Hà Nội", 1234, -3, 2.5, 7.25]
    assert values[5] == dt.datetime(2026, 1, 31) and sheet["F2"].number_format == exports.DATE_FORMAT
    assert values[6] == dt.datetime(2026, 1, 31, 8, 5)
    assert len(values) == 7 or values[7] is None
    assert not sheet["A2"].quotePrefix and sheet["B2"].data_type == "n" and sheet["C2"].data_type == "n"
    lines = read_csv(exports.csv_text(list("abcdefgh"), [row]))
    assert lines[1] == ["Hà Nội", "1234", "-3", "2.5", "7.25", "31/01/2026", "31/01/2026 08:05", ""]


def test_non_finite_numbers_become_empty_cells():
    row = [math.inf, -math.inf, math.nan, 1.0]
    sheet = read_xlsx(exports.xlsx_bytes(["a", "b", "c", "d"], [row], sheet_title="T"))
    assert [sheet.cell(2, c).value for c in range(1, 5)] == [None, None, None, 1.0]
    assert read_csv(exports.csv_text(["a", "b", "c", "d"], [row]))[1] == ["", "", "", "1"]


def test_characters_xlsx_cannot_hold_are_dropped_instead_of_failing():
    sheet = read_xlsx(exports.xlsx_bytes(["Tên\x00"], [["Xã\x01 An\x1f Bình"]], sheet_title="T\x02"))
    assert (sheet["A1"].value, sheet["A2"].value) == ("Tên", "Xã An Bình")


def test_title_widths_and_frozen_header():
    columns = [exports.Column("Nhiệm vụ", width=70, wrap=True), exports.Column("Số", width=8)]
    sheet = read_xlsx(exports.xlsx_bytes(columns, [["Tập huấn", 3]], sheet_title="Nhiệm vụ", title="Bảng"))
    assert [c.value for c in sheet[1]][:1] == ["Bảng"] and sheet["A1"].font.bold
    assert [c.value for c in sheet[2]] == ["Nhiệm vụ", "Số"] and sheet["A2"].font.bold
    assert sheet.freeze_panes == "A3"
    assert sheet.column_dimensions["A"].width == 70 and sheet["A3"].alignment.wrap_text


def test_set_cell_guards_a_hand_laid_sheet():
    book = Workbook()
    sheet = book.active
    exports.set_cell(sheet, 1, 1, "=HYPERLINK(1)")
    exports.set_cell(sheet, 1, 2, 12)
    exports.set_cell(sheet, 1, 3, "Xã Hòa Lạc")
    buffer = io.BytesIO()
    book.save(buffer)
    back = read_xlsx(buffer.getvalue())
    assert (back["A1"].data_type, back["A1"].value, back["A1"].quotePrefix) == ("s", "=HYPERLINK(1)", True)
    assert (back["B1"].value, back["C1"].value, back["C1"].quotePrefix) == (12, "Xã Hòa Lạc", False)


def test_csv_streams_line_by_line():
    lines = list(exports.csv_lines(["a"], iter([["x"], ["y"]])))
    assert lines == [exports.BOM + "a\r\n", "x\r\n", "y\r\n"]


def test_a_table_response_names_the_file_and_defuses_formulas():
    from gemis.core.exports import table_response

    response = table_response("csv", ["Tên"], [["=HYPERLINK(1)"]], "bảng-số-liệu.csv")
    assert response["Content-Disposition"] == (
        "attachment; filename=\"bang-so-lieu.csv\"; filename*=UTF-8''b%E1%BA%A3ng-s%E1%BB%91-li%E1%BB%87u.csv"
    )
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response.content.decode("utf-8-sig").splitlines() == ["Tên", "'=HYPERLINK(1)"]
    streamed = table_response("csv", ["Tên"], iter([["a"]]), "a.csv")
    assert b"".join(streamed.streaming_content).decode("utf-8-sig").splitlines() == ["Tên", "a"]
    workbook = table_response("xlsx", ["Tên"], [["a"]], "a.xlsx", sheet_title="Dữ liệu")
    assert workbook["Content-Type"].startswith("application/vnd.openxmlformats")


def test_a_table_in_another_format_is_not_found():
    import pytest
    from django.http import Http404

    from gemis.core.exports import table_response

    with pytest.raises(Http404):
        table_response("pdf", ["Tên"], [], "a.pdf")


def test_a_whole_number_in_a_csv_has_no_decimals():
    from gemis.core.exports import csv_text

    lines = csv_text(["Số", "Tỷ lệ"], [[1702.0, 66.25], [-0.0, 3]]).lstrip("\ufeff").splitlines()
    assert lines[1:] == ["1702,66.25", "0,3"]


def test_a_csv_with_the_decimal_comma_keeps_numbers_numbers_in_a_vietnamese_excel():
    from gemis.core.exports import DECIMAL_COMMA, csv_text

    text = csv_text(
        ["Đơn vị", "Tỷ lệ", "Số"], [["Xã A", 66.25, 1702.0], ["Xã B, C", 0.5, 3]], decimal=DECIMAL_COMMA
    )
    assert text.splitlines() == ["\ufeffĐơn vị;Tỷ lệ;Số", "Xã A;66,25;1702", "Xã B, C;0,5;3"]
    assert csv_text(["a"], [[66.25]]).splitlines()[1] == "66.25"
