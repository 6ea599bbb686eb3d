"""Checks on what a unit enters, period locking, completeness, and saving a form.

A form is a dict of *cells*: ``{(element code, cell code): value}``, the cell
codes being those of the element's breakdown ("male", "female", "default"…)
plus ``"total"`` for a form's "Tổng số" column, which is not stored but checked
against the cells (male + female = total). ``None`` is an empty cell.

Checks, each with a message in Vietnamese (English source strings):

* a value is not negative (or below the element's lowest allowed value) nor
  above its highest; whole numbers where the element counts people or cases;
* required cells (``Dataset.required_elements``) are filled;
* male + female = total where the form gives a total;
* numerator ≤ denominator for every percentage built on the form's elements
  (women literate ≤ women), overall and for each sex;
* the dataset's own cross-cell rules (:class:`~gemis.indicators.models.ValidationRule`).

Locking: a period closes ``Dataset.open_days_after_period`` days after it ends
and at every :class:`~gemis.indicators.models.PeriodLock` date set at or above
the unit — the earliest wins, so a district cannot keep open what the province
closed. A :class:`~gemis.indicators.models.LockException` granted to the unit
or a unit above it reopens the period until its date.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from django.db import IntegrityError
from django.db.models import Count
from django.utils.translation import gettext_lazy as _

from gemis.core import numbers
from gemis.indicators.models import (
    CategoryOptionCombo,
    DataElement,
    Dataset,
    DataValue,
    Indicator,
    IndicatorKind,
    LockException,
    Period,
    PeriodLock,
    ValidationRule,
)
from gemis.indicators.rollups import load_values
from gemis.orgs.models import OrgUnit

TOTAL = "total"
Cells = Mapping[tuple[str, str], float | None]
EPSILON = 1e-9
CONFLICT_MESSAGE = _(
    "Someone else saved values of this form for the unit meanwhile; nothing was saved for it. "
    "Open the form again and check it."
)


@dataclass(frozen=True)
class Problem:
    """One thing wrong in a form; ``cell`` None when it concerns a whole element or rule."""

    element: str
    cell: str | None
    code: str
    message: Any  # a lazy translation: str() it in the language of the page


def _number(value: float) -> str:
    """In the page's format ("1.234,5"), not Python's ("1e+06")."""
    return numbers.format_for_page(value)


def _cells_of(elements: Iterable[DataElement]) -> dict[str, dict[str, dict[str, str]]]:
    """element code → {cell code: option codes}."""
    elements = list(elements)
    by_combo: dict[int, dict[str, dict[str, str]]] = {}
    for combo_id, code, options in CategoryOptionCombo.objects.filter(
        combo_id__in={e.category_combo_id for e in elements}
    ).values_list("combo_id", "code", "option_codes"):
        by_combo.setdefault(combo_id, {})[code] = options
    return {e.code: by_combo.get(e.category_combo_id, {}) for e in elements}


def _side(
    terms: list[dict[str, Any]], cells: Cells, layout: dict[str, dict[str, dict[str, str]]], options
) -> float | None:
    """A formula side over the form's cells; None if a cell it needs is empty or it does not apply."""
    total = 0.0
    for term in terms:
        element = term["element"]
        if element not in layout:
            return None
        wanted = {**term.get("options", {})}
        for category, option in options.items():
            if wanted.get(category, option) != option:
                return None
            wanted[category] = option
        matching = [
            c for c, opts in layout[element].items() if all(opts.get(k) == v for k, v in wanted.items())
        ]
        if not matching:
            return None
        for code in matching:
            value = cells.get((element, code))
            if value is None:
                return None
            total += value * float(term.get("weight", 1))
    return total


def validate_cells(dataset: Dataset, cells: Cells) -> list[Problem]:
    """Every problem in ``cells`` for ``dataset``; an empty list means the form may be saved."""
    elements = {e.code: e for e in dataset.data_elements.all()}
    layout = _cells_of(elements.values())
    problems: list[Problem] = []

    for (code, cell), value in cells.items():
        element = elements.get(code)
        if element is None:
            problems.append(Problem(code, cell, "unknown", _("This data element is not part of the form.")))
            continue
        if value is None:
            continue
        if cell != TOTAL and cell not in layout[code]:
            problems.append(Problem(code, cell, "unknown_cell", _("This cell is not part of the form.")))
        if element.min_value is not None and value < element.min_value:
            message = (
                _("The value must not be negative.")
                if element.min_value == 0
                else _("The value must be at least %(min)s.") % {"min": _number(element.min_value)}
            )
            problems.append(Problem(code, cell, "below_min", message))
        if element.max_value is not None and value > element.max_value:
            problems.append(
                Problem(
                    code,
                    cell,
                    "above_max",
                    _("The value must be at most %(max)s.") % {"max": _number(element.max_value)},
                )
            )
        if element.is_integer and abs(value - round(value)) > EPSILON:
            problems.append(Problem(code, cell, "not_integer", _("The value must be a whole number.")))

    for element in dataset.required_elements.all():
        for cell in layout.get(element.code, {}):
            if cells.get((element.code, cell)) is None:
                problems.append(Problem(element.code, cell, "required", _("This cell must be filled in.")))

    for code, cell_layout in layout.items():
        total = cells.get((code, TOTAL))
        if total is None or not any("sex" in opts for opts in cell_layout.values()):
            continue
        parts = [cells.get((code, c)) for c, opts in cell_layout.items() if "sex" in opts]
        if any(p is None for p in parts):
            continue
        if abs(sum(parts) - total) > EPSILON:
            problems.append(
                Problem(
                    code,
                    TOTAL,
                    "sum_mismatch",
                    _("Male + female (%(sum)s) must equal the total (%(total)s).")
                    % {"sum": _number(sum(parts)), "total": _number(total)},
                )
            )

    problems += _ratio_problems(elements, layout, cells)
    problems += _rule_problems(dataset, layout, cells)
    return problems


def _ratio_problems(elements: dict[str, DataElement], layout, cells: Cells) -> list[Problem]:
    problems = []
    codes = set(elements)
    for indicator in Indicator.objects.filter(kind=IndicatorKind.PERCENTAGE):
        needed = indicator.element_codes()
        if not needed or not needed <= codes:
            continue
        for options in ({}, {"sex": "male"}, {"sex": "female"}):
            numerator = _side(indicator.numerator, cells, layout, options)
            denominator = _side(indicator.denominator, cells, layout, options)
            if numerator is not None and denominator is not None and numerator > denominator + EPSILON:
                problems.append(
                    Problem(
                        indicator.numerator[0]["element"],
                        options.get("sex"),
                        "numerator_above_denominator",
                        _("%(indicator)s: the numerator (%(numerator)s) exceeds the denominator (%(den)s).")
                        % {
                            "indicator": indicator.code,
                            "numerator": _number(numerator),
                            "den": _number(denominator),
                        },
                    )
                )
    return problems


_OPERATORS = {
    "==": lambda a, b: abs(a - b) <= EPSILON,
    "<=": lambda a, b: a <= b + EPSILON,
    ">=": lambda a, b: a + EPSILON >= b,
}


def _rule_problems(dataset: Dataset, layout, cells: Cells) -> list[Problem]:
    problems = []
    for rule in dataset.validation_rules.all():
        left = _side(rule.left, cells, layout, {})
        right = _side(rule.right, cells, layout, {})
        if left is None or right is None or _OPERATORS[rule.operator](left, right):
            continue
        message = rule.message or _("%(rule)s: %(left)s %(operator)s %(right)s does not hold.") % {
            "rule": rule.name,
            "left": _number(left),
            "operator": rule.operator,
            "right": _number(right),
        }
        element = rule.left[0]["element"] if rule.left else ""
        problems.append(Problem(element, None, "rule", message))
    return problems


# --------------------------------------------------------------------------- locking


def _at_or_above(unit: OrgUnit) -> list[str]:
    parts = unit.path.strip("/").split("/")
    return ["/".join(parts[:end]) + "/" for end in range(2, len(parts) + 1)]


def lock_date(dataset: Dataset, period: Period, unit: OrgUnit) -> dt.date | None:
    """The last day ``unit`` may enter ``period`` of ``dataset`` (None: no deadline)."""
    dates = list(
        PeriodLock.objects.filter(
            dataset=dataset, period=period, org_unit__path__in=_at_or_above(unit)
        ).values_list("lock_after", flat=True)
    )
    if dataset.open_days_after_period is not None:
        dates.append(period.end + dt.timedelta(days=dataset.open_days_after_period))
    return min(dates) if dates else None


def is_locked(dataset: Dataset, period: Period, unit: OrgUnit, today: dt.date) -> bool:
    """May ``unit`` no longer enter ``period`` of ``dataset`` on ``today``? Exceptions reopen it."""
    deadline = lock_date(dataset, period, unit)
    if deadline is None or today <= deadline:
        return False
    return not LockException.objects.filter(
        dataset=dataset, period=period, org_unit__path__in=_at_or_above(unit), until__gte=today
    ).exists()


# --------------------------------------------------------------------------- completeness and saving


@dataclass(frozen=True)
class Completeness:
    filled: int
    expected: int

    @property
    def share(self) -> float:
        return self.filled / self.expected if self.expected else 1.0


def completeness(dataset: Dataset, period: Period, units: Iterable[OrgUnit]) -> dict[int, Completeness]:
    """For each unit, how many cells of the dataset it has filled for the period (one query)."""
    units = list(units)
    elements = list(dataset.data_elements.all())
    expected = sum(len(cells) for cells in _cells_of(elements).values())
    filled = dict(
        DataValue.objects.filter(org_unit__in=units, period=period, data_element__in=elements)
        .values_list("org_unit_id")
        .annotate(n=Count("pk"))
        .values_list("org_unit_id", "n")
    )
    return {u.pk: Completeness(filled.get(u.pk, 0), expected) for u in units}


class LockedError(Exception):
    """The period is locked for this unit."""


def enter_values(
    dataset: Dataset,
    period: Period,
    unit: OrgUnit,
    cells: Cells,
    *,
    user: Any = None,
    today: dt.date,
) -> list[Problem]:
    """Check and save a form: returns the problems (nothing saved) or [] once saved with history.

    Raises :class:`LockedError` if the period is locked for the unit. The total
    column is checked, not stored; empty cells are left as they are.
    """
    if is_locked(dataset, period, unit, today):
        raise LockedError(_("This period is locked for data entry."))
    problems = validate_cells(dataset, cells)
    if problems:
        return problems
    elements = {e.code: e for e in dataset.data_elements.all()}
    combos = {
        (combo_id, code): pk
        for pk, combo_id, code in CategoryOptionCombo.objects.filter(
            combo_id__in={e.category_combo_id for e in elements.values()}
        ).values_list("pk", "combo_id", "code")
    }
    rows = [
        (unit.pk, period.pk, elements[code].pk, combos[(elements[code].category_combo_id, cell)], value)
        for (code, cell), value in cells.items()
        if value is not None and cell != TOTAL
    ]
    try:
        load_values(rows, user=user, reason="data entry")
    except IntegrityError:
        # Someone saved a first value of one of these cells meanwhile (the unique constraint told):
        # nothing of this unit is saved, rather than a 500 or an overwrite.
        return [Problem("", None, "conflict", CONFLICT_MESSAGE)]
    return []


__all__ = [
    "TOTAL",
    "Completeness",
    "LockedError",
    "Problem",
    "ValidationRule",
    "completeness",
    "enter_values",
    "is_locked",
    "lock_date",
    "validate_cells",
]
