"""The trash on a 390 px phone, in a real Chromium: find the deleted plan from the menu, restore it."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from playwright.sync_api import expect

from gemis.conftest import screenshot, sign_in
from gemis.orgs.models import OrgUnit, Scheme
from gemis.plans import trash
from gemis.plans.models import Attachment, Plan, PlanStatus
from gemis.plans.progress import record_progress
from gemis.plans.testing import make_plan, make_section, make_task

pytestmark = pytest.mark.browser

PDF = b"%PDF-1.7\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"


def test_trash_on_a_phone(chromium, live_server, live_world, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    world = live_world
    OrgUnit.objects.update(scheme=Scheme.CURRENT, valid_to=None)  # today's units: their plans can change
    plan = make_plan(
        world.district_a,
        world.district_a_agency,
        number="15/KH-UBND",
        subject="Thực hiện công tác bình đẳng giới và vì sự tiến bộ của phụ nữ năm 2026 trên địa bàn huyện",
        status=PlanStatus.ISSUED,
    )
    section = make_section(plan, "I", "Nội dung")
    task = make_task(
        plan, "Tổ chức Tháng hành động vì bình đẳng giới", lead=world.district_a_agency, section=section
    )
    record_progress(
        task,
        world.district_a_focal,
        note="Đã tổ chức mít tinh hưởng ứng",
        progress=50,
        files=[SimpleUploadedFile("Ảnh mít tinh.pdf", PDF, content_type="application/pdf")],
    )
    plan_pk = plan.pk
    trash.delete_plan(plan, user=world.district_a_coordinator)

    context = chromium.new_context(locale="vi-VN", viewport={"width": 390, "height": 844}, is_mobile=True)
    page = context.new_page()
    page.set_default_timeout(15_000)
    page.base_url = live_server.url
    try:
        sign_in(page, world.district_a_coordinator.username)
        page.locator(".navbar-toggler").click()
        # The menu slides open: click the account menu once it has finished moving.
        expect(page.locator("#mainnav.collapse.show")).to_be_visible()
        page.get_by_test_id("user-menu").click()
        expect(page.get_by_test_id("trash-link")).to_be_visible()
        page.get_by_test_id("trash-link").click()
        page.get_by_test_id("trash-list").wait_for()
        item = page.get_by_test_id("trash-item")
        assert item.count() == 1
        text = item.inner_text()
        assert "15/KH-UBND" in text and "1 nhiệm vụ" in text and "1 tệp minh chứng" in text
        # Nothing wider than the phone: no sideways scrolling to reach the restore button.
        assert page.evaluate("document.documentElement.scrollWidth") <= 390
        assert item.get_by_test_id("restore").is_visible()
        screenshot(page, "trash-phone")

        item.get_by_test_id("restore").click()
        page.wait_for_url(live_server.url + reverse("plans:plan-detail", args=[plan_pk]))
        assert "Đã khôi phục" in page.locator(".alert").first.inner_text()
        assert Plan.objects.filter(pk=plan_pk).exists()
        assert Attachment.objects.get().file.read() == PDF
    finally:
        context.close()
