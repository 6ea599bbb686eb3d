"""Every table GEMIS hands out as a spreadsheet, written one way: XLSX through openpyxl, CSV as text.

Why one writer: a cell whose text begins with ``=``, ``+``, ``-``, ``@``, a tab
or a carriage return is read by Excel, LibreOffice and Google Sheets as a
formula ("CSV/formula injection"). Names typed by people (a local indicator
called ``=HYPERLINK("http://…","Bấm vào đây")``, a task text, a unit name)
travel into these files, so every text cell is made harmless here, once:

* **CSV** has no types: such a text gets an apostrophe in front
  (``'=HYPERLINK(…)``), the usual spreadsheet mark for "this is text".
  The file starts with a byte-order mark, without which Excel opens UTF-8 in
  the local code page and Vietnamese turns to mojibake. Dates are written
  dd/mm/yyyy (dd/mm/yyyy hh:mm with a time).
* **XLSX** has types: such a text is stored as a string cell with Excel's
  *quote prefix* style — exactly the text people typed is shown, and editing
  the cell in Excel keeps it text (an apostrophe inside the value would show).
  Control characters the format cannot hold are dropped instead of failing.

Numbers stay numbers and dates stay dates (real Excel dates with a dd/mm/yyyy
format); a number that is not finite (``inf``, ``nan``) is written as an empty
cell, never as a value a spreadsheet would misread.

Use :func:`table_response` to answer a download of a table (CSV streamed, XLSX
built whole), :func:`download` for any other file a page hands out (the
data-entry template, an error report), :func:`xlsx_bytes` / :func:`csv_lines` for
the bytes alone (a background job), and :func:`set_cell` / :func:`text_for_xlsx`
when a workbook is laid out by hand (the data-entry template). ``gemis.core.tests.test_exports`` checks
that nothing written here can be a formula.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import math
import unicodedata
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any
from urllib.parse import quote

from django.http import Http404, HttpResponse, StreamingHttpResponse
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter

# What a spreadsheet reads as the start of a formula; Vietnamese bullets "- Tổ chức…" included.
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
CSV_TYPE = "text/csv; charset=utf-8"
XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
DATE_FORMAT = "dd/mm/yyyy"
DATETIME_FORMAT = "dd/mm/yyyy hh:mm"
BOM = "\ufeff"


@dataclass(frozen=True)
class Column:
    """A column of an XLSX table: its title and how its cells look."""

    title: str
    width: float | None = None
    number_format: str | None = None  # e.g. DATE_FORMAT for a column of dates
    wrap: bool = False


def is_formula_like(value: Any) -> bool:
    return isinstance(value, str) and value.startswith(FORMULA_START)


def _finite(value: Any) -> Any:
    if isinstance(value, Decimal):
        value = float(value)
    if isinstance(value, float) and not math.isfinite(value):
        return None
    return value


def text_for_csv(value: Any) -> Any:
    """One CSV cell: formula-like text escaped, dates dd/mm/yyyy, nothing for None or non-finite."""
    value = _finite(value)
    if value is None:
        return ""
    if isinstance(value, dt.datetime):
        return value.strftime("%d/%m/%Y %H:%M")
    if isinstance(value, dt.date):
        return value.strftime("%d/%m/%Y")
    if isinstance(value, str):
        return "'" + value if is_formula_like(value) else value
    if isinstance(value, float) and value.is_integer():
        return int(value)  # a count is "1702", never "1702.0"
    if isinstance(value, bool | int | float):
        return value
    return text_for_csv(str(value))  # lazy translations, decimals, anything else: as text


def text_for_xlsx(value: Any) -> Any:
    """One XLSX value (before styling): text cleaned of what XLSX cannot hold, non-finite numbers dropped."""
    value = _finite(value)
    if isinstance(value, str):
        return ILLEGAL_CHARACTERS_RE.sub("", value)
    if value is None or isinstance(value, bool | int | float | dt.date | dt.time):
        return value
    return ILLEGAL_CHARACTERS_RE.sub("", str(value))


def _guard(cell: Any) -> None:
    """Keep a formula-like text a text: string type, and Excel's quote prefix for when it is edited."""
    if is_formula_like(cell.value):
        cell.data_type = "s"
        cell.quotePrefix = True


def set_cell(sheet: Any, row: int, column: int, value: Any) -> Any:
    """Write one value into an ordinary (not write-only) sheet, safely; the cell, to style further."""
    cell = sheet.cell(row, column)
    cell.value = text_for_xlsx(value)
    _guard(cell)
    return cell


# --------------------------------------------------------------------------- CSV


class _Echo:
    """A file-like object whose write() hands the line back, to stream csv.writer output."""

    def write(self, value: str) -> str:
        return value


#: the CSV dialects a download offers: numbers "1234.5" with commas between cells (the default, what
#: software reads), or "1234,5" with semicolons (what Excel set to Vietnamese opens in columns).
DECIMAL_POINT = "point"
DECIMAL_COMMA = "comma"


def csv_lines(
    headers: Sequence[Any], rows: Iterable[Sequence[Any]], *, decimal: str = DECIMAL_POINT
) -> Iterator[str]:
    """The CSV file line by line (for a streaming response): BOM and header first.

    ``decimal=DECIMAL_COMMA`` writes "1234,5" and separates cells with ";" (a comma-decimal
    spreadsheet's list separator), so that the numbers stay numbers in a Vietnamese Excel.
    """
    comma = decimal == DECIMAL_COMMA
    writer = csv.writer(_Echo(), delimiter=";" if comma else ",")

    def cell(value: Any) -> Any:
        value = text_for_csv(value)
        if comma and isinstance(value, float):
            return repr(value).replace(".", ",")
        return value

    yield BOM + writer.writerow([text_for_csv(h) for h in headers])
    for row in rows:
        yield writer.writerow([cell(v) for v in row])


def csv_text(headers: Sequence[Any], rows: Iterable[Sequence[Any]], *, decimal: str = DECIMAL_POINT) -> str:
    return "".join(csv_lines(headers, rows, decimal=decimal))


# --------------------------------------------------------------------------- XLSX


def xlsx_bytes(
    columns: Sequence[Column | str],
    rows: Iterable[Sequence[Any]],
    *,
    sheet_title: str,
    title: str | None = None,
) -> bytes:
    """A one-sheet workbook: an optional bold title line, a bold frozen header, then the rows.

    Written in openpyxl's write-only mode so that 20,000 rows do not sit in memory as cell objects;
    a cell is styled only when its column asks for it or its text must be guarded.
    """
    described = [c if isinstance(c, Column) else Column(str(c)) for c in columns]
    book = Workbook(write_only=True)
    sheet = book.create_sheet(title=ILLEGAL_CHARACTERS_RE.sub("", str(sheet_title))[:31] or "Sheet")
    header_row = 2 if title else 1
    sheet.freeze_panes = f"A{header_row + 1}"
    for index, column in enumerate(described, start=1):
        if column.width:
            sheet.column_dimensions[get_column_letter(index)].width = column.width
    bold = Font(bold=True)
    if title:
        sheet.append([_styled(sheet, title, font=Font(bold=True, size=13))])
    header_alignment = Alignment(vertical="center", wrap_text=True)
    sheet.append([_styled(sheet, c.title, font=bold, alignment=header_alignment) for c in described])
    wrap = Alignment(vertical="top", wrap_text=True)
    styles = [(c.number_format, wrap if c.wrap else None) for c in described]
    for row in rows:
        cells: list[Any] = []
        for index, raw in enumerate(row):
            value = text_for_xlsx(raw)
            number_format, alignment = styles[index] if index < len(styles) else (None, None)
            if value is None or (not number_format and not alignment and not is_formula_like(value)):
                cells.append(value)  # a plain value costs much less than a styled cell
                continue
            cell = _styled(sheet, value, alignment=alignment)
            if number_format and not isinstance(value, str):
                cell.number_format = number_format
            cells.append(cell)
        sheet.append(cells)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def _styled(sheet: Any, value: Any, *, font: Font | None = None, alignment: Alignment | None = None) -> Any:
    cell = WriteOnlyCell(sheet, value=text_for_xlsx(value))
    if font is not None:
        cell.font = font
    if alignment is not None:
        cell.alignment = alignment
    _guard(cell)
    return cell


# --------------------------------------------------------------------------- responses


def download(content: Any, filename: str, content_type: str) -> HttpResponse | StreamingHttpResponse:
    """A file to save, not to open in the tab: ``content`` is bytes, text or an iterator (streamed).

    The name travels as plain ASCII and, for browsers that read it, in UTF-8 (RFC 6266):
    "lỗi-biểu.xlsx" keeps its marks where it can.
    """
    if isinstance(content, bytes | str):
        response: HttpResponse | StreamingHttpResponse = HttpResponse(content, content_type=content_type)
    else:
        response = StreamingHttpResponse(content, content_type=content_type)
    unmarked = unicodedata.normalize("NFKD", filename.replace("đ", "d").replace("Đ", "D"))
    ascii_name = unmarked.encode("ascii", "ignore").decode().replace('"', "") or "gemis"
    disposition = f'attachment; filename="{ascii_name}"'
    if ascii_name != filename:
        disposition += f"; filename*=UTF-8''{quote(filename)}"
    response["Content-Disposition"] = disposition
    response["X-Content-Type-Options"] = "nosniff"
    return response


def table_response(
    fmt: str,
    columns: Sequence[Column | str],
    rows: Iterable[Sequence[Any]],
    filename: str,
    *,
    sheet_title: str = "Sheet",
    title: str = "",
    decimal: str = DECIMAL_POINT,
) -> HttpResponse | StreamingHttpResponse:
    """A table as ``fmt``; 404 for another format.

    CSV of rows still to be read (an iterator over a query) streams, so a big download starts at
    once; rows already in memory are sent whole. XLSX is always built whole.
    """
    if fmt == "csv":
        headers = [c.title if isinstance(c, Column) else c for c in columns]
        if isinstance(rows, Sequence):
            return download(csv_text(headers, rows, decimal=decimal), filename, CSV_TYPE)
        return download(csv_lines(headers, rows, decimal=decimal), filename, CSV_TYPE)
    if fmt == "xlsx":
        return download(xlsx_bytes(columns, rows, sheet_title=sheet_title, title=title), filename, XLSX_TYPE)
    raise Http404
