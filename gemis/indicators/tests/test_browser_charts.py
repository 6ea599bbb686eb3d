"""In a real browser: the series chart reaches its target line, and women and men keep one colour on
every chart of the page."""

from __future__ import annotations

import pytest
from django.urls import reverse

from gemis.conftest import screenshot, sign_in
from gemis.indicators.testing import put_sexes
from gemis.indicators.tests.screens import make_form


@pytest.mark.browser
def test_the_target_is_on_the_axis_and_the_sexes_keep_their_colours(page, live_world):
    world = live_world
    form = make_form()  # target ≥ 95 % by 2030
    for i, year in enumerate(range(2018, 2026)):
        for unit in (world.commune_a, world.district_b):
            put_sexes(form.people, unit, str(year), male=100, female=100)
            put_sexes(form.literate, unit, str(year), male=50 + 2 * i, female=40 + 2 * i)  # well below 95
    sign_in(page, world.province_coordinator.username)
    page.goto(
        page.base_url + reverse("indicators:indicator-detail", args=["LIT"]) + f"?unit={world.province.pk}"
    )
    page.locator('[data-chart="series"][data-drawn="1"]').wait_for()
    page.locator('[data-chart="breakdown"][data-drawn="1"]').wait_for()
    found = page.evaluate(
        """() => {
        const read = (id) => window.echarts.getInstanceByDom(document.querySelector(`[data-chart="${id}"]`));
        const series = read("series"), breakdown = read("breakdown");
        const colour = (s) => [s.name, s.color || s.itemStyle.color];
        const colours = (chart) => Object.fromEntries(
            chart.getOption().series.filter((s) => s.itemStyle || s.color).map(colour));
        const axis = series.getModel().getComponent("yAxis").axis.scale.getExtent();
        return { max: axis[1], line: colours(series), bars: colours(breakdown) };
    }"""
    )
    screenshot(page, "indicator-target-on-axis")
    assert found["max"] >= 95, found  # the data stay under 70 %: the axis still reaches the target
    for name in ("Nam", "Nữ", "Tổng số"):
        assert found["line"][name] == found["bars"][name], found
    assert len({found["line"]["Nam"], found["line"]["Nữ"], found["line"]["Tổng số"]}) == 3
