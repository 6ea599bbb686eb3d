"""A name typed by a person never becomes a live formula in a download (issue 10, defect 8).

A local indicator called ``=HYPERLINK(…)`` used to be written as a formula into
the unit profile's XLSX and CSV; the same held for every table of the
dashboards, the data-entry template and the upload's error report. Every one
now goes through :mod:`gemis.core.exports`.
"""

from __future__ import annotations

import csv
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from gemis.indicators import local
from gemis.indicators.catalog import ensure_categories
from gemis.indicators.models import DataElement, IndicatorKind, Periodicity
from gemis.indicators.testing import put_sexes
from gemis.indicators.tests.screens import make_form
from gemis.orgs.models import OrgUnit

pytestmark = pytest.mark.django_db

HOSTILE = '=HYPERLINK("http://example.com/lay-mat-khau","Bấm vào đây")'
CODE = "91-07"


@pytest.fixture
def hostile(world):
    """A local indicator with a hostile name and values by sex in commune A for 2024 and 2025."""
    ensure_categories()
    indicator = local.create_local_indicator(
        world.province,
        CODE,
        IndicatorKind.PERCENTAGE,
        ["sex"],
        {"name": HOSTILE, "periodicity": Periodicity.YEAR},
    )
    numerator = DataElement.objects.get(code=f"{CODE}.numerator")
    denominator = DataElement.objects.get(code=f"{CODE}.denominator")
    for year, (men, women) in (("2024", (10, 20)), ("2025", (12, 25))):
        put_sexes(numerator, world.commune_a, year, men, women)
        put_sexes(denominator, world.commune_a, year, 50, 50)
    return indicator


def download(client, page: str, fmt: str, query: str):
    response = client.get(reverse("indicators:chart-data", args=[page, fmt]) + query)
    assert response.status_code == 200
    return response


def csv_rows(response) -> list[list[str]]:
    return list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))


def xlsx_cells(content: bytes):
    sheet = load_workbook(io.BytesIO(content)).active
    return [cell for row in sheet.iter_rows() for cell in row if cell.value is not None]


def assert_text_in_xlsx(content: bytes, text: str) -> None:
    found = [c for c in xlsx_cells(content) if c.value == text]
    assert found, f"{text!r} is not in the workbook"
    assert all(c.data_type == "s" and c.quotePrefix for c in found)
    assert not [c for c in xlsx_cells(content) if c.data_type == "f"]  # no formula anywhere


@pytest.mark.parametrize(
    "page,chart,unit",
    [("profile", "profile", "commune_a"), ("dashboard", "gender-gaps", "province")],
)
def test_the_indicators_name_stays_text_in_chart_downloads(client, world, hostile, page, chart, unit):
    client.force_login(world.province_coordinator)
    query = f"?unit={getattr(world, unit).pk}&chart={chart}"
    rows = csv_rows(download(client, page, "csv", query))
    names = [row[1] for row in rows[1:] if row[0] == CODE]
    assert names == ["'" + HOSTILE]
    assert_text_in_xlsx(download(client, page, "xlsx", query).content, HOSTILE)


def test_a_units_name_stays_text_in_the_indicator_breakdown(client, world, hostile):
    OrgUnit.objects.filter(pk=world.commune_a.pk).update(name=HOSTILE)
    client.force_login(world.province_coordinator)
    query = f"?unit={world.district_a.pk}&indicator={CODE}&chart=breakdown"
    rows = csv_rows(download(client, "indicator", "csv", query))
    assert ["'" + HOSTILE] == [row[0] for row in rows[1:] if HOSTILE in row[0]]
    assert_text_in_xlsx(download(client, "indicator", "xlsx", query).content, HOSTILE)


def test_names_stay_text_in_the_data_entry_template(client, world):
    form = make_form()
    OrgUnit.objects.filter(pk=world.commune_a.pk).update(name=HOSTILE)
    client.force_login(world.province_coordinator)
    url = reverse("indicators:excel-template", args=[form.dataset.code, world.province.pk, form.open_period])
    response = client.get(url)
    assert response.status_code == 200
    assert_text_in_xlsx(response.content, HOSTILE)


def test_texts_from_an_uploaded_file_stay_text_in_the_error_report(client, world, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    form = make_form()
    args = [form.dataset.code, world.province.pk, form.open_period]
    client.force_login(world.province_coordinator)
    book = load_workbook(io.BytesIO(client.get(reverse("indicators:excel-template", args=args)).content))
    sheet = book.worksheets[0]
    # A row whose hidden unit code was overwritten: it is reported, with what the file says in column B.
    sheet.cell(6, 1).value = "khong-co"
    sheet.cell(6, 2).value = HOSTILE
    sheet.cell(6, 2).data_type = "s"  # stored as text, as a crafted file would (a formula reads back empty)
    buffer = io.BytesIO()
    book.save(buffer)
    upload = SimpleUploadedFile("bieu.xlsx", buffer.getvalue())
    response = client.post(reverse("indicators:excel-upload", args=args), {"file": upload})
    assert response.status_code == 302
    report = client.get(response["Location"].rstrip("/") + "/errors.xlsx")
    assert report.status_code == 200
    assert_text_in_xlsx(report.content, HOSTILE)


def test_today_is_in_the_file_name(client, world, hostile):
    client.force_login(world.province_coordinator)
    response = download(client, "profile", "csv", f"?unit={world.commune_a.pk}&chart=profile")
    assert f"{timezone.localdate():%Y%m%d}.csv" in response["Content-Disposition"]
    assert response["Content-Type"] == "text/csv; charset=utf-8"
