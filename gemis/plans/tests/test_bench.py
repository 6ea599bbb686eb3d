"""The benchmark's code paths at toy scale: the table, the exit status, the dispatch. Not its timings."""

from __future__ import annotations

import contextlib
from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from gemis.core.management.commands.bench import discover
from gemis.plans import bench
from gemis.plans.models import Notification, Task

TINY = ["tasks", "--tasks", "80", "--agencies", "8", "--repeat", "2"]


@pytest.fixture
def in_test_database(monkeypatch):
    """Build in the test database instead of a throwaway one (pytest-django already made one)."""

    @contextlib.contextmanager
    def current_database(out=None):
        yield "test database"

    monkeypatch.setattr(bench, "throwaway_database", current_database)


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
