"""In a real browser: a system administrator loads the catalog from a circular's Word file (upload,
reading in the background, preview, load) and finds the indicators in the catalog."""

from __future__ import annotations

import pytest
from django.urls import reverse

from gemis.conftest import screenshot
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

    page.goto(page.base_url + reverse("login"))
    page.locator("input[name=username]").fill(admin.username)
    page.locator("input[name=password]").fill("Mat-khau-2026!")
    page.locator("form button[type=submit]").click()
    page.wait_for_url(page.base_url + "/")

    page.goto(page.base_url + reverse("catalog-list"))
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
