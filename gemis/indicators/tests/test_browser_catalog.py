"""In a real browser: a system administrator loads the catalog from a circular's Word file (upload,
reading in the background, preview, load) and finds the indicators in the catalog."""

from __future__ import annotations

import pytest
from django.urls import reverse

from gemis.conftest import screenshot, sign_in
from gemis.indicators.models import Indicator
from gemis.indicators.testing import make_indicator
from gemis.indicators.tests import annex_samples
from gemis.orgs.testing import make_user


@pytest.mark.browser
def test_catalog_loaded_from_the_circular(page, live_world, tmp_path, settings):
    settings.MEDIA_ROOT = tmp_path / "media"
    circular = tmp_path / "thong-tu-99-2031.docx"
    circular.write_bytes(annex_samples.sample_docx())
    make_indicator("0107", name="Tuổi kết hôn trung bình lần đầu")
    admin = make_user("sieu", is_superuser=True)

    sign_in(page, admin.username)

    page.goto(page.base_url + reverse("indicators:catalog-list"))
    assert "1 trên 78 chỉ tiêu" in page.get_by_test_id("catalog-incomplete").inner_text()
    screenshot(page, "catalog-list-incomplete")
    page.get_by_test_id("catalog-import-link").click()
    page.locator("#id_file").set_input_files(str(circular))
    screenshot(page, "catalog-import")
    page.get_by_test_id("catalog-upload-form").locator("button[type=submit]").click()
    page.get_by_test_id("job-result-link").click()

    preview = page.get_by_test_id("catalog-preview")
    preview.wait_for()
    assert preview.locator("tbody tr").count() == 4
    assert "4 mới, 0 thay đổi, 0 không đổi" in page.get_by_test_id("catalog-summary").inner_text()
    assert "nguồn số liệu" in preview.locator('tr[data-code="0202"]').inner_text()
    preview.locator('tr[data-code="0102"] summary').click()
    assert "Số bé gái sinh ra sống" in preview.locator('tr[data-code="0102"]').inner_text()
    screenshot(page, "catalog-preview")
    assert Indicator.objects.count() == 1  # nothing loaded yet

    page.get_by_test_id("catalog-confirm").locator("button[type=submit]").click()
    page.get_by_test_id("catalog-table").wait_for()
    assert "4 chỉ tiêu tạo mới" in page.locator(".alert-success").inner_text()
    table = page.get_by_test_id("catalog-table")
    assert table.locator("tr[data-code]").count() == 5
    assert "Sở Y tế" in table.locator('tr[data-code="0102"]').inner_text()
    screenshot(page, "catalog-list-loaded")


@pytest.mark.browser
def test_a_coordinator_defines_a_local_indicator_and_its_target(page, live_world):
    from gemis.indicators.catalog import ensure_categories
    from gemis.indicators.models import Target

    ensure_categories()
    world = live_world
    sign_in(page, world.province_coordinator.username)

    page.goto(page.base_url + reverse("indicators:catalog-list"))
    page.get_by_test_id("indicator-new").click()
    form = page.get_by_test_id("local-indicator-form")
    assert form.locator("#id_code").input_value() == "91-01"
    form.locator("#id_name").fill("Tỷ lệ nữ trưởng thôn, tổ trưởng tổ dân phố")
    form.locator("#id_kind").select_option("percentage")
    form.locator("#id_unit_label").fill("%")
    form.get_by_label("Giới tính").check()
    screenshot(page, "local-indicator-form")
    form.locator("button[type=submit]").click()
    page.get_by_test_id("indicator-title").wait_for()
    assert "91-01" in page.get_by_test_id("indicator-title").inner_text()
    assert "Đã tạo chỉ tiêu 91-01" in page.locator(".alert-success").inner_text()

    page.get_by_test_id("target-new").click()
    target = page.get_by_test_id("local-target-form")
    target.locator("#id_year").fill("2030")
    target.locator("#id_comparator").select_option(">=")
    target.locator("#id_value").fill("150")
    target.locator("button[type=submit]").click()
    assert "Tỷ lệ phần trăm phải từ 0 đến 100." in page.get_by_test_id("local-target-form").inner_text()
    page.get_by_test_id("local-target-form").locator("#id_value").fill("35")
    screenshot(page, "local-target-form")
    page.get_by_test_id("local-target-form").locator("button[type=submit]").click()
    page.get_by_test_id("target-table").wait_for()
    row = page.get_by_test_id("target-table").locator("tbody tr").first
    assert "2030" in row.inner_text() and "địa phương" in row.inner_text() and "≥ 35" in row.inner_text()
    assert Target.objects.get().value == 35
    screenshot(page, "local-indicator-page")
