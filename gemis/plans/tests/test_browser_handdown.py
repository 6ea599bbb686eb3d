"""In a real browser: (a) the coordinator issues a plan addressed to three communes; each commune's officer
finds her share on her home and in her list with a notification, on a phone, and records progress; the
coordinator sees the roll-up by commune. (b) A monthly task of a two-year plan lists 24 periods."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse

from gemis.conftest import screenshot, sign_in
from gemis.orgs.models import Role
from gemis.orgs.testing import make_agency, make_unit, make_user
from gemis.plans.models import Plan, Task
from gemis.plans.testing import make_plan, make_task
from gemis.vn.deadlines import Deadline, parse_deadline


def tab_for(chromium, live_server, width: int = 1280, height: int = 800):
    context = chromium.new_context(locale="vi-VN", viewport={"width": width, "height": height})
    tab = context.new_page()
    tab.set_default_timeout(15_000)
    tab.base_url = live_server.url
    return context, tab


@pytest.mark.browser
def test_issue_hands_the_task_to_three_communes(chromium, live_server, live_world):
    world = live_world
    communes = []
    for i, name in enumerate(("Xã Hòa Lạc", "Phường Cẩm Thành", "Xã Nghĩa Lộ")):
        unit = world.commune_a if i == 0 else make_unit(name, code=f"9101{i}", parent=world.province)
        agency = make_agency(unit, f"Phòng Văn hóa - Xã hội {name}", "Phòng VH-XH")
        unit.standing_agency = agency
        unit.save()
        communes.append((unit, make_user(f"vhxh{i}", agency, Role.FOCAL_POINT)))
    plan = make_plan(
        world.province, world.province_agency, number="20/KH-UBND", issue_date=dt.date(2026, 3, 1)
    )
    make_task(
        plan,
        "Hưởng ứng Tháng hành động vì bình đẳng giới tại cơ sở",
        world.province_agency,
        deadline=Deadline.on(dt.date(2026, 12, 15)),
        addressed_units=[u for u, _ in communes],
        addressed_text="UBND các xã, phường",
    )

    context, coordinator = tab_for(chromium, live_server)
    sign_in(coordinator, world.province_coordinator.username)
    coordinator.goto(coordinator.base_url + reverse("plans:plan-issue", args=[plan.pk]))
    screenshot(coordinator, "handdown-1-issue-confirm")
    coordinator.get_by_test_id("plan-issue-confirm").click()
    coordinator.wait_for_url(f"**/plans/{plan.pk}/")
    assert Plan.objects.get(pk=plan.pk).status == "issued"
    assert Task.objects.filter(plan=plan, assigned_unit__isnull=False).count() == 3

    for index, (unit, officer) in enumerate(communes):
        phone_context, phone = tab_for(chromium, live_server, width=390, height=844)
        sign_in(phone, officer.username)
        home = phone.locator("main").inner_text()
        assert "Hưởng ứng Tháng hành động" in home
        assert int(phone.get_by_test_id("unread-count").first.text_content().strip()) >= 1
        if index == 0:
            screenshot(phone, "handdown-2-commune-home-390")
        phone.goto(phone.base_url + reverse("plans:my-tasks"))
        assert "15/12/2026" in phone.locator("main").inner_text()
        share = Task.objects.get(plan=plan, assigned_unit=unit)
        phone.goto(phone.base_url + reverse("plans:task-detail", args=[share.pk]))
        phone.locator("#id_note").fill(f"Đã treo băng rôn, tuyên truyền trên loa ({unit.name}).")
        phone.get_by_test_id("progress-percent").fill(str(100 if index == 0 else 50 * (index - 1)))
        phone.get_by_test_id("progress-form").locator("button[type=submit]").click()
        phone.wait_for_url(f"**/tasks/{share.pk}/")
        if index == 0:
            screenshot(phone, "handdown-3-commune-progress-390")
        phone_context.close()

    coordinator.goto(coordinator.base_url + reverse("plans:plan-detail", args=[plan.pk]))
    addressed = Task.objects.get(plan=plan, assigned_unit__isnull=True)
    rollup = coordinator.get_by_test_id(f"rollup-{addressed.pk}")
    rollup.locator("summary").click()
    text = rollup.inner_text()
    assert "3 đơn vị" in text and "Phường Cẩm Thành" in text and "Xã Nghĩa Lộ" in text
    assert addressed.__class__.objects.get(pk=addressed.pk).progress == 50  # (100 + 0 + 50) / 3
    screenshot(coordinator, "handdown-4-coordinator-rollup")
    context.close()


@pytest.mark.browser
def test_a_monthly_task_of_a_two_year_plan_lists_24_periods(chromium, live_server, live_world):
    world = live_world
    plan = make_plan(
        world.province,
        world.province_agency,
        period_start=2026,
        period_end=2027,
        number="21/KH-UBND",
        issue_date=dt.date(2026, 1, 5),
    )
    task = make_task(
        plan, "Báo cáo nhanh hằng tháng", world.district_a_agency, deadline=parse_deadline("hằng tháng", 2026)
    )
    from gemis.plans import actions

    actions.issue_plan(plan, by=world.province_leader)
    context, tab = tab_for(chromium, live_server)
    sign_in(tab, world.district_a_focal.username)
    tab.goto(tab.base_url + reverse("plans:task-detail", args=[task.pk]))
    rows = tab.get_by_test_id("period-row")
    assert rows.count() == 24
    missed = tab.locator('[data-testid="period-row"][data-state="missed"]').count()
    today = dt.date.today()
    expected_missed = sum(1 for occ in task.occurrences.all() if occ.due_date < today)
    assert missed == expected_missed  # nothing reported yet: exactly the periods already past are overdue
    assert (
        tab.locator('[data-testid="period-row"][data-state="upcoming"]').count()
        + tab.locator('[data-testid="period-row"][data-state="due_soon"]').count()
        == 24 - expected_missed
    )
    screenshot(tab, "handdown-5-monthly-24-periods")
    context.close()
