"""People administration: administrators manage accounts of their own units only."""

from __future__ import annotations

import pytest
from django.urls import reverse

from gemis.orgs.models import Membership, Role, User
from gemis.orgs.testing import make_user

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("who", ["province_coordinator", "province_leader", "district_a_viewer", "nobody"])
def test_only_administrators_reach_people_pages(client, world, who):
    client.force_login(getattr(world, who))
    assert client.get(reverse("orgs:user-list")).status_code == 404
    assert client.get(reverse("orgs:user-create")).status_code == 404


def test_admin_lists_people_of_its_units_only(client, world):
    client.force_login(world.province_admin)
    response = client.get(reverse("orgs:user-list"))
    usernames = {u.username for u in response.context["page"]}
    assert {"tinh", "huyen.a", "huyen.b", "dau.moi.a"} <= usernames
    assert "khac" not in usernames  # another province
    assert "khong.ai" not in usernames  # member of nothing: not placed anywhere


def test_admin_creates_an_account_with_a_role(client, world):
    client.force_login(world.province_admin)
    response = client.post(
        reverse("orgs:user-create"),
        {
            "username": "moi",
            "full_name": "Nguyễn Văn Mới",
            "email": "moi@example.vn",
            "position": "Chuyên viên",
            "phone": "",
            "password": "Binh-dang-gioi-2030",
            "agency": world.district_b_agency.pk,
            "role": Role.FOCAL_POINT,
        },
    )
    assert response.status_code == 302
    user = User.objects.get(username="moi")
    assert user.check_password("Binh-dang-gioi-2030")
    assert Membership.objects.filter(
        user=user, agency=world.district_b_agency, role=Role.FOCAL_POINT
    ).exists()


def test_admin_cannot_give_a_role_in_another_province(client, world):
    client.force_login(world.province_admin)
    response = client.post(
        reverse("orgs:user-create"),
        {
            "username": "moi",
            "password": "Binh-dang-gioi-2030",
            "agency": world.other_agency.pk,
            "role": Role.ADMIN,
            "email": "",
        },
    )
    assert response.status_code == 200
    assert not User.objects.filter(username="moi").exists()
    assert "Hãy chọn" in response.content.decode()  # Django's "select a valid choice", in Vietnamese


def test_duplicate_email_is_refused_with_a_message(client, world):
    client.force_login(world.province_admin)
    response = client.post(
        reverse("orgs:user-create"),
        {
            "username": "trung",
            "email": "TINH@example.vn",
            "password": "Binh-dang-gioi-2030",
            "agency": world.district_b_agency.pk,
            "role": Role.VIEWER,
        },
    )
    assert response.status_code == 200
    assert "đã được một tài khoản khác sử dụng" in response.content.decode()


def test_admin_of_another_province_gets_404_for_our_people(client, world):
    outsider = make_user("qt.khac", world.other_agency, Role.ADMIN)
    client.force_login(outsider)
    assert client.get(reverse("orgs:user-detail", args=[world.district_a_coordinator.pk])).status_code == 404
    response = client.post(
        reverse("orgs:membership-add", args=[world.district_a_coordinator.pk]),
        {"agency": world.other_agency.pk, "role": Role.ADMIN},
    )
    assert response.status_code == 404
    membership = world.district_a_coordinator.memberships.get()
    assert client.post(reverse("orgs:membership-remove", args=[membership.pk])).status_code == 404
    assert Membership.objects.filter(pk=membership.pk).exists()


def test_admin_edits_an_account_and_history_is_kept(client, world):
    client.force_login(world.province_admin)
    person = world.district_a_focal
    url = reverse("orgs:user-detail", args=[person.pk])
    response = client.post(
        url,
        {
            "username": person.username,
            "full_name": "Trần Thị Đầu Mối",
            "email": person.email,
            "position": "",
            "phone": "0901234567",
            "is_active": "on",
            "expected_version": person.version,
        },
    )
    assert response.status_code == 302
    person.refresh_from_db()
    assert person.full_name == "Trần Thị Đầu Mối"
    assert person.history.count() >= 2
    assert person.history.first().history_user == world.province_admin


def test_conflicting_account_edits_do_not_overwrite(client, world):
    client.force_login(world.province_admin)
    person = world.district_a_focal
    url = reverse("orgs:user-detail", args=[person.pk])
    form = {
        "username": person.username,
        "email": person.email,
        "position": "",
        "phone": "",
        "is_active": "on",
        "expected_version": person.version,
    }
    assert client.post(url, {**form, "full_name": "Bản thứ nhất"}).status_code == 302
    response = client.post(url, {**form, "full_name": "Bản thứ hai"})
    assert response.status_code == 409
    assert "Bản thứ hai" in response.content.decode()  # what the person typed is still on the page
    person.refresh_from_db()
    assert person.full_name == "Bản thứ nhất"


def test_add_and_remove_a_role(client, world):
    client.force_login(world.province_admin)
    person = world.district_a_viewer
    client.post(
        reverse("orgs:membership-add", args=[person.pk]),
        {"agency": world.province_agency.pk, "role": Role.VIEWER},
    )
    added = Membership.objects.get(user=person, agency=world.province_agency)
    client.post(reverse("orgs:membership-remove", args=[added.pk]))
    assert not Membership.objects.filter(pk=added.pk).exists()


def test_duplicate_role_is_refused(client, world):
    client.force_login(world.province_admin)
    person = world.district_a_viewer
    response = client.post(
        reverse("orgs:membership-add", args=[person.pk]),
        {"agency": world.district_a_agency.pk, "role": Role.VIEWER},
        follow=True,
    )
    assert "đã có vai trò đó" in response.content.decode()
    assert person.memberships.count() == 1


def test_agency_picker_options_stay_in_scope(client, world):
    client.force_login(world.province_admin)
    response = client.get(reverse("orgs:agency-options"), {"agency_q": "lao dong"})
    body = response.content.decode()
    assert "Huyện An Bình" in body
    assert "Tỉnh Khác" not in body
