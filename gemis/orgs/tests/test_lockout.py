"""The lockout counts per account, whatever spelling of the login is typed (defect 5 of issue 10)."""

from __future__ import annotations

import pytest
from axes.models import AccessAttempt
from django.urls import reverse

pytestmark = pytest.mark.django_db

PASSWORD = "Mat-khau-2026!"


def _sign_in(client, login: str, password: str, ip: str = "127.0.0.1"):
    return client.post(reverse("orgs:login"), {"username": login, "password": password}, REMOTE_ADDR=ip)


def test_other_spellings_of_a_locked_account_are_locked_too(client, world):
    for _ in range(5):
        _sign_in(client, "lanh.dao", "sai-mat-khau")
    for login in ("lanh.dao", "LANH.DAO", "Lanh.Dao", "lanh.dao@example.vn", "LANH.DAO@EXAMPLE.VN"):
        response = _sign_in(client, login, PASSWORD)
        assert response.status_code == 429, login
        assert "_auth_user_id" not in client.session


def test_guesses_spread_over_spellings_count_for_one_account(client, world):
    for login in ("lanh.dao", "LANH.DAO", "Lanh.Dao", "lanh.dao@example.vn"):
        assert _sign_in(client, login, "sai-mat-khau").status_code == 200
    _sign_in(client, " LANH.dao@Example.VN ", "sai-mat-khau")  # the fifth guess: locked from here on
    assert _sign_in(client, "lanh.dao", PASSWORD).status_code == 429
    assert set(AccessAttempt.objects.values_list("username", flat=True)) == {"lanh.dao"}


def test_the_account_stays_locked_from_another_address(client, world):
    for i in range(5):
        _sign_in(client, "lanh.dao", "sai-mat-khau", ip=f"203.0.113.{i + 1}")
    assert _sign_in(client, "Lanh.Dao", PASSWORD, ip="198.51.100.7").status_code == 429


def test_other_accounts_sign_in_while_one_is_locked(client, world):
    for _ in range(5):
        _sign_in(client, "lanh.dao", "sai-mat-khau", ip="203.0.113.1")
    assert _sign_in(client, "tinh", PASSWORD, ip="198.51.100.7").status_code == 302


def test_an_address_guessing_many_accounts_is_locked(client, world, settings):
    settings.GEMIS_IP_FAILURE_LIMIT = 8
    for i in range(8):
        _sign_in(client, f"khong-co-{i}", "sai-mat-khau", ip="203.0.113.9")
    assert _sign_in(client, "tinh", PASSWORD, ip="203.0.113.9").status_code == 429
    # The accounts themselves are not locked: from elsewhere they sign in.
    assert _sign_in(client, "tinh", PASSWORD, ip="198.51.100.7").status_code == 302


def test_a_few_typos_in_one_office_do_not_lock_the_office(client, world):
    # Four colleagues behind one address each mistype once: the address stays open.
    for login in ("tinh", "huyen.a", "huyen.b", "dau.moi.a"):
        _sign_in(client, login, "sai-mat-khau", ip="203.0.113.20")
    assert _sign_in(client, "xem.a", PASSWORD, ip="203.0.113.20").status_code == 302


def test_success_clears_the_count(client, world):
    for _ in range(4):
        _sign_in(client, "LANH.DAO", "sai-mat-khau")
    assert _sign_in(client, "lanh.dao@example.vn", PASSWORD).status_code == 302
    client.post(reverse("orgs:logout"))
    for _ in range(4):
        _sign_in(client, "lanh.dao", "sai-mat-khau")
    assert _sign_in(client, "lanh.dao", PASSWORD).status_code == 302
