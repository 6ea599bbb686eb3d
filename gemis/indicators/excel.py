"""The Excel template of a form (dataset × period × units), reading it back, and the error report.

The template has one row per unit × data element and one column per cell of
the breakdowns (Nam, Nữ, Tổng số…), already filled with what is saved. The
codes GEMIS needs to read it back sit in hidden places: column A (the unit),
column C (the data element), row 4 (the cell of each column) and the hidden
sheet ``_gemis`` (which form and period the file is for), so an officer sees
names and a wrong file is recognised.

Reading it back gives a report line by line (row number, column, message in
Vietnamese) before anything is saved. **Saving is all-or-nothing per unit**:
a unit whose rows are all correct is saved (through
``validation.enter_values``, which keeps the rollups current); a unit with an
error in any of its rows is not saved at all, so that its cross-cell rules
(male + female = total, numerator ≤ denominator) never end up half applied.
Empty cells leave what is saved as it is.
"""

from __future__ import annotations

import datetime as dt
import io
import zipfile
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

from django.utils.translation import gettext as _
from openpyxl import Workbook, load_workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.utils.exceptions import InvalidFileException

from gemis.core import exports, numbers
from gemis.indicators import grid, validation
from gemis.indicators.models import CategoryOptionCombo, DataElement, Dataset, DataValue, Period
from gemis.orgs.access import former_period_problem
from gemis.orgs.models import OrgUnit

XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
MARKER = "gemis-indicators-template"
TEMPLATE_VERSION = "1"
META_SHEET = "_gemis"
CODE_ROW = 4
HEADER_ROW = 5
FIRST_ROW = 6
FIRST_VALUE_COLUMN = 5  # E
TOTAL = validation.TOTAL
DEFAULT = "default"
MAX_ROWS = 100_000

GREY = PatternFill("solid", fgColor="D9D9D9")
HEADER = PatternFill("solid", fgColor="DDEBF7")


# --------------------------------------------------------------------------- the template


def _columns(elements: list[DataElement]) -> tuple[list[tuple[str, str]], dict[int, set[str]]]:
    """The value columns (cell code, label) in order, and the cells of each breakdown."""
    by_combo: dict[int, list[CategoryOptionCombo]] = {}
    for combo in CategoryOptionCombo.objects.filter(
        combo_id__in={e.category_combo_id for e in elements}
    ).order_by("pk"):
        by_combo.setdefault(combo.combo_id, []).append(combo)
    columns: dict[str, str] = {}
    cells_of: dict[int, set[str]] = {}
    for element in elements:
        cells = by_combo.get(element.category_combo_id, [])
        cells_of[element.category_combo_id] = {c.code for c in cells}
        for cell in cells:
            columns.setdefault(cell.code, cell.name if cell.option_codes else _("Value (no breakdown)"))
        if grid._is_sex_split(cells):
            cells_of[element.category_combo_id].add(TOTAL)
            columns.setdefault(TOTAL, _("Total"))
    # Broken-down cells first, the total right after the sex cells it adds up, the plain value last.
    ordered = [c for c in columns if c not in (TOTAL, DEFAULT)]
    if TOTAL in columns:
        sex_cells = [i for i, c in enumerate(ordered) if c in ("male", "female")]
        ordered.insert(max(sex_cells) + 1 if sex_cells else len(ordered), TOTAL)
    if DEFAULT in columns:
        ordered.append(DEFAULT)
    return [(c, columns[c]) for c in ordered], cells_of


def value_columns(dataset: Dataset) -> list[tuple[str, str]]:
    """The value columns of the dataset's template: (cell code, label)."""
    return _columns(list(dataset.data_elements.all()))[0]


def template_name(dataset: Dataset, period: Period) -> str:
    return f"bieu-nhap-{dataset.code}-{period.code}.xlsx"


def build_template(
    dataset: Dataset,
    period: Period,
    units: Iterable[OrgUnit],
    *,
    withheld: dict[int, frozenset[str]] | None = None,
) -> bytes:
    """The workbook to fill in for ``units``, with what they have saved already — except the values of
    the elements ``withheld`` for a unit (unit id → element codes; ``disclosure.withheld_elements``)."""
    units = list(units)
    elements = list(dataset.data_elements.order_by("code"))
    columns, cells_of = _columns(elements)
    codes = {e.pk: e.code for e in elements}
    withheld = withheld or {}
    saved: dict[tuple[int, int, str], float] = {}
    for unit_id, element_id, cell, value in DataValue.objects.filter(
        org_unit__in=units, period=period, data_element__in=elements
    ).values_list("org_unit_id", "data_element_id", "option_combo__code", "value"):
        if codes[element_id] not in withheld.get(unit_id, ()):
            saved[(unit_id, element_id, cell)] = value

    book = Workbook()
    sheet = book.active
    sheet.title = _("Data")[:31]
    # Names people typed (a local form, unit, element) go through the shared exporter's cell writer,
    # which keeps "=HYPERLINK(…)" a text instead of a live formula.
    exports.set_cell(sheet, 1, 1, _("Data-entry template: %(form)s") % {"form": dataset.name})
    sheet["A1"].font = Font(bold=True, size=13)
    exports.set_cell(
        sheet,
        2,
        1,
        _("Period: %(period)s (code %(code)s)")
        % {"period": grid.period_label(period.code), "code": period.code},
    )
    sheet["A3"] = _(
        "Fill in the white cells only; grey cells do not apply. Do not change the order of the columns "
        "or the hidden codes. Empty cells leave what is saved as it is."
    )
    sheet["A3"].alignment = Alignment(wrap_text=False)
    headers = [_("Unit (code)"), _("Unit"), _("Data element (code)"), _("Data element")]
    headers += [label for _code, label in columns]
    codes = ["unit", "", "element", "", *(code for code, _label in columns)]
    for index, (header, code) in enumerate(zip(headers, codes, strict=True), start=1):
        exports.set_cell(sheet, CODE_ROW, index, code)
        cell = exports.set_cell(sheet, HEADER_ROW, index, header)
        cell.font = Font(bold=True)
        cell.fill = HEADER
        cell.alignment = Alignment(wrap_text=True, vertical="top")
    row = FIRST_ROW
    for unit in units:
        for element in elements:
            exports.set_cell(sheet, row, 1, unit.path)
            exports.set_cell(sheet, row, 2, unit.name)
            exports.set_cell(sheet, row, 3, element.code)
            exports.set_cell(sheet, row, 4, f"{element.code} — {element.name}")
            applies = cells_of.get(element.category_combo_id, set())
            for offset, (code, _label) in enumerate(columns):
                target = sheet.cell(row, FIRST_VALUE_COLUMN + offset)
                if code not in applies:
                    target.fill = GREY
                    continue
                if code == TOTAL:
                    parts = [saved.get((unit.pk, element.pk, c)) for c in ("male", "female")]
                    if any(p is not None for p in parts):
                        target.value = sum(p or 0 for p in parts)
                else:
                    target.value = saved.get((unit.pk, element.pk, code))
                target.number_format = "#,##0.##"
            row += 1
    sheet.column_dimensions["A"].hidden = True
    sheet.column_dimensions["C"].hidden = True
    sheet.row_dimensions[CODE_ROW].hidden = True
    sheet.column_dimensions["B"].width = 30
    sheet.column_dimensions["D"].width = 55
    for offset in range(len(columns)):
        sheet.column_dimensions[get_column_letter(FIRST_VALUE_COLUMN + offset)].width = 14
    sheet.freeze_panes = sheet.cell(FIRST_ROW, FIRST_VALUE_COLUMN)

    meta = book.create_sheet(META_SHEET)
    for index, (key, value) in enumerate(
        [
            ("marker", MARKER),
            ("version", TEMPLATE_VERSION),
            ("dataset", dataset.code),
            ("period", period.code),
        ],
        start=1,
    ):
        exports.set_cell(meta, index, 1, key)
        exports.set_cell(meta, index, 2, value)
    meta.sheet_state = "hidden"
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


# --------------------------------------------------------------------------- reading it back


@dataclass
class RowReport:
    """One line of the file: what was read and what is wrong with it (column letter, message)."""

    row: int
    unit: OrgUnit | None
    unit_text: str
    element: str
    element_text: str
    values: dict[str, float | None] = field(default_factory=dict)
    errors: list[tuple[str, str]] = field(default_factory=list)

    @property
    def is_valid(self) -> bool:
        return not self.errors

    @property
    def filled(self) -> int:
        return sum(1 for code, v in self.values.items() if v is not None and code != TOTAL)


@dataclass
class UnitForm:
    unit: OrgUnit
    rows: list[RowReport] = field(default_factory=list)
    cells: dict[tuple[str, str], float | None] = field(default_factory=dict)

    @property
    def is_valid(self) -> bool:
        return all(r.is_valid for r in self.rows)

    @property
    def new_values(self) -> int:
        return sum(r.filled for r in self.rows)


@dataclass
class UploadReport:
    dataset: Dataset
    period: Period
    file_errors: list[str] = field(default_factory=list)
    rows: list[RowReport] = field(default_factory=list)
    units: dict[int, UnitForm] = field(default_factory=dict)

    @property
    def errors(self) -> list[tuple[int, str, str]]:
        """(row, column, message) for every problem, in the order of the file."""
        return [(r.row, column, message) for r in self.rows for column, message in r.errors]

    @property
    def valid_units(self) -> list[UnitForm]:
        return [u for u in self.units.values() if u.is_valid]

    @property
    def invalid_units(self) -> list[UnitForm]:
        return [u for u in self.units.values() if not u.is_valid]

    @property
    def values_to_save(self) -> int:
        return sum(u.new_values for u in self.valid_units)

    @property
    def value_count(self) -> int:
        return sum(r.filled for r in self.rows)


def _text(value: Any) -> str:
    return "" if value is None else str(value).strip()


def _number(value: Any) -> float | None:
    """A cell's number: a numeric cell as it is, a text the way the page reads it (``core.numbers``);
    raises ``numbers.NumberError`` for anything else, for NaN, infinities and numbers too large."""
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    if isinstance(value, bool | dt.date | dt.datetime | dt.time):
        raise numbers.NumberError(numbers.NOT_A_NUMBER, str(value))
    if isinstance(value, int | float):
        return numbers.check_value(value, text=str(value)[: numbers.MAX_LENGTH])
    return numbers.parse_for_page(str(value))


def _number_problem(error: numbers.NumberError, raw: Any) -> str:
    if error.code == numbers.NOT_A_NUMBER:
        return _("Not a number: %(text)s.") % {"text": _text(raw)[:40]}
    return numbers.message(error)


def read_upload(
    content: bytes,
    dataset: Dataset,
    period: Period,
    *,
    allowed_units: Any,
    today: dt.date,
) -> UploadReport:
    """Read a filled-in template; nothing is saved. ``allowed_units``: the units the person enters for."""
    report = UploadReport(dataset, period)
    try:
        book = load_workbook(io.BytesIO(content), read_only=True, data_only=True)
    except (zipfile.BadZipFile, InvalidFileException, KeyError, OSError, ValueError, TypeError):
        report.file_errors.append(_("The file cannot be opened as an Excel workbook (.xlsx): it is damaged."))
        return report
    try:
        _read_book(book, report, allowed_units, today)
    finally:
        book.close()
    return report


def data_rows(content: bytes) -> int:
    """How many rows the file's data sheet says it has below the header (0 if it cannot tell); cheap."""
    try:
        book = load_workbook(io.BytesIO(content), read_only=True, data_only=True)
    except (zipfile.BadZipFile, InvalidFileException, KeyError, OSError, ValueError, TypeError):
        return 0
    try:
        names = [name for name in book.sheetnames if name != META_SHEET]
        rows = book[names[0]].max_row if names else 0
    finally:
        book.close()
    return max(0, (rows or 0) - FIRST_ROW + 1)


def report_to_json(report: UploadReport) -> dict[str, Any]:
    """The report of a file checked in the background, to show its preview without reading it again."""
    in_form = {id(line) for form in report.units.values() for line in form.rows}
    return {
        "file_errors": report.file_errors,
        "rows": [
            {
                "row": line.row,
                "unit": line.unit.pk if line.unit else None,
                "unit_text": line.unit_text,
                "element": line.element,
                "element_text": line.element_text,
                "values": line.values,
                "errors": line.errors,
                "in_form": id(line) in in_form,
            }
            for line in report.rows
        ],
    }


def report_from_json(data: dict[str, Any], dataset: Dataset, period: Period) -> UploadReport:
    """The report as :func:`report_to_json` kept it (for the preview; saving reads the file again)."""
    report = UploadReport(dataset, period, list(data.get("file_errors", [])))
    units = OrgUnit.objects.in_bulk({r["unit"] for r in data.get("rows", []) if r.get("unit")})
    for item in data.get("rows", []):
        line = RowReport(
            item["row"],
            units.get(item.get("unit")),
            item["unit_text"],
            item["element"],
            item["element_text"],
            dict(item.get("values", {})),
            [tuple(error) for error in item.get("errors", [])],
        )
        report.rows.append(line)
        if item.get("in_form") and line.unit is not None:
            report.units.setdefault(line.unit.pk, UnitForm(line.unit)).rows.append(line)
    return report


def _meta(book: Any) -> dict[str, str]:
    if META_SHEET not in book.sheetnames:
        return {}
    found = {}
    for row in book[META_SHEET].iter_rows(min_row=1, max_row=10, max_col=2, values_only=True):
        if row and row[0]:
            found[str(row[0])] = _text(row[1] if len(row) > 1 else "")
    return found


def _read_book(book: Any, report: UploadReport, allowed_units: Any, today: dt.date) -> None:
    dataset, period = report.dataset, report.period
    meta = _meta(book)
    if meta.get("marker") != MARKER:
        report.file_errors.append(
            _(
                "This is not a GEMIS data-entry template. "
                "Download the template from the form's page and fill it in."
            )
        )
        return
    if meta.get("dataset") != dataset.code:
        report.file_errors.append(
            _("This template is for another form (%(code)s), not for “%(form)s”.")
            % {"code": meta.get("dataset") or "?", "form": dataset.name}
        )
    if meta.get("period") != period.code:
        report.file_errors.append(
            _("This template is for the period %(found)s, not for %(period)s.")
            % {"found": meta.get("period") or "?", "period": grid.period_label(period.code)}
        )
    if report.file_errors:
        return
    sheet = book[next(name for name in book.sheetnames if name != META_SHEET)]
    rows = sheet.iter_rows(min_row=CODE_ROW, values_only=True)
    code_row = next(rows, None) or ()
    if len(code_row) < 3 or _text(code_row[0]) != "unit" or _text(code_row[2]) != "element":
        report.file_errors.append(
            _("The hidden codes of the template were changed or removed. Download the template again.")
        )
        return
    elements = {e.code: e for e in dataset.data_elements.all()}
    _columns_found, cells_of = _columns(list(elements.values()))
    value_columns = [
        (index, _text(code))
        for index, code in enumerate(code_row)
        if index >= FIRST_VALUE_COLUMN - 1 and code
    ]
    known_cells = set().union(*cells_of.values()) if cells_of else set()
    for index, code in value_columns:
        if code not in known_cells:
            report.file_errors.append(
                _("Column %(column)s is not a cell of this form (%(code)s). Download the template again.")
                % {"column": get_column_letter(index + 1), "code": code}
            )
    if report.file_errors:
        return
    next(rows, None)  # the header row
    allowed = {u.path: u for u in allowed_units}
    paths_seen: dict[str, OrgUnit | None] = {}
    locked: dict[int, bool] = {}
    seen: set[tuple[int, str]] = set()
    for number, values in enumerate(rows, start=FIRST_ROW):
        if number - FIRST_ROW >= MAX_ROWS:
            report.file_errors.append(_("The file has more than %(n)s rows; split it.") % {"n": MAX_ROWS})
            return
        values = tuple(values) + (None,) * max(0, FIRST_VALUE_COLUMN - 1 - len(values))
        unit_key, element_key = _text(values[0]), _text(values[2])
        cells_raw = {code: values[index] if index < len(values) else None for index, code in value_columns}
        if not unit_key and not element_key and all(_text(v) == "" for v in cells_raw.values()):
            continue
        line = RowReport(
            number, None, _text(values[1]) or unit_key, element_key, _text(values[3]) or element_key
        )
        report.rows.append(line)
        if unit_key not in paths_seen:
            paths_seen[unit_key] = allowed.get(unit_key) or (
                None if not unit_key else OrgUnit.objects.filter(path=unit_key).first()
            )
        unit = paths_seen[unit_key]
        if unit is None:
            line.errors.append(("A", _("Unknown unit: the hidden code in column A was changed or removed.")))
        elif unit.path not in allowed:
            line.errors.append(("B", _("You may not enter data for %(unit)s.") % {"unit": unit.name}))
            unit = None
        line.unit = unit
        element = elements.get(element_key)
        if element is None:
            line.errors.append(("C", _("This data element is not part of the form.")))
        if unit is not None and unit.pk not in locked:
            locked[unit.pk] = validation.is_locked(dataset, period, unit, today)
        if unit is not None and locked[unit.pk]:
            line.errors.append(("B", _("This period is locked for data entry.")))
        elif unit is not None and (former := former_period_problem(unit, period.end)):
            line.errors.append(("B", former))
        if unit is not None and element is not None:
            if (unit.pk, element.code) in seen:
                line.errors.append(("C", _("This unit and data element appear twice in the file.")))
            seen.add((unit.pk, element.code))
        applies = cells_of.get(element.category_combo_id, set()) if element else set()
        for index, code in value_columns:
            column = get_column_letter(index + 1)
            try:
                number_value = _number(cells_raw[code])
            except numbers.NumberError as error:
                line.errors.append((column, _number_problem(error, cells_raw[code])))
                continue
            if number_value is None:
                continue
            if element is not None and code not in applies:
                line.errors.append(
                    (column, _("This cell does not apply to this data element; leave it empty."))
                )
                continue
            line.values[code] = number_value
        if unit is not None and element is not None:
            form = report.units.setdefault(unit.pk, UnitForm(unit))
            form.rows.append(line)
    _check_units(report)


def _check_units(report: UploadReport) -> None:
    """The domain's checks on each unit's form: what is saved, overlaid with the file's values."""
    dataset, period = report.dataset, report.period
    for form in report.units.values():
        cells: dict[tuple[str, str], float | None] = {
            key: dv.value for key, dv in grid.saved_values(dataset, period, form.unit).items()
        }
        rows_by_element = {r.element: r for r in form.rows}
        for line in form.rows:
            for code, value in line.values.items():
                cells[(line.element, code)] = value
        form.cells = cells
        for problem in validation.validate_cells(dataset, cells):
            line = rows_by_element.get(problem.element) or form.rows[0]
            column = _column_of(report, problem.cell) if problem.element == line.element else "D"
            line.errors.append((column, str(problem.message)))


def _column_of(report: UploadReport, cell: str | None) -> str:
    if cell is None:
        return "D"
    elements = list(report.dataset.data_elements.all())
    columns, _cells = _columns(elements)
    for offset, (code, _label) in enumerate(columns):
        if code == cell:
            return get_column_letter(FIRST_VALUE_COLUMN + offset)
    return "D"


def save_report(
    report: UploadReport,
    *,
    user: Any,
    today: dt.date,
    step: Callable[[Iterable[UnitForm]], Iterable[UnitForm]] | None = None,
) -> tuple[int, int]:
    """Save every unit whose rows are all correct; returns (units saved, values in them)."""
    units = report.valid_units
    saved_units = values = 0
    for form in step(units) if step else units:
        try:
            problems = validation.enter_values(
                report.dataset, report.period, form.unit, form.cells, user=user, today=today
            )
        except validation.LockedError:
            continue
        if not problems:
            saved_units += 1
            values += form.new_values
    return saved_units, values


# --------------------------------------------------------------------------- the error report


def error_report(report: UploadReport) -> bytes:
    """The report line by line as a workbook: row, column, unit, data element, message."""
    # The unit and element texts come from the uploaded file: the shared exporter keeps them text.
    titles = [_("Row"), _("Column"), _("Unit"), _("Data element"), _("Message")]
    columns = [
        exports.Column(title, width=width) for title, width in zip(titles, (8, 8, 30, 45, 80), strict=True)
    ]
    rows: list[list[Any]] = [["", "", "", "", message] for message in report.file_errors]
    rows += [
        [line.row, column, line.unit_text, line.element_text, message]
        for line in report.rows
        for column, message in line.errors
    ]
    return exports.xlsx_bytes(columns, rows, sheet_title=_("Errors"))
