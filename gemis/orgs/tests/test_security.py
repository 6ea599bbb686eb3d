"""The security log, the request id and the idle timeout."""

from __future__ import annotations

import logging
import time

import pytest
from django.urls import reverse

from gemis.orgs.models import Role
from gemis.orgs.security import LAST_SEEN_KEY

pytestmark = pytest.mark.django_db

PASSWORD = "Mat-khau-2026!"


@pytest.fixture
def security_log(caplog):
    caplog.set_level(logging.INFO, logger="gemis.security")

    def lines(event: str) -> list[str]:
        return [
            r.getMessage()
            for r in caplog.records
            if r.name == "gemis.security" and r.getMessage().startswith(f"event={event} ")
        ]

    return lines


def test_every_response_carries_a_request_id(client):
    first = client.get(reverse("orgs:login"))["X-Request-ID"]
    second = client.get(reverse("orgs:login"))["X-Request-ID"]
    assert len(first) == 32 and first != second


def test_the_proxy_request_id_is_kept_when_sane(client):
    assert client.get(reverse("orgs:login"), HTTP_X_REQUEST_ID="abc-123")["X-Request-ID"] == "abc-123"
    forged = client.get(reverse("orgs:login"), HTTP_X_REQUEST_ID="x" * 65)["X-Request-ID"]
    assert forged != "x" * 65
    assert client.get(reverse("orgs:login"), HTTP_X_REQUEST_ID="a b=c")["X-Request-ID"] != "a b=c"


def test_sign_in_success_and_failure_are_logged_with_ip_and_request_id(client, world, security_log):
    response = client.post(
        reverse("orgs:login"), {"username": "TINH", "password": "sai"}, REMOTE_ADDR="203.0.113.5"
    )
    [failed] = security_log("login_failed")
    assert "login=TINH" in failed and "user=tinh" in failed and "ip=203.0.113.5" in failed
    assert f"request_id={response['X-Request-ID']}" in failed
    client.post(reverse("orgs:login"), {"username": "tinh@example.vn", "password": PASSWORD})
    [succeeded] = security_log("login_succeeded")
    assert "user=tinh" in succeeded and "ip=127.0.0.1" in succeeded


def test_lockout_is_logged(client, world, security_log):
    for _ in range(5):
        client.post(reverse("orgs:login"), {"username": "lanh.dao", "password": "sai"})
    assert any("login=lanh.dao" in line for line in security_log("lockout"))


def test_a_typed_login_cannot_forge_log_lines(client, world, security_log):
    client.post(
        reverse("orgs:login"), {"username": "x\nevent=login_succeeded user=quantri", "password": "sai"}
    )
    [line] = security_log("login_failed")
    assert "\n" not in line and 'login="x\\nevent=login_succeeded user=quantri"' in line
    assert not security_log("login_succeeded")


def test_access_refusals_are_logged(client, world, security_log):
    client.force_login(world.district_a_coordinator)
    response = client.get(reverse("orgs:unit-detail", args=[world.other_province.pk]))
    assert response.status_code == 404
    [line] = security_log("access_refused")
    assert "user=huyen.a" in line and "model=orgs.orgunit" in line and f"pk={world.other_province.pk}" in line
    assert f"request_id={response['X-Request-ID']}" in line


def test_refused_people_pages_are_logged(client, world, security_log):
    client.force_login(world.province_admin)
    assert client.get(reverse("orgs:user-detail", args=[world.other_coordinator.pk])).status_code == 404
    [line] = security_log("access_refused")
    assert "user=quan.tri" in line and "model=orgs.user" in line and "action=manage" in line


def test_account_administration_is_logged(client, world, security_log):
    client.force_login(world.province_admin)
    client.post(
        reverse("orgs:user-create"),
        {
            "username": "moi",
            "email": "",
            "password": "Binh-dang-gioi-2030",
            "agency": world.district_b_agency.pk,
            "role": Role.VIEWER,
        },
    )
    [created] = security_log("user_created")
    assert "user=quan.tri" in created and "target=moi" in created and "role=viewer" in created
    person = world.district_a_focal
    client.post(
        reverse("orgs:user-detail", args=[person.pk]),
        {
            "username": person.username,
            "email": person.email,
            "full_name": "Tên mới",
            "is_active": "on",
            "expected_version": person.version,
        },
    )
    [changed] = security_log("user_changed")
    assert "target=dau.moi.a" in changed and "fields=full_name" in changed
    client.post(
        reverse("orgs:membership-add", args=[person.pk]),
        {"agency": world.province_agency.pk, "role": Role.VIEWER},
    )
    [added] = security_log("membership_added")
    assert f"agency={world.province_agency.pk}" in added
    membership = person.memberships.get(agency=world.province_agency)
    client.post(reverse("orgs:membership-remove", args=[membership.pk]))
    [removed] = security_log("membership_removed")
    assert "target=dau.moi.a" in removed and "role=viewer" in removed


# --- idle timeout --------------------------------------------------------------------------------------


def _idle_for(client, minutes: float) -> None:
    session = client.session
    session[LAST_SEEN_KEY] = int(time.time() - minutes * 60)
    session.save()


def test_an_idle_session_is_signed_out_and_told_why(client, world, settings, security_log):
    settings.GEMIS_IDLE_TIMEOUT_MINUTES = 30
    client.force_login(world.province_coordinator)
    assert client.get(reverse("orgs:unit-list")).status_code == 200
    _idle_for(client, 31)
    response = client.get(reverse("orgs:unit-list"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("orgs:login") + "?expired=idle")
    assert "_auth_user_id" not in client.session
    page = client.get(response["Location"]).content.decode()
    assert "Phiên làm việc đã hết hạn do không hoạt động" in page
    assert security_log("session_idle_expired")


def test_an_active_session_stays(client, world, settings):
    settings.GEMIS_IDLE_TIMEOUT_MINUTES = 30
    client.force_login(world.province_coordinator)
    client.get(reverse("orgs:home"))
    _idle_for(client, 29)
    assert client.get(reverse("orgs:home")).status_code == 200
    # That request counted as activity: the clock starts again.
    assert time.time() - client.session[LAST_SEEN_KEY] < 5


def test_idle_htmx_requests_redirect_the_whole_page(client, world, settings):
    settings.GEMIS_IDLE_TIMEOUT_MINUTES = 30
    client.force_login(world.province_coordinator)
    client.get(reverse("orgs:home"))
    _idle_for(client, 45)
    response = client.get(reverse("orgs:unit-list"), HTTP_HX_REQUEST="true")
    assert response.status_code == 204
    assert response["HX-Redirect"].startswith(reverse("orgs:login") + "?expired=idle")


def test_zero_turns_the_idle_timeout_off(client, world, settings):
    settings.GEMIS_IDLE_TIMEOUT_MINUTES = 0
    client.force_login(world.province_coordinator)
    client.get(reverse("orgs:home"))
    _idle_for(client, 600)
    assert client.get(reverse("orgs:home")).status_code == 200
