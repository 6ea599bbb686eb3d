"""A province's own (local) indicators follow the access rule like every unit-owned row.

Before, ``Indicator`` was a public catalog as a whole: anyone who knew or guessed
the code of another province's local indicator read its page, its charts' data
and its downloads, and could even set a target on it. Now another province
gets a 404 everywhere the code leads; the province itself, the units above and
the units below it (which enter its values) read it as before.
"""

from __future__ import annotations

import json
import math

import pytest
from django.urls import reverse
from django.utils import timezone

from gemis.indicators import dashboards, local
from gemis.indicators.catalog import ensure_categories
from gemis.indicators.models import Comparator, DataElement, DataValue, IndicatorKind, Periodicity, Target
from gemis.indicators.testing import put_sexes

pytestmark = pytest.mark.django_db

CODE = "91-01"


@pytest.fixture
def indicator(world):
    """The province's "share of women village heads", with values in commune A for 2024 and 2025."""
    ensure_categories()
    found = local.create_local_indicator(
        world.province,
        CODE,
        IndicatorKind.PERCENTAGE,
        ["sex"],
        {"name": "Tỷ lệ nữ trưởng thôn", "periodicity": Periodicity.YEAR},
    )
    for year, women in (("2024", 20), ("2025", 25)):
        put_sexes(DataElement.objects.get(code=f"{CODE}.numerator"), world.commune_a, year, 0, women)
        put_sexes(DataElement.objects.get(code=f"{CODE}.denominator"), world.commune_a, year, 50, 50)
    return found


def urls_of(world, code: str = CODE) -> list[str]:
    """Every page and download that takes the indicator's code."""
    unit = f"?unit={world.province.pk}"
    data = unit + f"&indicator={code}"
    return [
        reverse("indicators:indicator-detail", args=[code]),
        reverse("indicators:indicator-detail", args=[code]) + unit,
        reverse("indicators:chart-data", args=["indicator", "csv"]) + data + "&chart=series",
        reverse("indicators:chart-data", args=["indicator", "xlsx"]) + data + "&chart=series",
        reverse("indicators:chart-data", args=["indicator", "csv"]) + data + "&chart=breakdown",
        reverse("indicators:target-new", args=[code]),
        reverse("indicators:indicator-edit", args=[code]),
    ]


def test_the_province_and_the_units_below_read_it(client, world, indicator):
    for person in (world.province_coordinator, world.province_leader, world.district_a_focal):
        client.force_login(person)
        unit = world.province if person != world.district_a_focal else world.district_a
        url = reverse("indicators:indicator-detail", args=[CODE]) + f"?unit={unit.pk}"
        assert client.get(url).status_code == 200, person
        series = (
            reverse("indicators:chart-data", args=["indicator", "csv"]) + f"?unit={unit.pk}&indicator={CODE}"
        )
        assert client.get(series + "&chart=series").status_code == 200, person


def test_another_province_gets_404_on_every_page_and_download(client, world, indicator):
    client.force_login(world.other_coordinator)
    for url in urls_of(world):
        assert client.get(url).status_code == 404, url
    # Its own unit in the query does not open it either.
    own = f"?unit={world.other_province.pk}&indicator={CODE}"
    assert client.get(reverse("indicators:indicator-detail", args=[CODE]) + own).status_code == 404
    assert (
        client.get(
            reverse("indicators:chart-data", args=["indicator", "xlsx"]) + own + "&chart=series"
        ).status_code
        == 404
    )
    assert client.post(reverse("indicators:indicator-delete", args=[CODE])).status_code == 404


def test_another_province_cannot_set_a_target_on_it(client, world, indicator):
    client.force_login(world.other_coordinator)
    data = {"org_unit": world.other_province.pk, "year": 2030, "comparator": Comparator.AT_LEAST, "value": 40}
    assert client.post(reverse("indicators:target-new", args=[CODE]), data).status_code == 404
    assert not Target.objects.filter(indicator=indicator).exists()
    # A target made on it before the hole was closed no longer opens it.
    made = Target.objects.create(
        indicator=indicator,
        org_unit=world.other_province,
        year=2030,
        comparator=Comparator.AT_LEAST,
        value=40,
    )
    assert client.get(reverse("indicators:target-edit", args=[made.pk])).status_code == 404


def test_the_catalog_and_its_search_do_not_list_it_elsewhere(client, world, indicator):
    def listed(query: str = "") -> list[str]:
        response = client.get(reverse("indicators:catalog-list") + query)
        return [i.code for i in response.context["indicators"]]

    client.force_login(world.province_coordinator)
    assert CODE in listed() and CODE in listed("?q=trưởng thôn")
    client.force_login(world.other_coordinator)
    assert CODE not in listed()
    assert CODE not in listed("?q=trưởng thôn") and CODE not in listed(f"?q={CODE}")


def test_its_form_and_excel_template_are_closed_to_another_province(client, world, indicator):
    dataset = local.local_dataset(world.province)
    period = str(timezone.localdate().year)
    client.force_login(world.other_coordinator)
    for unit in (world.province, world.other_province):
        assert (
            client.get(reverse("indicators:excel-template", args=[dataset.code, unit.pk, period])).status_code
            == 404
        )
        assert (
            client.get(reverse("indicators:entry-grid", args=[dataset.code, unit.pk, period])).status_code
            == 404
        )


def test_dashboard_listings_hold_only_indicators_the_person_may_read(world, indicator):
    today = timezone.localdate()
    mine = dashboards.indicators_with_data(world.commune_a, world.province_coordinator)
    assert CODE in [i.code for i in mine]
    # Someone who can see the commune's values but not the indicator (none today; a territory that
    # moved would be one) gets neither the indicator nor its gender gap.
    assert CODE not in [
        i.code for i in dashboards.indicators_with_data(world.commune_a, world.other_coordinator)
    ]
    gaps = dashboards.gender_gaps(world.commune_a, today, user=world.other_coordinator)
    assert CODE not in [g.indicator.code for g in gaps]
    assert CODE in [
        g.indicator.code
        for g in dashboards.gender_gaps(world.commune_a, today, user=world.province_coordinator)
    ]


# --- the charts' JSON ---------------------------------------------------------------------------------


def strict_json(text: str):
    def refuse(constant: str):
        raise ValueError(f"not JSON: {constant}")

    return json.loads(text, parse_constant=refuse)


def chart_specs_of(response) -> list:
    content = response.content.decode()
    start = content.index('<script id="chart-specs" type="application/json">')
    body = content[start:].split(">", 1)[1].split("</script>", 1)[0]
    return strict_json(body)


def test_a_corrupt_stored_figure_never_breaks_the_charts_json(client, world, indicator):
    """An infinite value stored before numbers were checked: the page still sends valid JSON."""
    DataValue.objects.filter(data_element__code=f"{CODE}.numerator", period__code="2025").update(
        value=math.inf
    )
    client.force_login(world.province_coordinator)
    for url in (
        reverse("indicators:indicator-detail", args=[CODE]) + f"?unit={world.commune_a.pk}",
        reverse("indicators:indicator-detail", args=[CODE]) + f"?unit={world.province.pk}",
        reverse("indicators:unit-profile", args=[world.commune_a.pk]),
        reverse("indicators:indicator-dashboard") + f"?unit={world.province.pk}",
    ):
        response = client.get(url)
        assert response.status_code == 200, url
        specs = chart_specs_of(response)  # raises on Infinity / NaN
        assert specs, url


def test_finite_replaces_every_non_finite_number():
    data = {"a": [1.5, math.inf, -math.inf, math.nan], "b": {"c": (math.nan, 2)}, "d": "Infinity"}
    assert dashboards.finite(data) == {"a": [1.5, None, None, None], "b": {"c": [None, 2]}, "d": "Infinity"}
    json.dumps(dashboards.finite(data), allow_nan=False)


def test_chart_specs_are_strict_json_whatever_the_figures():
    """Whatever reaches a chart (a figure computed from a bad value), its spec holds null, never Infinity."""
    chart = dashboards.Chart(
        id="series",
        kind="line",
        title="Tỷ lệ",
        categories=["2024", "2025"],
        series=[{"name": "Tổng số", "data": [math.inf, math.nan]}],
        headers=["Năm", "Tổng số"],
        rows=[[2024, math.inf]],
        target={"value": -math.inf, "year": 2030},
        band={"low": [math.nan, 1.0], "high": [2.0, math.inf]},
    )
    specs = dashboards.chart_specs([chart])
    strict_json(json.dumps(specs))
    assert specs[0]["series"][0]["data"] == [None, None]
    assert specs[0]["target"]["value"] is None and specs[0]["band"] == {
        "low": [None, 1.0],
        "high": [2.0, None],
    }


@pytest.mark.parametrize("year", ["9" * 5000, "²⁰²⁵", "-1", "20255"])
def test_an_odd_year_in_the_query_is_ignored(client, world, indicator, year):
    client.force_login(world.province_coordinator)
    query = f"?unit={world.province.pk}&year={year}"
    assert client.get(reverse("indicators:indicator-detail", args=[CODE]) + query).status_code == 200
    data = (
        reverse("indicators:chart-data", args=["indicator", "csv"])
        + query
        + f"&indicator={CODE}&chart=breakdown"
    )
    assert client.get(data).status_code == 200
