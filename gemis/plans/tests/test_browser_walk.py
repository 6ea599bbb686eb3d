"""One walk through the whole follow-up loop in a real browser, as two people would do it.

The coordinator writes a plan with a section and two tasks and issues it; the
district's focal point finds its task under "my tasks" and records progress
with an evidence file; the coordinator then sees that progress on the plan
page, in the task table and in the calendar. Each step has its own tests
elsewhere; this one proves they connect.
"""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone
from playwright.sync_api import expect

from gemis.conftest import screenshot
from gemis.plans.models import Plan, PlanStatus, ProgressUpdate, TaskStatus

PASSWORD = "Mat-khau-2026!"


def wait_for_htmx(page) -> None:
    # A locator, not wait_for_function: the CSP (no 'unsafe-eval') refuses a predicate given as a string.
    expect(page.locator(".htmx-request, .htmx-swapping, .htmx-settling")).to_have_count(0)


def sign_in(page, username: str) -> None:
    page.goto(page.base_url + reverse("orgs:login"))
    page.locator("input[name=username]").fill(username)
    page.locator("input[name=password]").fill(PASSWORD)
    page.locator("form button[type=submit]").click()
    page.wait_for_url(page.base_url + "/")


def add_task(
    page, section_pk: int, text: str, lead_query: str, lead_pk: int, deadline: str, due: str
) -> None:
    page.get_by_test_id(f"add-task-{section_pk}").click()
    page.locator("#id_text").fill(text)
    with page.expect_response(lambda r: "agency-options" in r.url):
        page.locator("#lead-q").fill(lead_query)
    wait_for_htmx(page)
    page.locator("#id_lead_agency").select_option(str(lead_pk))
    page.locator("#id_deadline_text").fill(deadline)
    page.get_by_test_id("deadline-due").filter(has_text=due).wait_for()
    page.get_by_test_id("task-form").locator("button[type=submit]").click()
    page.wait_for_url("**/plans/*/#task-*")


@pytest.mark.browser
def test_plan_issue_progress_and_follow_up(chromium, live_server, live_world, tmp_path, settings):
    settings.MEDIA_ROOT = tmp_path / "media"
    world = live_world

    def new_tab():
        context = chromium.new_context(locale="vi-VN", viewport={"width": 1280, "height": 800})
        tab = context.new_page()
        tab.set_default_timeout(15_000)
        tab.base_url = live_server.url
        return context, tab

    # 1. The province coordinator writes the plan.
    coordinator_context, page = new_tab()
    sign_in(page, world.province_coordinator.username)
    page.goto(page.base_url + reverse("plans:plan-create"))
    with page.expect_response(lambda r: "issuing-agency-options" in r.url):
        page.locator("#id_org_unit").select_option(str(world.province.pk))
    wait_for_htmx(page)
    page.locator("#id_issuing_agency").select_option(str(world.province_agency.pk))
    page.locator("#id_number").fill("41/KH-SLĐTBXH")
    page.locator("#id_place").fill("Thử Nghiệm")
    page.locator("#id_issue_date").fill("2026-02-10")
    page.locator("#id_subject").fill("Thực hiện công tác bình đẳng giới và vì sự tiến bộ của phụ nữ năm 2026")
    page.get_by_test_id("plan-form").locator("button[type=submit]").click()
    page.get_by_test_id("plan-document").wait_for()
    plan = Plan.objects.get(number="41/KH-SLĐTBXH")

    page.get_by_test_id("add-section").click()
    page.locator("#id_number").fill("II")
    page.locator("#id_title").fill("Nhiệm vụ và giải pháp")
    page.get_by_test_id("section-form").locator("button[type=submit]").click()
    page.wait_for_url("**/plans/*/#section-*")
    section = plan.sections.get()

    # Due three weeks from today, so that the task is open and on time whatever the day the test runs.
    due = timezone.localdate() + dt.timedelta(days=21)
    add_task(
        page,
        section.pk,
        "Rà soát, thống kê số liệu cán bộ nữ tham gia cấp ủy các cấp",
        "lao dong",
        world.district_a_agency.pk,
        f"trước ngày {due.day}/{due.month}/{due.year}",
        f"{due:%d/%m/%Y}",
    )
    add_task(
        page,
        section.pk,
        "Tổ chức Tháng hành động vì bình đẳng giới và phòng ngừa, ứng phó với bạo lực trên cơ sở giới",
        "lao dong",
        world.province_agency.pk,
        f"từ 15/11 đến 15/12/{due.year}",
        f"15/12/{due.year}",
    )
    assert plan.tasks.count() == 2
    page.get_by_test_id("plan-issue").click()
    page.get_by_test_id("plan-issue-confirm").click()  # issuing asks first
    page.get_by_test_id("plan-status").and_(page.locator("[data-status=issued]")).wait_for()
    plan.refresh_from_db()
    assert plan.status == PlanStatus.ISSUED
    district_task = plan.tasks.get(lead_agency=world.district_a_agency)

    # 2. The district's focal point records progress with evidence.
    focal_context, focal = new_tab()
    sign_in(focal, world.district_a_focal.username)
    focal.goto(focal.base_url + reverse("plans:my-tasks"))
    focal.get_by_test_id("my-task-table").locator(
        f"a[href='{reverse('plans:task-detail', args=[district_task.pk])}']"
    ).click()
    evidence = tmp_path / "Danh sách cán bộ nữ.xlsx"
    evidence.write_bytes(_tiny_xlsx())
    form = focal.get_by_test_id("progress-form")
    form.locator("textarea[name=note]").fill("Đã tổng hợp số liệu của 12/14 xã, thị trấn")
    form.get_by_test_id("progress-percent").fill("70")
    form.locator("input[name=files]").set_input_files(str(evidence))
    form.locator("button[type=submit]").click()
    focal.wait_for_selector("[data-testid=attachment-link]")
    update = ProgressUpdate.objects.get(task=district_task)
    assert update.author == world.district_a_focal and update.progress == 70
    focal_context.close()

    # 3. The coordinator sees it: plan page, task table, task page with the evidence, calendar.
    # The tab still shows the plan: a URL differing only by its #fragment would not reload it.
    page.goto(page.base_url + reverse("plans:plan-list"))
    page.goto(page.base_url + reverse("plans:plan-detail", args=[plan.pk]) + f"#task-{district_task.pk}")
    task_block = page.locator(f"#task-{district_task.pk}")
    assert "70" in task_block.inner_text()
    screenshot(page, "walk-plan-page")

    page.goto(page.base_url + reverse("plans:task-list") + f"?plan={plan.pk}")
    row = page.get_by_test_id("task-table").locator(f"[data-task='{district_task.pk}']")
    assert "70" in row.inner_text()
    screenshot(page, "walk-task-table")

    page.goto(page.base_url + reverse("plans:task-detail", args=[district_task.pk]))
    assert page.get_by_test_id("task-progress").get_attribute("data-progress") == "70"
    assert page.get_by_test_id("attachment-link").inner_text() == "Danh sách cán bộ nữ.xlsx"
    with page.expect_download() as download:
        page.get_by_test_id("attachment-link").click()
    assert download.value.suggested_filename == "Danh sách cán bộ nữ.xlsx"
    assert district_task.__class__.objects.get(pk=district_task.pk).status == TaskStatus.IN_PROGRESS

    page.goto(page.base_url + reverse("plans:task-calendar") + f"?month={due:%Y-%m}")
    assert page.get_by_test_id("calendar-grid").get_by_text("Rà soát, thống kê", exact=False).count() >= 1
    screenshot(page, "walk-calendar")
    coordinator_context.close()


def _tiny_xlsx() -> bytes:
    """A real (small) workbook, as an officer would attach: the upload check reads the file type."""
    import io

    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    sheet.append(["Xã", "Số cán bộ nữ"])
    sheet.append(["Xã Hòa Lạc", 7])
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()
