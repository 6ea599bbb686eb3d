"""In a real browser: a coordinator types a commune's figures into the grid with the keyboard only
(Tab to the right, Enter down), sees each cell marked saved (and a wrong one refused in Vietnamese),
then opens the dashboard and the indicator page and sees the new figures there."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse
from django.utils import timezone
from playwright.sync_api import expect

from gemis.conftest import screenshot, sign_in
from gemis.indicators.models import DataValue
from gemis.indicators.testing import put_sexes
from gemis.indicators.tests.screens import make_form


def cell(page, element: str, code: str):
    return page.get_by_test_id(f"cell-{element}-{code}")


def wait_saved(page, element: str, code: str) -> None:
    page.locator(f'[data-testid="cell-{element}-{code}"][data-state="saved"]').wait_for()


@pytest.mark.browser
def test_keyboard_entry_shows_on_the_dashboard(page, live_world):
    world = live_world
    form = make_form()
    for i, year in enumerate(range(2016, 2026)):
        for unit in (world.commune_a, world.district_b):
            put_sexes(form.people, unit, str(year), male=100, female=100)
            put_sexes(form.literate, unit, str(year), male=65 + 3 * i, female=55 + 3 * i)
    year = str(timezone.localdate().year)
    sign_in(page, world.district_a_coordinator.username)

    # Before: the province's latest year is 2025 (men 92 %, women 82 %).
    page.goto(page.base_url + reverse("indicators:indicator-dashboard") + f"?unit={world.district_a.pk}")
    gaps = page.get_by_test_id("gender-gaps").locator('tr[data-indicator="LIT"]')
    assert "2025" in gaps.inner_text() and "92,0" in gaps.inner_text()

    # The menu leads to data entry; choose the commune and this year.
    page.get_by_test_id("indicators-menu").click()
    page.get_by_role("link", name="Nhập số liệu").first.click()
    page.locator("#id_unit").select_option(str(world.commune_a.pk))
    page.locator("#id_period").select_option(year)
    page.get_by_test_id("entry-choice").locator("button[type=submit]").click()
    page.wait_for_url(re.compile(rf".*/indicators/entry/{form.dataset.code}/{world.commune_a.pk}/{year}/$"))
    assert "Xã Hòa Lạc" in page.get_by_test_id("grid-title").locator("..").inner_text()

    # Keyboard only: literate men 80, Tab, women 70, Enter (down to people, women) 100, Shift+Tab, men 100.
    cell(page, "W.literate", "male").locator("input").click()
    page.keyboard.type("80")
    page.keyboard.press("Tab")
    page.keyboard.type("70")
    page.keyboard.press("Enter")
    focused = page.evaluate("document.activeElement.closest('td').dataset.testid")
    assert focused == "cell-W.people-female"
    page.keyboard.type("100")
    page.keyboard.press("Shift+Tab")
    page.keyboard.type("100")
    page.keyboard.press("Enter")
    for element, code in (
        ("W.literate", "male"),
        ("W.literate", "female"),
        ("W.people", "female"),
        ("W.people", "male"),
    ):
        wait_saved(page, element, code)
    assert page.locator("#total-wpeople").inner_text() == "200"
    assert page.locator("#grid-status").inner_text().strip().startswith("Đã lưu lúc")

    # A wrong value is refused next to the cell, in Vietnamese; corrected, it is saved.
    households = cell(page, "W.households", "default")
    households.locator("input").click()
    page.keyboard.type("-3")
    page.keyboard.press("Tab")
    page.locator('[data-testid="cell-W.households-default"][data-state="invalid"]').wait_for()
    assert "Giá trị không được âm." in households.inner_text()
    households.locator("input").click()
    page.keyboard.type("1.250")
    page.keyboard.press("Tab")
    wait_saved(page, "W.households", "default")
    assert DataValue.objects.filter(org_unit=world.commune_a, period__code=year).count() == 5
    assert DataValue.objects.get(data_element=form.households, period__code=year).value == 1250
    screenshot(page, "indicators-entry-grid")

    # After: the dashboard's latest year is this one, with the figures just typed.
    page.goto(page.base_url + reverse("indicators:indicator-dashboard") + f"?unit={world.district_a.pk}")
    gaps = page.get_by_test_id("gender-gaps").locator('tr[data-indicator="LIT"]')
    assert year in gaps.inner_text() and "80,0" in gaps.inner_text() and "70,0" in gaps.inner_text()
    page.locator('[data-chart="gender-gaps"][data-drawn="1"]').wait_for()
    screenshot(page, "indicators-dashboard")

    # The indicator page of the district: the series ends with this year, the commune's bar below.
    page.goto(
        page.base_url + reverse("indicators:indicator-detail", args=["LIT"]) + f"?unit={world.district_a.pk}"
    )
    page.locator('[data-chart="series"][data-drawn="1"]').wait_for()
    page.locator('[data-chart="breakdown"][data-drawn="1"]').wait_for()
    assert page.get_by_test_id("forecast-method").is_visible()
    row = page.get_by_test_id("series-table").locator(f'tr[data-year="{year}"]')
    assert "75,0" in row.text_content()  # 150 literate of 200 people, this year
    # Every chart can be saved as a PNG (the toolbox's saveAsImage) and reads in black and white.
    toolbox = page.evaluate(
        "echarts.getInstanceByDom(document.querySelector('[data-chart=series]')).getOption().toolbox[0]"
    )
    assert toolbox["feature"]["saveAsImage"]["title"] == "Tải ảnh PNG"
    screenshot(page, "indicators-indicator-page")
    # Through the CSSOM: the Content-Security-Policy refuses an added <style> element.
    page.evaluate("document.documentElement.style.filter = 'grayscale(1)'")
    screenshot(page, "indicators-indicator-page-grey")


@pytest.mark.browser
def test_excel_template_round_trip_in_the_browser(page, live_world, tmp_path, settings):
    """Download the template, fill it with one bad row, upload it, read the report, save the rest."""
    from openpyxl import load_workbook

    from gemis.indicators import excel

    settings.MEDIA_ROOT = tmp_path / "media"
    world = live_world
    form = make_form()
    year = form.open_period
    sign_in(page, world.district_a_coordinator.username)
    page.goto(
        page.base_url + reverse("indicators:entry-grid", args=[form.dataset.code, world.district_a.pk, year])
    )
    with page.expect_download() as download:
        page.get_by_test_id("template-download").click()
    path = tmp_path / download.value.suggested_filename
    download.value.save_as(path)
    assert path.name == f"bieu-nhap-{form.dataset.code}-{year}.xlsx"

    book = load_workbook(path)
    sheet = book.worksheets[0]
    columns = {sheet.cell(excel.CODE_ROW, c).value: c for c in range(1, sheet.max_column + 1)}
    rows = {
        (sheet.cell(r, 2).value, sheet.cell(r, 3).value): r
        for r in range(excel.FIRST_ROW, sheet.max_row + 1)
        if sheet.cell(r, 3).value
    }
    for unit in ("Huyện An Bình", "Xã Hòa Lạc"):
        sheet.cell(rows[(unit, "W.people")], columns["male"]).value = 100
        sheet.cell(rows[(unit, "W.people")], columns["female"]).value = 110
        sheet.cell(rows[(unit, "W.households")], columns["default"]).value = 60
    sheet.cell(rows[("Xã Hòa Lạc", "W.people")], columns["total"]).value = 200  # 100 + 110 ≠ 200
    book.save(path)

    page.get_by_test_id("upload-link").click()
    page.locator("input[name=file]").set_input_files(str(path))
    page.get_by_test_id("upload-form").locator("button[type=submit]").click()
    report = page.get_by_test_id("error-report")
    report.wait_for()
    line = report.locator(f'tr[data-row="{rows[("Xã Hòa Lạc", "W.people")]}"]')
    assert "Xã Hòa Lạc" in line.inner_text() and "210" in line.inner_text()
    assert "1 đơn vị đúng, 1 đơn vị có lỗi" in page.get_by_test_id("preview-summary").inner_text()
    screenshot(page, "indicators-excel-preview")
    page.get_by_test_id("confirm-form").locator("button[type=submit]").click()
    page.get_by_test_id("grid").wait_for()
    assert "Đã lưu: 1 đơn vị, 3 giá trị." in page.locator(".alert-success").inner_text()
    assert set(DataValue.objects.values_list("org_unit_id", flat=True)) == {world.district_a.pk}


@pytest.mark.browser
def test_a_cells_history_and_note(page, live_world):
    world = live_world
    form = make_form()
    sign_in(page, world.district_a_coordinator.username)
    grid_path = reverse(
        "indicators:entry-grid", args=[form.dataset.code, world.commune_a.pk, form.open_period]
    )
    page.goto(page.base_url + grid_path)
    box = cell(page, "W.people", "male").locator("input")
    box.fill("120")
    box.press("Tab")  # saved on leaving the cell; Tab skips the history button, to the women's cell
    wait_saved(page, "W.people", "male")
    assert page.evaluate("document.activeElement.closest('td').dataset.testid") == "cell-W.people-female"

    page.get_by_test_id("info-W.people-male").click()
    card = page.get_by_test_id("cell-detail-card")
    card.wait_for()
    assert "Giá trị 120" in card.inner_text() and "đã nhập" in card.inner_text()
    card.locator("textarea[name=comment]").fill("Số ước tính, chờ báo cáo của thôn")
    card.locator("button[type=submit]").click()
    page.get_by_test_id("note-saved").wait_for()
    assert DataValue.objects.get(option_combo__code="male").comment == "Số ước tính, chờ báo cáo của thôn"
    page.locator("#info-wpeople-male.has-comment").wait_for()  # the mark in the grid follows
    screenshot(page, "indicators-cell-history")


@pytest.mark.browser
def test_a_tenfold_jump_is_saved_only_once_confirmed(page, live_world):
    world = live_world
    form = make_form()
    year = timezone.localdate().year
    put_sexes(form.people, world.commune_a, str(year - 1), male=120, female=110)
    sign_in(page, world.district_a_coordinator.username)
    page.goto(
        page.base_url
        + reverse("indicators:entry-grid", args=[form.dataset.code, world.commune_a.pk, str(year)])
    )
    cell(page, "W.people", "male").locator("input").click()
    page.keyboard.type("1.201")  # more than ten times last year's 120
    page.keyboard.press("Tab")
    asked = page.locator('[data-testid="cell-W.people-male"][data-state="confirm"]')
    asked.wait_for()
    assert "lớn hơn mười lần" in asked.inner_text()
    # Repeated above the grid, which the page's script fills a moment after the cell: wait for it.
    expect(page.locator("#grid-status")).to_contain_text("lớn hơn mười lần")
    assert not DataValue.objects.filter(period__code=str(year)).exists()
    asked.get_by_test_id("cell-confirm").click()
    wait_saved(page, "W.people", "male")
    assert DataValue.objects.get(period__code=str(year)).value == 1201
