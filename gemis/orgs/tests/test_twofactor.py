"""Two-factor sign-in: enrolment, the code step, recovery codes, lockout, required mode."""

from __future__ import annotations

import logging
import time

import pytest
from django.urls import reverse
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.oath import TOTP
from django_otp.plugins.otp_static.models import StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from gemis.orgs import twofactor

pytestmark = pytest.mark.django_db

PASSWORD = "Mat-khau-2026!"


@pytest.fixture(autouse=True)
def _no_otp_throttle(settings):
    # django-otp slows down retries after a failure; these tests check GEMIS's own rules.
    settings.OTP_TOTP_THROTTLE_FACTOR = 0
    settings.OTP_STATIC_THROTTLE_FACTOR = 0


def code_for(device: TOTPDevice, steps_ahead: int = 0) -> str:
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    totp.time = time.time() + steps_ahead * device.step
    return f"{totp.token():0{device.digits}d}"


def wrong_code(device: TOTPDevice) -> str:
    right = {code_for(device, step) for step in (-1, 0, 1)}
    return next(c for c in ("000000", "111111", "222222", "333333") if c not in right)


@pytest.fixture
def enrolled(world):
    """The province coordinator with an authenticator and ten recovery codes."""
    user = world.province_coordinator
    device = twofactor.start_enrolment(user)
    codes = twofactor.confirm_enrolment(user, device, code_for(device))
    device.refresh_from_db()
    device.last_t = -1  # the code used to confirm may be typed again at sign-in in these tests
    device.save()
    return user, device, codes


def _password_step(client, login: str = "tinh", password: str = PASSWORD, **extra):
    return client.post(
        reverse("orgs:login") + extra.pop("query", ""), {"username": login, "password": password}
    )


def test_enrolment_shows_a_qr_code_and_needs_a_right_code(client, world):
    user = world.province_coordinator
    client.force_login(user)
    page = client.get(reverse("orgs:account-security"))
    assert "Thiết lập đăng nhập hai lớp" in page.content.decode()
    assert client.post(reverse("orgs:account-security"), {"action": "start"}).status_code == 302
    page = client.get(reverse("orgs:account-security")).content.decode()
    assert "<svg" in page and 'data-testid="secret"' in page
    device = TOTPDevice.objects.get(user=user, confirmed=False)
    response = client.post(
        reverse("orgs:account-security"), {"action": "confirm", "code": wrong_code(device)}
    )
    assert response.status_code == 400
    assert "Mã không đúng" in response.content.decode()
    assert not twofactor.has_two_factor(user)
    response = client.post(reverse("orgs:account-security"), {"action": "confirm", "code": code_for(device)})
    assert response.status_code == 200
    codes = response.context["recovery_codes"]
    assert len(codes) == 10 and all(code in response.content.decode() for code in codes)
    assert twofactor.has_two_factor(user)
    assert set(StaticToken.objects.filter(device__user=user).values_list("token", flat=True)) == set(codes)
    assert client.session[DEVICE_ID_SESSION_KEY] == device.persistent_id  # this session counts as verified
    # The codes are shown once: the page afterwards lists how many are left, not the codes.
    later = client.get(reverse("orgs:account-security")).content.decode()
    assert "Còn 10 mã khôi phục" in later and codes[0] not in later


def test_sign_in_asks_for_the_code_after_the_password(client, enrolled):
    user, device, _ = enrolled
    response = _password_step(client)
    assert response.status_code == 302 and response["Location"] == reverse("orgs:login-verify")
    assert "_auth_user_id" not in client.session  # the password alone signs nobody in
    assert client.get(reverse("orgs:home")).status_code == 302
    page = client.get(reverse("orgs:login-verify"))
    assert "Mã đăng nhập" in page.content.decode()
    response = client.post(reverse("orgs:login-verify"), {"code": code_for(device)})
    assert response.status_code == 302 and response["Location"] == reverse("orgs:home")
    assert client.session["_auth_user_id"] == str(user.pk)
    assert client.session[DEVICE_ID_SESSION_KEY] == device.persistent_id
    assert client.get(reverse("orgs:home")).status_code == 200


def test_people_without_a_device_sign_in_with_the_password(client, world):
    response = _password_step(client)
    assert response.status_code == 302 and response["Location"] == reverse("orgs:home")


def test_the_requested_page_is_kept_through_the_code_step(client, enrolled):
    _, device, _ = enrolled
    _password_step(client, query="?next=/units/")
    response = client.post(reverse("orgs:login-verify"), {"code": code_for(device)})
    assert response["Location"] == "/units/"


def test_wrong_codes_are_refused_and_lock_the_account(client, enrolled, caplog):
    user, device, _ = enrolled
    _password_step(client)
    with caplog.at_level(logging.INFO, logger="gemis.security"):
        for _ in range(4):
            response = client.post(reverse("orgs:login-verify"), {"code": wrong_code(device)})
            assert response.status_code == 400
            assert "Mã không đúng" in response.content.decode()
            assert "_auth_user_id" not in client.session
        response = client.post(reverse("orgs:login-verify"), {"code": wrong_code(device)})
    assert response.status_code == 429
    assert (
        sum("event=otp_failed" in r.getMessage() and "user=tinh" in r.getMessage() for r in caplog.records)
        == 5
    )
    # Locked now: neither the right code nor the password opens the account.
    assert client.post(reverse("orgs:login-verify"), {"code": code_for(device)}).status_code == 302
    assert "_auth_user_id" not in client.session
    assert _password_step(client).status_code == 429


def test_wrong_codes_and_wrong_passwords_add_up(client, enrolled):
    _, device, _ = enrolled
    for _ in range(3):
        _password_step(client, password="sai-mat-khau")
    _password_step(client)
    client.post(reverse("orgs:login-verify"), {"code": wrong_code(device)})
    response = client.post(reverse("orgs:login-verify"), {"code": wrong_code(device)})
    assert response.status_code == 429


def test_a_recovery_code_works_once(client, enrolled):
    user, _, codes = enrolled
    _password_step(client)
    response = client.post(reverse("orgs:login-verify"), {"code": codes[3].upper()}, follow=True)
    assert response.status_code == 200 and client.session["_auth_user_id"] == str(user.pk)
    assert "còn lại 9 mã" in response.content.decode()
    client.post(reverse("orgs:logout"))
    _password_step(client)
    response = client.post(reverse("orgs:login-verify"), {"code": codes[3]})
    assert response.status_code == 400
    assert "_auth_user_id" not in client.session
    assert client.post(reverse("orgs:login-verify"), {"code": codes[4]}).status_code == 302


def test_new_recovery_codes_replace_the_old(client, enrolled):
    user, _, codes = enrolled
    client.force_login(user)
    response = client.post(reverse("orgs:account-security"), {"action": "regenerate"})
    fresh = response.context["recovery_codes"]
    assert len(fresh) == 10 and not set(fresh) & set(codes)
    assert twofactor.verify(user, codes[0]) is None
    assert twofactor.verify(user, fresh[0]) is not None


def test_turning_off_needs_the_password(client, enrolled):
    user, _, _ = enrolled
    client.force_login(user)
    response = client.post(reverse("orgs:account-security"), {"action": "disable", "password": "sai"})
    assert response.status_code == 400 and twofactor.has_two_factor(user)
    client.post(reverse("orgs:account-security"), {"action": "disable", "password": PASSWORD})
    assert not twofactor.has_two_factor(user)
    assert not StaticToken.objects.filter(device__user=user).exists()


def test_a_stale_pending_sign_in_starts_over(client, enrolled):
    _, device, _ = enrolled
    _password_step(client)
    session = client.session
    session[twofactor.PENDING_KEY]["at"] -= twofactor.PENDING_SECONDS + 1
    session.save()
    response = client.post(reverse("orgs:login-verify"), {"code": code_for(device)})
    assert response["Location"] == reverse("orgs:login")
    assert "_auth_user_id" not in client.session


def test_code_step_without_a_password_step_goes_back_to_sign_in(client, world):
    assert client.get(reverse("orgs:login-verify"))["Location"] == reverse("orgs:login")


# --- required mode ---------------------------------------------------------------------------------


def test_required_mode_sends_coordinators_to_enrolment_first(client, world, settings):
    settings.GEMIS_REQUIRE_2FA = True
    response = _password_step(client)
    assert response.status_code == 302
    for url in (reverse("orgs:home"), reverse("orgs:unit-list"), reverse("orgs:user-list")):
        assert client.get(url)["Location"] == reverse("orgs:account-security"), url
    page = client.get(reverse("orgs:account-security"))
    assert page.status_code == 200 and 'data-testid="required"' in page.content.decode()
    # Enrolled: free to work, and the switch to turn it off is not offered.
    client.post(reverse("orgs:account-security"), {"action": "start"})
    device = TOTPDevice.objects.get(user=world.province_coordinator, confirmed=False)
    client.post(reverse("orgs:account-security"), {"action": "confirm", "code": code_for(device)})
    assert client.get(reverse("orgs:home")).status_code == 200
    client.post(reverse("orgs:account-security"), {"action": "disable", "password": PASSWORD})
    assert twofactor.has_two_factor(world.province_coordinator)


@pytest.mark.parametrize("who", ["province_admin", "district_a_coordinator"])
def test_required_mode_covers_administrators_and_coordinators(client, world, settings, who):
    settings.GEMIS_REQUIRE_2FA = True
    client.force_login(getattr(world, who))
    assert client.get(reverse("orgs:home"))["Location"] == reverse("orgs:account-security")


@pytest.mark.parametrize("who", ["district_a_focal", "province_leader", "district_a_viewer"])
def test_required_mode_leaves_other_roles_alone(client, world, settings, who):
    settings.GEMIS_REQUIRE_2FA = True
    client.force_login(getattr(world, who))
    assert client.get(reverse("orgs:home")).status_code == 200


def test_required_mode_signs_out_a_session_opened_without_the_code(client, enrolled, settings):
    settings.GEMIS_REQUIRE_2FA = True
    user, _, _ = enrolled
    client.force_login(user)  # e.g. a session opened before the device was added
    response = client.get(reverse("orgs:unit-list"))
    assert response["Location"].startswith(reverse("orgs:login"))
    assert "_auth_user_id" not in client.session


def test_optional_mode_lets_coordinators_work_without_it(client, world, settings):
    settings.GEMIS_REQUIRE_2FA = False
    client.force_login(world.province_coordinator)
    assert client.get(reverse("orgs:home")).status_code == 200


def test_the_admin_site_signs_in_through_the_code_step(client, enrolled):
    response = client.post(reverse("admin:login"), {"username": "tinh", "password": PASSWORD})
    assert response.status_code == 302 and response["Location"].startswith(reverse("orgs:login"))
    assert "_auth_user_id" not in client.session


@pytest.mark.parametrize("junk", ["", "12\x0034", "x" * 5000, "９９９９９９", "' OR 1=1 --"])
def test_junk_codes_are_refused_quietly(client, enrolled, junk):
    _, _, _ = enrolled
    _password_step(client)
    assert client.post(reverse("orgs:login-verify"), {"code": junk}).status_code == 400
    client.force_login(enrolled[0])
    client.post(reverse("orgs:account-security"), {"action": "start"})
    assert (
        client.post(reverse("orgs:account-security"), {"action": "confirm", "code": junk}).status_code == 400
    )


def test_a_login_with_a_nul_byte_is_refused_quietly(client, world):
    response = client.post(reverse("orgs:login"), {"username": "tinh\x00", "password": PASSWORD})
    assert response.status_code == 200
