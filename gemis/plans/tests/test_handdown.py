"""Issuing a plan hands every addressed unit its share: in its list, with its deadline, progress by unit."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from gemis.core.models import BackgroundJob, JobStatus
from gemis.core.testing import run_together
from gemis.orgs.models import Role
from gemis.orgs.testing import make_user
from gemis.plans import actions, cascade, handdown, task_filters
from gemis.plans.models import Notification, Plan, PlanStatus, Task, TaskStatus
from gemis.plans.progress import ROLLED_UP_MESSAGE, record_progress
from gemis.plans.testing import make_plan, make_task
from gemis.vn.deadlines import Deadline

pytestmark = pytest.mark.django_db


@pytest.fixture
def units(world):
    """District A and B with their standing agencies (the ones that carry the shares)."""
    for unit, agency in (
        (world.district_a, world.district_a_agency),
        (world.district_b, world.district_b_agency),
    ):
        unit.standing_agency = agency
        unit.save()
    return world


@pytest.fixture
def plan(units):
    world = units
    plan = make_plan(
        world.province, world.province_agency, number="8/KH-UBND", issue_date=dt.date(2026, 2, 1)
    )
    make_task(
        plan,
        "Tổ chức Tháng hành động vì bình đẳng giới",
        world.province_agency,
        deadline=Deadline.on(dt.date(2026, 12, 15)),
        addressed_units=[world.district_a, world.district_b],
        addressed_text="UBND các xã, phường",
    )
    make_task(plan, "Kiểm tra liên ngành", world.province_agency, deadline=Deadline.on(dt.date(2026, 10, 1)))
    return plan


def issue(plan, world, capture):
    with capture(execute=True):
        actions.issue_plan(plan, by=world.province_coordinator)
    plan.refresh_from_db()


def share_of(plan, unit) -> Task:
    return plan.tasks.get(assigned_unit=unit)


def test_issuing_gives_every_addressed_unit_its_share(world, plan, django_capture_on_commit_callbacks):
    issue(plan, world, django_capture_on_commit_callbacks)
    addressed = plan.tasks.get(text__startswith="Tổ chức Tháng", assigned_unit__isnull=True)
    shares = list(plan.tasks.filter(assigned_unit__isnull=False).order_by("assigned_unit__path"))
    assert [s.assigned_unit for s in shares] == [world.district_a, world.district_b]
    for share, agency in zip(shares, (world.district_a_agency, world.district_b_agency), strict=True):
        assert share.parent_task == addressed and share.lead_agency == agency
        assert share.due_date == dt.date(2026, 12, 15) and share.deadline == addressed.deadline
    # In the unit's "Nhiệm vụ của tôi" at once, with its deadline; not another unit's share.
    mine = task_filters.my_tasks(world.district_a_focal)
    assert share_of(plan, world.district_a) in mine and share_of(plan, world.district_b) not in mine
    # The job ran as the issuer and says so.
    job = BackgroundJob.objects.get(kind=actions.HAND_DOWN_JOB)
    assert (job.owner, job.status, job.done, job.total) == (world.province_coordinator, JobStatus.DONE, 2, 2)


def test_the_shares_people_are_notified_once(world, plan, django_capture_on_commit_callbacks):
    issue(plan, world, django_capture_on_commit_callbacks)
    note = Notification.objects.get(user=world.district_a_focal, key=f"handed:{plan.pk}")
    assert "1" in note.body and note.url == reverse("plans:my-tasks")
    assert Notification.objects.filter(user=world.district_b_coordinator, key=f"handed:{plan.pk}").exists()
    assert not Notification.objects.filter(user=world.other_coordinator).exists()
    with django_capture_on_commit_callbacks(execute=True):
        again = handdown.hand_down(plan)
    assert again.created == 0
    assert Notification.objects.filter(key=f"handed:{plan.pk}", user=world.district_a_focal).count() == 1


def test_the_unit_records_progress_on_its_share_and_the_task_shows_the_roll_up(
    world, plan, django_capture_on_commit_callbacks
):
    issue(plan, world, django_capture_on_commit_callbacks)
    share = share_of(plan, world.district_a)
    record_progress(share, world.district_a_focal, note="Đã tổ chức mít tinh", progress=100)
    addressed = share.parent_task
    addressed.refresh_from_db()
    assert (addressed.progress, addressed.status) == (50, TaskStatus.IN_PROGRESS)
    # The addressed task's progress is the roll-up: it takes none of its own.
    with pytest.raises(ValidationError) as refused:
        record_progress(addressed, world.province_coordinator, note="Xong", progress=100)
    assert refused.value.messages == [str(ROLLED_UP_MESSAGE)]
    record_progress(share_of(plan, world.district_b), world.district_b_coordinator, note="Xong", progress=100)
    addressed.refresh_from_db()
    assert (addressed.progress, addressed.status) == (100, TaskStatus.DONE)


def test_a_task_done_after_its_due_date_by_every_unit_is_done_late(
    world, plan, django_capture_on_commit_callbacks
):
    from gemis.plans import task_rules

    issue(plan, world, django_capture_on_commit_callbacks)
    for unit, user in (
        (world.district_a, world.district_a_focal),
        (world.district_b, world.district_b_coordinator),
    ):
        share = share_of(plan, unit)
        record_progress(share, user, note="Xong", progress=100)
        Task.objects.filter(pk=share.pk).update(last_done_on=dt.date(2026, 12, 20))
    task_rules.roll_up(share.parent_task)
    addressed = Task.objects.get(pk=share.parent_task_id)
    assert addressed.last_done_on == dt.date(2026, 12, 20)
    assert task_rules.display_status(addressed, dt.date(2026, 12, 21)) == task_rules.DONE_LATE


def test_another_unit_can_read_but_not_report_on_a_share(
    client, world, plan, django_capture_on_commit_callbacks
):
    issue(plan, world, django_capture_on_commit_callbacks)
    share = share_of(plan, world.district_a)
    url = reverse("plans:task-detail", args=[share.pk])
    client.force_login(world.district_b_coordinator)
    response = client.post(url, {"note": "Ghi đè", "progress": 90, "expected_version": share.version})
    assert response.status_code == 404
    client.force_login(world.other_coordinator)  # another province: nothing at all
    assert client.get(url).status_code == 404
    share.refresh_from_db()
    assert share.progress == 0 and not share.updates.exists()


def test_the_unit_starts_its_own_plan_from_its_share(client, world, plan, django_capture_on_commit_callbacks):
    issue(plan, world, django_capture_on_commit_callbacks)
    share = share_of(plan, world.district_a)
    client.force_login(world.district_a_coordinator)
    body = client.get(reverse("plans:task-detail", args=[share.pk])).content.decode()
    assert 'data-testid="start-own-plan"' in body
    client.post(reverse("plans:plan-cascade", args=[plan.pk]), {"unit": world.district_a.pk})
    own = Plan.objects.get(parent_plan=plan, org_unit=world.district_a)
    child = own.tasks.get()
    assert child.parent_task == share  # its own plan carries out its share
    # While the unit's plan is a draft the share keeps its own progress; issued, the plan's task counts.
    record_progress(share, world.district_a_focal, note="Đang chuẩn bị", progress=30)
    Plan.objects.filter(pk=own.pk).update(number="3/KH-UBND", issue_date=dt.date(2026, 3, 1))
    own.refresh_from_db()
    with django_capture_on_commit_callbacks(execute=True):
        actions.issue_plan(own, by=world.district_a_coordinator)
    record_progress(child, world.district_a_focal, note="Đã tổ chức", progress=80)
    share.refresh_from_db()
    assert share.progress == 80
    assert share.parent_task.progress == 40  # (80 + 0) / 2 for the two units


def test_the_plan_page_shows_the_roll_up_by_unit(client, world, plan, django_capture_on_commit_callbacks):
    issue(plan, world, django_capture_on_commit_callbacks)
    record_progress(share_of(plan, world.district_a), world.district_a_focal, note="Xong", progress=100)
    client.force_login(world.province_coordinator)
    body = client.get(reverse("plans:plan-detail", args=[plan.pk])).content.decode()
    addressed = plan.tasks.get(text__startswith="Tổ chức Tháng", assigned_unit__isnull=True)
    assert f'data-testid="rollup-table-{addressed.pk}"' in body
    assert f'data-unit="{world.district_a.pk}" data-status="done"' in body
    assert f'data-unit="{world.district_b.pk}" data-status="not_started"' in body
    # The shares are not tasks of the plan's document: two tasks, not four.
    assert body.count('class="doc-task"') == 2


def test_handing_down_twice_at_once_makes_one_share_per_unit(live_world, transactional_db):
    world = live_world
    for unit, agency in (
        (world.district_a, world.district_a_agency),
        (world.district_b, world.district_b_agency),
    ):
        unit.standing_agency = agency
        unit.save()
    plan = make_plan(world.province, world.province_agency, status=PlanStatus.ISSUED, number="1/KH")
    make_task(
        plan, "Truyền thông", world.province_agency, addressed_units=[world.district_a, world.district_b]
    )
    results, errors = run_together(6, lambda _i: handdown.hand_down(Plan.objects.get(pk=plan.pk)).created)
    assert not errors
    assert sum(results) == 2
    assert plan.tasks.filter(assigned_unit__isnull=False).count() == 2


def test_hand_down_again_is_for_the_plans_approvers_only(
    client, world, plan, django_capture_on_commit_callbacks
):
    issue(plan, world, django_capture_on_commit_callbacks)
    plan.tasks.filter(assigned_unit=world.district_b).delete()
    url = reverse("plans:plan-hand-down", args=[plan.pk])
    client.force_login(world.district_a_coordinator)
    assert client.post(url).status_code == 404
    assert handdown.missing_count(plan) == 1
    client.force_login(world.province_coordinator)
    response = client.post(url)
    assert response.status_code == 302
    assert handdown.missing_count(plan) == 0


def test_a_unit_without_a_standing_agency_gets_its_share_for_its_coordinators(
    world, plan, django_capture_on_commit_callbacks
):
    world.district_b.standing_agency = None
    world.district_b.save()
    issue(plan, world, django_capture_on_commit_callbacks)
    share = share_of(plan, world.district_b)
    assert share.lead_agency is None
    assert share in task_filters.my_tasks(world.district_b_coordinator)
    helper = make_user("ubnd.b", world.district_b_agency, Role.FOCAL_POINT)
    assert share in task_filters.my_tasks(helper)


def test_cascade_of_an_issued_plan_copies_its_tasks_not_the_shares(
    world, plan, django_capture_on_commit_callbacks
):
    issue(plan, world, django_capture_on_commit_callbacks)
    assert [t.text for t in cascade.tasks_for(plan, world.district_a, None)] == [
        "Tổ chức Tháng hành động vì bình đẳng giới"
    ]
