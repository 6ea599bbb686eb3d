from __future__ import annotations

import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db


def test_agency_search_without_diacritics(client, world):
    client.force_login(world.province_coordinator)
    response = client.get(reverse("orgs:agency-list"), {"q": "uy ban nhan dan"})
    names = {a.name for a in response.context["page"]}
    assert names == {"Ủy ban nhân dân xã Hòa Lạc", "Ủy ban nhân dân tỉnh Thử Nghiệm"}


def test_agency_list_of_a_district_user_excludes_other_district(client, world):
    client.force_login(world.district_b_coordinator)
    response = client.get(reverse("orgs:agency-list"))
    assert {a.pk for a in response.context["page"]} == {world.district_b_agency.pk}


def test_agency_list_filtered_by_unit_outside_scope_is_404(client, world):
    client.force_login(world.district_b_coordinator)
    assert client.get(reverse("orgs:agency-list"), {"unit": world.district_a.pk}).status_code == 404


def test_agency_detail(client, world):
    world.district_a_agency.aliases.create(alias="Phòng LĐTB&XH")
    client.force_login(world.district_a_viewer)
    response = client.get(reverse("orgs:agency-detail", args=[world.district_a_agency.pk]))
    assert response.status_code == 200
    assert "Phòng LĐTB&amp;XH" in response.content.decode()


def test_agency_detail_across_units_is_404(client, world):
    client.force_login(world.district_a_coordinator)
    assert client.get(reverse("orgs:agency-detail", args=[world.district_b_agency.pk])).status_code == 404
    assert client.get(reverse("orgs:agency-detail", args=[world.other_agency.pk])).status_code == 404


def test_former_agencies_hidden_unless_asked(client, world):
    import datetime as dt

    world.district_b_agency.valid_to = dt.date(2025, 2, 28)
    world.district_b_agency.save()
    client.force_login(world.district_b_coordinator)
    assert list(client.get(reverse("orgs:agency-list")).context["page"]) == []
    assert len(client.get(reverse("orgs:agency-list"), {"former": "1"}).context["page"]) == 1
