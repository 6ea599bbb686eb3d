"""The first save of an empty grid cell by many people at once: one wins, the others get the conflict.

Real threads, each with its own database connection (transactional tests), on whichever
engine the run uses (SQLite by default, PostgreSQL with DATABASE_URL). On PostgreSQL the
second insert waited for the first, then failed the unique constraint: 500 for some, and
"saved" for others whose insert became an overwrite.
"""

from __future__ import annotations

import datetime as dt
import threading

import pytest
from django.db import connection
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from gemis.core import numbers
from gemis.indicators import grid
from gemis.indicators.models import DataValue, Period, ValueRollup
from gemis.indicators.tests.screens import make_form
from gemis.orgs.models import Role, Scheme
from gemis.orgs.testing import make_agency, make_unit, make_user

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def place(transactional_db):
    province = make_unit("Tỉnh Đồng Thời", code="94", scheme=Scheme.CURRENT, valid_from=dt.date(2025, 7, 1))
    commune = make_unit("Xã Cùng Lúc", code="94001", parent=province)
    agency = make_agency(province, "Sở Nội vụ", "SNV")
    people = [make_user(f"dieu.phoi.{i}", agency, role=Role.COORDINATOR) for i in range(2)]
    return province, commune, people, make_form()


def run_at_once(count: int, work) -> list:
    """``work(i)`` in ``count`` threads released together; what each returned (or raised)."""
    barrier = threading.Barrier(count)
    results: list = [None] * count

    def run(i: int) -> None:
        try:
            barrier.wait(timeout=30)
            results[i] = work(i)
        except Exception as error:  # noqa: BLE001 — a 500 would show up here
            results[i] = error
        finally:
            connection.close()  # each thread has its own connection

    threads = [threading.Thread(target=run, args=(i,)) for i in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    return results


def test_many_first_saves_of_one_empty_cell(place):
    province, commune, people, form = place
    period = Period.get(form.open_period)
    today = timezone.localdate()
    count = 8

    def save(i: int) -> grid.CellResult:
        return grid.save_cell(
            form.dataset,
            period,
            commune,
            "W.households",
            "default",
            str(100 + i),
            0,  # everybody saw the cell empty
            user=people[i % 2],
            today=today,
        )

    results = run_at_once(count, save)
    assert not [r for r in results if not isinstance(r, grid.CellResult)], results
    statuses = [r.status for r in results]
    assert statuses.count(grid.SAVED) == 1, statuses
    assert statuses.count(grid.CONFLICT) == count - 1, statuses
    winner = next(r for r in results if r.status == grid.SAVED)
    stored = DataValue.objects.get()
    assert stored.value == winner.value and stored.version == 1 == winner.version
    assert stored.history.count() == 1
    for loser in (r for r in results if r.status == grid.CONFLICT):
        assert loser.value == stored.value and loser.version == 1  # what is there now, to show
        assert numbers.format_for_page(stored.value) in loser.messages[0]
    rollup = ValueRollup.objects.get(org_unit=province)
    assert (rollup.value, rollup.count) == (stored.value, 1)


def test_two_people_saving_an_empty_cell_one_gets_the_conflict(place):
    _province, commune, people, form = place
    url = reverse("indicators:entry-cell", args=[form.dataset.code, commune.pk, form.open_period])

    def post(i: int):
        client = Client()
        client.force_login(people[i])
        response = client.post(
            url, {"element": "W.households", "cell": "default", "value": str(10 + i), "version": 0}
        )
        return response.status_code, response.content.decode()

    results = run_at_once(2, post)
    assert not [r for r in results if not isinstance(r, tuple)], results
    assert sorted(status for status, _html in results) == [200, 409]
    stored = DataValue.objects.get()
    loser = next(html for status, html in results if status == 409)
    theirs = 21 - int(stored.value)  # the value the loser typed (10 or 11)
    assert "Người khác đã lưu ô này" in loser and f"({theirs})" in loser  # both values shown
    assert str(int(stored.value)) in loser and '"version": "1"' in loser
