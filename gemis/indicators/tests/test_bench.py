"""The analytics benchmark's code paths at toy scale (not its timings), and the rate figure."""

from __future__ import annotations

import contextlib
from io import StringIO

import pytest
from django.core.management import call_command

from gemis.core import bench as shared
from gemis.core.management.commands.bench import discover
from gemis.indicators import bench


@pytest.fixture
def in_test_database(monkeypatch):
    @contextlib.contextmanager
    def current_database(out=None):
        yield "test database"

    monkeypatch.setattr(bench, "throwaway_database", current_database)


def test_rates_are_higher_is_better():
    assert shared.Figure("rate", 250_000, "values/s", 200_000, higher_is_better=True).ok is True
    assert shared.Figure("rate", 150_000, "values/s", 200_000, higher_is_better=True).ok is False
    assert shared.Figure("time", 150, "ms", 200).ok is True  # unchanged for the others
    table = shared.format_table([shared.Figure("rate", 250000, "values/s", 200000, higher_is_better=True)])
    assert "≥ 200000 values/s" in table and table.splitlines()[2].rstrip(" |").endswith("OK")


def test_the_target_is_discovered():
    assert "analytics" in discover()


@pytest.mark.django_db(transaction=True)
def test_the_benchmark_runs_at_toy_scale(in_test_database):
    out = StringIO()
    options = {"scale": 0.01, "indicators": 2, "years": 3, "repeat": 2, "seed": 1}
    figures = bench.run_analytics(options, out)
    labels = [f.label for f in figures]
    assert any(label.startswith("bulk load") for label in labels)
    assert any("63 provinces" in label for label in labels)
    assert "693 communes" in out.getvalue()
    assert all(f.measured > 0 for f in figures)


@pytest.mark.django_db(transaction=True)
def test_the_command(in_test_database):
    out = StringIO()
    with contextlib.suppress(Exception):  # a missed target on a loaded machine exits 1: fine here
        call_command(
            "bench",
            "analytics",
            "--scale",
            "0.01",
            "--indicators",
            "2",
            "--years",
            "2",
            "--repeat",
            "1",
            stdout=out,
        )
    assert "| figure" in out.getvalue()
