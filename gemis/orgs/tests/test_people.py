"""Whose account a unit administrator may manage (defect 4 of issue 10: takeover of the superuser)."""

from __future__ import annotations

import pytest
from django.urls import reverse

from gemis.orgs import people
from gemis.orgs.models import Membership, Role, User
from gemis.orgs.testing import make_user

pytestmark = pytest.mark.django_db


@pytest.fixture
def superuser(world):
    user = make_user("quantri", world.province_agency, Role.ADMIN, is_superuser=True, is_staff=True)
    return user


@pytest.fixture
def commune_admin(world):
    return make_user("qt.xa", world.commune_a_agency, Role.ADMIN)


def _edit_form(person: User, **changes) -> dict:
    form = {
        "username": person.username,
        "full_name": person.full_name,
        "email": person.email,
        "position": "",
        "phone": "",
        "is_active": "on",
        "expected_version": person.version,
    }
    form.update(changes)
    return {k: v for k, v in form.items() if v is not None}


def _assert_out_of_reach(client, person: User) -> None:
    """Every people screen answers 404 for ``person`` and nothing about them changes."""
    before = User.objects.get(pk=person.pk)
    assert person.pk not in {u.pk for u in client.get(reverse("orgs:user-list")).context["page"]}
    assert client.get(reverse("orgs:user-list"), {"q": person.username}).context["page"].paginator.count == 0
    detail = reverse("orgs:user-detail", args=[person.pk])
    assert client.get(detail).status_code == 404
    response = client.post(detail, _edit_form(person, email="ke-xam-nhap@example.vn", is_active=None))
    assert response.status_code == 404
    after = User.objects.get(pk=person.pk)
    assert (after.email, after.is_active, after.version) == (before.email, before.is_active, before.version)
    count = person.memberships.count()
    response = client.post(
        reverse("orgs:membership-add", args=[person.pk]), {"agency": "", "role": Role.VIEWER}
    )
    assert response.status_code == 404
    for membership in person.memberships.all():
        assert client.post(reverse("orgs:membership-remove", args=[membership.pk])).status_code == 404
    assert person.memberships.count() == count


def test_unit_admin_cannot_touch_the_superuser(client, world, superuser):
    # The demo's case: quantri.tinh opened /manage/users/1/, unticked "active" and changed the e-mail.
    client.force_login(world.province_admin)
    _assert_out_of_reach(client, superuser)
    superuser.refresh_from_db()
    assert superuser.is_active and superuser.email == "quantri@example.vn"


def test_superuser_without_any_membership_is_out_of_reach_too(client, world):
    root = make_user("root", is_superuser=True)
    client.force_login(world.province_admin)
    assert client.get(reverse("orgs:user-detail", args=[root.pk])).status_code == 404


def test_commune_admin_cannot_manage_someone_with_a_role_higher_up(client, world, commune_admin):
    # A province administrator who is also a member of the commune: the commune cannot manage them.
    Membership.objects.create(user=world.province_admin, agency=world.commune_a_agency, role=Role.VIEWER)
    client.force_login(commune_admin)
    _assert_out_of_reach(client, world.province_admin)
    _assert_out_of_reach(client, world.district_a_coordinator)  # the district above the commune


def test_person_with_a_role_in_another_province_is_out_of_reach(client, world):
    person = world.district_a_focal
    Membership.objects.create(user=person, agency=world.other_agency, role=Role.VIEWER)
    client.force_login(world.province_admin)
    _assert_out_of_reach(client, person)


def test_commune_admin_manages_the_people_of_its_commune(client, world, commune_admin):
    person = make_user("can.bo.xa", world.commune_a_agency, Role.FOCAL_POINT)
    client.force_login(commune_admin)
    assert {u.username for u in client.get(reverse("orgs:user-list")).context["page"]} == {
        "qt.xa",
        "can.bo.xa",
    }
    response = client.post(
        reverse("orgs:user-detail", args=[person.pk]), _edit_form(person, full_name="Lò Văn Xã")
    )
    assert response.status_code == 302
    person.refresh_from_db()
    assert person.full_name == "Lò Văn Xã"


def test_manager_cannot_grant_a_role_outside_its_remit(client, world, commune_admin):
    person = make_user("can.bo.xa", world.commune_a_agency, Role.FOCAL_POINT)
    client.force_login(commune_admin)
    for agency in (world.province_agency, world.district_a_agency, world.other_agency):
        client.post(
            reverse("orgs:membership-add", args=[person.pk]), {"agency": agency.pk, "role": Role.ADMIN}
        )
    assert list(person.memberships.values_list("agency", flat=True)) == [world.commune_a_agency.pk]
    response = client.post(
        reverse("orgs:user-create"),
        {
            "username": "moi",
            "password": "Binh-dang-gioi-2030",
            "agency": world.province_agency.pk,
            "role": "admin",
        },
    )
    assert response.status_code == 200
    assert not User.objects.filter(username="moi").exists()


def test_manager_cannot_make_a_superuser(client, world):
    person = world.district_a_focal
    client.force_login(world.province_admin)
    form = _edit_form(person, is_superuser="on", is_staff="on")
    assert client.post(reverse("orgs:user-detail", args=[person.pk]), form).status_code == 302
    person.refresh_from_db()
    assert not person.is_superuser and not person.is_staff


def test_manageable_users_needs_every_membership_inside(world, commune_admin):
    make_user("trong", world.commune_a_agency, Role.VIEWER)
    both = make_user("ca.hai", world.commune_a_agency, Role.VIEWER)
    Membership.objects.create(user=both, agency=world.district_b_agency, role=Role.VIEWER)
    found = set(people.manageable_users(commune_admin).values_list("username", flat=True))
    assert found == {"qt.xa", "trong"}
    assert "ca.hai" in set(people.manageable_users(world.province_admin).values_list("username", flat=True))
    assert not people.manageable_users(world.nobody).exists()


def test_superuser_still_manages_everyone(client, world, superuser):
    client.force_login(superuser)
    assert client.get(reverse("orgs:user-detail", args=[world.province_admin.pk])).status_code == 200
    assert client.get(reverse("orgs:user-detail", args=[world.nobody.pk])).status_code == 200
