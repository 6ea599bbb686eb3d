from __future__ import annotations

import pytest
from django.urls import reverse

from gemis.orgs.models import Scheme

pytestmark = pytest.mark.django_db


def test_unit_list_requires_login(client, world):
    assert client.get(reverse("orgs:unit-list")).status_code == 302


def test_unit_search_ignores_diacritics_and_stays_in_scope(client, world):
    client.force_login(world.province_coordinator)
    response = client.get(reverse("orgs:unit-list"), {"q": "hoa lac", "scheme": Scheme.CURRENT})
    assert [u.name for u in response.context["page"]] == ["Xã Hòa Lạc"]
    client.force_login(world.district_b_coordinator)
    response = client.get(reverse("orgs:unit-list"), {"q": "hoa lac", "scheme": Scheme.CURRENT})
    assert list(response.context["page"]) == []


def test_unit_list_starts_from_own_units(client, world):
    client.force_login(world.district_a_coordinator)
    response = client.get(reverse("orgs:unit-list"), {"scheme": Scheme.CURRENT})
    assert [u.name for u in response.context["page"]] == ["Huyện An Bình"]


def test_unit_list_htmx_returns_rows_only(client, world):
    client.force_login(world.province_coordinator)
    response = client.get(
        reverse("orgs:unit-list"),
        {"q": "huyen", "scheme": Scheme.CURRENT},
        headers={"HX-Request": "true", "HX-Target": "unit-results"},
    )
    body = response.content.decode()
    assert "<html" not in body
    assert "Huyện An Bình" in body and "Huyện Bắc Sơn" in body


def test_unit_detail_shows_children_and_agencies(client, world):
    client.force_login(world.province_coordinator)
    response = client.get(reverse("orgs:unit-detail", args=[world.province.pk]))
    assert response.status_code == 200
    body = response.content.decode()
    assert "Huyện An Bình" in body and "Sở Lao động - Thương binh và Xã hội" in body


def test_unit_detail_of_another_district_is_404(client, world):
    client.force_login(world.district_b_coordinator)
    assert client.get(reverse("orgs:unit-detail", args=[world.district_a.pk])).status_code == 404
    assert client.get(reverse("orgs:unit-detail", args=[world.commune_a.pk])).status_code == 404
    assert client.get(reverse("orgs:unit-detail", args=[world.province.pk])).status_code == 404


def test_coordinator_sets_standing_agency(client, world):
    client.force_login(world.province_coordinator)
    url = reverse("orgs:unit-standing-agency", args=[world.province.pk])
    response = client.post(url, {"standing_agency": world.province_agency.pk, "expected_version": 1})
    assert response.status_code == 302
    world.province.refresh_from_db()
    assert world.province.standing_agency == world.province_agency
    assert world.province.version == 2
    assert world.province.history.count() == 2


def test_stale_standing_agency_edit_is_refused_and_nothing_is_lost(client, world):
    client.force_login(world.province_coordinator)
    url = reverse("orgs:unit-standing-agency", args=[world.province.pk])
    client.post(url, {"standing_agency": world.province_agency.pk, "expected_version": 1})
    response = client.post(url, {"standing_agency": "", "expected_version": 1})  # started from version 1
    assert response.status_code == 409
    assert "đã lưu bản ghi này sau khi bạn mở" in response.content.decode()
    world.province.refresh_from_db()
    assert world.province.standing_agency == world.province_agency  # the first save stands


def test_standing_agency_must_belong_to_the_unit(client, world):
    client.force_login(world.province_coordinator)
    url = reverse("orgs:unit-standing-agency", args=[world.province.pk])
    response = client.post(url, {"standing_agency": world.district_a_agency.pk, "expected_version": 1})
    assert response.status_code == 400


@pytest.mark.parametrize("who", ["district_a_viewer", "district_a_focal", "province_leader"])
def test_roles_without_change_cannot_set_standing_agency(client, world, who):
    client.force_login(getattr(world, who))
    url = reverse("orgs:unit-standing-agency", args=[world.district_a.pk])
    response = client.post(url, {"standing_agency": world.district_a_agency.pk, "expected_version": 1})
    assert response.status_code == 404
    world.district_a.refresh_from_db()
    assert world.district_a.standing_agency is None


def test_another_district_cannot_write_by_direct_url(client, world):
    client.force_login(world.district_b_coordinator)
    url = reverse("orgs:unit-standing-agency", args=[world.district_a.pk])
    response = client.post(url, {"standing_agency": world.district_a_agency.pk, "expected_version": 1})
    assert response.status_code == 404
    world.district_a.refresh_from_db()
    assert world.district_a.standing_agency is None
