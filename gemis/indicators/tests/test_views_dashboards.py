"""Dashboards: the province's targets and gender gaps, the indicator page with its charts' data,
the unit profile, the targets list and its "far off" filter, small cells, and access."""

from __future__ import annotations

import csv
import io
import json
import re

import pytest
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from gemis.indicators.models import Comparator, IndicatorKind, NationalTarget
from gemis.indicators.testing import make_element, make_indicator, put, put_sexes
from gemis.indicators.tests.screens import make_form
from gemis.orgs.testing import make_unit

pytestmark = pytest.mark.django_db

YEARS = range(2016, 2026)


@pytest.fixture
def form(world):
    """Literacy rising from 60 % to 87 % over 2016–2025 (men ahead of women), in two districts."""
    found = make_form()
    for i, year in enumerate(YEARS):
        for unit in (world.commune_a, world.district_b):
            put_sexes(found.people, unit, str(year), male=100, female=100)
            put_sexes(found.literate, unit, str(year), male=65 + 3 * i, female=55 + 3 * i)
    return found


@pytest.fixture
def violence(world):
    """A GBV indicator with few cases in the commune (a small cell below province level)."""
    victims = make_element("GBV.victims", categories=())
    helped = make_element("GBV.helped", categories=())
    indicator = make_indicator(
        "GBV",
        IndicatorKind.PERCENTAGE,
        ["GBV.helped"],
        ["GBV.victims"],
        name="Tỷ lệ người bị bạo lực gia đình được tiếp cận dịch vụ hỗ trợ",
        sensitive=True,
    )
    put(victims, world.commune_a, "2025", 4)
    put(helped, world.commune_a, "2025", 3)
    put(victims, world.district_b, "2025", 40)
    put(helped, world.district_b, "2025", 30)
    return indicator


def specs(response):
    found = re.search(
        r'<script id="chart-specs" type="application/json">(.*?)</script>', response.content.decode(), re.S
    )
    return {spec["id"]: spec for spec in json.loads(found.group(1))}


# --- access -----------------------------------------------------------------------------------------


def page_urls(world):
    unit = f"?unit={world.province.pk}"
    return [
        reverse("indicators:indicator-dashboard") + unit,
        reverse("indicators:target-list") + unit + "&far=1",
        reverse("indicators:indicator-detail", args=["LIT"]) + unit,
        reverse("indicators:unit-profile", args=[world.province.pk]),
        reverse("indicators:chart-data", args=["indicator", "csv"]) + unit + "&indicator=LIT&chart=series",
        reverse("indicators:chart-data", args=["dashboard", "xlsx"]) + unit + "&chart=gender-gaps",
        reverse("indicators:chart-data", args=["profile", "csv"]) + unit + "&chart=profile",
    ]


def test_anonymous_is_sent_to_login(client, form, world):
    for url in page_urls(world):
        response = client.get(url)
        assert response.status_code == 302 and response["Location"].startswith(reverse("orgs:login")), url


def test_another_province_gets_nothing(client, form, world):
    client.force_login(world.other_coordinator)
    for url in page_urls(world):
        assert client.get(url).status_code == 404, url
    # Its own dashboard shows no figure of ours.
    html = client.get(reverse("indicators:indicator-dashboard")).content.decode()
    assert "Tỉnh Khác" in html and "Tỉnh Thử Nghiệm" not in html


def test_every_role_of_the_province_reads_the_pages(client, form, world):
    for user in (world.province_coordinator, world.province_leader, world.district_a_viewer):
        client.force_login(user)
        unit = world.province if user != world.district_a_viewer else world.district_a
        for url in page_urls(world):
            url = url.replace(f"unit={world.province.pk}", f"unit={unit.pk}").replace(
                f"/units/{world.province.pk}/", f"/units/{unit.pk}/"
            )
            assert client.get(url).status_code == 200, (user, url)


def test_a_district_cannot_read_its_neighbour(client, form, world):
    client.force_login(world.district_a_viewer)
    url = reverse("indicators:indicator-detail", args=["LIT"]) + f"?unit={world.district_b.pk}"
    assert client.get(url).status_code == 404
    assert client.get(reverse("indicators:unit-profile", args=[world.district_b.pk])).status_code == 404


# --- the province dashboard -------------------------------------------------------------------------


def test_the_dashboard_shows_targets_by_risk_and_gender_gaps(client, form, world):
    client.force_login(world.province_coordinator)
    response = client.get(reverse("indicators:indicator-dashboard"))
    assert response.status_code == 200
    html = response.content.decode()
    assert "Mục tiêu bình đẳng giới: Tỉnh Thử Nghiệm" in html
    row = re.search(r'<tr data-target="T-LIT" data-status="(\w+)">(.*?)</tr>', html, re.S)
    assert row and row.group(1) == "on_track" and "Đúng tiến độ" in row.group(2)
    assert "87,0" in row.group(2)  # the latest value, 2025, with a Vietnamese decimal comma
    gaps = re.search(r'<tr data-indicator="LIT">(.*?)</tr>', html, re.S).group(1)
    assert "92,0" in gaps and "82,0" in gaps and "−10,0" in gaps  # men, women, women − men
    assert "echarts.min.js" in html and "cdn" not in html.lower()
    assert set(specs(response)) == {"target-status", "gender-gaps"}


def test_the_far_off_list_is_one_click(client, form, world):
    NationalTarget.objects.create(
        indicator=form.indicator, code="T-LIT-99", year=2027, comparator=Comparator.AT_LEAST, value=99.5
    )
    client.force_login(world.province_coordinator)
    html = client.get(reverse("indicators:indicator-dashboard")).content.decode()
    link = re.search(r'href="([^"]+)" data-testid="far-off-link"', html).group(1).replace("&amp;", "&")
    response = client.get(link)
    assert response.status_code == 200
    rows = [r.target.code for r in response.context["rows"]]
    assert rows == ["T-LIT-99"]
    assert "Mục tiêu còn xa" in response.content.decode()
    all_rows = client.get(reverse("indicators:target-list")).context["rows"]
    assert {r.target.code for r in all_rows} == {"T-LIT", "T-LIT-99"}


def test_the_forecast_method_is_explained_in_vietnamese(client, form, world):
    client.force_login(world.province_coordinator)
    html = client.get(reverse("indicators:indicator-detail", args=["LIT"])).content.decode()
    assert 'data-testid="forecast-method"' in html and "Theil" in html
    assert "Cách tính dự báo và tình trạng" in html


# --- the indicator page -----------------------------------------------------------------------------


def test_the_indicator_page_has_the_series_target_band_and_breakdown(client, form, world):
    client.force_login(world.province_coordinator)
    response = client.get(reverse("indicators:indicator-detail", args=["LIT"]) + f"?unit={world.province.pk}")
    assert response.status_code == 200
    charts = specs(response)
    series = charts["series"]
    names = [s["name"] for s in series["series"]]
    assert names == ["Tổng số", "Nam", "Nữ"]
    assert [s["dash"] for s in series["series"]] == ["solid", "dashed", "dotted"]
    assert series["categories"][0] == "2016" and series["categories"][-1] == "2030"
    assert series["series"][0]["data"][0] == 60.0 and series["series"][0]["data"][9] == 87.0
    assert series["target"]["value"] == 95 and "2030" in series["target"]["label"]
    assert series["band"]["start"] == series["categories"].index("2025")
    # 3 points a year would reach 102 % by 2030: a share stops at 100 %.
    assert series["band"]["value"][-1] == pytest.approx(100, abs=0.1)
    assert all(
        lo <= v <= hi
        for v, lo, hi in zip(
            series["band"]["value"], series["band"]["low"], series["band"]["high"], strict=True
        )
    )
    breakdown = charts["breakdown"]
    assert breakdown["categories"] == ["An Bình", "Bắc Sơn"] and breakdown["kind"] == "bar"
    assert [s["name"] for s in breakdown["series"]] == ["Nam", "Nữ", "Tổng số"]
    html = response.content.decode()
    assert 'data-testid="breakdown-table"' in html and "Huyện An Bình" in html


def test_chart_data_downloads_have_vietnamese_headers(client, form, world):
    client.force_login(world.province_coordinator)
    url = (
        reverse("indicators:chart-data", args=["indicator", "csv"])
        + f"?unit={world.province.pk}&indicator=LIT&chart=series"
    )
    response = client.get(url)
    assert response["Content-Type"].startswith("text/csv")
    lines = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert lines[0] == ["Năm", "Tổng số", "Nam", "Nữ", "Dự báo", "Dự báo: cận dưới", "Dự báo: cận trên"]
    assert lines[1][:4] == ["2016", "60", "65", "55"]  # whole numbers without ".0"
    url = (
        reverse("indicators:chart-data", args=["indicator", "xlsx"])
        + f"?unit={world.province.pk}&indicator=LIT&chart=breakdown"
    )
    book = load_workbook(io.BytesIO(client.get(url).content))
    rows = list(book.active.iter_rows(values_only=True))
    assert rows[1] == ("Đơn vị", "Tổng số", "Nam", "Nữ")
    assert rows[2][0] == "Huyện An Bình" and rows[2][1] == 87.0
    assert client.get(url.replace("chart=breakdown", "chart=nothing")).status_code == 404


def test_the_dashboard_changes_as_soon_as_a_value_is_saved(client, form, world):
    client.force_login(world.province_coordinator)
    year = str(timezone.localdate().year)
    url = reverse("indicators:indicator-detail", args=["LIT"]) + f"?unit={world.province.pk}&year={year}"
    before = specs(client.get(url))["breakdown"]["series"][2]["data"]
    assert before == [None, None]
    cell = reverse("indicators:entry-cell", args=[form.dataset.code, world.commune_a.pk, year])
    for element, sex, value in (("W.people", "male", 50), ("W.people", "female", 50)):
        client.post(cell, {"element": element, "cell": sex, "value": value, "version": 0})
    client.post(cell, {"element": "W.literate", "cell": "female", "value": 25, "version": 0})
    # The men's cell still empty: no total yet (a blank is not a zero), the women's share is there.
    assert specs(client.get(url))["breakdown"]["series"][2]["data"] == [None, None]
    client.post(cell, {"element": "W.literate", "cell": "male", "value": 40, "version": 0})
    after = specs(client.get(url))["breakdown"]["series"][2]["data"]
    assert after == [65.0, None]


# --- the unit profile and small cells ---------------------------------------------------------------


def test_the_unit_profile_compares_with_the_province(client, form, world):
    client.force_login(world.province_coordinator)
    response = client.get(reverse("indicators:unit-profile", args=[world.district_b.pk]))
    assert response.status_code == 200
    html = response.content.decode()
    row = re.search(r'<tr data-indicator="LIT">(.*?)</tr>', html, re.S).group(1)
    assert "2025" in row and "87,0" in row and "92,0" in row and "82,0" in row
    profile = specs(response)["profile"]
    assert [s["name"] for s in profile["series"]] == ["Huyện Bắc Sơn", "Tỉnh Thử Nghiệm"]
    # Two provinces only: no "country" figure that would give away the other's.
    assert response.context["profile"].rows[0].country is None


def test_small_violence_figures_are_hidden_below_the_province(client, form, violence, world):
    client.force_login(world.province_leader)
    html = client.get(
        reverse("indicators:indicator-detail", args=["GBV"]) + f"?unit={world.province.pk}"
    ).content.decode()
    assert 'data-testid="suppression-note"' in html
    row_a = re.search(rf'<tr data-unit="{world.district_a.pk}">(.*?)</tr>', html, re.S).group(1)
    row_b = re.search(rf'<tr data-unit="{world.district_b.pk}">(.*?)</tr>', html, re.S).group(1)
    assert "&lt; 5" in row_a and "75,0" not in row_a
    # The other district is hidden too: the province (shown, 33 of 44) minus it would give A back.
    assert "ẩn" in row_b and "75,0" not in row_b
    assert "75,0" in html
    url = (
        reverse("indicators:chart-data", args=["indicator", "csv"])
        + f"?unit={world.province.pk}&indicator=GBV&chart=breakdown"
    )
    lines = list(csv.reader(io.StringIO(client.get(url).content.decode("utf-8-sig"))))
    assert ["Huyện An Bình", "< 5"] in [line[:2] for line in lines]
    assert ["Huyện Bắc Sơn", "ẩn"] in [line[:2] for line in lines]
    commune = client.get(reverse("indicators:indicator-detail", args=["GBV"]) + f"?unit={world.commune_a.pk}")
    assert specs(commune)["series"]["series"][0]["data"][-1] is None
    # Those who enter the data below (the province's coordinator) see the raw cells.
    client.force_login(world.province_coordinator)
    html = client.get(
        reverse("indicators:indicator-detail", args=["GBV"]) + f"?unit={world.province.pk}"
    ).content.decode()
    row_a = re.search(rf'<tr data-unit="{world.district_a.pk}">(.*?)</tr>', html, re.S).group(1)
    assert "75,0" in row_a


def test_the_unit_switch_offers_the_units_above_and_below(client, form, world):
    client.force_login(world.province_coordinator)
    response = client.get(reverse("indicators:indicator-dashboard"), {"unit": world.district_a.pk})
    groups = {label: [u.pk for u in units] for label, units in response.context["unit_groups"]}
    assert groups["Đơn vị của bạn"] == [world.province.pk]
    assert groups[f"Trực thuộc {world.district_a.name}"] == [world.commune_a.pk]
    assert f"Cấp trên của {world.district_a.name}" not in groups  # the province is already "yours"
    text = response.content.decode()
    assert f'<optgroup label="Trực thuộc {world.district_a.name}">' in text
    # A district's coordinator sees the province above, not the neighbouring district.
    client.force_login(world.district_a_coordinator)
    response = client.get(reverse("indicators:target-list"), {"unit": world.district_a.pk})
    offered = {u.pk for _label, units in response.context["unit_groups"] for u in units}
    assert world.district_b.pk not in offered and world.other_province.pk not in offered
    assert offered >= {world.district_a.pk, world.commune_a.pk}


def test_a_csv_download_offers_the_decimal_comma(client, form, world):
    client.force_login(world.province_coordinator)
    url = reverse("indicators:chart-data", args=["indicator", "csv"])
    query = {"unit": world.province.pk, "indicator": "LIT", "chart": "series"}
    plain = client.get(url, query).content.decode("utf-8-sig").splitlines()
    comma = client.get(url, {**query, "decimal": "comma"}).content.decode("utf-8-sig").splitlines()
    assert plain[0].count(",") >= 2 and ";" not in plain[0]
    assert next(line for line in comma[1:] if line.startswith("2016;")) == "2016;60;65;55;;;"
    assert not any("." in line for line in comma[1:])  # the forecast's decimals are written 12,34
    page = client.get(reverse("indicators:indicator-detail", args=["LIT"]), {"unit": world.province.pk})
    assert 'data-testid="download-series-csv-comma"' in page.content.decode()


def test_the_indicator_page_says_who_has_not_reported(client, form, world):
    from gemis.indicators.testing import put

    year = form.last_period
    commune_b = make_unit("Xã Bình Yên", code="91102", parent=world.district_a)
    put(form.literate, commune_b, year, 30, "female")  # the men's cell and the denominator left empty
    client.force_login(world.province_coordinator)
    response = client.get(
        reverse("indicators:indicator-detail", args=["LIT"]), {"unit": world.province.pk, "year": year}
    )
    note = response.context["page"].coverage
    # Expected: the two communes of district A and district B (no commune below it, it reports itself).
    assert (note.reported, note.expected) == (2, 3)
    assert note.partly == [("Xã Bình Yên", "Nam, Nữ")] and note.missing == []
    html = response.content.decode()
    assert 'data-testid="coverage-note"' in html and "2 trong 3 đơn vị" in html
    assert "2/3 đơn vị đã báo cáo" in html and "tạm tính" in html
    # The chart draws the provisional year apart: not on the total's line, not in the trend.
    chart = specs(response)["series"]
    at = chart["categories"].index(year)
    assert chart["series"][0]["data"][at] is None
    assert chart["series"][-1]["name"].startswith("Tổng số, tạm tính") and chart["series"][-1]["data"][at]
