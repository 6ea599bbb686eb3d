"""Keeping the unit totals right: the write side of the statistics.

:class:`~gemis.indicators.models.ValueRollup` holds, for every unit, the sums of
the values of the units below it, per period × data element × cell. Every way a
value is written moves its difference into the rollups of the unit's ancestors
(three rows for a legacy commune) in the same transaction, so a saved value is
in its province's total at once:

* one value saved or deleted (the grid, a form, the admin, a queryset delete):
  the ``pre_save``/``post_save``/``post_delete`` receivers below — the one
  mechanism, registered by ``IndicatorsConfig.ready``;
* many values at once: :func:`load_values` (Excel upload, imports) and
  :func:`copy_values` (bulk COPY/INSERT for a first load, with the secondary
  indexes dropped and restored);
* after a raw load or a change of the unit tree: :func:`rebuild_rollups`
  recomputes everything from the values, level by level, and
  :func:`unstorable_values` finds values no total may hold.

Reading the figures is :mod:`gemis.indicators.aggregate`.
"""

from __future__ import annotations

import datetime as dt
import logging
import math
import time
from collections import defaultdict
from collections.abc import Iterable
from typing import Any

from django.db import IntegrityError, connection, transaction
from django.db.models import Q
from django.db.models.signals import post_delete, post_save, pre_save
from django.dispatch import receiver
from simple_history.utils import bulk_create_with_history, bulk_update_with_history

from gemis.core import numbers
from gemis.indicators.models import DataValue, ValueRollup
from gemis.orgs.models import OrgUnit

__all__ = [
    "RollupError",
    "ValueRow",
    "apply_change",
    "copy_values",
    "load_values",
    "rebuild_rollups",
    "unstorable_values",
]

logger = logging.getLogger(__name__)

# (org_unit_id, period_id, data_element_id, option_combo_id, value)
ValueRow = tuple[int, int, int, int, float]


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
    _rollup_deltas([(old, new)])


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


# --------------------------------------------------------------------------- one value saved or deleted


def _row(value: DataValue) -> ValueRow:
    return (value.org_unit_id, value.period_id, value.data_element_id, value.option_combo_id, value.value)


@receiver(pre_save, sender=DataValue, dispatch_uid="rollups_value_saving")
def _value_saving(sender: type[DataValue], instance: DataValue, raw: bool = False, **kwargs: Any) -> None:
    """Lock the stored row and remember it: its old figure leaves the totals when the new one enters."""
    instance._rollup_old = None
    if raw or not instance.pk:
        return
    instance._rollup_old = (
        DataValue.objects.select_for_update()
        .filter(pk=instance.pk)
        .values_list("org_unit_id", "period_id", "data_element_id", "option_combo_id", "value")
        .first()
    )


@receiver(post_save, sender=DataValue, dispatch_uid="rollups_value_saved")
def _value_saved(sender: type[DataValue], instance: DataValue, raw: bool = False, **kwargs: Any) -> None:
    if raw:  # loaddata: the totals are rebuilt afterwards (rebuild_rollups)
        return
    apply_change(getattr(instance, "_rollup_old", None), _row(instance))
    instance._rollup_old = None


@receiver(post_delete, sender=DataValue, dispatch_uid="rollups_value_deleted")
def _value_deleted(sender: type[DataValue], instance: DataValue, **kwargs: Any) -> None:
    apply_change(_row(instance), None)
