"""Usernames are unique whatever their case (defect 6 of issue 10: "NOIVU" locked "noivu" out)."""

from __future__ import annotations

from importlib import import_module

import pytest
from django.apps import apps as django_apps
from django.db import IntegrityError, connection, transaction
from django.urls import reverse

from gemis.orgs.models import Role, User
from gemis.orgs.testing import make_user

PASSWORD = "Mat-khau-2026!"
migration = import_module("gemis.orgs.migrations.0002_username_unique_ci")


def _new_account(client, agency, username: str):
    return client.post(
        reverse("orgs:user-create"),
        {
            "username": username,
            "full_name": "",
            "email": "",
            "position": "",
            "phone": "",
            "password": "Binh-dang-gioi-2030",
            "agency": agency.pk,
            "role": Role.FOCAL_POINT,
        },
    )


@pytest.mark.django_db
def test_admin_cannot_create_a_case_twin(client, world):
    client.force_login(world.province_admin)
    response = _new_account(client, world.district_b_agency, "TINH")
    assert response.status_code == 200
    assert "chữ hoa" in response.content.decode()  # the Vietnamese message says case does not count
    assert list(User.objects.filter(username__iexact="tinh").values_list("username", flat=True)) == ["tinh"]
    assert client.post(reverse("orgs:login"), {"username": "tinh", "password": PASSWORD}).status_code == 302


@pytest.mark.django_db
def test_renaming_into_a_case_twin_is_refused(client, world):
    client.force_login(world.province_admin)
    person = world.district_a_focal
    form = {"username": "Huyen.A", "full_name": "", "email": person.email, "position": "", "phone": ""}
    response = client.post(
        reverse("orgs:user-detail", args=[person.pk]),
        {**form, "is_active": "on", "expected_version": person.version},
    )
    assert response.status_code == 400
    person.refresh_from_db()
    assert person.username == "dau.moi.a"


@pytest.mark.django_db
def test_username_with_at_sign_is_refused(client, world):
    client.force_login(world.province_admin)
    response = _new_account(client, world.district_b_agency, "moi@tinh")
    assert response.status_code == 200
    assert not User.objects.filter(username="moi@tinh").exists()


@pytest.mark.django_db
def test_database_refuses_a_case_twin(world):
    with pytest.raises(IntegrityError), transaction.atomic():
        User.objects.create(username="TINH")


@pytest.mark.django_db(transaction=True)
def test_migration_stops_and_lists_existing_twins():
    constraint = next(c for c in User._meta.constraints if c.name == "user_username_unique_ci")
    assert migration.refuse_case_twins(django_apps, None) is None  # nothing to report
    with connection.schema_editor() as editor:
        editor.remove_constraint(User, constraint)
    try:
        first = make_user("noivu")
        second = make_user("NOIVU", email="")
        make_user("yte")
        with pytest.raises(RuntimeError) as caught:
            migration.refuse_case_twins(django_apps, None)
        report = str(caught.value)
        assert f"noivu (id {first.pk}), NOIVU (id {second.pk})" in report
        assert "yte" not in report
        assert "gemis migrate" in report
    finally:
        User.objects.filter(username__iexact="noivu").delete()
        with connection.schema_editor() as editor:
            editor.add_constraint(User, constraint)
