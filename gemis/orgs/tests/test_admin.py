"""The admin lists the registers (units, agencies, people, catalogs, legal documents) to superusers only."""

from __future__ import annotations

import pytest
from django.contrib import admin
from django.urls import reverse

from gemis.orgs.testing import make_user

pytestmark = pytest.mark.django_db

REGISTERED = [
    "orgs.orgunit",
    "orgs.agency",
    "orgs.user",
    "indicators.indicator",
    "indicators.dataelement",
    "indicators.dataset",
    "indicators.target",
    "indicators.indicatorgroup",
    "legal.legaldocument",
]


def test_the_registers_are_in_the_admin():
    registered = {f"{m._meta.app_label}.{m._meta.model_name}" for m in admin.site._registry}
    assert set(REGISTERED) <= registered


@pytest.mark.parametrize("label", REGISTERED)
def test_a_superuser_opens_every_register(client, world, label):
    client.force_login(make_user("goc", is_superuser=True, is_staff=True))
    app, model = label.split(".")
    assert client.get(reverse(f"admin:{app}_{model}_changelist")).status_code == 200
    assert client.get(reverse(f"admin:{app}_{model}_changelist"), {"q": "Tỉnh"}).status_code == 200


def test_a_coordinator_gets_no_admin_page(client, world):
    client.force_login(world.province_coordinator)
    response = client.get(reverse("admin:orgs_orgunit_changelist"))
    assert response.status_code == 302 and response["Location"].startswith("/admin/login/")  # not for them
