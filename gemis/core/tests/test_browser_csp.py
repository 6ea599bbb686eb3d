"""In a real browser, under the Content-Security-Policy GEMIS sends: the main pages load and work —
switches that submit themselves, a cell saved in the data-entry grid, its history panel opened and
closed, charts drawn, a deletion asked about first — and the browser refuses nothing.

Any refusal would be a script or style the policy blocks: it is reported on the console ("Refused
to ...") and as a ``securitypolicyviolation`` event, which the page under test writes to the console."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse

from gemis.conftest import screenshot, sign_in
from gemis.indicators import local
from gemis.indicators.models import DataValue, Indicator, IndicatorKind, Periodicity
from gemis.indicators.testing import put_sexes
from gemis.indicators.tests.screens import make_form
from gemis.plans.models import PlanStatus
from gemis.plans.testing import make_plan, make_section, make_task

# Runs in every page before its own scripts (through the DevTools protocol, so the policy does not
# stop it): every violation, and htmx refusing to evaluate something, is written to the console.
WATCH = """
document.addEventListener("securitypolicyviolation", function (e) {
  console.error("CSP violation: " + e.violatedDirective + " blocked " + (e.blockedURI || "inline") +
                " at " + e.sourceFile + ":" + e.lineNumber);
});
document.addEventListener("htmx:evalDisallowedError", function () { console.error("htmx: eval refused"); });
"""

REFUSALS = re.compile(
    r"Refused to|Content Security Policy|CSP violation|eval refused|Permissions-Policy", re.I
)


class Console:
    """What the pages of one tab write to the console, and the scripts' uncaught errors."""

    def __init__(self, page) -> None:
        self.refusals: list[str] = []
        self.errors: list[str] = []
        page.on("console", self._message)
        page.on("pageerror", lambda error: self.errors.append(str(error)))

    def _message(self, message) -> None:
        if REFUSALS.search(message.text):
            self.refusals.append(f"{message.type}: {message.text}")

    def assert_clean(self, where: str) -> None:
        assert self.refusals == [], where
        assert self.errors == [], where


@pytest.mark.browser
def test_the_main_pages_work_under_the_policy(page, live_world):
    world = live_world
    page.context.add_init_script(WATCH)
    console = Console(page)

    form = make_form()
    for year in range(2019, 2026):
        for unit in (world.commune_a, world.district_b):
            put_sexes(form.people, unit, str(year), male=100, female=100)
            put_sexes(form.literate, unit, str(year), male=80, female=70)
    plan = make_plan(
        world.district_a,
        world.district_a_agency,
        number="12/KH-UBND",
        subject="Thực hiện công tác bình đẳng giới năm 2026",
        status=PlanStatus.ISSUED,
    )
    section = make_section(plan, "I", "Nhiệm vụ")
    make_task(
        plan, "Tổ chức Tháng hành động vì bình đẳng giới", section=section, lead=world.district_a_agency
    )
    local.create_local_indicator(
        world.district_a,
        "911-01",
        IndicatorKind.COUNT,
        [],
        {"name": "Số câu lạc bộ gia đình hạnh phúc", "periodicity": Periodicity.YEAR},
    )

    # The response really carries the policy the rest of the walk runs under.
    response = page.goto(page.base_url + reverse("orgs:login"))
    policy = response.header_value("content-security-policy")
    assert "script-src 'self'" in policy and "unsafe-eval" not in policy
    sign_in(page, world.district_a_coordinator.username)
    console.assert_clean("home")

    # The plan page; its print button prints (the browser's print is replaced: headless has none).
    page.goto(page.base_url + reverse("plans:plan-detail", args=[plan.pk]))
    page.get_by_test_id("plan-document").wait_for()
    page.evaluate("window.print = function () { document.body.dataset.printed = '1'; }")
    page.locator("button[data-print]").click()
    page.locator("body[data-printed='1']").wait_for()
    console.assert_clean("plan page")

    # The task table, filtered through htmx.
    page.goto(page.base_url + reverse("plans:task-list"))
    with page.expect_response(lambda r: "/tasks/" in r.url and r.request.headers.get("hx-request") == "true"):
        page.locator("#filter-q").fill("Tháng hành động")
    page.get_by_text("Tổ chức Tháng hành động vì bình đẳng giới").first.wait_for()
    console.assert_clean("task list")

    page.goto(page.base_url + reverse("plans:task-calendar"))
    page.locator(".gemis-cal").wait_for()
    assert page.evaluate("getComputedStyle(document.querySelector('.gemis-cal')).tableLayout") == "fixed"
    console.assert_clean("task calendar")

    # The data-entry grid: a cell saved, its history opened and closed again.
    page.goto(
        page.base_url
        + reverse("indicators:entry-grid", args=[form.dataset.code, world.commune_a.pk, form.open_period])
    )
    box = page.get_by_test_id("cell-W.people-male").locator("input")
    box.fill("120")
    box.press("Tab")
    page.locator('[data-testid="cell-W.people-male"][data-state="saved"]').wait_for()
    assert DataValue.objects.filter(data_element=form.people, period__code=form.open_period).count() == 1
    page.get_by_test_id("info-W.people-male").click()
    card = page.get_by_test_id("cell-detail-card")
    card.wait_for()
    card.locator("button.btn-close").click()
    card.wait_for(state="detached")
    # The period switch submits itself (data-autosubmit).
    page.locator("#period-switch").select_option(form.last_period)
    page.wait_for_url(re.compile(rf".*/{form.last_period}/?$"))
    screenshot(page, "csp-entry-grid")
    console.assert_clean("data-entry grid")

    # The dashboard and the indicator page draw their charts.
    page.goto(page.base_url + reverse("indicators:indicator-dashboard") + f"?unit={world.district_a.pk}")
    page.locator('[data-chart="gender-gaps"][data-drawn="1"]').wait_for()
    page.locator('[data-chart="gender-gaps"] canvas').first.hover()  # a tooltip (inline style attributes)
    console.assert_clean("dashboard")
    page.goto(
        page.base_url + reverse("indicators:indicator-detail", args=["LIT"]) + f"?unit={world.district_a.pk}"
    )
    page.locator('[data-chart="series"][data-drawn="1"]').wait_for()
    page.locator('[data-chart="breakdown"][data-drawn="1"]').wait_for()
    screenshot(page, "csp-indicator-page")
    # The chart's PNG download (ECharts' toolbox, drawn on the canvas at the top right) is not blocked.
    downloads: list[str] = []
    page.on("download", lambda download: downloads.append(download.suggested_filename))
    chart = page.locator('[data-chart="series"]').bounding_box()
    spots = [(dx, dy) for dx in range(8, 32, 3) for dy in range(6, 27, 3)]
    for dx, dy in spots:
        page.mouse.click(chart["x"] + chart["width"] - dx, chart["y"] + dy)
        page.wait_for_timeout(50)
        if downloads:
            break
    page.wait_for_timeout(300)
    assert downloads and set(downloads) == {"series.png"}
    console.assert_clean("indicator page")

    # A deletion asks first (data-confirm): declined, nothing happens; accepted, it is deleted.
    page.goto(page.base_url + reverse("indicators:indicator-edit", args=["911-01"]))
    page.once("dialog", lambda dialog: dialog.dismiss())
    page.get_by_test_id("local-indicator-delete").locator("button[type=submit]").click()
    page.wait_for_timeout(300)
    assert Indicator.objects.filter(code="911-01").exists()
    questions: list[str] = []

    def accept(dialog) -> None:
        questions.append(dialog.message)
        dialog.accept()

    page.once("dialog", accept)
    with page.expect_navigation():
        page.get_by_test_id("local-indicator-delete").locator("button[type=submit]").click()
    assert questions == ["Xóa chỉ tiêu này cùng các mục tiêu của nó?"]
    assert not Indicator.objects.filter(code="911-01").exists()
    console.assert_clean("local indicator")

    # Calendar subscriptions: a click on the address selects all of it.
    page.goto(page.base_url + reverse("plans:calendar-feeds"))
    page.locator("main form button.btn-primary[type=submit]").click()
    page.get_by_test_id("feed-url").first.click()
    selected = "(e => e.value.length > 0 && e.selectionEnd - e.selectionStart === e.value.length)"
    assert page.evaluate(selected + "(document.activeElement)")
    console.assert_clean("calendar feeds")

    # The language switch in the footer submits itself: the page comes back in English.
    page.locator("#language-select").select_option("en")
    page.wait_for_load_state()
    page.locator("html[lang='en']").wait_for()
    console.assert_clean("language switch")
