"""A recurring task has one occurrence per period of its plan; only a missed one makes it overdue."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from gemis.plans import actions, occurrences, task_rules
from gemis.plans.models import PlanStatus, Task, TaskOccurrence, TaskStatus
from gemis.plans.progress import record_progress
from gemis.plans.testing import make_plan, make_task
from gemis.vn.deadlines import Deadline, Recurrence, parse_deadline

pytestmark = pytest.mark.django_db

TODAY = dt.date(2026, 12, 7)


@pytest.fixture(autouse=True)
def clock(monkeypatch):
    """The day the app believes it is (``clock["day"]``), 07/12/2026 unless a test moves it."""
    day = {"day": TODAY}
    monkeypatch.setattr(task_rules, "today", lambda: day["day"])
    return day


@pytest.fixture
def plan(world):
    return make_plan(
        world.province,
        world.province_agency,
        period_start=2026,
        period_end=2027,
        number="30/KH-UBND",
        issue_date=dt.date(2026, 1, 5),
    )


def monthly(plan, world) -> Task:
    return make_task(
        plan,
        "Báo cáo tình hình hằng tháng",
        world.district_a_agency,
        deadline=parse_deadline("hằng tháng", 2026),
    )


def issue(plan, world) -> None:
    actions.issue_plan(plan, by=world.province_leader)


def report(task: Task, world, progress: int = 100, **kwargs) -> None:
    task.refresh_from_db()
    record_progress(task, world.district_a_focal, note="Đã gửi báo cáo", progress=progress, **kwargs)


def test_a_monthly_task_of_a_two_year_plan_has_24_occurrences(world, plan):
    task = monthly(plan, world)
    assert not task.occurrences.exists()  # a draft has none yet: its deadline may still change
    issue(plan, world)
    days = list(task.occurrences.values_list("due_date", flat=True))
    assert len(days) == 24
    assert (
        days[0] == dt.date(2026, 1, 31)
        and days[1] == dt.date(2026, 2, 28)
        and days[-1] == dt.date(2027, 12, 31)
    )
    task.refresh_from_db()
    assert task.due_date == dt.date(2026, 1, 31)


def test_only_missed_occurrences_are_overdue(world, plan, clock):
    task = monthly(plan, world)
    issue(plan, world)
    for month in range(1, 11):  # January to October reported in their month; November missed
        clock["day"] = dt.date(2026, month, 25)
        report(task, world)
    clock["day"] = TODAY
    task.refresh_from_db()
    assert task.due_date == dt.date(2026, 11, 30)
    assert task_rules.is_overdue(task, TODAY)
    assert Task.objects.filter(task_rules.overdue_q(TODAY), pk=task.pk).exists()
    states = [row.state for row in occurrences.rows(task, task_rules.deadline_of(task), TODAY)]
    assert states.count(occurrences.MISSED) == 1
    assert states[:10] == [str(TaskStatus.DONE)] * 10
    assert states[10] == occurrences.MISSED
    assert set(states[11:]) == {occurrences.UPCOMING}  # December (due 31/12) on: not late
    clock["day"] = dt.date(2026, 12, 28)
    assert (
        occurrences.rows(task, task_rules.deadline_of(task), clock["day"])[11].state == occurrences.DUE_SOON
    )
    # The task's progress is the share of its periods done; the task itself stays open.
    assert (task.status, task.progress) == (TaskStatus.IN_PROGRESS, round(100 * 10 / 24))


def test_a_period_reported_after_its_due_date_is_done_late_and_the_task_is_no_longer_overdue(world, plan):
    task = monthly(plan, world)
    issue(plan, world)
    for _ in range(11):
        report(task, world)
    november = task.occurrences.get(due_date=dt.date(2026, 11, 30))
    assert november.done_on == TODAY and occurrences.is_late(november)
    january = task.occurrences.get(due_date=dt.date(2026, 1, 31))
    assert occurrences.is_late(january)  # reported today, long after 31/01
    task.refresh_from_db()
    assert task.due_date == dt.date(2026, 12, 31)
    assert not task_rules.is_overdue(task, TODAY)


def test_progress_goes_to_the_period_chosen(world, plan):
    task = monthly(plan, world)
    issue(plan, world)
    december = task.occurrences.get(due_date=dt.date(2026, 12, 31))
    report(task, world, progress=40, occurrence_id=december.pk)
    december.refresh_from_db()
    assert (december.progress, december.status) == (40, TaskStatus.IN_PROGRESS)
    assert task.updates.get().occurrence == december
    task.refresh_from_db()
    assert task.due_date == dt.date(2026, 1, 31)  # January is still the one due


def test_a_period_of_another_task_is_refused_and_nothing_is_saved(world, plan):
    task = monthly(plan, world)
    other = make_task(
        plan, "Báo cáo quý", world.district_a_agency, deadline=parse_deadline("định kỳ hằng quý", 2026)
    )
    issue(plan, world)
    foreign = other.occurrences.first()
    with pytest.raises(ValidationError):
        report(task, world, occurrence_id=foreign.pk)
    assert not task.updates.exists()
    assert not TaskOccurrence.objects.filter(status=TaskStatus.DONE).exists()


def test_every_period_done_makes_the_task_done(world, plan):
    task = make_task(plan, "Báo cáo năm", world.district_a_agency, deadline=parse_deadline("hằng năm", 2026))
    issue(plan, world)
    report(task, world)
    report(task, world)
    task.refresh_from_db()
    assert (task.status, task.progress, task.due_date) == (TaskStatus.DONE, 100, None)


def test_quarterly_and_half_yearly_periods_are_named(world, plan):
    deadline = parse_deadline("định kỳ hằng quý", 2026)
    labels = [
        occurrences.period_label(deadline, d) for d in occurrences.occurrences_between(deadline, 2026, 2026)
    ]
    assert labels == ["Quý I/2026", "Quý II/2026", "Quý III/2026", "Quý IV/2026"]
    half = Deadline.recurring(Recurrence.HALF_YEARLY)
    assert [occurrences.period_label(half, d) for d in occurrences.occurrences_between(half, 2026, 2026)] == [
        "6 tháng đầu năm 2026",
        "6 tháng cuối năm 2026",
    ]


def test_ongoing_work_has_no_occurrence_and_is_never_due(world, plan):
    task = make_task(
        plan, "Tuyên truyền", world.district_a_agency, deadline=parse_deadline("thường xuyên", 2026)
    )
    issue(plan, world)
    task.refresh_from_db()
    assert not task.occurrences.exists() and task.due_date is None


def test_the_task_page_lists_the_periods(client, world, plan):
    task = monthly(plan, world)
    issue(plan, world)
    report(task, world)
    client.force_login(world.district_a_focal)
    body = client.get(reverse("plans:task-detail", args=[task.pk])).content.decode()
    assert body.count('data-testid="period-row"') == 24
    assert "Tháng 1/2026" in body and "Tháng 12/2027" in body
    # The progress form asks which period the update is for, the earliest open one chosen.
    february = task.occurrences.get(due_date=dt.date(2026, 2, 28))
    assert f'<option value="{february.pk}" selected>' in body


def test_a_closed_plan_has_no_overdue_period(world, plan):
    task = monthly(plan, world)
    issue(plan, world)
    plan.refresh_from_db()
    actions.close_plan(plan, by=world.province_leader)
    task.refresh_from_db()
    assert task.plan.status == PlanStatus.CLOSED and not task_rules.is_overdue(task, TODAY)
