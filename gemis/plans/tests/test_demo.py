"""The demo shows work reaching the commune: her share on her list, the roll-up by commune, the bell."""

from __future__ import annotations

import io

import pytest
from django.core.management import call_command

from gemis.orgs.models import User
from gemis.plans import task_filters, task_rules
from gemis.plans.models import Notification, Plan, TaskStatus

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.slow]


def test_the_demo_hands_the_province_plan_down_to_the_communes():
    call_command("demo", "--no-serve", stdout=io.StringIO())
    officer = User.objects.get(username="vhxh.xa")
    plan = Plan.objects.get(number="45/KH-UBND")
    mine = task_filters.my_tasks(officer).filter(plan=plan)
    assert mine.exists() and all(t.assigned_unit_id for t in mine)
    reported = mine.get(text__startswith="Hưởng ứng Tháng hành động tại cơ sở")
    assert (reported.progress, reported.status) == (60, TaskStatus.IN_PROGRESS)
    addressed = reported.parent_task
    assert addressed.child_tasks.count() > 90  # every commune of the province has its share
    assert 0 < addressed.progress < 10  # (60 + 100 + 30) spread over the communes
    assert Notification.objects.filter(user=officer, key=f"handed:{plan.pk}").exists()
    # The monthly report was sent every month up to last month: none of it is overdue for months.
    monthly = plan.tasks.filter(occurrences__isnull=False, assigned_unit__isnull=True).distinct()
    assert monthly.exists()
    today = task_rules.today()
    for task in monthly:
        assert task.due_date is None or (today - task.due_date).days < 40
