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
* **A share takes whole units.** A unit's part of a ratio counts only when every
  cell of both its numerator and its denominator is there; a unit that gave
  one side (or the women but not the men) is left out of both and listed in
  ``IndicatorResult.gaps``. A count sums what is there and lists the gaps.
* **Over time, unit by unit.** Each unit's figure for a period comes from its
  own coarsest period type with data (the year, else its half-years, quarters,
  months) — summed for flows, the last one for stocks
  (``DataElement.time_aggregation``) — so a unit that reported quarters adds to
  one that reported the year; a unit missing a sub-period is incomplete.
* **Coverage.** ``expected`` counts the units that should report (those with no
  unit below them, of the scheme in force at the period's end), ``reported``
  those that did completely; a unit that reported for itself answers for the
  units below it. A figure below ``settings.GEMIS_COVERAGE_FOR_STATUS`` of
  them is provisional: shown, never deciding a status or feeding a trend.
* **What no unit below holds.** :func:`unattributed_values` gives the part of a
  parent's figure that none of its children has (a former district's own
  values), so a breakdown adds up to its whole.
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
only reads them. When they give a figure exactly — every expected unit reported every
cell in one period type and no unit above them reported for itself — a read is a few
indexed queries whatever the number of units below (:func:`_from_rollups`); otherwise
the values are read unit by unit (:func:`_evaluate`). A test checks on random data that
both readings agree; ``gemis bench analytics`` measures them.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from django.conf import settings
from django.db.models import Exists, OuterRef, Q

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
from gemis.orgs.access import REORGANISATION_DATE
from gemis.orgs.models import OrgUnit, Scheme, UnitSuccession

__all__ = [
    "Gap",
    "IndicatorResult",
    "breakdown",
    "children_values",
    "indicator_value",
    "indicator_values",
    "is_sex_disaggregable",
    "sources_for",
    "unattributed_values",
    "yearly_series",
]

NO_DATA = "no_data"
ZERO_DENOMINATOR = "zero_denominator"
NOT_DISAGGREGABLE = "not_disaggregable"


@dataclass(frozen=True)
class Gap:
    """A unit that reported part of what a figure needs: the cells and the sub-periods it left empty."""

    unit_id: int
    cells: tuple[int, ...] = ()
    periods: tuple[str, ...] = ()
    #: left out of the figure (a ratio takes a unit only with both its sides complete)
    excluded: bool = False


def coverage_for_status() -> float:
    """The share of the expected units a figure needs to decide a status or feed a trend (a setting)."""
    return float(getattr(settings, "GEMIS_COVERAGE_FOR_STATUS", 1.0))


@dataclass(frozen=True)
class IndicatorResult:
    """One indicator for one unit and period; ``value`` None when it cannot be computed (see ``note``).

    ``expected`` is how many units should report it (the communes below, or the former
    communes for a period before 1/7/2025), ``reported`` how many did, completely;
    ``gaps`` lists the units that reported only part of it.
    """

    unit_id: int
    period: str
    value: float | None
    numerator: float | None = None
    denominator: float | None = None
    #: how many reported values went into the numerator (0: no data)
    values_counted: int = 0
    note: str = ""
    reported: int = 0
    expected: int = 0
    gaps: tuple[Gap, ...] = ()
    #: the expected units that reported nothing of it
    missing: tuple[int, ...] = ()

    @property
    def is_complete(self) -> bool:
        return self.reported >= self.expected and not self.gaps

    @property
    def is_provisional(self) -> bool:
        """Shown, but too few units for it to decide "achieved" or to feed a trend."""
        if self.value is None or self.expected == 0:
            return False
        return self.reported < self.expected * coverage_for_status() - 1e-9


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


@dataclass(frozen=True)
class _Plan:
    """What an indicator needs, resolved to ids: per side, ``[(element id, {cell id: weight})]``."""

    sides: dict[str, list[tuple[int, dict[int, float]]]]
    stocks: frozenset[int]
    is_ratio: bool
    reported_only: bool

    @property
    def element_ids(self) -> set[int]:
        return {pk for terms in self.sides.values() for pk, _cells in terms}


def _plan(indicator: Indicator, options: dict[str, str]) -> _Plan | None:
    """The indicator's terms as element and cell ids; None when the breakdown asked for does not apply."""
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
    sides: dict[str, list[tuple[int, dict[int, float]]]] = {}
    for side, side_terms in terms.items():
        resolved: list[tuple[int, dict[int, float]]] = []
        for term in side_terms:
            element = elements.get(term["element"])
            if element is None:
                continue  # an element not defined yet contributes nothing
            wanted = _merge_options(term.get("options", {}), options)
            if wanted is None:
                return None
            cells = {
                pk: float(term.get("weight", 1))
                for pk, combo_id, codes in combos
                if combo_id == element.category_combo_id and all(codes.get(c) == o for c, o in wanted.items())
            }
            if not cells and wanted:
                return None  # the element is not broken down by the category asked for
            resolved.append((element.pk, cells))
        sides[side] = resolved
    stocks = frozenset(e.pk for e in elements.values() if e.time_aggregation == TimeAggregation.LAST)
    return _Plan(sides, stocks, indicator.is_ratio, indicator.kind == IndicatorKind.VALUE)


def indicator_values(
    indicator: Indicator,
    units: Sequence[OrgUnit],
    periods: Sequence[Period | str],
    *,
    options: dict[str, str] | None = None,
) -> dict[tuple[int, str], IndicatorResult]:
    """The indicator for every unit × period, keyed ``(unit id, period code)``; a handful of queries."""
    specs = [_spec(p) for p in periods]
    if not units or not specs:
        return {}
    plan = _plan(indicator, options or {})
    if plan is None:
        return {
            (u.pk, s.code): IndicatorResult(u.pk, s.code, None, note=NOT_DISAGGREGABLE)
            for u in units
            for s in specs
        }
    sources = sources_for(units)
    if plan.reported_only:
        # Not additive: the unit's own value, or that of the one legacy unit it wholly took over.
        for unit_id, found in sources.items():
            own = [(s, w, False) for s, w, _whole in found if s == unit_id]
            others = [(s, w, False) for s, w, whole in found if s != unit_id and whole]
            sources[unit_id] = own + (others if len(others) == 1 else [])
    return _evaluate(indicator, plan, {u.pk: sources[u.pk] for u in units}, specs)


# A source: (unit id, weight, whole). A whole source counts with every unit below it.
Source = tuple[int, float, bool]


@dataclass
class _Unit:
    pk: int
    path: str
    scheme: str
    is_leaf: bool
    # keys (requested unit ids) this unit's values count for, with their weight
    keys: dict[int, float]
    # period id → element id → cell id → value
    values: dict[int, dict[int, dict[int, float]]]


@dataclass
class _Part:
    """One reporting unit's share of one side of a figure."""

    value: float = 0.0
    count: int = 0
    complete: bool = True
    missing_cells: set[int] | None = None
    missing_periods: set[str] | None = None

    def lacks(self, cells: Iterable[int] = (), periods: Iterable[str] = ()) -> None:
        cells, periods = set(cells), set(periods)
        if cells or periods:
            self.complete = False
            self.missing_cells = (self.missing_cells or set()) | cells
            self.missing_periods = (self.missing_periods or set()) | periods


def _evaluate(
    indicator: Indicator,
    plan: _Plan,
    sources: dict[int, list[Source]],
    specs: list[_PeriodSpec],
) -> dict[tuple[int, str], IndicatorResult]:
    """Each key's figure for each period, from the values of every unit its sources reach.

    Reading the values unit by unit (rather than the totals kept by
    :mod:`~gemis.indicators.rollups`) is what lets a ratio take only the units
    that gave both of its sides, a unit that reported quarters be added to one
    that reported the year, and the figure say how many units it rests on.
    """
    whole_paths: dict[str, dict[int, float]] = defaultdict(dict)
    single: dict[int, dict[int, float]] = defaultdict(dict)
    source_ids = {src for found in sources.values() for src, _w, _whole in found}
    paths = dict(OrgUnit.objects.filter(pk__in=source_ids).values_list("pk", "path"))
    for key, found in sources.items():
        for src, weight, whole in found:
            if src in paths:
                (whole_paths[paths[src]] if whole else single[src])[key] = weight

    reach = Q(pk__in=list(single))
    for path in whole_paths:
        reach |= Q(path__startswith=path)
    has_children = OrgUnit.objects.filter(parent_id=OuterRef("pk"))
    reached: dict[int, _Unit] = {}
    for pk, path, scheme, has_below in (
        OrgUnit.objects.filter(reach)
        .annotate(has_below=Exists(has_children))
        .values_list("pk", "path", "scheme", "has_below")
    ):
        keys = dict(single.get(pk, {}))
        if whole_paths:
            parts = path.strip("/").split("/")
            for end in range(2, len(parts) + 1):
                for key, weight in whole_paths.get("/".join(parts[:end]) + "/", {}).items():
                    keys.setdefault(key, weight)
        if keys:
            reached[pk] = _Unit(pk, path, scheme, not has_below, keys, {})

    first, last = min(s.start for s in specs), max(s.end for s in specs)
    period_rows = {
        pk: (code, kind, start, end)
        for pk, code, kind, start, end in Period.objects.filter(start__gte=first, end__lte=last).values_list(
            "pk", "code", "type", "start", "end"
        )
    }
    inside = {
        spec.code: [
            (pk, code, kind, start, end)
            for pk, (code, kind, start, end) in period_rows.items()
            if spec.start <= start and end <= spec.end
        ]
        for spec in specs
    }
    units_by_key: dict[int, list[_Unit]] = defaultdict(list)
    for unit in reached.values():
        for key in unit.keys:
            units_by_key[key].append(unit)

    results = _from_rollups(indicator, plan, sources, specs, inside, units_by_key)
    slow = {key for key in sources if any((key, s.code) not in results for s in specs)}
    element_ids = plan.element_ids
    if slow and element_ids and period_rows and reached:
        unit_reach = Q(org_unit_id__in=[pk for pk, keys in single.items() if slow & keys.keys()])
        for path, keys in whole_paths.items():
            if slow & keys.keys():
                unit_reach |= Q(org_unit__path__startswith=path)
        for unit_id, period_id, element_id, combo_id, value in DataValue.objects.filter(
            unit_reach, period_id__in=list(period_rows), data_element_id__in=element_ids
        ).values_list("org_unit_id", "period_id", "data_element_id", "option_combo_id", "value"):
            if unit_id not in reached or not numbers.is_storable(value):
                continue  # an unstorable value is left out of every figure, as out of the rollups
            reached[unit_id].values.setdefault(period_id, {}).setdefault(element_id, {})[combo_id] = value
    for spec in specs:
        for key in slow:
            if (key, spec.code) not in results:
                results[(key, spec.code)] = _figure(
                    indicator, plan, key, spec, inside[spec.code], units_by_key[key]
                )
    return results


def _from_rollups(
    indicator: Indicator,
    plan: _Plan,
    sources: dict[int, list[Source]],
    specs: list[_PeriodSpec],
    inside: dict[str, list[tuple[int, str, str, dt.date, dt.date]]],
    units_by_key: dict[int, list[_Unit]],
) -> dict[tuple[int, str], IndicatorResult]:
    """The figures that the totals kept by :mod:`~gemis.indicators.rollups` give exactly.

    That is when every unit expected to report gave every cell the figure needs, in one
    period type: each cell's total then counts exactly the expected units, and no unit
    above them reported for itself. It is the usual case once a period is closed, and
    reads one row per source and cell instead of one per commune; any other case is
    left to the unit-by-unit reading.
    """
    wanted = [
        key
        for key, found in sources.items()
        if found and all(whole for _s, _w, whole in found) and not plan.reported_only
    ]
    element_ids = plan.element_ids
    if not wanted or not element_ids or not any(inside.values()):
        return {}
    source_ids = {src for key in wanted for src, _w, _whole in sources[key]}
    period_ids = {pk for rows in inside.values() for pk, *_rest in rows}
    upper = [u.pk for key in wanted for u in units_by_key[key] if not u.is_leaf]
    reported_above = (
        set(
            DataValue.objects.filter(
                org_unit_id__in=upper, period_id__in=period_ids, data_element_id__in=element_ids
            ).values_list("org_unit_id", "period_id")
        )
        if upper
        else set()
    )
    totals: dict[tuple[int, int, int, int], tuple[float, int]] = {}
    for unit_id, period_id, element_id, combo_id, value, count in ValueRollup.objects.filter(
        org_unit_id__in=source_ids, period_id__in=period_ids, data_element_id__in=element_ids, count__gt=0
    ).values_list("org_unit_id", "period_id", "data_element_id", "option_combo_id", "value", "count"):
        totals[(unit_id, period_id, element_id, combo_id)] = (value, count)

    results: dict[tuple[int, str], IndicatorResult] = {}
    for key in wanted:
        upper_ids = {u.pk for u in units_by_key[key] if not u.is_leaf}
        for spec in specs:
            rows = inside[spec.code]
            if any((unit_id, pk) in reported_above for unit_id in upper_ids for pk, *_r in rows):
                continue
            leaves = [
                u for u in units_by_key[key] if u.is_leaf and _overlaps(_era(u.scheme), spec.start, spec.end)
            ]
            if not leaves or any(not _within(_era(u.scheme), spec) for u in leaves):
                continue  # a period across the reorganisation: read unit by unit
            expected = leaves
            found = _exact_totals(plan, sources[key], spec, rows, totals, len(expected))
            if found is None:
                continue
            numerator, n_count, denominator = found
            extra = {"reported": len(expected), "expected": len(expected)}
            if not plan.is_ratio:
                results[(key, spec.code)] = IndicatorResult(
                    key, spec.code, numerator, numerator, None, n_count, **extra
                )
            elif denominator == 0:
                results[(key, spec.code)] = IndicatorResult(
                    key, spec.code, None, numerator, denominator, n_count, ZERO_DENOMINATOR, **extra
                )
            else:
                value = numerator / denominator * indicator.multiplier
                results[(key, spec.code)] = IndicatorResult(
                    key, spec.code, value, numerator, denominator, n_count, **extra
                )
    return results


def _exact_totals(
    plan: _Plan,
    found: list[Source],
    spec: _PeriodSpec,
    rows: list[tuple[int, str, str, dt.date, dt.date]],
    totals: dict[tuple[int, int, int, int], tuple[float, int]],
    expected: int,
) -> tuple[float, int, float] | None:
    """(numerator, values counted, denominator) when every cell counts ``expected`` units in one period
    type; None otherwise."""
    sources = [src for src, _w, _whole in found]
    kinds = {
        kind
        for pk, _code, kind, _s, _e in rows
        for element_id, cells in (t for terms in plan.sides.values() for t in terms)
        for c in cells
        for src in sources
        if (src, pk, element_id, c) in totals
    }
    if len(kinds) != 1:
        return None
    kind = kinds.pop()
    by_code = {code: pk for pk, code, k, _s, _e in rows if k == kind}
    codes = [code for code, _s, _e in _sub_periods(spec, kind)]
    if any(code not in by_code for code in codes):
        return None
    sums = {}
    n_count = 0
    for side, terms in plan.sides.items():
        total = 0.0
        for element_id, cells in terms:
            used = codes[-1:] if element_id in plan.stocks else codes
            for code in used:
                for c, weight in cells.items():
                    value, count = 0.0, 0
                    for src in sources:
                        v, n = totals.get((src, by_code[code], element_id, c), (0.0, 0))
                        value += v
                        count += n
                    if count != expected:
                        return None
                    total += value * weight
                    if side == "numerator":
                        n_count += count
        sums[side] = total
    if plan.is_ratio and not plan.sides["denominator"]:
        return None
    return sums["numerator"], n_count, sums.get("denominator", 0.0)


def _era(scheme: str) -> tuple[dt.date, dt.date]:
    """The days a unit of ``scheme`` holds values for: the former units until the 2025 reorganisation."""
    if scheme == Scheme.LEGACY:
        return dt.date.min, REORGANISATION_DATE - dt.timedelta(days=1)
    return REORGANISATION_DATE, dt.date.max


def _within(era: tuple[dt.date, dt.date], spec: _PeriodSpec) -> bool:
    return era[0] <= spec.start and spec.end <= era[1]


def _overlaps(era: tuple[dt.date, dt.date], start: dt.date, end: dt.date) -> bool:
    return start <= era[1] and era[0] <= end


def _figure(
    indicator: Indicator,
    plan: _Plan,
    key: int,
    spec: _PeriodSpec,
    inside: list[tuple[int, str, str, dt.date, dt.date]],
    units: list[_Unit],
) -> IndicatorResult:
    """One key's figure for one period: the parts of its reporting units, their coverage and gaps."""
    # Expected: the units of the scheme in force at the period's end (today's communes answer for
    # the year 2025, the former ones for 2025H1); values of the others still count.
    reporting = [u for u in units if u.is_leaf or plan.reported_only]
    expected = {u.pk for u in reporting if _overlaps(_era(u.scheme), spec.end, spec.end)} or {
        u.pk for u in reporting if _overlaps(_era(u.scheme), spec.start, spec.end)
    }  # a former unit asked for 2025: its communes, for their half-year
    covered: set[int] = set()
    totals = {"numerator": [0.0, 0], "denominator": [0.0, 0]}
    gaps: list[Gap] = []
    for unit in units:
        if not unit.values:
            continue
        weight = unit.keys[key]
        parts = {
            side: _side_part(unit, terms, spec, inside, plan.stocks) for side, terms in plan.sides.items()
        }
        if not any(p.count for p in parts.values()):
            continue  # nothing of this indicator in this period
        complete = all(p.complete for p in parts.values())
        counted = complete or not plan.is_ratio
        if counted:
            for side, part in parts.items():
                totals[side][0] += part.value * weight
                totals[side][1] += part.count
        if complete:
            if unit.is_leaf:
                covered.add(unit.pk)
            else:
                # A unit that reported for itself (a former district) answers for the units below it.
                covered |= {u.pk for u in units if u.is_leaf and u.path.startswith(unit.path)}
        else:
            cells: set[int] = set()
            periods: set[str] = set()
            for part in parts.values():
                cells |= part.missing_cells or set()
                periods |= part.missing_periods or set()
            gaps.append(Gap(unit.pk, tuple(sorted(cells)), tuple(sorted(periods)), excluded=not counted))
    reported = len(covered & expected)
    numerator, n_count = totals["numerator"]
    denominator, d_count = totals["denominator"]
    partly = {g.unit_id for g in gaps}
    extra = {
        "reported": reported,
        "expected": len(expected),
        "gaps": tuple(gaps),
        "missing": tuple(sorted(expected - covered - partly)),
    }
    if n_count == 0 and not (plan.is_ratio and d_count):
        return IndicatorResult(key, spec.code, None, note=NO_DATA, **extra)
    if not plan.is_ratio:
        return IndicatorResult(key, spec.code, numerator, numerator, None, n_count, **extra)
    if n_count == 0 or d_count == 0:
        return IndicatorResult(key, spec.code, None, None, None, 0, NO_DATA, **extra)
    if denominator == 0:
        return IndicatorResult(
            key, spec.code, None, numerator, denominator, n_count, ZERO_DENOMINATOR, **extra
        )
    value = numerator / denominator * indicator.multiplier
    return IndicatorResult(key, spec.code, value, numerator, denominator, n_count, **extra)


def _side_part(
    unit: _Unit,
    terms: list[tuple[int, dict[int, float]]],
    spec: _PeriodSpec,
    inside: list[tuple[int, str, str, dt.date, dt.date]],
    stocks: frozenset[int],
) -> _Part:
    """One unit's value of one side over the requested period.

    Per element, the unit's coarsest period type with data is used: a year, else its
    half-years, quarters or months — summed for a flow, the last one for a stock. The
    part is complete when every cell of every element is there for every sub-period
    the unit had to report (only those of its scheme's time: a former commune answers
    for 2025 up to 30/06).
    """
    part = _Part()
    era = _era(unit.scheme)
    for element_id, weights in terms:
        present: dict[str, list[tuple[int, str, dt.date]]] = defaultdict(list)
        for pk, code, kind, start, _end in inside:
            cells = unit.values.get(pk, {}).get(element_id)
            if cells and any(c in cells for c in weights):
                present[kind].append((pk, code, start))
        kind = next((k for k in PERIOD_TYPE_ORDER if present.get(k)), None)
        if kind is None:
            part.lacks(cells=weights)
            continue
        found = {code: pk for pk, code, _start in present[kind]}
        required = [code for code, start, end in _sub_periods(spec, kind) if _overlaps(era, start, end)]
        if element_id in stocks:
            last = required[-1] if required else None
            use = last if last in found else max(present[kind], key=lambda p: p[2])[1]
            if use != last:
                part.lacks(periods=[last] if last else [])
            chosen = [found[use]]
        else:
            part.lacks(periods=[code for code in required if code not in found])
            chosen = [pk for pk, _code, _start in present[kind]]
        for pk in chosen:
            cells = unit.values[pk][element_id]
            part.lacks(cells=[c for c in weights if c not in cells])
            for c, w in weights.items():
                if c in cells:
                    part.value += cells[c] * w
                    part.count += 1
    return part


def _sub_periods(spec: _PeriodSpec, kind: str) -> list[tuple[str, dt.date, dt.date]]:
    """The periods of type ``kind`` that make up ``spec``, in order: ("2024Q1", 1/1, 31/3), …"""
    suffixes = {
        PeriodType.YEAR: [""],
        PeriodType.HALF_YEAR: ["H1", "H2"],
        PeriodType.QUARTER: ["Q1", "Q2", "Q3", "Q4"],
        PeriodType.MONTH: [f"-{m:02d}" for m in range(1, 13)],
    }[PeriodType(kind)]
    found = []
    for year in range(spec.start.year, spec.end.year + 1):
        for suffix in suffixes:
            _kind, start, end = parse_period_code(f"{year}{suffix}")
            if spec.start <= start and end <= spec.end:
                found.append((f"{year}{suffix}", start, end))
    return found


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


def unattributed_values(
    indicator: Indicator,
    parent: OrgUnit,
    periods: Sequence[Period | str],
    *,
    options: dict[str, str] | None = None,
) -> dict[str, IndicatorResult]:
    """What ``parent`` counts that none of the units directly below it does, by period code.

    Values a former district reported for itself are in today's province but in no
    2025 commune (communes succeed communes); the parent's own values are in no
    child either. A breakdown shows them as their own row, so that its parts add up
    to the whole. Empty for a reported value (nothing is added up).
    """
    specs = [_spec(p) for p in periods]
    plan = _plan(indicator, options or {})
    if plan is None or plan.reported_only or not specs:
        return {}
    children = list(OrgUnit.objects.filter(parent=parent))
    reached_by_children = sources_for(children)
    child_paths = {
        path
        for path in OrgUnit.objects.filter(
            pk__in=[s for found in reached_by_children.values() for s, _w, whole in found if whole]
        ).values_list("path", flat=True)
    }
    child_singles = {s for found in reached_by_children.values() for s, _w, whole in found if not whole}
    parent_sources = sources_for([parent])[parent.pk]
    whole = Q(pk__in=[s for s, _w, w in parent_sources if not w])
    for path in OrgUnit.objects.filter(pk__in=[s for s, _w, w in parent_sources if w]).values_list(
        "path", flat=True
    ):
        whole |= Q(path__startswith=path)
    with_values = DataValue.objects.filter(data_element_id__in=plan.element_ids).values("org_unit_id")
    outside = [
        (pk, 1.0, False)
        for pk, path in OrgUnit.objects.filter(whole, pk__in=with_values).values_list("pk", "path")
        if pk not in child_singles and not any(path.startswith(c) for c in child_paths)
    ]
    if not outside:
        return {}
    found = _evaluate(indicator, plan, {parent.pk: outside}, specs)
    return {spec.code: found[(parent.pk, spec.code)] for spec in specs}


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


def is_sex_disaggregable(indicator: Indicator) -> bool:
    """Can the indicator be split by sex (its terms do not already fix the sex)?"""
    if "sex" not in (indicator.disaggregations or []):
        return False
    terms = [*indicator.numerator, *indicator.denominator]
    return not any("sex" in t.get("options", {}) for t in terms)


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
