"""Screens of a unit's own indicators and targets: create, edit (with a conflicting edit), delete;
the mistakes a coordinator can make; and nobody outside the unit gets anything."""

from __future__ import annotations

import pytest
from django.urls import reverse

from gemis.indicators import local
from gemis.indicators.catalog import ensure_categories
from gemis.indicators.models import DataElement, Indicator, IndicatorKind, NationalTarget, Periodicity, Target
from gemis.indicators.testing import make_indicator, put

pytestmark = pytest.mark.django_db


@pytest.fixture
def province_indicator(world):
    ensure_categories()
    return local.create_local_indicator(
        world.province,
        "91-01",
        IndicatorKind.PERCENTAGE,
        ["sex"],
        {"name": "Tỷ lệ nữ trưởng thôn", "periodicity": Periodicity.YEAR},
    )


def new_indicator(client, unit, **fields):
    data = {
        "owner_unit": unit.pk,
        "code": "91-05",
        "name": "Số câu lạc bộ gia đình hạnh phúc",
        "kind": IndicatorKind.COUNT,
        "periodicity": Periodicity.YEAR,
        "categories": [],
        **fields,
    }
    return client.post(reverse("indicators:indicator-new"), data)


def test_a_coordinator_creates_a_local_indicator(client, world):
    ensure_categories()
    client.force_login(world.province_coordinator)
    page = client.get(reverse("indicators:indicator-new"))
    assert page.status_code == 200 and page.context["form"]["code"].value() == "91-01"
    response = new_indicator(client, world.province, categories=["sex"], unit_label="câu lạc bộ")
    indicator = Indicator.objects.get(code="91-05")
    assert response.status_code == 302 and response["Location"].startswith(
        reverse("indicators:indicator-detail", args=["91-05"])
    )
    assert indicator.owner_unit == world.province and indicator.disaggregations == ["sex"]
    assert DataElement.objects.filter(code="91-05.value").exists()
    follow = client.get(response["Location"]).content.decode()
    assert "Đã tạo chỉ tiêu 91-05; số liệu được nhập trong biểu “Chỉ tiêu riêng — Tỉnh Thử Nghiệm”." in follow
    # The unit's form is offered on the data-entry page.
    entry = client.get(reverse("indicators:entry-start"))
    assert "Chỉ tiêu riêng — Tỉnh Thử Nghiệm" in entry.content.decode()


def test_mistakes_get_a_vietnamese_message_and_nothing_is_made(client, world, province_indicator):
    client.force_login(world.province_coordinator)
    taken = new_indicator(client, world.province, code="91-01")
    assert taken.status_code == 400
    assert "Mã 91-01 đã được dùng; hãy chọn mã khác." in taken.content.decode()
    accented = new_indicator(client, world.province, code="chỉ-tiêu")
    assert "Dùng chữ cái không dấu" in accented.content.decode()
    assert not Indicator.objects.filter(code="91-05").exists()


def test_nobody_defines_indicators_for_a_unit_they_cannot_change(client, world, province_indicator):
    client.force_login(world.other_coordinator)
    refused = new_indicator(client, world.province)  # the province is not among their units
    assert refused.status_code == 400 and not Indicator.objects.filter(code="91-05").exists()
    assert client.get(reverse("indicators:indicator-edit", args=["91-01"])).status_code == 404
    assert client.post(reverse("indicators:indicator-delete", args=["91-01"])).status_code == 404
    client.force_login(world.district_a_coordinator)  # below the province: reads it, does not change it
    assert client.get(reverse("indicators:indicator-edit", args=["91-01"])).status_code == 404
    for person in (world.district_a_focal, world.district_a_viewer, world.province_leader, world.nobody):
        client.force_login(person)  # they enter or read values; they do not define indicators
        assert client.get(reverse("indicators:indicator-new")).status_code == 404, person
        assert client.get(reverse("indicators:target-new", args=["91-01"])).status_code == 404, person
    national = make_indicator("0107", name="Tuổi kết hôn trung bình lần đầu")
    client.force_login(world.province_coordinator)
    assert client.get(reverse("indicators:indicator-edit", args=[national.code])).status_code == 404


def test_edit_words_then_a_conflicting_edit_is_refused(client, world, province_indicator):
    client.force_login(world.province_coordinator)
    form = client.get(reverse("indicators:indicator-edit", args=["91-01"])).context["form"]
    data = {name: form[name].value() or "" for name in form.fields}
    data.update(categories=["sex"], name="Tỷ lệ nữ trưởng thôn, tổ trưởng tổ dân phố")
    saved = client.post(reverse("indicators:indicator-edit", args=["91-01"]), data)
    assert saved.status_code == 302
    assert Indicator.objects.get(code="91-01").name == "Tỷ lệ nữ trưởng thôn, tổ trưởng tổ dân phố"
    stale = client.post(
        reverse("indicators:indicator-edit", args=["91-01"]), {**data, "name": "Tên cũ"}
    )  # old version
    assert stale.status_code == 409
    assert "Người khác đã lưu" in stale.content.decode() or "đã lưu bản ghi này" in stale.content.decode()
    assert Indicator.objects.get(code="91-01").name == "Tỷ lệ nữ trưởng thôn, tổ trưởng tổ dân phố"


def test_the_shape_is_kept_once_values_exist(client, world, province_indicator):
    put(DataElement.objects.get(code="91-01.numerator"), world.commune_a, "2025", 2, "female")
    client.force_login(world.province_coordinator)
    page = client.get(reverse("indicators:indicator-edit", args=["91-01"]))
    assert "Đã có số liệu" in page.content.decode()
    data = {name: page.context["form"][name].value() or "" for name in page.context["form"].fields}
    data.update(categories=["sex"], kind=IndicatorKind.COUNT)
    refused = client.post(reverse("indicators:indicator-edit", args=["91-01"]), data)
    assert refused.status_code == 400
    assert "không thể thay đổi loại, phân tổ và kỳ" in refused.content.decode()
    assert Indicator.objects.get(code="91-01").kind == IndicatorKind.PERCENTAGE
    delete = client.post(reverse("indicators:indicator-delete", args=["91-01"]), follow=True)
    assert "Chỉ tiêu này đã có số liệu: không thể xóa." in delete.content.decode()
    assert Indicator.objects.filter(code="91-01").exists()


def test_delete_an_unused_indicator(client, world, province_indicator):
    client.force_login(world.province_coordinator)
    response = client.post(reverse("indicators:indicator-delete", args=["91-01"]))
    assert response.status_code == 302 and not Indicator.objects.filter(code="91-01").exists()


# --------------------------------------------------------------------------- targets


def target_data(unit, **fields):
    return {
        "org_unit": unit.pk,
        "year": 2030,
        "comparator": ">=",
        "value": 40,
        "text": "",
        "note": "",
        **fields,
    }


def test_a_coordinator_sets_edits_and_deletes_a_target(client, world, province_indicator):
    client.force_login(world.province_coordinator)
    detail = client.get(reverse("indicators:indicator-detail", args=["91-01"]), {"unit": world.province.pk})
    assert 'data-testid="target-new"' in detail.content.decode()
    assert 'data-testid="indicator-edit"' in detail.content.decode()
    response = client.post(reverse("indicators:target-new", args=["91-01"]), target_data(world.province))
    assert response.status_code == 302
    target = Target.objects.get(indicator=province_indicator)
    assert (target.org_unit, target.year, target.value) == (world.province, 2030, 40)
    detail = client.get(reverse("indicators:indicator-detail", args=["91-01"]), {"unit": world.province.pk})
    assert reverse("indicators:target-edit", args=[target.pk]) in detail.content.decode()
    edit = client.get(reverse("indicators:target-edit", args=[target.pk]))
    data = {
        **target_data(world.province, value=45),
        "expected_version": edit.context["form"]["expected_version"].value(),
    }
    assert client.post(reverse("indicators:target-edit", args=[target.pk]), data).status_code == 302
    target.refresh_from_db()
    assert target.value == 45
    assert (
        client.post(reverse("indicators:target-edit", args=[target.pk]), {**data, "value": 50}).status_code
        == 409
    )
    assert client.post(reverse("indicators:target-delete", args=[target.pk])).status_code == 302
    assert not Target.objects.exists()


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"comparator": "range", "value": ""}, "Khoảng giá trị cần có cận dưới và cận trên."),
        ({"comparator": "range", "low": 50, "high": 40}, "Cận trên không được nhỏ hơn cận dưới."),
        ({"value": 140}, "Tỷ lệ phần trăm phải từ 0 đến 100."),
        ({"value": ""}, "Nhập giá trị cần đạt."),
        ({"year": 1990}, "Nhập năm từ 2000 đến 2100."),
    ],
)
def test_target_mistakes(client, world, province_indicator, fields, message):
    client.force_login(world.province_coordinator)
    response = client.post(
        reverse("indicators:target-new", args=["91-01"]), target_data(world.province, **fields)
    )
    assert response.status_code == 400
    assert message in response.content.decode()
    assert not Target.objects.exists()


def test_a_second_target_for_the_same_year_is_refused(client, world, province_indicator):
    Target.objects.create(
        indicator=province_indicator, org_unit=world.province, year=2030, comparator=">=", value=30
    )
    client.force_login(world.province_coordinator)
    response = client.post(reverse("indicators:target-new", args=["91-01"]), target_data(world.province))
    assert response.status_code == 400
    assert "Tỉnh Thử Nghiệm đã có mục tiêu cho chỉ tiêu này năm 2030" in response.content.decode()


def test_targets_of_other_units_and_national_ones_are_out_of_reach(client, world, province_indicator):
    mine = Target.objects.create(
        indicator=province_indicator, org_unit=world.province, year=2030, comparator=">=", value=30
    )
    national = NationalTarget.objects.create(
        indicator=province_indicator, year=2025, comparator=">=", value=20
    )
    client.force_login(world.other_coordinator)
    assert client.get(reverse("indicators:target-edit", args=[mine.pk])).status_code == 404
    assert client.post(reverse("indicators:target-delete", args=[mine.pk])).status_code == 404
    # Another province does not even read the province's local indicator (it used to get the form).
    refused = client.post(
        reverse("indicators:target-new", args=["91-01"]), target_data(world.province, year=2031)
    )
    assert refused.status_code == 404
    client.force_login(world.district_a_coordinator)  # reads the province's target, cannot change it
    assert client.get(reverse("indicators:target-edit", args=[mine.pk])).status_code == 404
    client.force_login(world.province_coordinator)
    assert client.get(reverse("indicators:target-edit", args=[national.pk])).status_code == 404
    assert Target.objects.count() == 2


def test_the_units_below_enter_values_in_the_provinces_form_another_province_does_not(
    client, world, province_indicator
):
    dataset = local.local_dataset(world.province)
    client.force_login(world.district_a_focal)
    grid = client.get(reverse("indicators:entry-grid", args=[dataset.code, world.district_a.pk, "2025"]))
    assert grid.status_code == 200
    assert "Tỷ lệ nữ trưởng thôn" in grid.content.decode()
    client.force_login(world.other_coordinator)
    assert (
        client.get(
            reverse("indicators:entry-grid", args=[dataset.code, world.other_province.pk, "2025"])
        ).status_code
        == 404
    )
    assert dataset.code not in client.get(reverse("indicators:entry-start")).content.decode()
