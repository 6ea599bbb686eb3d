"""One rule signs people in: every page needs a session unless its view says otherwise."""

from __future__ import annotations

import pytest
from django.urls import URLPattern, URLResolver, get_resolver

# The pages a person reaches before signing in, and why.
PUBLIC = {
    "login",  # signing in
    "login-verify",  # its second step (the code)
    "password_reset",  # "Quên mật khẩu": asking for a link by e-mail
    "password_reset_done",  # "check your e-mail"
    "password_reset_confirm",  # the e-mailed link: choosing the new password
    "password_reset_complete",  # "your password has been changed", then sign in
    "set_language",  # choosing the language on the sign-in page
    "javascript-catalog",  # the sign-in page's translated scripts
    "calendar-feed",  # calendar apps follow a secret address
}


def _named_views(patterns=None, prefix=""):
    for entry in patterns if patterns is not None else get_resolver().url_patterns:
        if isinstance(entry, URLResolver):
            if entry.app_name == "admin":
                continue  # the admin signs in on its own page
            yield from _named_views(
                entry.url_patterns, prefix + (entry.namespace + ":" if entry.namespace else "")
            )
        elif isinstance(entry, URLPattern) and entry.name:
            yield prefix + entry.name, entry.callback


def test_every_view_needs_a_session_except_the_listed_ones():
    public = {name for name, view in _named_views() if getattr(view, "login_required", True) is False}
    assert {name.split(":")[-1] for name in public} == PUBLIC


@pytest.mark.django_db
def test_an_anonymous_visitor_is_sent_to_sign_in(client):
    response = client.get("/plans/")
    assert response.status_code == 302 and response["Location"].startswith("/login/?next=/plans/")
    assert client.get("/login/").status_code == 200
