"""The data-entry screens: choosing a grid, saving one cell (saved / refused / conflict / locked),
locks and exceptions, completeness, and who may do what."""

from __future__ import annotations

import pytest
from django.urls import reverse
from django.utils import timezone

from gemis.indicators.aggregate import indicator_value
from gemis.indicators.models import DataValue, LockException, Period, PeriodLock, ValidationRule
from gemis.indicators.testing import make_indicator, put
from gemis.indicators.tests.screens import make_catalog_form, make_form, yesterday
from gemis.orgs.models import Role
from gemis.orgs.testing import make_user

pytestmark = pytest.mark.django_db


@pytest.fixture
def form(world):
    return make_form()


def grid_args(form, unit, period=None):
    return [form.dataset.code, unit.pk, period or form.open_period]


def post_cell(client, form, unit, element, cell, value, version=0, period=None):
    return client.post(
        reverse("indicators:entry-cell", args=grid_args(form, unit, period)),
        {"element": element, "cell": cell, "value": value, "version": version},
    )


# --- access -----------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "name,method",
    [
        ("entry-start", "get"),
        ("entry-grid", "get"),
        ("entry-cell", "post"),
        ("entry-exception", "post"),
        ("entry-deadline", "post"),
    ],
)
def test_anonymous_is_sent_to_login(client, form, world, name, method):
    args = [] if name == "entry-start" else grid_args(form, world.commune_a)
    response = getattr(client, method)(reverse(f"indicators:{name}", args=args))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("orgs:login"))


@pytest.mark.parametrize("name", ["entry-grid", "entry-cell", "entry-exception", "entry-deadline"])
def test_another_province_gets_nothing(client, form, world, name):
    put(form.people, world.commune_a, form.open_period, 120, "female")
    client.force_login(world.other_coordinator)
    url = reverse(f"indicators:{name}", args=grid_args(form, world.commune_a))
    response = client.get(url) if name == "entry-grid" else client.post(url, {"element": "W.people"})
    assert response.status_code == 404
    assert DataValue.objects.get().value == 120


def test_another_province_does_not_see_our_units_to_choose(client, form, world):
    client.force_login(world.other_coordinator)
    response = client.get(reverse("indicators:entry-start"))
    assert response.status_code == 200
    assert "Xã Hòa Lạc" not in response.content.decode()


def test_the_start_page_lists_the_units_one_enters_for_and_opens_the_grid(client, form, world):
    client.force_login(world.district_a_coordinator)
    response = client.get(reverse("indicators:entry-start"))
    html = response.content.decode()
    assert "Huyện An Bình" in html and "Xã Hòa Lạc" in html and "Huyện Bắc Sơn" not in html
    response = client.get(
        reverse("indicators:entry-start"),
        {"go": "1", "dataset": form.dataset.code, "unit": world.commune_a.pk, "period": form.open_period},
    )
    assert response.status_code == 302
    assert response["Location"] == reverse("indicators:entry-grid", args=grid_args(form, world.commune_a))


def test_a_period_of_another_type_is_not_found(client, form, world):
    client.force_login(world.province_coordinator)
    assert (
        client.get(
            reverse("indicators:entry-grid", args=grid_args(form, world.commune_a, "2024Q1"))
        ).status_code
        == 404
    )
    assert (
        client.get(
            reverse("indicators:entry-grid", args=grid_args(form, world.commune_a, "nam-2024"))
        ).status_code
        == 404
    )


def test_a_viewer_reads_the_grid_but_cannot_save(client, form, world):
    put(form.people, world.district_a, form.open_period, 40, "male")
    client.force_login(world.district_a_viewer)
    response = client.get(reverse("indicators:entry-grid", args=grid_args(form, world.district_a)))
    assert response.status_code == 200
    html = response.content.decode()
    assert 'data-testid="read-only-notice"' in html and "hx-post" not in html and 'value="40"' in html
    assert post_cell(client, form, world.district_a, "W.people", "male", "50", 1).status_code == 404
    assert DataValue.objects.get().value == 40


def test_a_focal_point_enters_for_its_own_unit_only(client, form, world):
    client.force_login(world.district_a_focal)
    assert post_cell(client, form, world.district_a, "W.people", "male", "50").status_code == 200
    assert post_cell(client, form, world.commune_a, "W.people", "male", "50").status_code == 404
    html = client.get(
        reverse("indicators:entry-grid", args=grid_args(form, world.commune_a))
    ).content.decode()
    assert "hx-post" not in html


# --- the grid and saving one cell -------------------------------------------------------------------


def test_the_grid_has_a_row_per_element_and_a_column_per_cell(client, form, world):
    put(form.people, world.commune_a, form.open_period, 100, "male")
    put(form.people, world.commune_a, form.open_period, 90, "female")
    client.force_login(world.province_coordinator)
    response = client.get(reverse("indicators:entry-grid", args=grid_args(form, world.commune_a)))
    assert response.status_code == 200
    html = response.content.decode()
    for text in ("Số người từ 15 tuổi trở lên", "Số người biết chữ", "Số hộ gia đình", "Nam", "Nữ", "Tổng"):
        assert text in html
    assert 'data-testid="cell-W.people-male"' in html and 'data-testid="cell-W.households-default"' in html
    assert 'id="total-wpeople" class="grid-total text-end">190<' in html
    assert "grid.js" in html and '<meta charset="utf-8">' in html


def test_a_cell_is_saved_and_the_province_total_follows_at_once(client, form, world):
    client.force_login(world.district_a_coordinator)
    response = post_cell(client, form, world.commune_a, "W.people", "female", "1.234")
    assert response.status_code == 200
    html = response.content.decode()
    assert 'data-state="saved"' in html and "Đã lưu" in html and 'value="1.234"' in html
    assert '"version": "1"' in html
    value = DataValue.objects.get()
    assert value.value == 1234 and value.entered_by == world.district_a_coordinator
    assert value.history.count() == 1
    people = make_indicator("PEOPLE", numerator=["W.people"])
    assert indicator_value(people, world.province, form.open_period).value == 1234

    response = post_cell(client, form, world.commune_a, "W.people", "female", "1.300", version=1)
    assert response.status_code == 200 and '"version": "2"' in response.content.decode()
    assert indicator_value(people, world.province, form.open_period).value == 1300


def test_the_row_total_is_sent_back_with_the_cell(client, form, world):
    put(form.people, world.commune_a, form.open_period, 100, "male")
    client.force_login(world.province_coordinator)
    html = post_cell(client, form, world.commune_a, "W.people", "female", "90").content.decode()
    assert 'id="total-wpeople"' in html and 'hx-swap-oob="true">190<' in html


def test_an_emptied_cell_deletes_the_value(client, form, world):
    dv = put(form.people, world.commune_a, form.open_period, 100, "male")
    client.force_login(world.province_coordinator)
    response = post_cell(client, form, world.commune_a, "W.people", "male", "", version=dv.version)
    assert response.status_code == 200
    assert not DataValue.objects.exists()
    people = make_indicator("PEOPLE", numerator=["W.people"])
    assert indicator_value(people, world.province, form.open_period).value is None


@pytest.mark.parametrize(
    "element,cell,value,message",
    [
        ("W.people", "male", "-5", "Giá trị không được âm."),
        ("W.people", "male", "2,5", "Giá trị phải là số nguyên."),
        ("W.people", "male", "abc", "Nhập một số"),
        ("W.literate", "female", "95", "lớn hơn mẫu số"),
    ],
)
def test_a_wrong_value_is_refused_with_a_vietnamese_message(
    client, form, world, element, cell, value, message
):
    put(form.people, world.commune_a, form.open_period, 90, "female")
    client.force_login(world.province_coordinator)
    response = post_cell(client, form, world.commune_a, element, cell, value)
    assert response.status_code == 400
    html = response.content.decode()
    assert message in html and 'data-state="invalid"' in html and "is-invalid" in html
    assert f'value="{value}"' in html  # what was typed stays, to be corrected
    assert DataValue.objects.count() == 1


def test_cells_still_empty_do_not_stop_a_save(client, form, world):
    """W.people is required: its other cell being empty is completeness, not an error of this cell."""
    client.force_login(world.province_coordinator)
    assert post_cell(client, form, world.commune_a, "W.people", "male", "10").status_code == 200


def test_a_stale_version_is_a_conflict_and_nothing_is_overwritten(client, form, world):
    client.force_login(world.province_coordinator)
    assert post_cell(client, form, world.commune_a, "W.people", "male", "10").status_code == 200
    # Another officer still had the empty cell open (version 0).
    response = post_cell(client, form, world.commune_a, "W.people", "male", "20", version=0)
    assert response.status_code == 409
    html = response.content.decode()
    assert "Người khác đã lưu ô này" in html and "10" in html and "20" in html
    assert '"version": "1"' in html  # the cell now carries the version the person has seen
    assert DataValue.objects.get().value == 10


# --- locks and exceptions ---------------------------------------------------------------------------


def lock(form, unit, period=None):
    return PeriodLock.objects.create(
        dataset=form.dataset,
        period=Period.get(period or form.open_period),
        org_unit=unit,
        lock_after=yesterday(),
    )


def test_a_locked_period_is_read_only_with_the_reason(client, form, world):
    lock(form, world.province)
    put(form.people, world.commune_a, form.open_period, 70, "male")
    client.force_login(world.district_a_coordinator)
    html = client.get(
        reverse("indicators:entry-grid", args=grid_args(form, world.commune_a))
    ).content.decode()
    assert 'data-testid="lock-notice"' in html and yesterday().strftime("%d/%m/%Y") in html
    assert "hx-post" not in html and "readonly" in html
    response = post_cell(client, form, world.commune_a, "W.people", "male", "80", version=1)
    assert response.status_code == 423
    assert "Kỳ này đã khóa" in response.content.decode()
    assert DataValue.objects.get().value == 70


def test_a_coordinator_above_reopens_the_period_for_one_unit(client, form, world):
    lock(form, world.province)
    client.force_login(world.district_a_coordinator)
    # District A's coordinator cannot reopen what the province closed for district A itself...
    url = reverse("indicators:entry-exception", args=grid_args(form, world.district_a))
    assert client.post(url, {"exception-until": "31/12/2099"}).status_code == 404
    # ...but reopens it for a commune below it.
    html = client.get(
        reverse("indicators:entry-grid", args=grid_args(form, world.commune_a))
    ).content.decode()
    assert 'data-testid="exception-form"' in html
    url = reverse("indicators:entry-exception", args=grid_args(form, world.commune_a))
    response = client.post(url, {"exception-until": "31/12/2099", "exception-reason": "Xã bổ sung số liệu"})
    assert response.status_code == 302
    exception = LockException.objects.get()
    assert exception.org_unit == world.commune_a and exception.granted_by == world.district_a_coordinator
    html = client.get(response["Location"]).content.decode()
    assert 'data-testid="exception-notice"' in html and "31/12/2099" in html and "Xã bổ sung số liệu" in html
    assert post_cell(client, form, world.commune_a, "W.people", "male", "80").status_code == 200
    # The district itself stays locked.
    assert post_cell(client, form, world.district_a, "W.people", "male", "80").status_code == 423


def test_an_exception_date_in_the_past_is_refused(client, form, world):
    lock(form, world.province)
    client.force_login(world.province_coordinator)
    url = reverse("indicators:entry-exception", args=grid_args(form, world.commune_a))
    response = client.post(url, {"exception-until": "01/01/2020"})
    assert response.status_code == 400
    assert "Ngày phải từ hôm nay trở đi." in response.content.decode()
    assert not LockException.objects.exists()


def test_a_viewer_or_focal_point_cannot_grant_an_exception(client, form, world):
    lock(form, world.province)
    url = reverse("indicators:entry-exception", args=grid_args(form, world.commune_a))
    for user in (world.district_a_viewer, world.district_a_focal, world.province_leader):
        client.force_login(user)
        assert client.post(url, {"exception-until": "31/12/2099"}).status_code == 404
    assert not LockException.objects.exists()


def test_a_coordinator_sets_the_deadline_for_the_units_below(client, form, world):
    client.force_login(world.province_coordinator)
    url = reverse("indicators:entry-deadline", args=grid_args(form, world.province))
    response = client.post(url, {"deadline-lock_after": yesterday().strftime("%d/%m/%Y")})
    assert response.status_code == 302
    assert PeriodLock.objects.get().org_unit == world.province
    client.force_login(world.district_a_coordinator)
    assert post_cell(client, form, world.commune_a, "W.people", "male", "1").status_code == 423


# --- completeness -----------------------------------------------------------------------------------


def test_completeness_of_the_units_below(client, form, world):
    put(form.people, world.commune_a, form.open_period, 100, "male")
    put(form.people, world.commune_a, form.open_period, 90, "female")
    client.force_login(world.province_coordinator)
    html = client.get(reverse("indicators:entry-grid", args=grid_args(form, world.province))).content.decode()
    assert 'data-testid="completeness"' in html
    # 2 of the 5 cells (people ×2, literate ×2, households) of the commune.
    assert "Xã Hòa Lạc" in html and "2/5" in html and "40 %" in html
    assert "Huyện Bắc Sơn" in html and "0/5" in html
    assert "Tỉnh Khác" not in html


def test_a_rule_of_the_form_across_cells_is_checked_cell_by_cell(client, form, world):
    ValidationRule.objects.create(
        dataset=form.dataset,
        name="Số hộ không quá số người",
        left=[{"element": "W.households"}],
        operator="<=",
        right=[{"element": "W.people"}],
        message="Số hộ gia đình không được lớn hơn số người từ 15 tuổi trở lên.",
    )
    put(form.people, world.commune_a, form.open_period, 100, "male")
    put(form.people, world.commune_a, form.open_period, 90, "female")
    client.force_login(world.province_coordinator)
    response = post_cell(client, form, world.commune_a, "W.households", "default", "500")
    assert response.status_code == 400
    assert "Số hộ gia đình không được lớn hơn số người từ 15 tuổi trở lên." in response.content.decode()
    assert post_cell(client, form, world.commune_a, "W.households", "default", "60").status_code == 200


# --- the words of the form ---------------------------------------------------------------------------


def this_year() -> str:
    return str(timezone.localdate().year)


def test_a_commune_officer_reads_what_to_count_in_plain_words_with_the_code_only_on_hover(client, world):
    from html.parser import HTMLParser

    dataset = make_catalog_form()
    officer = make_user("xa.hoa.lac", world.commune_a_agency, Role.FOCAL_POINT)
    client.force_login(officer)
    response = client.get(
        reverse("indicators:entry-grid", args=[dataset.code, world.commune_a.pk, this_year()])
    )
    assert response.status_code == 200

    class Rows(HTMLParser):
        """The text of each row's label, its unit, and its tooltip; the inputs' names and keyboards."""

        def __init__(self):
            super().__init__()
            self.labels, self.units, self.titles, self.inputs, self.where = [], [], [], [], None

        def handle_starttag(self, tag, attrs):
            found = dict(attrs)
            if found.get("data-testid") == "row-label":
                self.where = self.labels
            elif found.get("data-testid") == "row-unit":
                self.where = self.units
            elif tag == "th" and found.get("scope") == "row":
                self.titles.append(found["title"])
            elif tag == "input" and "grid-input" in found.get("class", ""):
                self.inputs.append((found["aria-label"], found["inputmode"]))

        def handle_endtag(self, tag):
            self.where = None

        def handle_data(self, data):
            if self.where is not None and data.strip():
                self.where.append(data.strip())

    rows = Rows()
    rows.feed(response.content.decode())
    assert "Số trẻ em trai sinh ra trong năm" in rows.labels
    assert "Số trẻ em gái sinh ra trong năm" in rows.labels
    assert "Số cơ quan có lãnh đạo chủ chốt là nữ" in rows.labels and "Tổng số cơ quan" in rows.labels
    assert len(rows.labels) == 6 == len(rows.units) == len(rows.titles)
    for label in rows.labels:
        assert "numerator" not in label and "denominator" not in label and "NQ28" not in label
        assert "tử số" not in label and "mẫu số" not in label and "ở mức 111" not in label
    assert any("trẻ" in unit for unit in rows.units) and any("cơ quan" in unit for unit in rows.units)
    # The code and the indicator it feeds are in the row's tooltip.
    assert any("NQ28-4.1.numerator" in t and "Tỷ số giới tính khi sinh" in t for t in rows.titles)
    # Six rows, two of them by sex: 4 + 2 × 2 inputs, each named in words, each with a number keyboard.
    assert len(rows.inputs) == 8 and {mode for _label, mode in rows.inputs} == {"decimal"}
    assert ("Số người được tiếp cận kiến thức cơ bản về bình đẳng giới — Nữ", "decimal") in rows.inputs
    html = response.content.decode()
    assert html.count('class="grid-cell-label"') == 4  # "Nam", "Nữ" above their inputs on a phone


def test_a_saved_cell_of_a_row_by_sex_keeps_its_label_above_the_input(client, world):
    dataset = make_catalog_form()
    officer = make_user("xa.hoa.lac", world.commune_a_agency, Role.FOCAL_POINT)
    client.force_login(officer)
    response = client.post(
        reverse("indicators:entry-cell", args=[dataset.code, world.commune_a.pk, this_year()]),
        {"element": "NQ28-6.1.numerator", "cell": "female", "value": "1.250", "version": 0},
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert ">Nữ</label>" in html
    assert 'aria-label="Số người được tiếp cận kiến thức cơ bản về bình đẳng giới — Nữ"' in html
    assert (
        DataValue.objects.get(data_element__code="NQ28-6.1.numerator", option_combo__code="female").value
        == 1250
    )
