"""Password rules: 12 characters, not a repeated chunk, not too few characters (issue 10, item 12)."""

from __future__ import annotations

import pytest
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.urls import reverse

from gemis.orgs.demo import DEMO_PASSWORD
from gemis.orgs.models import Role, User
from gemis.orgs.validators import VarietyValidator, longest_repetition

pytestmark = pytest.mark.django_db


def _errors(password: str) -> str:
    with pytest.raises(ValidationError) as caught:
        validate_password(password, User(username="phunu"))
    return " ".join(caught.value.messages)


def test_the_reported_password_is_refused_in_vietnamese():
    message = _errors("phunuphunu1")
    assert "quá ngắn" in message and "12" in message
    assert "lặp lại" in message


@pytest.mark.parametrize("password", ["phunuphunu12", "PhunuPhunu2026", "abcabcabcabc1", "2026202620262026"])
def test_repeated_chunks_are_refused_even_when_long_enough(password):
    assert "lặp lại" in _errors(password)


def test_too_few_different_characters_are_refused():
    assert "ký tự khác nhau" in _errors("abcab-cbaacb")


def test_eleven_characters_are_too_short():
    assert "quá ngắn" in _errors("Kx9#mq2!Lp4")


@pytest.mark.parametrize(
    "password", [DEMO_PASSWORD, "Mat-khau-2026!", "Binh-dang-gioi-2030", "Tôi yêu Kon Tum 2030"]
)
def test_good_passwords_pass(password):
    validate_password(password, User(username="noivu"))


def test_demo_password_is_the_new_one():
    assert DEMO_PASSWORD == "Gemis@2026!vn"


def test_longest_repetition():
    assert longest_repetition("phunuphunu1") == 10
    assert longest_repetition("xphunuphunuphu") == 13
    assert longest_repetition("gemis@2026!vn") == 0
    assert longest_repetition("a" * 10_000) == 200  # bounded work


def test_variety_validator_help_text_is_translated():
    assert VarietyValidator().get_help_text()


def test_admin_cannot_give_a_repetitive_initial_password(client, world):
    client.force_login(world.province_admin)
    response = client.post(
        reverse("orgs:user-create"),
        {
            "username": "moi",
            "password": "phunuphunu1",
            "agency": world.district_b_agency.pk,
            "role": Role.VIEWER,
        },
    )
    assert response.status_code == 200
    assert not User.objects.filter(username="moi").exists()
    assert "lặp lại" in response.content.decode()


def test_password_change_needs_twelve_characters(client, world):
    client.force_login(world.province_coordinator)
    response = client.post(
        reverse("orgs:password_change"),
        {"old_password": "Mat-khau-2026!", "new_password1": "Kx9#mq2!Lp4", "new_password2": "Kx9#mq2!Lp4"},
    )
    assert response.status_code == 200
    assert "quá ngắn" in response.content.decode()


@pytest.mark.parametrize(
    ("password", "expected"),
    [("password1234", "phổ biến"), ("202620272028", "chỉ có chữ số"), ("phunu.example", "quá giống")],
)
def test_django_rules_speak_vietnamese(password, expected):
    with pytest.raises(ValidationError) as caught:
        validate_password(password, User(username="phunu", email="phunu@example.vn"))
    assert expected in " ".join(caught.value.messages)
