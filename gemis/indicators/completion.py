"""A unit marks its form for a period as entered in full — only when nothing a figure needs is missing.

A percentage counts a unit only when both its numerator and its denominator are
there, every cell of them (``aggregate``): a commune that typed the women
helped but not the victims is left out of its province's share. Saving cells
one at a time must allow such a half-filled form (people type in any order);
marking it complete must not. :func:`form_problems` lists what is missing:

* a required element (``Dataset.required_elements``) with an empty cell;
* an element of a ratio of the form with some cells filled and others empty;
* a ratio with one side entered and the other not.

:func:`complete_form` records the mark (one transaction; refused while the
period is locked, or when the form changed since the person looked at it —
``expected_version`` is the number of values she saw); :func:`reopen_form`
takes it back. Saving a cell of a completed form keeps the mark only if the
form is still complete (``grid.save_cell`` calls :func:`recheck`).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from gemis.indicators import validation
from gemis.indicators.models import (
    CategoryOptionCombo,
    Dataset,
    DataValue,
    FormCompletion,
    Indicator,
    IndicatorKind,
    Period,
)
from gemis.orgs.models import OrgUnit

__all__ = ["FormIncomplete", "complete_form", "completion_of", "form_problems", "recheck", "reopen_form"]


CHANGED = gettext_lazy(
    "The form changed after you opened it (someone saved or emptied a cell): look at it again."
)


class FormIncomplete(Exception):
    """The form cannot be marked complete: ``problems`` says what is missing."""

    def __init__(self, problems: list[str]) -> None:
        super().__init__("; ".join(problems))
        self.problems = problems


@dataclass(frozen=True)
class _Filled:
    cells: dict[str, set[str]]  # element code → the cell codes filled
    layout: dict[str, set[str]]  # element code → every cell code of its breakdown
    names: dict[str, str]


def _filled(dataset: Dataset, period: Period, unit: OrgUnit) -> _Filled:
    elements = list(dataset.data_elements.all())
    layout: dict[str, set[str]] = {e.code: set() for e in elements}
    by_combo = {e.category_combo_id: e.code for e in elements}
    for combo_id, code in CategoryOptionCombo.objects.filter(combo_id__in=by_combo).values_list(
        "combo_id", "code"
    ):
        for element in elements:
            if element.category_combo_id == combo_id:
                layout[element.code].add(code)
    cells: dict[str, set[str]] = {e.code: set() for e in elements}
    for element_code, cell in DataValue.objects.filter(
        org_unit=unit, period=period, data_element__in=elements
    ).values_list("data_element__code", "option_combo__code"):
        cells[element_code].add(cell)
    return _Filled(cells, layout, {e.code: e.name for e in elements})


def form_problems(dataset: Dataset, period: Period, unit: OrgUnit) -> list[str]:
    """What keeps the unit's form from being complete (empty: it may be marked complete)."""
    found = _filled(dataset, period, unit)
    problems = []
    for element in dataset.required_elements.order_by("code"):
        if found.cells.get(element.code, set()) != found.layout.get(element.code, set()):
            problems.append(_("“%(element)s” is required: fill every cell.") % {"element": element.name})
    codes = set(found.layout)
    for indicator in Indicator.objects.filter(kind__in=_ratio_kinds()).order_by("code"):
        numerator = [t["element"] for t in indicator.numerator if t["element"] in codes]
        denominator = [t["element"] for t in indicator.denominator if t["element"] in codes]
        if not numerator or not denominator:
            continue  # not a pair this form collects
        entered = {
            side: any(found.cells[c] for c in terms) for side, terms in (("n", numerator), ("d", denominator))
        }
        if entered["n"] != entered["d"]:
            given, missing = (numerator, denominator) if entered["n"] else (denominator, numerator)
            problems.append(
                _("“%(indicator)s”: “%(given)s” is entered but “%(missing)s” is empty; a share needs both.")
                % {
                    "indicator": indicator.name,
                    "given": found.names[given[0]],
                    "missing": found.names[missing[0]],
                }
            )
            continue
        for code in dict.fromkeys(numerator + denominator):
            if found.cells[code] and found.cells[code] != found.layout[code]:
                problems.append(
                    _(
                        "“%(element)s”: some cells are empty; “%(indicator)s” needs all of them "
                        "(type 0 for none)."
                    )
                    % {"element": found.names[code], "indicator": indicator.name}
                )
    return list(dict.fromkeys(problems))


def _ratio_kinds() -> list[str]:
    return [k for k in IndicatorKind.values if k not in (IndicatorKind.COUNT, IndicatorKind.VALUE)]


def completion_of(dataset: Dataset, period: Period, unit: OrgUnit) -> FormCompletion | None:
    return FormCompletion.objects.filter(dataset=dataset, period=period, org_unit=unit).first()


def complete_form(
    *, dataset: Dataset, period: Period, unit: OrgUnit, user: Any, today: dt.date, expected_version: int
) -> FormCompletion:
    """Mark the form complete; raises :class:`FormIncomplete` (nothing saved) when it is not.

    ``expected_version`` is the number of values of the form the person saw: if someone saved or
    emptied a cell meanwhile, the mark is refused and she looks again.
    """
    with transaction.atomic():
        if validation.is_locked(dataset, period, unit, today):
            raise FormIncomplete([_("This period is locked for data entry.")])
        values = DataValue.objects.select_for_update().filter(
            org_unit=unit, period=period, data_element__in=dataset.data_elements.all()
        )
        if len(list(values)) != expected_version:
            raise FormIncomplete([str(CHANGED)])
        problems = form_problems(dataset, period, unit)
        if problems:
            raise FormIncomplete(problems)
        existing = completion_of(dataset, period, unit)
        if existing is not None:
            return existing
        try:
            with transaction.atomic():
                return FormCompletion.objects.create(
                    dataset=dataset, period=period, org_unit=unit, completed_by=user
                )
        except IntegrityError:
            # Two people marked it at the same moment: one mark is kept.
            found = completion_of(dataset, period, unit)
            assert found is not None
            return found


def reopen_form(*, dataset: Dataset, period: Period, unit: OrgUnit) -> bool:
    """Take the mark back (the unit will complete more cells); True if there was one."""
    deleted, _rows = FormCompletion.objects.filter(dataset=dataset, period=period, org_unit=unit).delete()
    return bool(deleted)


def recheck(dataset: Dataset, period: Period, unit: OrgUnit) -> bool:
    """After a cell changed: keep the mark only if the form is still complete. True if it was taken back."""
    if completion_of(dataset, period, unit) is None or not form_problems(dataset, period, unit):
        return False
    return reopen_form(dataset=dataset, period=period, unit=unit)
