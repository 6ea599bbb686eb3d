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

Speed without a nightly rebuild: :class:`~gemis.indicators.models.ValueRollup`
holds, for every unit, the sums of the values of the units below it, per
period × data element × cell. ``DataValue.save``/``delete`` and
:func:`load_values` move each difference into the rollups of the unit's
ancestors (three rows for a legacy commune) in the same transaction, so a saved
value is in its province's total at once. A read is then two indexed queries
(the units' own values and their rollups), whatever the number of units below.
:func:`rebuild_rollups` recomputes everything from the values, level by level.
"""

from __future__ import annotations

import datetime as dt
import logging
import math
import time
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from django.db import IntegrityError, connection, transaction
from django.db.models import Q
from simple_history.utils import bulk_create_with_history, bulk_update_with_history

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
    "apply_change",
    "breakdown",
    "children_values",
    "copy_values",
    "indicator_value",
    "indicator_values",
    "load_values",
    "rebuild_rollups",
    "sources_for",
    "unstorable_values",
    "yearly_series",
]

logger = logging.getLogger(__name__)

# (org_unit_id, period_id, data_element_id, option_combo_id, value)
ValueRow = tuple[int, int, int, int, float]

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


# --------------------------------------------------------------------------- keeping rollups right


def _ancestor_ids(unit_id: int) -> list[int]:
    """The units above ``unit_id`` (by path, so one indexed lookup whatever the depth)."""
    path = OrgUnit.objects.filter(pk=unit_id).values_list("path", flat=True).first()
    if path is None:
        return []
    parts = path.strip("/").split("/")
    prefixes = ["/".join(parts[:end]) + "/" for end in range(2, len(parts))]
    if not prefixes:
        return []
    return list(OrgUnit.objects.filter(path__in=prefixes).values_list("pk", flat=True))


def _upsert_rollups(rows: Iterable[tuple[int, int, int, int, float, int]]) -> None:
    """Add (value, count) deltas to rollup rows, creating them as needed (atomic per row)."""
    # One row per key: PostgreSQL refuses to update the same row twice in one statement.
    summed: dict[tuple[int, int, int, int], list[float]] = defaultdict(lambda: [0.0, 0])
    for unit_id, period_id, element_id, combo_id, value, count in rows:
        d = summed[(unit_id, period_id, element_id, combo_id)]
        d[0] += value
        d[1] += count
    rows = [(*key, v, int(c)) for key, (v, c) in summed.items() if v or c]
    if not rows:
        return
    table = connection.ops.quote_name(ValueRollup._meta.db_table)
    for start in range(0, len(rows), 500):
        batch = rows[start : start + 500]
        placeholders = ", ".join(["(%s, %s, %s, %s, %s, %s)"] * len(batch))
        params = [item for row in batch for item in row]
        with connection.cursor() as cursor:
            cursor.execute(
                f"INSERT INTO {table} "
                "(org_unit_id, period_id, data_element_id, option_combo_id, value, count) "
                f"VALUES {placeholders} "
                "ON CONFLICT (org_unit_id, period_id, data_element_id, option_combo_id) DO UPDATE SET "
                f"value = {table}.value + excluded.value, count = {table}.count + excluded.count "
                "RETURNING org_unit_id, value",
                params,
            )
            _check_rollups(cursor.fetchall())


class RollupError(ValueError):
    """A total would become infinite or NaN: the saving transaction is refused, nothing is written."""


def _check_rollups(written: Iterable[tuple[int, Any]]) -> None:
    """Raise before the transaction commits if a rollup came out non-finite (defence in depth: the
    values are checked when typed, but one infinity would spoil every total above it for good)."""
    for unit_id, value in written:
        if value is None or not math.isfinite(float(value)):
            raise RollupError(
                f"the total of unit {unit_id} would become {value}; run `gemis rebuild-rollups --check`"
            )


def _counted(row: ValueRow | None) -> ValueRow | None:
    """A stored value that is not a storable number (an infinity saved by an old version) is left out
    of the rollups, as :func:`rebuild_rollups` leaves it out: so neither its arrival nor its removal
    moves a total."""
    return row if row is not None and numbers.is_storable(row[4]) else None


def apply_change(old: ValueRow | None, new: ValueRow | None) -> None:
    """Move one value's change into the rollups of the units above it (call inside the saving transaction)."""
    if new is not None:
        numbers.check_value(new[4])  # never a non-finite or absurd value into a total
    old = _counted(old)
    deltas: dict[tuple[int, int, int, int], list[float]] = defaultdict(lambda: [0.0, 0])
    if old is not None:
        d = deltas[old[:4]]
        d[0] -= old[4]
        d[1] -= 1
    if new is not None:
        d = deltas[new[:4]]
        d[0] += new[4]
        d[1] += 1
    rows = []
    for (unit_id, period_id, element_id, combo_id), (value, count) in deltas.items():
        if value == 0 and count == 0:
            continue
        for ancestor in _ancestor_ids(unit_id):
            rows.append((ancestor, period_id, element_id, combo_id, value, count))
    _upsert_rollups(rows)


def _rollup_deltas(changes: Iterable[tuple[ValueRow | None, ValueRow | None]]) -> None:
    """Many changes at once: deltas summed per ancestor key, ancestors looked up once per unit."""
    deltas: dict[tuple[int, int, int, int], list[float]] = defaultdict(lambda: [0.0, 0])
    for old, new in changes:
        old = _counted(old)
        if old is not None:
            d = deltas[old[:4]]
            d[0] -= old[4]
            d[1] -= 1
        if new is not None:
            d = deltas[new[:4]]
            d[0] += new[4]
            d[1] += 1
    units = {key[0] for key in deltas}
    paths = dict(OrgUnit.objects.filter(pk__in=units).values_list("pk", "path"))
    prefixes: dict[int, list[str]] = {}
    for unit_id, path in paths.items():
        parts = path.strip("/").split("/")
        prefixes[unit_id] = ["/".join(parts[:end]) + "/" for end in range(2, len(parts))]
    wanted = {p for ps in prefixes.values() for p in ps}
    ids = dict(OrgUnit.objects.filter(path__in=wanted).values_list("path", "pk")) if wanted else {}
    summed: dict[tuple[int, int, int, int], list[float]] = defaultdict(lambda: [0.0, 0])
    for (unit_id, period_id, element_id, combo_id), (value, count) in deltas.items():
        for prefix in prefixes.get(unit_id, ()):
            if prefix in ids:
                d = summed[(ids[prefix], period_id, element_id, combo_id)]
                d[0] += value
                d[1] += count
    _upsert_rollups((*key, v, int(c)) for key, (v, c) in summed.items() if v or c)


def load_values(
    rows: Iterable[tuple[int, int, int, int, float]],
    *,
    user: Any = None,
    comment: str = "",
    reason: str = "import",
) -> tuple[int, int]:
    """Create or update many values in one transaction (an Excel upload), with history and rollups.

    ``rows`` are ``(org_unit_id, period_id, data_element_id, option_combo_id, value)``.
    Returns (created, updated). Validation and locking are the caller's (see ``validation.py``);
    a value that is not a storable number (NaN, infinite, beyond ``numbers.MAX_MAGNITUDE``) raises
    ``numbers.NumberError`` before anything is written, whichever path it came by.
    """
    wanted: dict[tuple[int, int, int, int], float] = {tuple(r[:4]): numbers.check_value(r[4]) for r in rows}
    if not wanted:
        return 0, 0
    with transaction.atomic():
        existing: dict[tuple[int, int, int, int], DataValue] = {}
        # One query per batch of units: the unique index starts with (unit, period).
        units = sorted({key[0] for key in wanted})
        periods = {key[1] for key in wanted}
        elements = {key[2] for key in wanted}
        for start in range(0, len(units), 500):
            for dv in DataValue.objects.select_for_update().filter(
                org_unit_id__in=units[start : start + 500],
                period_id__in=periods,
                data_element_id__in=elements,
            ):
                key = (dv.org_unit_id, dv.period_id, dv.data_element_id, dv.option_combo_id)
                if key in wanted:
                    existing[key] = dv
        to_create, to_update, changes = [], [], []
        now = dt.datetime.now(dt.UTC)
        for key, value in wanted.items():
            dv = existing.get(key)
            if dv is None:
                to_create.append(
                    DataValue(
                        org_unit_id=key[0],
                        period_id=key[1],
                        data_element_id=key[2],
                        option_combo_id=key[3],
                        value=value,
                        comment=comment,
                        entered_by=user,
                        entered_at=now,
                    )
                )
                changes.append((None, (*key, value)))
            elif dv.value != value:
                changes.append(((*key, dv.value), (*key, value)))
                dv.value, dv.entered_by, dv.entered_at = value, user, now
                dv.version += 1
                to_update.append(dv)
        if to_create:
            bulk_create_with_history(
                to_create, DataValue, batch_size=1000, default_user=user, default_change_reason=reason
            )
        if to_update:
            bulk_update_with_history(
                to_update,
                DataValue,
                ["value", "entered_by", "entered_at", "version"],
                batch_size=1000,
                default_user=user,
                default_change_reason=reason,
            )
        _rollup_deltas(changes)
    return len(to_create), len(to_update)


def _parameter_limit() -> int:
    """How many parameters one statement may carry on this connection."""
    connection.ensure_connection()
    raw = connection.connection
    if connection.vendor == "sqlite" and hasattr(raw, "getlimit"):
        import sqlite3

        return raw.getlimit(sqlite3.SQLITE_LIMIT_VARIABLE_NUMBER)
    return connection.features.max_query_params or 999


def _insert_rows(cursor: Any, table: str, columns: str, flat: list[Any]) -> int:
    """One multi-row INSERT of ``flat`` (five values a row); returns the rows inserted."""
    rows = len(flat) // 5
    values = ", ".join(["(%s, %s, %s, %s, %s, 1)"] * rows)
    cursor.execute(f"INSERT INTO {table} ({columns}) VALUES {values}", flat)
    return rows


def copy_values(rows: Iterable[ValueRow], *, initial: bool = False) -> int:
    """The fastest load of many values (past years, the benchmark): no history, no rollups.

    PostgreSQL: ``COPY`` (psycopg 3) straight into the table; elsewhere batched
    inserts. Existing keys are an error. Call :func:`rebuild_rollups` afterwards.

    ``initial=True`` (inside a transaction): on PostgreSQL the table's indexes
    and constraints other than the primary key are dropped for the load and
    built again after it — one sort per index and one join per foreign key
    instead of millions of index insertions and trigger checks. The table is
    locked meanwhile and the checks still run (a bad row fails the whole load).
    On SQLite the named indexes are dropped and rebuilt the same way.
    """
    table = DataValue._meta.db_table
    columns = "org_unit_id, period_id, data_element_id, option_combo_id, value, version"
    count = 0
    if connection.vendor != "postgresql":
        with connection.cursor() as cursor:
            restore = []
            if initial and connection.vendor == "sqlite":
                # Named indexes can go for the load; the unique constraint is part of the table.
                cursor.execute(
                    "SELECT name, sql FROM sqlite_master "
                    "WHERE type = 'index' AND tbl_name = %s AND sql IS NOT NULL",
                    [table],
                )
                for name, sql in cursor.fetchall():
                    cursor.execute(f'DROP INDEX "{name}"')
                    restore.append(sql)
            # Many rows per INSERT: one statement for thousands of rows instead of one per row
            # (1.5 times the rate of executemany here), as many as the database takes parameters.
            per_statement = max(1, min(5000, _parameter_limit() // 5))
            batch: list[Any] = []
            for row in rows:
                if not -numbers.MAX_MAGNITUDE <= row[4] <= numbers.MAX_MAGNITUDE:  # NaN fails too
                    numbers.check_value(row[4])
                batch.extend(row)
                if len(batch) >= per_statement * 5:
                    count += _insert_rows(cursor, table, columns, batch)
                    batch = []
            if batch:
                count += _insert_rows(cursor, table, columns, batch)
            for statement in restore:
                cursor.execute(statement)
        return count
    with connection.cursor() as cursor:
        restore: list[str] = []
        if initial:
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")  # run the checks pending in this transaction
            restore = _drop_secondary_indexes(cursor, table)
        raw = cursor.cursor  # the psycopg cursor under Django's wrapper
        with raw.copy(f"COPY {table} ({columns}) FROM STDIN") as copy:
            buffer: list[str] = []
            for unit_id, period_id, element_id, combo_id, value in rows:
                if not -numbers.MAX_MAGNITUDE <= value <= numbers.MAX_MAGNITUDE:  # NaN fails too
                    numbers.check_value(value)
                buffer.append(f"{unit_id}\t{period_id}\t{element_id}\t{combo_id}\t{value!r}\t1\n")
                if len(buffer) >= 50_000:
                    copy.write("".join(buffer))
                    count += len(buffer)
                    buffer.clear()
            if buffer:
                copy.write("".join(buffer))
                count += len(buffer)
        _restore(cursor, restore)
    return count


def _restore(cursor: Any, statements: list[str]) -> None:
    """Run what ``_drop_secondary_indexes`` returned; a check that finds a row raises IntegrityError."""
    if not statements:
        return
    cursor.execute("SET LOCAL maintenance_work_mem = '512MB'")
    for statement in statements:
        started = time.perf_counter()
        cursor.execute(statement)
        if statement.startswith("SELECT") and cursor.fetchone() is not None:
            raise IntegrityError(
                "a loaded value refers to a unit, period, element or cell that does not exist"
            )
        logger.info("bulk load: %.1f s for %s", time.perf_counter() - started, statement[:90])


def _drop_secondary_indexes(cursor: Any, table: str) -> list[str]:
    """Drop every constraint and index of ``table`` but its primary key; return the SQL that restores them.

    The foreign keys come back ``NOT VALID`` after one combined check of every
    row's references (one scan with a hashed lookup per key, instead of one scan
    per key); they enforce new rows as before, and ``VALIDATE CONSTRAINT`` can
    mark them validated later without blocking writes.
    """
    cursor.execute(
        "SELECT c.conname, pg_get_constraintdef(c.oid), c.contype, a.attname, c.confrelid::regclass::text, "
        "af.attname FROM pg_constraint c "
        "LEFT JOIN pg_attribute a ON a.attrelid = c.conrelid AND a.attnum = c.conkey[1] "
        "LEFT JOIN pg_attribute af ON af.attrelid = c.confrelid AND af.attnum = c.confkey[1] "
        "WHERE c.conrelid = %s::regclass AND c.contype IN ('f', 'u', 'c')",
        [table],
    )
    constraints = cursor.fetchall()
    cursor.execute(
        "SELECT i.indexrelid::regclass::text, pg_get_indexdef(i.indexrelid) FROM pg_index i "
        "WHERE i.indrelid = %s::regclass AND NOT i.indisprimary "
        "AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conindid = i.indexrelid)",
        [table],
    )
    indexes = cursor.fetchall()
    quote = connection.ops.quote_name
    quoted = quote(table)
    for name, *_rest in constraints:
        cursor.execute(f"ALTER TABLE {quoted} DROP CONSTRAINT {quote(name)}")
    for name, _definition in indexes:
        cursor.execute(f"DROP INDEX {name}")
    restore = [definition for _name, definition in indexes]
    restore += [
        f"ALTER TABLE {quoted} ADD CONSTRAINT {quote(name)} {definition}"
        for name, definition, kind, *_rest in sorted(constraints, key=lambda c: c[2] != "u")
        if kind != "f"
    ]
    foreign = [c for c in constraints if c[2] == "f"]
    if foreign:
        bad = " OR ".join(
            f"({quote(column)} IS NOT NULL AND {quote(column)} NOT IN (SELECT {quote(target)} FROM {ref}))"
            for _name, _definition, _kind, column, ref, target in foreign
        )
        restore.append(f"SELECT 1 FROM {quoted} WHERE {bad} LIMIT 1")  # a row found aborts the load
        restore += [
            f"ALTER TABLE {quoted} ADD CONSTRAINT {quote(name)} {definition} NOT VALID"
            for name, definition, *_rest in foreign
        ]
    return [*restore, "SET CONSTRAINTS ALL DEFERRED"]


def rebuild_rollups() -> int:
    """Recompute every rollup from the values, deepest level first; returns the rows written.

    Level by level, each unit's rollup is the sum of its children's own values
    and of its children's rollups, so every value is read once (not once per
    ancestor). A stored value that is not a storable number (NaN, infinite or
    beyond ``numbers.MAX_MAGNITUDE``, saved by an old version) is left out:
    :func:`unstorable_values` lists them for a person to correct.
    """
    rollups = connection.ops.quote_name(ValueRollup._meta.db_table)
    values = connection.ops.quote_name(DataValue._meta.db_table)
    units = connection.ops.quote_name(OrgUnit._meta.db_table)
    postgresql = connection.vendor == "postgresql"
    with transaction.atomic(), connection.cursor() as cursor:
        restore: list[str] = []
        if postgresql:
            # As for an initial load: no index insertions or trigger checks row by row, and
            # enough memory to group millions of values without spilling to disk.
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")  # run the checks pending in this transaction
            cursor.execute(f"TRUNCATE {rollups}")
            cursor.execute("SET LOCAL work_mem = '256MB'")
            restore = _drop_secondary_indexes(cursor, ValueRollup._meta.db_table)
        else:
            cursor.execute(f"DELETE FROM {rollups}")
        depths = sorted(
            set(OrgUnit.objects.filter(parent__isnull=False).values_list("depth", flat=True)), reverse=True
        )
        for depth in depths:
            cursor.execute(
                f"""
                INSERT INTO {rollups} (org_unit_id, period_id, data_element_id, option_combo_id, value, count)
                SELECT parent_id, period_id, data_element_id, option_combo_id, SUM(value), SUM(n)
                FROM (
                    SELECT u.parent_id, v.period_id, v.data_element_id, v.option_combo_id, v.value, 1 AS n
                    FROM {values} v JOIN {units} u ON u.id = v.org_unit_id
                    WHERE u.depth = %s AND u.parent_id IS NOT NULL AND v.value BETWEEN %s AND %s
                    UNION ALL
                    SELECT u.parent_id, r.period_id, r.data_element_id, r.option_combo_id, r.value, r.count
                    FROM {rollups} r JOIN {units} u ON u.id = r.org_unit_id
                    WHERE u.depth = %s AND u.parent_id IS NOT NULL
                ) AS below
                GROUP BY parent_id, period_id, data_element_id, option_combo_id
                """,
                [depth, -numbers.MAX_MAGNITUDE, numbers.MAX_MAGNITUDE, depth],
            )
        _restore(cursor, restore)
        cursor.execute(f"SELECT COUNT(*) FROM {rollups}")
        return cursor.fetchone()[0]


def unstorable_values() -> dict[str, list[Any]]:
    """What is stored but is not a storable number: values, targets and totals (rollups).

    NaN and infinities compare above every number in PostgreSQL (SQLite cannot
    store NaN), so a range test finds all of them.
    """
    from gemis.indicators.models import Target

    limit = numbers.MAX_MAGNITUDE
    outside = Q(value__gt=limit) | Q(value__lt=-limit)
    values = list(
        DataValue.objects.filter(outside)
        .select_related("org_unit", "period", "data_element", "option_combo")
        .order_by("org_unit__path", "period__start", "data_element__code")
    )
    target_fields = ("value", "low", "high", "baseline_value")
    targets_outside = Q()
    for name in target_fields:
        targets_outside |= Q(**{f"{name}__gt": limit}) | Q(**{f"{name}__lt": -limit})
    targets = list(Target.objects.filter(targets_outside).select_related("indicator", "org_unit"))
    # A total may exceed a single value's limit; only a non-finite one is damaged.
    rollups = list(
        ValueRollup.objects.filter(Q(value__gt=1e300) | Q(value__lt=-1e300)).select_related(
            "org_unit", "period", "data_element"
        )
    )
    return {"values": values, "targets": targets, "rollups": rollups}


# --------------------------------------------------------------------------- where a unit's values come from


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
