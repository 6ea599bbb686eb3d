"""The benchmark framework behind ``gemis bench <target>``: figures against targets, a throwaway database.

An app adds a target by defining ``run_<target>(options, out) -> list[Figure]``
(and optionally ``add_<target>_arguments(parser)``) in its own ``bench`` module;
the ``bench`` command (``core/management/commands/bench.py``) finds it, prints
``figure | measured | target | OK/MISSED`` and exits 1 when a target is missed.
"""

from __future__ import annotations

import contextlib
import math
import os
import shutil
import tempfile
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.db import connection
from django.test.utils import override_settings


@dataclass
class Figure:
    """One measured figure; ``target`` None means "for information", never missed."""

    label: str
    measured: float
    unit: str
    target: float | None = None
    #: for rates (values per second): the target is a floor, met when measured ≥ target
    higher_is_better: bool = False

    @property
    def ok(self) -> bool | None:
        if self.target is None:
            return None
        return self.measured >= self.target if self.higher_is_better else self.measured < self.target

    @property
    def verdict(self) -> str:
        return {True: "OK", False: "MISSED", None: ""}[self.ok]


def _amount(value: float | None, unit: str) -> str:
    if value is None:
        return "—"
    if unit == "ms":
        return f"{value:.1f} ms"
    if unit == "s":
        return f"{value:.2f} s"
    return f"{value:g} {unit}".strip()


def format_table(figures: Sequence[Figure]) -> str:
    """``figure | measured | target | OK/MISSED`` as a Markdown table (pastes into BENCHMARKS.md)."""
    rows = [("figure", "measured", "target", "result")]
    rows += [
        (
            f.label,
            _amount(f.measured, f.unit),
            ("≥ " if f.higher_is_better else "< ") + _amount(f.target, f.unit) if f.target else "—",
            f.verdict,
        )
        for f in figures
    ]
    widths = [max(len(row[i]) for row in rows) for i in range(4)]
    lines = ["| " + " | ".join(cell.ljust(widths[i]) for i, cell in enumerate(row)) + " |" for row in rows]
    lines.insert(1, "|" + "|".join("-" * (w + 2) for w in widths) + "|")
    return "\n".join(lines)


def percentile(values: Sequence[float], share: float) -> float:
    """Nearest-rank percentile (p95 of 30 runs is the 29th fastest)."""
    ordered = sorted(values)
    return ordered[max(0, math.ceil(share * len(ordered)) - 1)]


def database_description() -> str:
    vendor = connection.vendor
    with connection.cursor() as cursor:
        if vendor == "sqlite":
            cursor.execute("select sqlite_version()")
            return f"SQLite {cursor.fetchone()[0]}"
        if vendor == "postgresql":
            cursor.execute("show server_version")
            return f"PostgreSQL {cursor.fetchone()[0]}"
    return vendor


@contextlib.contextmanager
def throwaway_database(out: Any = None) -> Iterator[str]:
    """Switch the default connection to a new, empty, migrated database; drop it afterwards.

    SQLite: a file in a temporary directory (a file, not memory, to measure what
    GEMIS runs on). PostgreSQL: ``gemis_bench_<pid>`` on the server of
    DATABASE_URL. Django's test-database machinery does the work, so the
    configured database is never touched.
    """
    test_settings = connection.settings_dict.setdefault("TEST", {})
    saved_test_name = test_settings.get("NAME")
    saved_name = connection.settings_dict["NAME"]
    tmpdir = None
    if connection.vendor == "sqlite":
        tmpdir = tempfile.mkdtemp(prefix="gemis-bench-")
        test_settings["NAME"] = os.path.join(tmpdir, "bench.sqlite3")
    else:
        test_settings["NAME"] = f"gemis_bench_{os.getpid()}"
    try:
        if out is not None:
            out.write(f"Creating the throwaway database {test_settings['NAME']} …")
        name = connection.creation.create_test_db(verbosity=0, autoclobber=True, serialize=False)
        try:
            yield name
        finally:
            connection.creation.destroy_test_db(saved_name, verbosity=0)
    finally:
        if saved_test_name is None:
            test_settings.pop("NAME", None)
        else:
            test_settings["NAME"] = saved_test_name
        if tmpdir:
            shutil.rmtree(tmpdir, ignore_errors=True)


def measurement_settings() -> override_settings:
    """E-mail into memory, the test client's host allowed, no query log; nothing else changes.

    Not ``setup_test_environment()``: it instruments template rendering so that the
    test client can keep every context, which would add to the timed requests.
    """
    return override_settings(
        EMAIL_BACKEND="django.core.mail.backends.locmem.EmailBackend",
        ALLOWED_HOSTS=[*settings.ALLOWED_HOSTS, "testserver"],
        DEBUG=False,
    )
