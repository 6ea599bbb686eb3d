"""“Quên mật khẩu”: a reset link by e-mail that works once, tells nobody who has an account,
is rate-limited, and leaves the lockout and the second factor where they were."""

from __future__ import annotations

import re

import pytest
from django.core import mail
from django.core.cache import cache
from django.urls import reverse
from django.utils.translation import gettext

from gemis.orgs import password_reset, twofactor
from gemis.orgs.tests.test_twofactor import code_for

pytestmark = pytest.mark.django_db

NEW_PASSWORD = "Quang-Ngai-moi-2026!"
OLD_PASSWORD = "Mat-khau-2026!"


@pytest.fixture(autouse=True)
def _fresh_limits():
    cache.clear()  # the rate limit lives in the cache; every test starts with an untouched budget
    yield
    cache.clear()


def _ask(client, email: str, ip: str = "127.0.0.1"):
    return client.post(reverse("orgs:password_reset"), {"email": email}, REMOTE_ADDR=ip)


def _sign_in(client, password: str):
    return client.post(reverse("orgs:login"), {"username": "tinh", "password": password})


def _link_in(message) -> str:
    found = re.search(r"https?://\S+/password/reset/\S+/", message.body)
    assert found, message.body
    return found.group(0)


def _path(link: str) -> str:
    return "/" + link.split("/", 3)[3]


def _set_new_password(client, link: str, password: str = NEW_PASSWORD):
    form_page = client.get(_path(link), follow=True)  # Django moves the token into the session
    assert form_page.status_code == 200 and form_page.context["validlink"], form_page.content.decode()
    return client.post(
        form_page.redirect_chain[-1][0], {"new_password1": password, "new_password2": password}
    )


def test_the_sign_in_page_links_to_the_reset_page(client):
    login = client.get(reverse("orgs:login")).content.decode()
    assert f'href="{reverse("orgs:password_reset")}"' in login
    page = client.get(reverse("orgs:password_reset"))
    assert page.status_code == 200 and 'name="email"' in page.content.decode()


def test_a_known_address_gets_a_vietnamese_email_with_a_link_that_sets_the_password(client, world, settings):
    settings.GEMIS_BASE_URL = "https://gemis.quangngai.gov.vn"
    response = _ask(client, "TINH@example.vn", ip="203.0.113.5")  # any case of the address
    assert response.status_code == 302 and response["Location"] == reverse("orgs:password_reset_done")
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["tinh@example.vn"]
    link = _link_in(message)
    # The link goes to the configured address of GEMIS, not to whatever Host the request named.
    assert link.startswith("https://gemis.quangngai.gov.vn/password/reset/")
    assert "Nguyễn Thị Tỉnh" in message.body and "tinh" in message.body  # the name and the username
    assert (
        gettext("If you did not ask for this, ignore this e-mail: your password stays as it is.")
        in message.body
    )

    done = _set_new_password(client, link)
    assert done.status_code == 302 and done["Location"] == reverse("orgs:password_reset_complete")
    world.province_coordinator.refresh_from_db()
    assert world.province_coordinator.check_password(NEW_PASSWORD)
    assert "_auth_user_id" not in client.session  # a reset never signs anyone in
    signed_in = client.post(reverse("orgs:login"), {"username": "tinh", "password": NEW_PASSWORD})
    assert signed_in.status_code == 302 and signed_in["Location"] == reverse("orgs:home")


def test_an_unknown_address_gets_the_same_answer_and_no_email(client, world):
    known = _ask(client, "tinh@example.vn")
    unknown = _ask(client, "chua-co-tai-khoan@example.vn")
    assert (unknown.status_code, unknown["Location"]) == (known.status_code, known["Location"])
    assert len(mail.outbox) == 1 and mail.outbox[0].to == ["tinh@example.vn"]
    pages = [client.get(r["Location"]).content.decode() for r in (known, unknown)]
    token = re.compile(r'(csrfmiddlewaretoken" value=|X-CSRFToken": )"[^"]+"')
    assert token.sub("", pages[0]) == token.sub("", pages[1])  # the same page, word for word


def test_a_deactivated_account_gets_no_link(client, world):
    world.province_coordinator.is_active = False
    world.province_coordinator.save()
    assert _ask(client, "tinh@example.vn")["Location"] == reverse("orgs:password_reset_done")
    assert mail.outbox == []


def test_a_used_link_is_refused(client, world):
    _ask(client, "tinh@example.vn")
    link = _link_in(mail.outbox[0])
    assert _set_new_password(client, link).status_code == 302
    again = client.get(_path(link), follow=True)
    assert again.status_code == 200 and not again.context["validlink"]
    body = again.content.decode()
    assert 'data-testid="password-reset-invalid"' in body and 'name="new_password1"' not in body
    # Posting to it changes nothing either.
    client.post(_path(link), {"new_password1": "Khac-han-2026!xyz", "new_password2": "Khac-han-2026!xyz"})
    world.province_coordinator.refresh_from_db()
    assert world.province_coordinator.check_password(NEW_PASSWORD)


def test_a_tampered_link_is_refused(client, world):
    _ask(client, "tinh@example.vn")
    link = _link_in(mail.outbox[0])
    broken = link[:-3] + ("aa/" if not link.endswith("aa/") else "bb/")
    page = client.get(_path(broken), follow=True)
    assert not page.context["validlink"]


def test_an_empty_or_malformed_address_is_told_in_place(client, world):
    empty = _ask(client, "")
    assert empty.status_code == 400
    assert gettext("Type the e-mail address of your GEMIS account.") in empty.content.decode()
    wrong = _ask(client, "tinh.example.vn")
    assert wrong.status_code == 400 and 'value="tinh.example.vn"' in wrong.content.decode()
    assert mail.outbox == []


def test_the_new_password_follows_the_password_rules(client, world):
    _ask(client, "tinh@example.vn")
    link = _link_in(mail.outbox[0])
    refused = _set_new_password(client, link, password="12345678")
    assert refused.status_code == 400
    world.province_coordinator.refresh_from_db()
    assert world.province_coordinator.check_password(OLD_PASSWORD)
    mismatch = client.post(
        refused.request["PATH_INFO"], {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD + "x"}
    )
    assert mismatch.status_code == 400
    assert "Hai trường mật khẩu không giống nhau." in mismatch.content.decode()  # Django's own words


def test_asking_again_and_again_is_limited_with_the_same_page(client, world):
    answers = [_ask(client, "tinh@example.vn")["Location"] for _ in range(password_reset.PER_ADDRESS + 2)]
    assert set(answers) == {reverse("orgs:password_reset_done")}
    assert len(mail.outbox) == password_reset.PER_ADDRESS


def test_one_client_cannot_flood_many_addresses(client, world):
    for i in range(password_reset.PER_CLIENT):
        _ask(client, f"khong-co-{i}@example.vn", ip="203.0.113.7")
    _ask(client, "tinh@example.vn", ip="203.0.113.7")
    assert mail.outbox == []
    _ask(client, "tinh@example.vn", ip="198.51.100.1")  # from elsewhere it still works
    assert len(mail.outbox) == 1


def test_after_a_reset_the_second_factor_is_still_asked(client, world):
    user = world.province_coordinator
    device = twofactor.start_enrolment(user)
    twofactor.confirm_enrolment(user, device, code_for(device))
    _ask(client, "tinh@example.vn")
    assert _set_new_password(client, _link_in(mail.outbox[0])).status_code == 302
    assert "_auth_user_id" not in client.session
    step = client.post(reverse("orgs:login"), {"username": "tinh", "password": NEW_PASSWORD})
    assert step.status_code == 302 and step["Location"] == reverse("orgs:login-verify")
    assert "_auth_user_id" not in client.session
    assert client.get(reverse("orgs:home"))["Location"].startswith(reverse("orgs:login"))
    device.refresh_from_db()
    device.last_t = -1
    device.save()
    verified = client.post(reverse("orgs:login-verify"), {"code": code_for(device)})
    assert verified.status_code == 302 and client.session["_auth_user_id"] == str(user.pk)


def test_a_locked_account_can_choose_a_new_password_but_the_lock_stays(client, world):
    for _ in range(5):
        _sign_in(client, "sai-mat-khau")
    assert _sign_in(client, OLD_PASSWORD).status_code == 429
    _ask(client, "tinh@example.vn")
    assert _set_new_password(client, _link_in(mail.outbox[0])).status_code == 302
    world.province_coordinator.refresh_from_db()
    assert world.province_coordinator.check_password(NEW_PASSWORD)
    # The reset gives no extra guesses: the lock runs its time whatever the password now is.
    assert _sign_in(client, NEW_PASSWORD).status_code == 429


def test_other_sessions_end_when_the_password_is_reset(client, world):
    from django.test import Client

    elsewhere = Client()
    elsewhere.post(reverse("orgs:login"), {"username": "tinh", "password": OLD_PASSWORD})
    assert elsewhere.get(reverse("orgs:home")).status_code == 200
    _ask(client, "tinh@example.vn")
    _set_new_password(client, _link_in(mail.outbox[0]))
    assert elsewhere.get(reverse("orgs:home")).status_code == 302
