"""The home page is each person's work (the apps' sections); the registry counts are on the units page."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse

from gemis.plans.models import PlanStatus
from gemis.plans.testing import make_plan, make_task
from gemis.vn.deadlines import Deadline

pytestmark = pytest.mark.django_db


def test_anonymous_is_sent_to_login(client):
    response = client.get(reverse("orgs:home"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("orgs:login"))


def sections(response):
    return {s.key: s for s in response.context["sections"]}


@pytest.fixture
def work(world):
    """An issued plan of the province: one task of district A's office overdue, one due in three days,
    one far off; a draft plan waiting to be issued."""
    today = dt.date.today()
    issued = make_plan(world.province, world.province_agency, status=PlanStatus.ISSUED)
    late = make_task(
        issued, "Báo cáo sơ kết 6 tháng", world.district_a_agency, Deadline.on(today - dt.timedelta(days=12))
    )
    soon = make_task(
        issued, "Tổ chức Tháng hành động", world.district_a_agency, Deadline.on(today + dt.timedelta(days=3))
    )
    make_task(issued, "Tổng kết năm", world.district_a_agency, Deadline.on(today + dt.timedelta(days=90)))
    make_task(
        issued, "Việc của huyện khác", world.district_b_agency, Deadline.on(today - dt.timedelta(days=5))
    )
    draft = make_plan(world.province, world.province_agency, subject="Kế hoạch dự thảo")
    return late, soon, draft


def test_my_tasks_overdue_and_due_soon_come_first(client, world, work):
    late, soon, _draft = work
    client.force_login(world.district_a_focal)
    response = client.get(reverse("orgs:home"))
    found = sections(response)
    tasks = found["tasks"]
    assert [item.text for item in tasks.items] == [late.text, soon.text]  # the far-off one is not there
    assert tasks.items[0].tone == "danger" and "12 ngày" in tasks.items[0].detail
    assert tasks.items[1].tone == "warning"
    assert "drafts" not in found and "late" not in found  # a focal point issues nothing, chases no one
    body = response.content.decode()
    assert 'data-testid="home-tasks"' in body and "Báo cáo sơ kết 6 tháng" in body
    assert "Việc của huyện khác" not in body


def test_a_coordinator_sees_drafts_to_issue_and_who_is_late(client, world, work):
    _late, _soon, draft = work
    client.force_login(world.province_coordinator)
    found = sections(client.get(reverse("orgs:home")))
    assert [item.url for item in found["drafts"].items] == [reverse("plans:plan-detail", args=[draft.pk])]
    late = found["late"]
    assert [(item.text, item.detail) for item in late.items] == [
        (world.district_a_agency.name, "1 nhiệm vụ quá hạn"),
        (world.district_b_agency.name, "1 nhiệm vụ quá hạn"),
    ]


def test_someone_from_another_province_sees_none_of_it(client, world, work):
    client.force_login(world.other_coordinator)
    found = sections(client.get(reverse("orgs:home")))
    assert "drafts" not in found
    assert found.get("late") is None or found["late"].items == []


def test_the_units_page_has_the_registry_counts(client, world):
    client.force_login(world.province_coordinator)
    response = client.get(reverse("orgs:unit-list"))
    counts = response.context["counts"]
    assert counts["agency_count"] == 5
    assert 'data-testid="counts"' in response.content.decode()


def test_member_of_nothing_is_told_what_to_do(client, world):
    client.force_login(world.nobody)
    body = client.get(reverse("orgs:home")).content.decode()
    assert "chưa được gắn với cơ quan nào" in body


def test_the_browser_s_favicon_request_finds_the_icon(client):
    response = client.get("/favicon.ico")
    assert response.status_code == 301 and response["Location"].endswith("gemis/favicon.svg")
