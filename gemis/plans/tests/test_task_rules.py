"""Task rules (plans/task_rules.py): stored due dates, overdue and due-soon filters, roll-up."""

from __future__ import annotations

import datetime as dt

import pytest

from gemis.plans import task_rules as rules
from gemis.plans.models import PlanStatus, Task, TaskStatus
from gemis.plans.testing import make_plan, make_task
from gemis.vn.deadlines import Deadline, Recurrence, parse_deadline

pytestmark = pytest.mark.django_db

TODAY = dt.date(2026, 11, 22)


@pytest.fixture
def plan(world):
    """An issued plan: overdue is a matter of the plans being followed up."""
    return make_plan(world.province, world.province_agency, status=PlanStatus.ISSUED)


@pytest.mark.parametrize(
    ("text", "due"),
    [
        ("trước ngày 15/5/2026", dt.date(2026, 5, 15)),
        ("trong tháng 4/2026", dt.date(2026, 4, 30)),
        ("quý III/2026", dt.date(2026, 9, 30)),
        ("từ ngày 15/11 đến ngày 15/12/2026", dt.date(2026, 12, 15)),
        ("thường xuyên trong năm", None),
        ("sau khi có hướng dẫn của Bộ Nội vụ", None),
        ("", None),
    ],
)
def test_stored_due_date_of_one_shot_and_open_deadlines(plan, text, due):
    task = make_task(plan, deadline=parse_deadline(text, 2026))
    assert task.due_date == due
    assert task.deadline_text == (text or "Không xác định")


def test_event_gets_a_due_date_once_the_date_is_known(plan):
    deadline = parse_deadline("sau khi có hướng dẫn của Bộ Nội vụ", 2026)
    task = make_task(plan, deadline=deadline.with_event_date(dt.date(2026, 12, 1)))
    assert task.due_date == dt.date(2026, 12, 1)


def test_recurring_task_due_date_moves_after_each_completion(plan):
    half_yearly = Deadline.recurring(Recurrence.HALF_YEARLY, anchors=((5, 15), (11, 15)))
    task = make_task(plan, deadline=half_yearly)
    assert task.due_date == dt.date(2026, 5, 15)  # first occurrence of the plan period
    for done_on, next_due in [
        (dt.date(2026, 5, 10), dt.date(2026, 11, 15)),  # early: settles 15/5
        (dt.date(2026, 11, 18), dt.date(2027, 5, 15)),  # late: settles 15/11
    ]:
        task.last_done_on = done_on
        assert rules.compute_due_date(task) == next_due


def test_missed_occurrence_keeps_the_task_overdue(plan):
    task = make_task(plan, deadline=Deadline.recurring(Recurrence.YEARLY, anchors=((3, 31),)))
    assert task.due_date == dt.date(2026, 3, 31)
    assert rules.is_overdue(task, TODAY)


def test_overdue_and_due_soon_filters(plan):
    overdue = make_task(plan, "A", deadline=Deadline.on(dt.date(2026, 11, 1)))
    soon = make_task(plan, "B", deadline=Deadline.on(dt.date(2026, 11, 25)))
    later = make_task(plan, "C", deadline=Deadline.on(dt.date(2027, 1, 10)))
    done = make_task(plan, "D", deadline=Deadline.on(dt.date(2026, 10, 1)), status=TaskStatus.DONE)
    cancelled = make_task(plan, "E", deadline=Deadline.on(dt.date(2026, 10, 1)), status=TaskStatus.CANCELLED)
    assert set(Task.objects.filter(rules.overdue_q(TODAY))) == {overdue}
    assert set(Task.objects.filter(rules.due_within_q(7, TODAY))) == {soon}
    assert set(Task.objects.filter(rules.status_q(TaskStatus.NOT_STARTED, TODAY))) == {soon, later}
    assert rules.display_status(overdue, TODAY) == rules.OVERDUE
    assert rules.display_status(done, TODAY) == TaskStatus.DONE
    assert rules.display_status(cancelled, TODAY) == TaskStatus.CANCELLED
    assert rules.is_due_soon(soon, TODAY) and not rules.is_due_soon(later, TODAY)


def test_roll_up_averages_children_and_finishes_when_all_done(world, plan):
    parent = make_task(plan, deadline=Deadline.on(dt.date(2026, 12, 31)))
    # Only issued plans below count (a draft has no progress yet).
    district_plan = make_plan(world.district_a, status=PlanStatus.ISSUED)
    other_plan = make_plan(world.district_b, status=PlanStatus.ISSUED)
    a = make_task(district_plan, parent_task=parent, progress=40, status=TaskStatus.IN_PROGRESS)
    b = make_task(other_plan, parent_task=parent, progress=80, status=TaskStatus.IN_PROGRESS)
    rules.roll_up(parent)
    parent.refresh_from_db()
    assert (parent.progress, parent.status) == (60, TaskStatus.IN_PROGRESS)
    for child in (a, b):
        child.progress, child.status = 100, TaskStatus.DONE
        child.save()
    rules.roll_up(parent)
    parent.refresh_from_db()
    assert (parent.progress, parent.status) == (100, TaskStatus.DONE)
    assert parent.last_done_on is not None


def test_cancelled_children_do_not_count(world, plan):
    parent = make_task(plan)
    issued = PlanStatus.ISSUED
    make_task(
        make_plan(world.district_a, status=issued), parent_task=parent, progress=100, status=TaskStatus.DONE
    )
    make_task(make_plan(world.district_b, status=issued), parent_task=parent, status=TaskStatus.CANCELLED)
    rules.roll_up(parent)
    parent.refresh_from_db()
    assert parent.status == TaskStatus.DONE


def test_refresh_recurring_due_dates_fixes_stale_rows(plan):
    task = make_task(plan, deadline=Deadline.on(dt.date(2026, 6, 1)))
    Task.objects.filter(pk=task.pk).update(due_date=dt.date(2020, 1, 1))
    assert rules.refresh_recurring_due_dates() == 1
    task.refresh_from_db()
    assert task.due_date == dt.date(2026, 6, 1)


def test_a_draft_or_a_closed_plan_has_nothing_overdue(world):
    for status in (PlanStatus.DRAFT, PlanStatus.CLOSED):
        plan = make_plan(world.province, world.province_agency, status=status)
        task = make_task(plan, "A", deadline=Deadline.on(dt.date(2026, 11, 1)))
        assert (
            not rules.is_overdue(task, TODAY) and rules.display_status(task, TODAY) == TaskStatus.NOT_STARTED
        )
        assert not Task.objects.filter(rules.overdue_q(TODAY), pk=task.pk).exists()


def test_a_task_done_after_its_due_date_is_done_late(plan):
    task = make_task(plan, "A", deadline=Deadline.on(dt.date(2026, 5, 1)), status=TaskStatus.DONE)
    task.last_done_on = dt.date(2026, 11, 19)
    assert rules.display_status(task, TODAY) == rules.DONE_LATE
    assert str(rules.DISPLAY_LABELS[rules.DONE_LATE]) == "Hoàn thành trễ hạn"
    task.last_done_on = dt.date(2026, 4, 30)
    assert rules.display_status(task, TODAY) == TaskStatus.DONE
