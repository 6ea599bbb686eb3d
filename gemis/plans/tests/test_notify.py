"""Notifications are written when a plan is issued and when progress is recorded, once each."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import ValidationError

from gemis.orgs.models import Agency
from gemis.plans import actions
from gemis.plans.models import Notification, PlanStatus
from gemis.plans.progress import record_progress
from gemis.plans.testing import make_plan, make_task

pytestmark = pytest.mark.django_db


@pytest.fixture
def plan(world):
    plan = make_plan(world.province, Agency.objects.get(short_name="UBND tỉnh"))
    plan.number, plan.issue_date = "9/KH-UBND", dt.date(2026, 3, 1)
    plan.save()
    make_task(plan, "Tập huấn", world.district_a_agency, partners=[world.district_b_agency])
    make_task(plan, "Truyền thông", world.district_a_agency)
    return plan


def test_issuing_tells_every_lead_and_partner_agency_its_share(
    world, plan, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        actions.issue_plan(plan, by=world.province_coordinator)
    mine = Notification.objects.get(user=world.district_a_focal)
    assert mine.title.startswith("Kế hoạch đã ban hành") and "chủ trì 2" in mine.body
    assert Notification.objects.get(user=world.district_b_coordinator).body.endswith("phối hợp 1.")
    assert not Notification.objects.filter(user=world.other_coordinator).exists()
    # Once: the key makes a retry harmless.
    from gemis.plans.notify import tell_issued

    before = Notification.objects.count()
    tell_issued(plan.pk)
    assert Notification.objects.count() == before


def test_progress_tells_the_plan_s_coordinators_at_once(world, plan, django_capture_on_commit_callbacks):
    plan.status = PlanStatus.ISSUED
    plan.save()
    task = plan.tasks.first()
    with django_capture_on_commit_callbacks(execute=True):
        record_progress(task, world.district_a_focal, note="Đã tổ chức 2 lớp", progress=50)
    seen = Notification.objects.get(user=world.province_coordinator)
    assert "50 %" in seen.title and "Tập huấn" in seen.title and seen.body == "Đã tổ chức 2 lớp"
    assert not Notification.objects.filter(user=world.district_a_focal).exists()  # not the author


def test_a_refused_action_notifies_no_one(world, plan, django_capture_on_commit_callbacks):
    plan.number = ""
    plan.save()
    with django_capture_on_commit_callbacks(execute=True), pytest.raises(ValidationError):
        actions.issue_plan(plan, by=world.province_coordinator)
    assert not Notification.objects.exists()
