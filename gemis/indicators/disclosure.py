"""Small cells of violence figures: who sees them, and which cells a page hides so none can be found.

DESIGN: gender-based violence data is aggregates only and small cells are
suppressed below province level. A figure of a sensitive indicator
(``Indicator.sensitive``) for a unit below a province is **primarily hidden**
when its count (or a ratio's numerator or denominator) is 1 to
:data:`SMALL_CELL` − 1: the page shows "< 5".

That alone is not enough: the province total minus the other communes, or a
commune's total minus its men, gives the hidden cell back. So, as statistical
offices do, every sum a page shows is checked (a unit's men + women = its
total; the units below + what no unit below holds = their parent): a sum with
exactly one hidden cell gets its smallest other shown cell hidden too
(**complementary suppression**, shown as "ẩn"), until no sum has a single
hidden cell. The cells the person sees raw (below) cannot protect anything and
are never chosen; the province's own figures are public.

The decisions for the units under one parent and one period are taken once,
on that parent's whole table, so the commune's page, its province's page and
their downloads hide the same cells.

Who sees the raw cells: the people who enter the data for the unit and their
coordinators (``permissions.may_enter``); leaders and viewers see the
protected figures on every surface. The data-entry grid, its Excel template
and the cell history show a sensitive element's values below province level
only to them (:func:`may_see_raw_values`).

:func:`complementary` is the arithmetic (plain Python, tested on hand-made
tables); :class:`Disclosure` applies it to the figures of :mod:`.aggregate`.
"""

from __future__ import annotations

from collections.abc import Hashable, Iterable, Sequence
from typing import Any

from django.utils.translation import gettext as _

from gemis.indicators import permissions
from gemis.indicators.aggregate import (
    IndicatorResult,
    indicator_values,
    is_sex_disaggregable,
    unattributed_values,
)
from gemis.indicators.models import DataElement, Indicator
from gemis.orgs.models import OrgUnit

SMALL_CELL = 5
SMALL = "small"
COMPLEMENT = "complement"
COLUMNS_BY_SEX = ("male", "female", "total")
REST = "rest"  # the row of what no unit below holds

Cell = tuple[Hashable, str]


def hidden_label(why: str) -> str:
    """What a page or a download shows instead of a hidden cell: "< 5", or "ẩn" for one hidden to
    protect another."""
    return str(_("hidden")) if why == COMPLEMENT else f"< {SMALL_CELL}"


def is_small(result: IndicatorResult | None) -> bool:
    """Does a figure rest on 1 to 4 people (its count, or a ratio's numerator or denominator)?"""
    if result is None or result.value is None:
        return False
    parts = [result.numerator, result.denominator] if result.denominator is not None else [result.numerator]
    return any(x is not None and 0 < x < SMALL_CELL for x in parts)


def complementary(
    sizes: dict[Cell, float | None],
    sums: Iterable[Sequence[Cell]],
    primary: Iterable[Cell],
    fixed: Iterable[Cell] = (),
) -> dict[Cell, str]:
    """The cells to hide: ``primary`` (SMALL) and, for every sum with exactly one hidden cell, its
    smallest other shown cell (COMPLEMENT), repeated until no sum has a single hidden cell.

    ``sizes`` holds each shown cell's size (None: no figure, nothing to hide or learn); ``fixed`` cells
    are never hidden (public figures, or cells the person sees anyway). A sum whose only other cells
    are fixed keeps its single hidden cell: nothing on the page can protect it.
    """
    hidden = {cell: SMALL for cell in primary}
    fixed = set(fixed)
    sums = [list(s) for s in sums]
    changed = True
    while changed:
        changed = False
        for cells in sums:
            if sum(1 for c in cells if c in hidden) != 1:
                continue
            candidates = [c for c in cells if c not in hidden and c not in fixed and sizes.get(c) is not None]
            if not candidates:
                continue
            chosen = min(candidates, key=lambda c: (sizes[c] or 0.0, str(c)))
            hidden[chosen] = COMPLEMENT
            changed = True
    return hidden


def may_see_raw_values(user: Any, element: DataElement, unit: OrgUnit) -> bool:
    """May the person see this element's stored values for the unit (grid, template, history)?"""
    if unit.parent_id is None or not is_sensitive_element(element):
        return True
    return permissions.may_enter(user, unit)


def withheld_elements(user: Any, unit: OrgUnit, elements: Iterable[DataElement]) -> frozenset[str]:
    """The codes of the elements whose stored values for ``unit`` the person may not see."""
    if unit.parent_id is None:
        return frozenset()
    sensitive = sensitive_element_codes() & {e.code for e in elements}
    if not sensitive or permissions.may_enter(user, unit):
        return frozenset()
    return frozenset(sensitive)


def is_sensitive_element(element: DataElement) -> bool:
    return element.code in sensitive_element_codes()


def sensitive_element_codes() -> set[str]:
    """The elements that go into a sensitive indicator."""
    codes: set[str] = set()
    for indicator in Indicator.objects.filter(sensitive=True).only("numerator", "denominator"):
        codes |= set(indicator.element_codes())
    return codes


class Disclosure:
    """What one person may see of the figures of sensitive indicators, decided table by table.

    ``hidden(indicator, unit, code, column)`` tells whether the figure of ``unit`` for period
    ``code`` (column "total", "male" or "female") is hidden, and why; memoised for the page.
    """

    def __init__(self, user: Any) -> None:
        self.user = user
        self._tables: dict[tuple[int, int], dict[str, dict[Cell, str]]] = {}
        self._raw: dict[int, bool] = {}
        self._parents: dict[int, OrgUnit] = {}

    def sees_raw(self, unit: OrgUnit) -> bool:
        if unit.parent_id is None:
            return True  # a province's figures are public
        if self.user is None:
            return False
        if unit.pk not in self._raw:
            self._raw[unit.pk] = permissions.may_enter(self.user, unit)
        return self._raw[unit.pk]

    def hidden(
        self, indicator: Indicator, unit: OrgUnit | None, code: str, column: str = "total"
    ) -> str | None:
        """SMALL, COMPLEMENT or None for the figure of ``unit`` for period ``code``."""
        if unit is None or not indicator.sensitive or self.sees_raw(unit):
            return None
        return self.table(indicator, self._parent(unit), [code])[code].get((unit.pk, column))

    def _parent(self, unit: OrgUnit) -> OrgUnit:
        parent_id = int(unit.parent_id or 0)
        if parent_id not in self._parents:
            self._parents[parent_id] = OrgUnit.objects.get(pk=parent_id)
        return self._parents[parent_id]

    def target_hidden(self, report: Any) -> str | None:
        """Whether a target's latest (or provisional) figure for its unit is hidden, and why."""
        years = [report.assessment.latest_year, report.provisional.period if report.provisional else None]
        for year in years:
            if year is not None:
                why = self.hidden(report.target.indicator, report.unit, str(year))
                if why:
                    return why
        return None

    def hidden_rest(
        self, indicator: Indicator, parent: OrgUnit, code: str, column: str = "total"
    ) -> str | None:
        """The same for the row of what none of ``parent``'s units below holds."""
        if not indicator.sensitive:
            return None
        return self.table(indicator, parent, [code])[code].get((REST, column))

    def table(self, indicator: Indicator, parent: OrgUnit, codes: list[str]) -> dict[str, dict[Cell, str]]:
        """For each period: the hidden cells of ``parent``'s table (its units below × male/female/total)."""
        key = (indicator.pk, parent.pk)
        known = self._tables.setdefault(key, {})
        missing = [c for c in codes if c not in known]
        if missing:
            known.update(self._decide(indicator, parent, missing))
        return {c: known[c] for c in codes}

    def _decide(self, indicator: Indicator, parent: OrgUnit, codes: list[str]) -> dict[str, dict[Cell, str]]:
        if not indicator.sensitive:
            return {c: {} for c in codes}
        children = list(OrgUnit.objects.filter(parent=parent))
        columns = COLUMNS_BY_SEX if is_sex_disaggregable(indicator) else ("total",)
        found: dict[str, dict[tuple[int, str], IndicatorResult]] = {}
        rest: dict[str, dict[str, IndicatorResult]] = {}
        for column in columns:
            options = None if column == "total" else {"sex": column}
            found[column] = indicator_values(indicator, [*children, parent], codes, options=options)
            rest[column] = unattributed_values(indicator, parent, codes, options=options)
        margin_hidden: dict[str, dict[str, str | None]] = {
            c: {col: self.hidden(indicator, parent, c, col) for col in columns} for c in codes
        }
        decisions = {}
        rows: list[Hashable] = [u.pk for u in children] + [REST]
        for code in codes:
            sizes: dict[Cell, float | None] = {}
            primary: list[Cell] = []
            fixed: list[Cell] = []
            for column in columns:
                for child in children:
                    result = found[column].get((child.pk, code))
                    sizes[(child.pk, column)] = _size(result)
                    if self.sees_raw(child):
                        fixed.append((child.pk, column))
                    elif is_small(result):
                        primary.append((child.pk, column))
                result = rest[column].get(code)
                sizes[(REST, column)] = _size(result)
                if is_small(result):
                    primary.append((REST, column))
                margin = margin_hidden[code][column]
                sizes[("parent", column)] = _size(found[column].get((parent.pk, code)))
                if margin:
                    primary.append(("parent", column))
                elif parent.parent_id is None or self.sees_raw(parent):
                    fixed.append(("parent", column))
            sums = [[(row, column) for row in [*rows, "parent"]] for column in columns]
            if len(columns) == 3:
                sums += [[(row, column) for column in columns] for row in [*rows, "parent"]]
            hidden = complementary(sizes, sums, primary, fixed)
            decisions[code] = {cell: why for cell, why in hidden.items() if cell[0] != "parent"}
        return decisions


def _size(result: IndicatorResult | None) -> float | None:
    if result is None or result.value is None:
        return None
    return result.numerator if result.numerator is not None else result.value
