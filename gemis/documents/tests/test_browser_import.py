"""In a real browser: upload a plan document, review it, correct one lead agency, accept, see the plan."""

from __future__ import annotations

import pytest
from django.urls import reverse

from gemis.conftest import screenshot
from gemis.orgs.testing import make_agency
from gemis.plans.models import Plan

from .test_imports import ACTION_MONTH


@pytest.mark.browser
def test_upload_review_correct_and_accept(page, live_world, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    world = live_world
    noi_vu = make_agency(world.province, "Sở Nội vụ", "SNV")
    for name, short in [
        ("Sở Văn hóa, Thể thao và Du lịch", "Sở VHTTDL"),
        ("Sở Tư pháp", "STP"),
        ("Công an tỉnh", "CA tỉnh"),
        ("Hội Liên hiệp Phụ nữ tỉnh", "Hội LHPN tỉnh"),
        ("Sở Y tế", "SYT"),
    ]:
        make_agency(world.province, name, short)

    page.goto(page.base_url + reverse("orgs:login"))
    page.locator("input[name=username]").fill(world.province_coordinator.username)
    page.locator("input[name=password]").fill("Mat-khau-2026!")
    page.locator("form button[type=submit]").click()
    page.wait_for_url(page.base_url + "/")

    page.goto(page.base_url + reverse("plans:plan-list"))
    page.get_by_test_id("plan-import").click()
    page.locator("#id_unit").select_option(str(world.province.pk))
    page.locator("#id_file").set_input_files(str(ACTION_MONTH))
    screenshot(page, "import-upload")
    page.get_by_test_id("import-form").locator("button[type=submit]").click()
    page.get_by_test_id("review-form").wait_for()
    assert page.get_by_test_id("review-task").count() == 9
    assert page.locator("#src-task-0.hl-task").count() == 1
    screenshot(page, "import-review")

    # The fourth task's lead (a newspaper, not in the registry) is left empty: give it to Sở Nội vụ.
    fourth = page.get_by_test_id("review-task").nth(3)
    lead = fourth.get_by_test_id("task-lead")
    assert lead.input_value() == ""
    lead.select_option(str(noi_vu.pk))
    page.get_by_test_id("review-accept").click()
    page.get_by_test_id("plan-document").wait_for()

    plan = Plan.objects.get()
    assert plan.number == "2150/KH-SNV" and plan.tasks.count() == 9
    assert plan.tasks.get(text__startswith="4. Đưa tin, bài").lead_agency == noi_vu
    document = page.get_by_test_id("plan-document").inner_text()
    assert "Tổ chức lễ phát động Tháng hành động cấp tỉnh" in document
    assert "Luật" in document and "73/2006/QH11" in document
    assert page.get_by_test_id("plan-report").count() == 2
    screenshot(page, "import-accepted-plan")
