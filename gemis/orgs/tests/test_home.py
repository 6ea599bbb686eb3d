from __future__ import annotations

import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db


def test_anonymous_is_sent_to_login(client):
    response = client.get(reverse("orgs:home"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("orgs:login"))


def test_home_shows_units_roles_and_real_counts(client, world):
    client.force_login(world.district_a_coordinator)
    response = client.get(reverse("orgs:home"))
    assert response.status_code == 200
    assert response.context["unit_count"] == 2  # the district and its commune
    assert response.context["agency_count"] == 2
    body = response.content.decode()
    assert "Huyện An Bình" in body
    assert "Điều phối" in body  # the role, in Vietnamese
    assert "Huyện Bắc Sơn" not in body


def test_province_counts_include_everything_below(client, world):
    client.force_login(world.province_coordinator)
    response = client.get(reverse("orgs:home"))
    assert response.context["unit_count"] == 4
    assert response.context["agency_count"] == 5


def test_member_of_nothing_is_told_what_to_do(client, world):
    client.force_login(world.nobody)
    body = client.get(reverse("orgs:home")).content.decode()
    assert "chưa được gắn với cơ quan nào" in body
