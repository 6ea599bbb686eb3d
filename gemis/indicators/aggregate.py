"""The value of any indicator for any unit, level and period, from the values reported below.

Rules (each has a test in ``tests/test_aggregate.py``):

* **Counts are summed.** A unit's figure is its own values plus the values of
  every unit below it.
* **Ratios are recomputed, never averaged.** For a percentage, a ratio or a
  rate per 100/1,000 the numerator and the denominator are summed separately
  over the units (and periods) first, then divided: a province's share of women
  deputies is Σ women / Σ deputies, not the mean of its districts' shares.
* **Breakdowns.** ``options={"sex": "female"}`` keeps the female cells of every
  term; no option means every cell (the total is male + female). An indicator
  whose terms fix the option already (boys / girls × 100) or whose data elements
  are not broken down by that category gives no value for it (``note="not_disaggregable"``).
* **Over time.** A year's value comes from the year's own values if there are
  any; otherwise from the coarsest finer periods present (half-years, then
  quarters, then months), summed for flows and the last one taken for stocks
  (``DataElement.time_aggregation``).
* **Across the 2025 reorganisation.** Values stay attached to the unit they
  were reported for. A unit of the 2025 scheme also counts the values of the
  legacy units whose territory it took over (``orgs.UnitSuccession``): a legacy
  unit succeeded *wholly* (a merged province) is counted through its totals; a
  legacy commune split over several new ones goes to its default successor, or
  by the shares declared in :class:`~gemis.indicators.models.SuccessionShare`
  (numerator and denominator alike, so a split does not change its ratios).
  A series from 2019 therefore shows under today's province. The same year
  reported under both schemes would be counted twice: enter each period under
  one scheme (legacy up to 2025H1, the 2025 units from 2025H2).
* **Reported values** (``IndicatorKind.VALUE``: an index, a mean from a survey)
  are not added up: a unit shows its own value, or that of the one legacy unit
  it wholly succeeds.

The totals of the units below are kept by :mod:`gemis.indicators.rollups`; this module
only reads them: a read is two indexed queries (the units' own values and their
rollups), whatever the number of units below.
"""

from __future__ import annotations

import datetime as dt
import math
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass

from django.db.models import Q

from gemis.core import numbers
from gemis.indicators.models import (
    PERIOD_TYPE_ORDER,
    CategoryOptionCombo,
    DataElement,
    DataValue,
    Indicator,
    IndicatorKind,
    Period,
    PeriodType,
    SuccessionShare,
    TimeAggregation,
    ValueRollup,
    parse_period_code,
)
from gemis.orgs.models import OrgUnit, Scheme, UnitSuccession

__all__ = [
    "IndicatorResult",
    "breakdown",
    "children_values",
    "indicator_value",
    "indicator_values",
    "sources_for",
    "yearly_series",
]

NO_DATA = "no_data"
ZERO_DENOMINATOR = "zero_denominator"
NOT_DISAGGREGABLE = "not_disaggregable"


@dataclass(frozen=True)
class IndicatorResult:
    """One indicator for one unit and period; ``value`` None when it cannot be computed (see ``note``)."""

    unit_id: int
    period: str
    value: float | None
    numerator: float | None = None
    denominator: float | None = None
    #: how many reported values went into the numerator (0: no data)
    values_counted: int = 0
    note: str = ""


def sources_for(units: Sequence[OrgUnit]) -> dict[int, list[tuple[int, float, bool]]]:
    """For each unit, ``(source unit id, weight, whole)``: itself, and the legacy units it took over.

    ``whole`` is true when the source counts with everything below it (its own
    values and its rollups); a split legacy commune counts with its own values
    only, times its share. Two queries whatever the number of units.

    It relies on what ``orgs.units.load_successions`` guarantees: a 2025 province
    has a succession row for each legacy province merged into it, so whatever
    lies below is counted through those (the commune rows only serve a 2025
    commune asked for itself).
    """
    result: dict[int, list[tuple[int, float, bool]]] = {u.pk: [(u.pk, 1.0, True)] for u in units}
    current = [u for u in units if u.scheme == Scheme.CURRENT]
    if not current:
        return result
    by_path = sorted(current, key=lambda u: len(u.path), reverse=True)

    def owner(successor_path: str) -> OrgUnit | None:
        for unit in by_path:
            if successor_path.startswith(unit.path):
                return unit
        return None

    # 1. Legacy units succeeded by the requested units themselves (a legacy province by its new province).
    rows = list(
        UnitSuccession.objects.filter(successor__in=current).values_list(
            "pk", "predecessor_id", "predecessor__path", "successor__path", "is_default"
        )
    )
    # 2. Then those succeeded by units below them, except inside territory already counted whole.
    under = Q()
    for unit in current:
        under |= Q(successor__path__startswith=unit.path)
    covered = Q()
    for _pk, _pred, pred_path, _succ, _default in rows:
        covered |= Q(predecessor__path__startswith=pred_path)
    below = UnitSuccession.objects.filter(under).exclude(successor__in=current)
    if rows:
        below = below.exclude(covered)
    rows += list(
        below.values_list("pk", "predecessor_id", "predecessor__path", "successor__path", "is_default")
    )
    if not rows:
        return result

    predecessors = {pred for _pk, pred, *_rest in rows}
    shares = dict(
        SuccessionShare.objects.filter(succession__predecessor_id__in=predecessors).values_list(
            "succession_id", "share"
        )
    )
    with_shares = set(
        SuccessionShare.objects.filter(succession__predecessor_id__in=predecessors).values_list(
            "succession__predecessor_id", flat=True
        )
    )
    weights: dict[tuple[int, int], float] = defaultdict(float)
    pred_paths: dict[int, str] = {}
    for pk, pred, pred_path, succ_path, is_default in rows:
        unit = owner(succ_path)
        if unit is None:
            continue
        pred_paths[pred] = pred_path
        if pred in with_shares:
            weights[(unit.pk, pred)] += shares.get(pk, 0.0)
        elif is_default:
            weights[(unit.pk, pred)] += 1.0
    per_unit: dict[int, list[tuple[int, float]]] = defaultdict(list)
    for (unit_id, pred), weight in weights.items():
        if weight > 0:
            per_unit[unit_id].append((pred, weight))
    for unit_id, preds in per_unit.items():
        # A wholly succeeded unit already counts everything below it.
        whole_paths = [pred_paths[p] for p, w in preds if w >= 1.0]
        for pred, weight in preds:
            path = pred_paths[pred]
            if any(path != w and path.startswith(w) for w in whole_paths):
                continue
            result[unit_id].append((pred, min(weight, 1.0), weight >= 1.0))
    return result


# --------------------------------------------------------------------------- reading


@dataclass(frozen=True)
class _PeriodSpec:
    code: str
    type: str
    start: dt.date
    end: dt.date


def _spec(period: Period | str) -> _PeriodSpec:
    if isinstance(period, Period):
        return _PeriodSpec(period.code, period.type, period.start, period.end)
    kind, start, end = parse_period_code(period)
    return _PeriodSpec(period.strip(), kind, start, end)


def _merge_options(term_options: dict[str, str], wanted: dict[str, str]) -> dict[str, str] | None:
    merged = dict(term_options)
    for category, option in wanted.items():
        if merged.get(category, option) != option:
            return None
        merged[category] = option
    return merged


def indicator_values(
    indicator: Indicator,
    units: Sequence[OrgUnit],
    periods: Sequence[Period | str],
    *,
    options: dict[str, str] | None = None,
) -> dict[tuple[int, str], IndicatorResult]:
    """The indicator for every unit × period, keyed ``(unit id, period code)``; a handful of queries."""
    options = options or {}
    specs = [_spec(p) for p in periods]
    results: dict[tuple[int, str], IndicatorResult] = {}
    if not units or not specs:
        return results

    terms = {
        "numerator": indicator.numerator,
        "denominator": indicator.denominator if indicator.is_ratio else [],
    }
    elements = {e.code: e for e in DataElement.objects.filter(code__in=indicator.element_codes())}
    combos = list(
        CategoryOptionCombo.objects.filter(
            combo_id__in={e.category_combo_id for e in elements.values()}
        ).values_list("pk", "combo_id", "option_codes")
    )
    # For each side: [(element id, {combo id: weight})]; None if the breakdown asked for does not apply.
    sides: dict[str, list[tuple[int, dict[int, float]]] | None] = {}
    for side, side_terms in terms.items():
        resolved: list[tuple[int, dict[int, float]]] | None = []
        for term in side_terms:
            element = elements.get(term["element"])
            if element is None:
                continue  # an element not defined yet contributes nothing
            wanted = _merge_options(term.get("options", {}), options)
            if wanted is None:
                resolved = None
                break
            cells = {
                pk: float(term.get("weight", 1))
                for pk, combo_id, codes in combos
                if combo_id == element.category_combo_id and all(codes.get(c) == o for c, o in wanted.items())
            }
            if not cells and wanted:
                resolved = None  # the element is not broken down by the category asked for
                break
            resolved.append((element.pk, cells))
        sides[side] = resolved
    if sides["numerator"] is None or sides["denominator"] is None:
        return {
            (u.pk, s.code): IndicatorResult(u.pk, s.code, None, note=NOT_DISAGGREGABLE)
            for u in units
            for s in specs
        }

    element_ids = {pk for side in sides.values() for pk, _cells in side or []}
    stocks = {e.pk for e in elements.values() if e.time_aggregation == TimeAggregation.LAST}
    first, last = min(s.start for s in specs), max(s.end for s in specs)
    period_rows = list(
        Period.objects.filter(start__gte=first, end__lte=last).values_list(
            "pk", "code", "type", "start", "end"
        )
    )
    inside: dict[str, list[tuple[int, str, dt.date]]] = {
        s.code: [
            (pk, kind, start) for pk, _c, kind, start, end in period_rows if s.start <= start and end <= s.end
        ]
        for s in specs
    }
    period_ids = {pk for rows in inside.values() for pk, _k, _s in rows}

    reported_only = indicator.kind == IndicatorKind.VALUE
    sources = sources_for(units)
    if reported_only:
        # Not additive: the unit's own value, or the one legacy unit it wholly took over.
        for unit_id, found in sources.items():
            own = [s for s in found if s[0] == unit_id]
            others = [s for s in found if s[0] != unit_id and s[2]]
            sources[unit_id] = own + (others if len(others) == 1 else [])
    whole_ids = {src for found in sources.values() for src, _w, whole in found if whole}
    own_ids = {src for found in sources.values() for src, _w, _whole in found}
    cells: dict[tuple[int, int, int, int], list[float]] = defaultdict(lambda: [0.0, 0])
    if element_ids and period_ids:
        for unit_id, period_id, element_id, combo_id, value in DataValue.objects.filter(
            org_unit_id__in=own_ids, period_id__in=period_ids, data_element_id__in=element_ids
        ).values_list("org_unit_id", "period_id", "data_element_id", "option_combo_id", "value"):
            if not numbers.is_storable(value):
                continue  # left out of totals, as rebuild_rollups leaves it out
            c = cells[(unit_id, period_id, element_id, combo_id)]
            c[0] += value
            c[1] += 1
        if not reported_only:
            for unit_id, period_id, element_id, combo_id, value, count in ValueRollup.objects.filter(
                org_unit_id__in=whole_ids,
                period_id__in=period_ids,
                data_element_id__in=element_ids,
                count__gt=0,
            ).values_list("org_unit_id", "period_id", "data_element_id", "option_combo_id", "value", "count"):
                if not math.isfinite(value):
                    continue  # a damaged total (until rebuild_rollups) never reaches a chart as Infinity
                c = cells[(unit_id, period_id, element_id, combo_id)]
                c[0] += value
                c[1] += count

    # (source, element) → period → combo → (value, count), to add up per requested unit.
    by_source: dict[int, dict[int, dict[int, dict[int, list[float]]]]] = defaultdict(
        lambda: defaultdict(lambda: defaultdict(dict))
    )
    for (unit_id, period_id, element_id, combo_id), vc in cells.items():
        by_source[unit_id][element_id][period_id][combo_id] = vc

    for unit in units:
        for spec in specs:
            totals: dict[str, tuple[float, int]] = {}
            for side, resolved in sides.items():
                total, counted = 0.0, 0
                for element_id, weights in resolved or []:
                    # period id → combo → (value, count), summed over the sources with their weights
                    merged: dict[int, dict[int, list[float]]] = defaultdict(
                        lambda: defaultdict(lambda: [0.0, 0])
                    )
                    for source_id, weight, _whole in sources[unit.pk]:
                        for period_id, per_combo in by_source[source_id][element_id].items():
                            for combo_id, (value, count) in per_combo.items():
                                m = merged[period_id][combo_id]
                                m[0] += value * weight
                                m[1] += count
                    value, count = _over_time(inside[spec.code], merged, weights, element_id in stocks)
                    total += value
                    counted += count
                totals[side] = (total, counted)
            results[(unit.pk, spec.code)] = _result(indicator, unit.pk, spec.code, totals)
    return results


def _over_time(
    periods: list[tuple[int, str, dt.date]],
    merged: dict[int, dict[int, list[float]]],
    weights: dict[int, float],
    is_stock: bool,
) -> tuple[float, int]:
    """One element's value over a requested period, from the coarsest period type that has data."""
    for kind in PERIOD_TYPE_ORDER:
        found = []
        for period_id, period_kind, start in periods:
            if period_kind != kind or period_id not in merged:
                continue
            value = sum(merged[period_id][c][0] * w for c, w in weights.items() if c in merged[period_id])
            count = sum(int(merged[period_id][c][1]) for c in weights if c in merged[period_id])
            if count:
                found.append((start, value, count))
        if found:
            if is_stock:
                _start, value, count = max(found)
                return value, count
            return sum(v for _s, v, _c in found), sum(c for _s, _v, c in found)
    return 0.0, 0


def _result(
    indicator: Indicator, unit_id: int, code: str, totals: dict[str, tuple[float, int]]
) -> IndicatorResult:
    numerator, n_count = totals["numerator"]
    if n_count == 0:
        return IndicatorResult(unit_id, code, None, note=NO_DATA)
    if not indicator.is_ratio:
        return IndicatorResult(unit_id, code, numerator, numerator, None, n_count)
    denominator, d_count = totals["denominator"]
    if d_count == 0:
        return IndicatorResult(unit_id, code, None, numerator, None, n_count, NO_DATA)
    if denominator == 0:
        return IndicatorResult(unit_id, code, None, numerator, denominator, n_count, ZERO_DENOMINATOR)
    value = numerator / denominator * indicator.multiplier
    return IndicatorResult(unit_id, code, value, numerator, denominator, n_count)


def indicator_value(
    indicator: Indicator, unit: OrgUnit, period: Period | str, *, options: dict[str, str] | None = None
) -> IndicatorResult:
    """The indicator for one unit and period."""
    code = _spec(period).code
    return indicator_values(indicator, [unit], [period], options=options)[(unit.pk, code)]


def children_values(
    indicator: Indicator,
    parent: OrgUnit,
    periods: Sequence[Period | str],
    *,
    options: dict[str, str] | None = None,
) -> list[tuple[OrgUnit, dict[str, IndicatorResult]]]:
    """The indicator for each unit directly below ``parent`` (current units only), by period code."""
    children = list(OrgUnit.objects.filter(parent=parent).order_by("code"))
    found = indicator_values(indicator, children, periods, options=options)
    codes = [_spec(p).code for p in periods]
    return [(child, {code: found[(child.pk, code)] for code in codes}) for child in children]


def breakdown(
    indicator: Indicator, unit: OrgUnit, period: Period | str, category: str = "sex"
) -> dict[str, IndicatorResult]:
    """The indicator by each option of ``category`` plus ``"total"``: {"male": …, "female": …, "total": …}."""
    from gemis.indicators.models import CategoryOption

    result = {"total": indicator_value(indicator, unit, period)}
    for code in CategoryOption.objects.filter(category__code=category).values_list("code", flat=True):
        result[code] = indicator_value(indicator, unit, period, options={category: code})
    return result


def yearly_series(
    indicator: Indicator,
    unit: OrgUnit,
    first_year: int,
    last_year: int,
    *,
    options: dict[str, str] | None = None,
) -> list[tuple[int, float | None]]:
    """``[(2016, 51.2), (2017, None), …]``: the indicator for each year, ready for ``forecast``."""
    codes = [str(year) for year in range(first_year, last_year + 1)]
    found = indicator_values(indicator, [unit], codes, options=options)
    return [(int(code), found[(unit.pk, code)].value) for code in codes]


def year_periods(first_year: int, last_year: int) -> list[Period]:
    """The year periods of a range, created when missing (for data entry and loaders)."""
    return [Period.get(str(year)) for year in range(first_year, last_year + 1)]


def period_types_present(element: DataElement) -> set[str]:
    """Which period types an element has values for (a helper for forms)."""
    return set(
        Period.objects.filter(
            pk__in=DataValue.objects.filter(data_element=element).values("period_id")
        ).values_list("type", flat=True)
    ) or {PeriodType.YEAR}
