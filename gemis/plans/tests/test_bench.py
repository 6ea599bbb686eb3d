"""The benchmark's code paths at toy scale: the table, the exit status, the dispatch. Not its timings."""

from __future__ import annotations

import contextlib
from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from gemis.plans import bench
from gemis.plans.management.commands.bench import discover
from gemis.plans.models import Notification, Task

TINY = ["tasks", "--tasks", "80", "--agencies", "8", "--repeat", "2"]


@pytest.fixture
def in_test_database(monkeypatch):
    """Build in the test database instead of a throwaway one (pytest-django already made one)."""

    @contextlib.contextmanager
    def current_database(out=None):
        yield "test database"

    monkeypatch.setattr(bench, "throwaway_database", current_database)


def test_format_table():
    table = bench.format_table(
        [
            bench.Figure("task table, median", 123.456, "ms", 300),
            bench.Figure("task table, p95", 250.0, "ms"),
            bench.Figure("send-reminders", 12.5, "s", 10),
        ]
    )
    lines = table.splitlines()
    assert lines[0].split("|")[1:5] == [
        " figure             ",
        " measured ",
        " target     ",
        " result ",
    ]
    assert set(lines[1]) == {"|", "-"}
    assert "| 123.5 ms " in lines[2] and "< 300.0 ms" in lines[2] and lines[2].rstrip(" |").endswith("OK")
    assert "| —" in lines[3] and "OK" not in lines[3] and "MISSED" not in lines[3]
    assert "12.50 s" in lines[4] and lines[4].rstrip(" |").endswith("MISSED")
    assert len({len(line) for line in lines}) == 1  # columns line up


def test_figure_verdict():
    assert bench.Figure("a", 299.9, "ms", 300).ok is True
    assert bench.Figure("a", 300.0, "ms", 300).ok is False
    assert bench.Figure("a", 1e9, "ms").ok is None


def test_percentile_is_nearest_rank():
    values = list(range(1, 31))
    assert bench.percentile(values, 0.95) == 29
    assert bench.percentile(values, 0.5) == 15
    assert bench.percentile([7.0], 0.95) == 7.0


def test_targets_are_discovered_in_installed_apps():
    assert "tasks" in discover()
    module, runner = discover()["tasks"]
    assert module is bench and runner is bench.run_tasks


@pytest.mark.django_db
def test_bench_tasks_at_toy_scale_meets_generous_targets(in_test_database):
    out = StringIO()
    call_command("bench", *TINY, stdout=out)
    text = out.getvalue()
    assert "GET /tasks/?overdue=1: " in text and "rows on page 1" in text
    table = [line for line in text.splitlines() if line.startswith("|")]
    assert table[0].startswith("| figure")
    assert len(table) == 2 + 5
    assert "MISSED" not in text
    assert "All targets met." in text
    assert Task.objects.count() == 80
    # The reminders ran twice; the second run sent nothing new.
    assert Notification.objects.filter(emailed_at__isnull=False).exists()


@pytest.mark.django_db
def test_bench_exits_1_when_a_target_is_missed(in_test_database, monkeypatch):
    monkeypatch.setattr(bench, "TASK_TABLE_TARGET_MS", 0.0001)
    out = StringIO()
    with pytest.raises(CommandError) as missed:
        call_command("bench", *TINY, stdout=out)
    assert missed.value.returncode == 1
    assert "task table" in str(missed.value)
    rows = [line for line in out.getvalue().splitlines() if "MISSED" in line]
    assert len(rows) == 1 and "median" in rows[0]


def test_unknown_target_is_refused():
    with pytest.raises(CommandError):
        call_command("bench", "nothing-like-this")


@pytest.mark.django_db
def test_synthetic_province_shape():
    import datetime as dt

    today = dt.date(2026, 11, 22)
    province = bench.build_province(300, 30, today, seed=1)
    assert (province.tasks, province.agencies, province.focal_points) == (300, 30, 30)
    assert province.units == 4  # the province (15 agencies) and three communes of five
    assert 0 < province.overdue < 300
    statuses = set(Task.objects.values_list("status", flat=True))
    assert statuses == {"not_started", "in_progress", "done", "cancelled"}
    kinds = {task.deadline.get("kind") for task in Task.objects.all()}
    assert {"date", "month", "recurring"} <= kinds
