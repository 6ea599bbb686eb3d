"""The data-entry grid: who enters for which unit, the grid's layout, and saving one cell.

A grid is one dataset × unit × period: a row per data element, a column per
cell of its breakdown (Nam, Nữ…), grouped by breakdown so that every section
has its own header. The total of a sex breakdown is shown, computed from the
saved cells (the domain never stores it).

Saving one cell, as the grid does when the officer leaves it:

1. the period must be open for the unit (``validation.is_locked``);
2. the value must be a number written the page's way ("1.234,5" in Vietnamese,
   "1,234.5" in English), finite and within ``numbers.MAX_MAGNITUDE``
   (``gemis.core.numbers``: an ambiguous "1.950" on an English page is refused);
3. the row must still have the version the officer saw, else the save is
   refused as a conflict (no lost updates);
4. ``validation.validate_cells`` runs on the whole form as saved plus the new
   cell; only problems this change *brings* refuse it (a ratio above its
   denominator, a broken cross-cell rule, a negative value). Cells still
   empty are a matter of completeness, shown beside the grid, not a reason
   to refuse the cells already typed;
5. a value more than ten times the cell's last earlier value (the same element,
   cell and unit, an earlier period of the same type) is not saved until the
   officer confirms it (``confirm=True``): a common slip of the keyboard;
6. the value is written with ``rollups.load_values`` (the domain's writer,
   which keeps the rollups of every unit above current in the same
   transaction); an emptied cell deletes the value (``indicators.rollups``'
   delete receiver moves it out of the rollups).

Who enters: the access rule's ``CHANGE`` on a value of the unit — coordinators
and administrators of the unit or above, and the focal points of the unit's
own agencies (``DataValue.ACCESS_OWN_UNIT_CHANGE``; DESIGN: a focal point
enters indicator data for its own unit).
"""

from __future__ import annotations

import datetime as dt
import functools
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.db import IntegrityError, transaction
from django.utils.translation import gettext_lazy as _

from gemis.core import numbers
from gemis.indicators import completion, validation
from gemis.indicators.models import (
    CategoryOptionCombo,
    DataElement,
    Dataset,
    DataValue,
    FormCompletion,
    Indicator,
    LockException,
    Period,
    PeriodType,
    Target,
)
from gemis.indicators.rollups import RollupError, load_values
from gemis.orgs import access
from gemis.orgs.models import OrgUnit

TOTAL = validation.TOTAL

SAVED = "saved"
INVALID = "invalid"
CONFLICT = "conflict"
LOCKED = "locked"
UNCHANGED = "unchanged"
CONFIRM = "confirm"

CONFLICT_MESSAGE = _(
    "Someone else saved this cell after you opened the form: it now holds %(value)s. Your value "
    "(%(yours)s) was not saved; type it again if it is still right."
)

REOPENED = _(
    "Saved. The form was marked complete and now misses a cell a figure needs: it is open again; mark it "
    "complete once every cell is filled."
)

DAMAGED_TOTALS = _(
    "The totals above this unit hold a damaged value, so nothing was saved. Ask the system "
    "administrator to run “gemis rebuild-rollups --check”, then save again."
)

# --------------------------------------------------------------------------- periods


def period_label(code: str) -> str:
    """ "2024" → "Năm 2024", "2024H1" → "6 tháng đầu năm 2024", "2024Q3" → "Quý III/2024"…"""
    try:
        kind, start, _end = _parse(code)
    except ValueError:
        return code
    year = start.year
    if kind == PeriodType.YEAR:
        return str(_("Year %(year)s") % {"year": year})
    if kind == PeriodType.HALF_YEAR:
        if start.month == 1:
            return str(_("First half of %(year)s") % {"year": year})
        return str(_("Second half of %(year)s") % {"year": year})
    if kind == PeriodType.QUARTER:
        roman = ["I", "II", "III", "IV"][(start.month - 1) // 3]
        return str(_("Quarter %(quarter)s/%(year)s") % {"quarter": roman, "year": year})
    return str(_("Month %(month)s/%(year)s") % {"month": start.month, "year": year})


def _parse(code: str):
    from gemis.indicators.models import parse_period_code

    return parse_period_code(code)


def period_choices(dataset: Dataset, today: dt.date, years: int = 5) -> list[tuple[str, str]]:
    """The periods of the dataset's type that have started, the latest first."""
    codes: list[str] = []
    for year in range(today.year, today.year - years, -1):
        if dataset.period_type == PeriodType.YEAR:
            codes.append(str(year))
        elif dataset.period_type == PeriodType.HALF_YEAR:
            codes += [f"{year}H2", f"{year}H1"]
        elif dataset.period_type == PeriodType.QUARTER:
            codes += [f"{year}Q{q}" for q in (4, 3, 2, 1)]
        else:
            codes += [f"{year}-{m:02d}" for m in range(12, 0, -1)]
    started = [c for c in codes if _parse(c)[1] <= today]
    return [(c, period_label(c)) for c in started]


def default_period(dataset: Dataset, today: dt.date) -> str:
    """The last period that has ended (what units are entering now), else the current one."""
    choices = period_choices(dataset, today)
    for code, _label in choices:
        if _parse(code)[2] < today:
            return code
    return choices[0][0] if choices else str(today.year)


show = numbers.format_for_page  # a stored value as this page writes it


# --------------------------------------------------------------------------- the grid


def cell_label(element: DataElement, combo: CategoryOptionCombo) -> str:
    """What a cell asks for, in words: "Số trẻ em trai sinh ra trong năm", or "Số người … — Nữ" for
    one cell of a breakdown (a cell without breakdown is the element itself, not its "Tổng số")."""
    return element.name if not combo.option_codes else f"{element.name} — {combo.name}"


@dataclass
class GridCell:
    element: str
    cell: str
    label: str
    value: float | None = None
    version: int = 0
    applies: bool = True
    has_comment: bool = False
    #: a violence count below province level the person may not see (``disclosure``)
    withheld: bool = False
    #: the cell's own column ("Nam", "Nữ"), shown above its input where the columns' header is not
    column: str = ""

    @property
    def display(self) -> str:
        return str(_("hidden")) if self.withheld else numbers.format_for_page(self.value)


@dataclass(frozen=True)
class Feeds:
    """An indicator a row's number goes into, with the targets set on it: a detail of the row."""

    code: str
    name: str
    targets: tuple[str, ...] = ()


@dataclass
class GridRow:
    element: DataElement
    cells: list[GridCell]
    required: bool = False
    total: float | None = None
    has_total: bool = False
    feeds: list[Feeds] = field(default_factory=list)

    @property
    def detail(self) -> str:
        """The technical side of the row, for its tooltip: the element's code and what it feeds."""
        parts = [str(_("Code: %(code)s") % {"code": self.element.code})]
        for feed in self.feeds:
            targets = f"; {', '.join(feed.targets)}" if feed.targets else ""
            parts.append(
                str(_("Used for: %(indicator)s") % {"indicator": f"{feed.name} ({feed.code}{targets})"})
            )
        return " · ".join(parts)

    @property
    def total_display(self) -> str:
        return numbers.format_for_page(self.total)


@dataclass
class GridSection:
    name: str
    columns: list[tuple[str, str]]  # (cell code, label)
    has_total: bool
    rows: list[GridRow] = field(default_factory=list)

    @property
    def is_split(self) -> bool:
        """Broken down (Nam, Nữ…), not the single cell of an element entered as one number."""
        return any(code != "default" for code, _label in self.columns)


@dataclass
class LockState:
    locked: bool
    deadline: dt.date | None
    exception: LockException | None


def _layout(elements: list[DataElement]) -> dict[int, list[CategoryOptionCombo]]:
    by_combo: dict[int, list[CategoryOptionCombo]] = {}
    for combo in CategoryOptionCombo.objects.filter(
        combo_id__in={e.category_combo_id for e in elements}
    ).order_by("pk"):
        by_combo.setdefault(combo.combo_id, []).append(combo)
    return by_combo


def _is_sex_split(cells: list[CategoryOptionCombo]) -> bool:
    return len(cells) > 1 and all(set(c.option_codes) == {"sex"} for c in cells)


def element_feeds(elements: list[DataElement]) -> dict[str, list[Feeds]]:
    """The indicators each element goes into (by element code), with their targets' codes.

    A formula is a list in a JSON field, which no database searches alike: the indicators are read
    once (the catalog holds a few hundred) and matched here."""
    codes = {e.code for e in elements}
    found: dict[str, list[Feeds]] = {}
    indicators = [
        i
        for i in Indicator.objects.only("pk", "code", "name", "numerator", "denominator").order_by("code")
        if i.element_codes() & codes
    ]
    targets: dict[int, list[str]] = {}
    for indicator_id, code in (
        Target.objects.filter(indicator__in=indicators, org_unit__isnull=True)
        .exclude(code="")
        .order_by("code")
        .values_list("indicator_id", "code")
        .distinct()
    ):
        if code not in targets.setdefault(indicator_id, []):
            targets[indicator_id].append(code)
    for indicator in indicators:
        feed = Feeds(indicator.code, indicator.name, tuple(targets.get(indicator.pk, [])))
        for code in sorted(indicator.element_codes() & codes):
            found.setdefault(code, []).append(feed)
    return found


def saved_values(dataset: Dataset, period: Period, unit: OrgUnit) -> dict[tuple[str, str], DataValue]:
    """The unit's saved values of the dataset for the period, by (element code, cell code)."""
    rows = DataValue.objects.filter(
        org_unit=unit, period=period, data_element__in=dataset.data_elements.all()
    ).select_related("data_element", "option_combo")
    return {(dv.data_element.code, dv.option_combo.code): dv for dv in rows}


def build_grid(
    dataset: Dataset, period: Period, unit: OrgUnit, *, withheld: frozenset[str] = frozenset()
) -> list[GridSection]:
    """The grid's sections, one per breakdown, with the saved values and their versions; the values of
    the ``withheld`` elements are left out (``disclosure.withheld_elements``)."""
    elements = list(dataset.data_elements.select_related("category_combo").order_by("code"))
    required = set(dataset.required_elements.values_list("pk", flat=True))
    layout = _layout(elements)
    saved = saved_values(dataset, period, unit)
    feeds = element_feeds(elements)
    sections: dict[int, GridSection] = {}
    for element in elements:
        cells = layout.get(element.category_combo_id, [])
        section = sections.get(element.category_combo_id)
        has_total = _is_sex_split(cells)
        if section is None:
            columns = [(c.code, c.name) for c in cells]
            section = GridSection(element.category_combo.name, columns, has_total)
            sections[element.category_combo_id] = section
        row = GridRow(
            element, [], element.pk in required, has_total=has_total, feeds=feeds.get(element.code, [])
        )
        for combo in cells:
            dv = None if element.code in withheld else saved.get((element.code, combo.code))
            row.cells.append(
                GridCell(
                    element.code,
                    combo.code,
                    cell_label(element, combo),
                    dv.value if dv else None,
                    dv.version if dv else 0,
                    has_comment=bool(dv and dv.comment),
                    withheld=element.code in withheld,
                    column=combo.name if combo.option_codes else "",
                )
            )
        if has_total:
            row.total = row_total(row.cells)
        section.rows.append(row)
    return list(sections.values())


def row_total(cells: list[GridCell]) -> float | None:
    values = [c.value for c in cells]
    return None if all(v is None for v in values) else sum(v or 0 for v in values)


def lock_state(dataset: Dataset, period: Period, unit: OrgUnit, today: dt.date) -> LockState:
    deadline = validation.lock_date(dataset, period, unit)
    locked = validation.is_locked(dataset, period, unit, today)
    exception = None
    if deadline is not None and today > deadline and not locked:
        exception = (
            LockException.objects.filter(
                dataset=dataset,
                period=period,
                org_unit__path__in=_at_or_above(unit),
                until__gte=today,
            )
            .order_by("-until")
            .first()
        )
    return LockState(locked, deadline, exception)


def _at_or_above(unit: OrgUnit) -> list[str]:
    parts = unit.path.strip("/").split("/")
    return ["/".join(parts[:end]) + "/" for end in range(2, len(parts) + 1)]


# --------------------------------------------------------------------------- saving one cell


@dataclass
class CellResult:
    status: str
    element: str
    cell: str
    value: float | None = None
    version: int = 0
    messages: list[str] = field(default_factory=list)
    row_total: float | None = None
    label: str = ""
    column: str = ""

    @property
    def display(self) -> str:
        return numbers.format_for_page(self.value)

    @property
    def total_display(self) -> str:
        return numbers.format_for_page(self.row_total)


def _problem_key(problem: validation.Problem) -> tuple[str, str | None, str, str]:
    return (problem.element, problem.cell, problem.code, str(problem.message))


def check_change(
    dataset: Dataset, current: dict[tuple[str, str], float | None], key: tuple[str, str], value: float | None
) -> list[validation.Problem]:
    """The problems that setting ``key`` to ``value`` brings to the form ``current`` (empty cells aside)."""
    after = {**current, key: value}
    before_keys = {_problem_key(p) for p in validation.validate_cells(dataset, current)}
    found = []
    for problem in validation.validate_cells(dataset, after):
        if problem.code == "required" or _problem_key(problem) in before_keys:
            continue
        # Checks of one value concern that value only; cross-cell ones concern whoever changes them.
        if problem.code in ("below_min", "above_max", "not_integer", "unknown_cell"):
            if (problem.element, problem.cell) != key:
                continue
        found.append(problem)
    return found


def _labelled(save: Callable[..., CellResult]) -> Callable[..., CellResult]:
    """Name the cell in the result ("Số người — Nữ"), whatever way the save ended: the message
    under a refused cell and the "saved" mark both say which cell they are about."""

    @functools.wraps(save)
    def wrapper(
        dataset: Dataset,
        period: Period,
        unit: OrgUnit,
        element_code: str,
        cell_code: str,
        *args: Any,
        **kwargs: Any,
    ) -> CellResult:
        result = save(dataset, period, unit, element_code, cell_code, *args, **kwargs)
        if not (_is_code(element_code) and _is_code(cell_code)):
            return result
        element = DataElement.objects.filter(code=element_code).first()
        combo = CategoryOptionCombo.objects.filter(
            code=cell_code, combo__in=DataElement.objects.filter(code=element_code).values("category_combo")
        ).first()
        if element is not None and combo is not None:
            result.label = cell_label(element, combo)
            result.column = combo.name if combo.option_codes else ""
        return result

    return wrapper


def _is_code(text: str) -> bool:
    """A code that can be looked up (PostgreSQL refuses NUL in a text; codes are short)."""
    return "\x00" not in text and len(text) <= 200


def _cell_of(dataset: Dataset, element_code: str, cell_code: str):
    """(element, cell) of the form, or (None, None) for a cell that is not part of it."""
    if not (_is_code(element_code) and _is_code(cell_code)):
        return None, None
    element = dataset.data_elements.filter(code=element_code).first()
    combo = (
        CategoryOptionCombo.objects.filter(combo_id=element.category_combo_id, code=cell_code).first()
        if element
        else None
    )
    return (element, combo) if combo is not None else (None, None)


def person_name(user: Any) -> str:
    return (user.get_full_name() or user.username) if user is not None else "—"


@dataclass(frozen=True)
class CellChange:
    """One line of a cell's history: when, who, what ("+" entered, "~" changed, "-" erased)."""

    when: dt.datetime
    who: str
    kind: str
    value: float | None
    comment: str


@dataclass
class CellDetail:
    """One cell as its history tells it: the value now, who entered it and when, and every change."""

    element: DataElement
    combo: CategoryOptionCombo
    value: DataValue | None
    history: list[CellChange]
    locked: bool

    @property
    def label(self) -> str:
        return cell_label(self.element, self.combo)

    @property
    def entered_by(self) -> str:
        return person_name(self.value.entered_by) if self.value else "—"


HISTORY_ROWS = 20
MAX_COMMENT = 1000


def cell_detail(
    dataset: Dataset, period: Period, unit: OrgUnit, element_code: str, cell_code: str, today: dt.date
) -> CellDetail | None:
    element, combo = _cell_of(dataset, element_code, cell_code)
    if element is None:
        return None
    key = {"org_unit": unit, "period": period, "data_element": element, "option_combo": combo}
    value = DataValue.objects.select_related("entered_by").filter(**key).first()
    records = (
        DataValue.history.filter(
            org_unit_id=unit.pk, period_id=period.pk, data_element_id=element.pk, option_combo_id=combo.pk
        )
        .select_related("history_user", "entered_by")
        .order_by("-history_date", "-history_id")[:HISTORY_ROWS]
    )
    history = [
        CellChange(
            r.history_date, person_name(r.history_user or r.entered_by), r.history_type, r.value, r.comment
        )
        for r in records
    ]
    return CellDetail(element, combo, value, history, validation.is_locked(dataset, period, unit, today))


def save_comment(
    dataset: Dataset,
    period: Period,
    unit: OrgUnit,
    element_code: str,
    cell_code: str,
    comment: str,
    *,
    user: Any,
    today: dt.date,
) -> list[str]:
    """Note why a value is what it is ("ước tính", "theo báo cáo của xã"); returns what is wrong.

    The value's version is left as it is: a note does not make the number in the grid stale."""
    element, combo = _cell_of(dataset, element_code, cell_code)
    if element is None:
        return [str(_("This cell is not part of the form."))]
    if validation.is_locked(dataset, period, unit, today):
        return [str(_("This period is locked for data entry."))]
    comment = comment.replace("\x00", "").strip()  # PostgreSQL cannot store NUL; it is never meant
    if len(comment) > MAX_COMMENT:
        return [str(_("A note has at most %(n)d characters.") % {"n": MAX_COMMENT})]
    with transaction.atomic():
        value = (
            DataValue.objects.select_for_update()
            .filter(org_unit=unit, period=period, data_element=element, option_combo=combo)
            .first()
        )
        if value is None:
            return [str(_("Enter the value first; the note goes with it."))]
        if value.comment != comment:
            value.comment = comment
            value._history_user = user  # the note's author in the history, not the value's
            value.save(update_fields=["comment"])
    return []


TIMES_PREVIOUS = 10


def previous_value(
    period: Period, unit: OrgUnit, element: DataElement, combo: CategoryOptionCombo
) -> tuple[float, Period] | None:
    """The cell's last value in an earlier period of the same type (2023 for 2024, Q4 for Q1), if any."""
    found = (
        DataValue.objects.filter(
            org_unit=unit,
            data_element=element,
            option_combo=combo,
            period__type=period.type,
            period__start__lt=period.start,
        )
        .select_related("period")
        .order_by("-period__start")
        .first()
    )
    return (found.value, found.period) if found is not None else None


def needs_confirmation(value: float | None, previous: float | None) -> bool:
    """More than ten times the last value (a digit typed twice, a thousands mark misread)."""
    if value is None or not previous or not numbers.is_storable(previous):
        return False
    return abs(value) > TIMES_PREVIOUS * abs(previous)


def _conflict(
    dataset: Dataset,
    period: Period,
    unit: OrgUnit,
    element: DataElement,
    cell_code: str,
    existing: DataValue | None,
    text: str,
) -> CellResult:
    now = existing.value if existing else None
    return CellResult(
        CONFLICT,
        element.code,
        cell_code,
        now,
        existing.version if existing else 0,
        [
            str(
                CONFLICT_MESSAGE
                % {"value": numbers.format_for_page(now) or "—", "yours": text.strip() or "—"}
            )
        ],
        _row_total(dataset, period, unit, element),
    )


@_labelled
def save_cell(
    dataset: Dataset,
    period: Period,
    unit: OrgUnit,
    element_code: str,
    cell_code: str,
    text: str,
    expected_version: int,
    *,
    user: Any,
    today: dt.date,
    confirm: bool = False,
) -> CellResult:
    """Check and save one cell of the grid (see the module's docstring)."""
    element, combo = _cell_of(dataset, element_code, cell_code)
    if element is None:
        return CellResult(
            INVALID, element_code, cell_code, messages=[str(_("This cell is not part of the form."))]
        )
    if validation.is_locked(dataset, period, unit, today):
        return CellResult(
            LOCKED, element_code, cell_code, messages=[str(_("This period is locked for data entry."))]
        )
    if former := access.former_period_problem(unit, period.end):  # former units: backfilling only
        return CellResult(LOCKED, element_code, cell_code, messages=[former])
    try:
        value = numbers.parse_for_page(text)
    except numbers.NumberError as error:
        return CellResult(INVALID, element_code, cell_code, messages=[numbers.message(error)])

    key = {"org_unit": unit, "period": period, "data_element": element, "option_combo": combo}
    try:
        with transaction.atomic():
            existing = DataValue.objects.select_for_update().filter(**key).first()
            current_version = existing.version if existing else 0
            if current_version != expected_version:
                return _conflict(dataset, period, unit, element, cell_code, existing, text)
            if (existing.value if existing else None) == value:
                return CellResult(
                    UNCHANGED,
                    element_code,
                    cell_code,
                    value,
                    current_version,
                    row_total=_row_total(dataset, period, unit, element),
                )
            current = {key: dv.value for key, dv in saved_values(dataset, period, unit).items()}
            problems = check_change(dataset, current, (element_code, cell_code), value)
            if problems:
                return CellResult(
                    INVALID,
                    element_code,
                    cell_code,
                    value,
                    current_version,
                    list(dict.fromkeys(str(p.message) for p in problems)),
                )
            previous = previous_value(period, unit, element, combo)
            if not confirm and previous is not None and needs_confirmation(value, previous[0]):
                message = _(
                    "This is more than ten times the value of %(period)s (%(previous)s). Check it: if it "
                    "is right, press “Save anyway”."
                ) % {
                    "period": period_label(previous[1].code),
                    "previous": numbers.format_for_page(previous[0]),
                }
                return CellResult(CONFIRM, element_code, cell_code, value, current_version, [str(message)])
            if value is None:
                existing.delete()  # the domain's delete signal takes it out of the rollups
                version = 0
            elif existing is None:
                # The first save of an empty cell: nothing to lock yet, so the unique constraint decides.
                # Whoever inserts second (PostgreSQL waits for the first to commit) gets the conflict.
                try:
                    with transaction.atomic():
                        created = DataValue(**key, value=value, entered_by=user)
                        created._history_user = user
                        created._change_reason = "data entry"
                        created.save()
                except IntegrityError:
                    return _conflict(
                        dataset,
                        period,
                        unit,
                        element,
                        cell_code,
                        DataValue.objects.filter(**key).first(),
                        text,
                    )
                version = created.version
            else:
                load_values(
                    [(unit.pk, period.pk, element.pk, combo.pk, value)], user=user, reason="data entry"
                )
                version = current_version + 1
    except RollupError:
        # The totals above the unit are already damaged (a value saved before numbers were checked).
        return CellResult(INVALID, element_code, cell_code, messages=[str(DAMAGED_TOTALS)])
    # A completed form that lost a cell a figure needs is no longer complete (``completion``).
    reopened = completion.recheck(dataset, period, unit)
    return CellResult(
        SAVED,
        element_code,
        cell_code,
        value,
        version,
        messages=[str(REOPENED)] if reopened else [],
        row_total=_row_total(dataset, period, unit, element),
    )


def _row_total(dataset: Dataset, period: Period, unit: OrgUnit, element: DataElement) -> float | None:
    values = list(
        DataValue.objects.filter(org_unit=unit, period=period, data_element=element).values_list(
            "value", flat=True
        )
    )
    return sum(values) if values else None


# --------------------------------------------------------------------------- completeness below a unit


@dataclass
class CompletenessRow:
    unit: OrgUnit
    filled: int
    expected: int
    locked: bool
    #: the unit marked the form as entered in full (``completion``)
    completed: bool = False

    @property
    def percent(self) -> int:
        return round(100 * self.filled / self.expected) if self.expected else 100

    @property
    def is_complete(self) -> bool:
        return self.filled >= self.expected


MAX_COMPLETENESS_UNITS = 500


def unit_completeness(dataset: Dataset, period: Period, unit: OrgUnit) -> CompletenessRow:
    """How many cells of the form the unit itself has filled."""
    found = validation.completeness(dataset, period, [unit])[unit.pk]
    return CompletenessRow(unit, found.filled, found.expected, False)


def completeness_below(
    user: Any, dataset: Dataset, period: Period, unit: OrgUnit, today: dt.date
) -> list[CompletenessRow]:
    """The unit and every unit below it the person may read, with the cells they filled (≤ 500)."""
    units = list(
        access.filter_for(user, OrgUnit.objects.filter(path__startswith=unit.path)).order_by("path")[
            :MAX_COMPLETENESS_UNITS
        ]
    )
    found = validation.completeness(dataset, period, units)
    done = set(
        FormCompletion.objects.filter(dataset=dataset, period=period, org_unit__in=units).values_list(
            "org_unit_id", flat=True
        )
    )
    return [
        CompletenessRow(
            u,
            found[u.pk].filled,
            found[u.pk].expected,
            validation.is_locked(dataset, period, u, today),
            u.pk in done,
        )
        for u in units
    ]
