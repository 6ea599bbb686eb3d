"""In a real browser: paste a commune plan, see what is not carried over, find a partner with the
picker, create the unknown partner from the review screen, accept, and find everything on the plan."""

from __future__ import annotations

import pytest
from django.urls import reverse

from gemis.conftest import screenshot, sign_in
from gemis.orgs.models import Agency
from gemis.orgs.testing import make_agency
from gemis.plans.models import Plan

from .test_imports_carry_over import COMMUNE_PLAN


@pytest.mark.browser
def test_paste_review_create_partner_and_accept(page, live_world, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    world = live_world
    make_agency(world.commune_a, "Phòng Văn hóa - Xã hội", "Phòng VHXH")
    make_agency(world.commune_a, "Hội Liên hiệp Phụ nữ xã Hòa Lạc", "Hội LHPN xã")
    sign_in(page, world.district_a_coordinator.username)  # communes are imported from the level above

    page.goto(page.base_url + reverse("documents:import-start"))
    page.locator("#id_unit").select_option(str(world.commune_a.pk))
    page.locator("#id_text").fill(COMMUNE_PLAN)
    page.get_by_test_id("import-form").locator("button[type=submit]").click()
    page.get_by_test_id("review-form").wait_for()
    lost = page.get_by_test_id("not-carried-agency")
    assert lost.count() == 1 and "Đoàn Thanh niên xã" in lost.inner_text()
    assert "MỤC ĐÍCH, YÊU CẦU" in page.get_by_test_id("review-outline").inner_text()

    # The third task's partners: typed, found among all agencies the person sees, ticked.
    third = page.get_by_test_id("review-task").nth(2)
    with page.expect_response(lambda r: "agency-options" in r.url):
        third.get_by_test_id("task-partners-search").fill("lao dong")
    option = third.get_by_test_id("task-partners").locator(f'input[value="{world.district_a_agency.pk}"]')
    option.check()
    screenshot(page, "import-review-not-carried")

    page.get_by_test_id("create-agency").click()
    page.get_by_test_id("review-form").wait_for()
    youth = Agency.objects.get(name="Đoàn Thanh niên xã")
    assert page.get_by_test_id("not-carried-agency").count() == 0
    assert (
        page.get_by_test_id("review-task")
        .nth(2)
        .get_by_test_id("task-partners")
        .locator(f'input[value="{world.district_a_agency.pk}"]')
        .is_checked()
    )  # the choice made before creating the agency is still there
    page.get_by_test_id("review-accept").click()
    page.get_by_test_id("plan-document").wait_for()
    screenshot(page, "import-review-accepted")

    plan = Plan.objects.get()
    assert plan.signer == "Nguyễn Thị Lan"
    first = plan.tasks.get(text__startswith="1. ")
    assert list(first.partners.all()) == [youth]
    assert list(plan.tasks.get(text__startswith="3. ").partners.all()) == [world.district_a_agency]
    document = page.get_by_test_id("plan-document").inner_text()
    for kept in ("MỤC ĐÍCH, YÊU CẦU", "Nguyễn Thị Lan", "1. Tổ chức tuyên truyền", "Luật"):
        assert kept in document
