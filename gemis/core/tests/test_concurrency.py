"""Writers at the same moment, each on its own database connection, as the server's threads are.

On SQLite a transaction that first reads and then writes used to fail at once with "database is
locked" when another one was writing (18 of 20 grid saves, 7 of 20 progress updates on the demo):
the settings now begin every transaction IMMEDIATE and wait up to the busy timeout. These tests run
real threads against a real database file (see ``DATABASES["default"]["TEST"]``) and, in CI, on
PostgreSQL as well: nobody gets an error, every save is either done or a clean version conflict,
and the totals add up.
"""

from __future__ import annotations

import pytest
from django.utils import timezone

from gemis.core.testing import run_together
from gemis.core.versioning import ConflictError
from gemis.indicators import grid
from gemis.indicators.models import Dataset, DataValue, Period, ValueRollup
from gemis.indicators.testing import make_element, put
from gemis.orgs.testing import make_unit
from gemis.plans.models import PlanStatus, ProgressUpdate, Task, TaskStatus
from gemis.plans.progress import record_progress
from gemis.plans.testing import make_plan, make_task

pytestmark = pytest.mark.django_db(transaction=True)

THREADS = 20


@pytest.fixture
def form(live_world):
    """A yearly form with one plain element, and 20 communes under district A to enter it for."""
    element = make_element("CC.people", categories=(), name="Số người được hỗ trợ")
    dataset = Dataset.objects.create(code="cc-test", name="Biểu thử đồng thời")
    dataset.data_elements.set([element])
    communes = [
        make_unit(f"Xã Thử {i:02d}", code=f"91{i:03d}", parent=live_world.district_a) for i in range(THREADS)
    ]
    return dataset, element, communes


def save(dataset, unit, element, text: str, expected_version: int, user) -> grid.CellResult:
    period = Period.get(str(timezone.localdate().year))
    today = timezone.localdate()
    return grid.save_cell(
        dataset, period, unit, element.code, "default", text, expected_version, user=user, today=today
    )


def test_grid_saves_to_different_cells_all_land_and_the_totals_add_up(live_world, form):
    dataset, element, communes = form
    user = live_world.province_coordinator

    results, errors = run_together(
        THREADS, lambda i: save(dataset, communes[i], element, str(i + 1), 0, user)
    )

    assert errors == []
    assert [r.status for r in results] == [grid.SAVED] * THREADS
    period = Period.get(str(timezone.localdate().year))
    stored = dict(
        DataValue.objects.filter(period=period, data_element=element).values_list("org_unit", "value")
    )
    assert stored == {unit.pk: float(i + 1) for i, unit in enumerate(communes)}
    # Every commune adds to the same district and province totals: none may be lost.
    expected = sum(range(1, THREADS + 1))
    for parent in (live_world.district_a, live_world.province):
        rollup = ValueRollup.objects.get(org_unit=parent, period=period, data_element=element)
        assert (rollup.value, rollup.count) == (expected, THREADS)


def test_saves_to_one_filled_cell_give_one_winner_and_clean_conflicts(live_world, form):
    dataset, element, communes = form
    unit = communes[0]
    put(element, unit, str(timezone.localdate().year), 5)

    results, errors = run_together(
        THREADS, lambda i: save(dataset, unit, element, str(100 + i), 1, live_world.province_coordinator)
    )

    assert errors == []
    statuses = [r.status for r in results]
    assert statuses.count(grid.SAVED) == 1
    assert statuses.count(grid.CONFLICT) == THREADS - 1
    winner = next(r for r in results if r.status == grid.SAVED)
    stored = DataValue.objects.get(org_unit=unit, data_element=element)
    assert (stored.value, stored.version) == (winner.value, 2)
    # A conflict shows the value that won, so the person can compare it with theirs.
    assert {r.value for r in results if r.status == grid.CONFLICT} == {winner.value}


@pytest.fixture
def task(live_world):
    plan = make_plan(live_world.district_a, live_world.district_a_agency, status=PlanStatus.ISSUED)
    return make_task(plan, "Tổ chức tập huấn cho cán bộ", lead=live_world.district_a_agency)


def test_progress_updates_on_one_task_all_land(live_world, task):
    author = live_world.district_a_focal

    def update(i: int):
        mine = Task.objects.get(pk=task.pk)
        return record_progress(mine, author, note=f"Lần cập nhật {i}", progress=i + 1)

    results, errors = run_together(THREADS, update)

    assert errors == []
    assert ProgressUpdate.objects.filter(task=task).count() == THREADS
    task.refresh_from_db()
    assert task.version == 1 + THREADS
    assert task.status == TaskStatus.IN_PROGRESS
    # The task shows the last update that was written.
    last = ProgressUpdate.objects.filter(task=task).order_by("-created_at", "-pk").first()
    assert task.progress == last.progress


def test_progress_updates_against_one_version_give_one_winner(live_world, task):
    author = live_world.district_a_focal
    version = task.version

    def update(i: int):
        mine = Task.objects.get(pk=task.pk)
        try:
            return record_progress(mine, author, note=f"Lần {i}", progress=50, expected_version=version)
        except ConflictError as conflict:
            return conflict

    results, errors = run_together(THREADS, update)

    assert errors == []
    assert sum(isinstance(r, ProgressUpdate) for r in results) == 1
    assert sum(isinstance(r, ConflictError) for r in results) == THREADS - 1
    assert ProgressUpdate.objects.filter(task=task).count() == 1
    task.refresh_from_db()
    assert task.version == version + 1
