"""Sign in with username or e-mail, sign out, change password, lock-out."""

from __future__ import annotations

import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db

PASSWORD = "Mat-khau-2026!"


def test_login_page_is_vietnamese(client):
    response = client.get(reverse("orgs:login"))
    assert response.status_code == 200
    body = response.content.decode()
    assert '<meta charset="utf-8">' in body
    assert "Đăng nhập" in body
    assert 'lang="vi"' in body


def test_login_with_username(client, world):
    response = client.post(reverse("orgs:login"), {"username": "tinh", "password": PASSWORD})
    assert response.status_code == 302
    assert response["Location"] == reverse("orgs:home")


def test_login_with_email_any_case(client, world):
    response = client.post(reverse("orgs:login"), {"username": "TINH@example.vn", "password": PASSWORD})
    assert response.status_code == 302


def test_wrong_password_says_so_in_vietnamese(client, world):
    response = client.post(reverse("orgs:login"), {"username": "tinh", "password": "sai"})
    assert response.status_code == 200
    assert "không đúng" in response.content.decode()


def test_inactive_user_cannot_sign_in(client, world):
    world.province_coordinator.is_active = False
    world.province_coordinator.save()
    response = client.post(reverse("orgs:login"), {"username": "tinh", "password": PASSWORD})
    assert response.status_code == 200
    assert "_auth_user_id" not in client.session


def test_repeated_failures_lock_the_account(client, world):
    for _ in range(5):
        client.post(reverse("orgs:login"), {"username": "tinh", "password": "sai"})
    response = client.post(reverse("orgs:login"), {"username": "tinh", "password": PASSWORD})
    assert response.status_code == 429
    assert "tạm khóa" in response.content.decode()


def test_logout_needs_post_and_ends_the_session(client, world):
    client.force_login(world.province_coordinator)
    response = client.post(reverse("orgs:logout"))
    assert response.status_code == 302
    assert client.get(reverse("orgs:home")).status_code == 302


def test_password_change(client, world):
    client.force_login(world.province_coordinator)
    response = client.post(
        reverse("orgs:password_change"),
        {
            "old_password": PASSWORD,
            "new_password1": "Binh-dang-gioi-2030",
            "new_password2": "Binh-dang-gioi-2030",
        },
    )
    assert response.status_code == 302
    world.province_coordinator.refresh_from_db()
    assert world.province_coordinator.check_password("Binh-dang-gioi-2030")


def test_password_change_rejects_short_password_with_message(client, world):
    client.force_login(world.province_coordinator)
    response = client.post(
        reverse("orgs:password_change"),
        {"old_password": PASSWORD, "new_password1": "abc", "new_password2": "abc"},
    )
    assert response.status_code == 200
    assert "quá ngắn" in response.content.decode()


def test_english_is_available(client, world):
    client.post(reverse("set_language"), {"language": "en", "next": "/login/"})
    body = client.get(reverse("orgs:login")).content.decode()
    assert "Sign in" in body
