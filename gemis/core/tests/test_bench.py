"""The benchmark framework: the table of figures against targets, the verdicts, the command's dispatch."""

from __future__ import annotations

import pytest
from django.core.management import CommandError, call_command

from gemis.core import bench


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


def test_unknown_target_is_refused():
    with pytest.raises(CommandError):
        call_command("bench", "nothing-like-this")
