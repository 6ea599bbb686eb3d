"""Sign in with the username or the e-mail address, in any case.

The lockout (django-axes) counts failures per *account*: whatever form of the login is
typed — "lanhdao", "LanhDao", the e-mail address — :func:`axes_username` maps it to the
one canonical username, so spreading guesses over spellings gains nothing.
"""

from __future__ import annotations

from typing import Any

from django.contrib.auth import get_user_model
from django.contrib.auth.backends import ModelBackend

MAX_LOGIN_LENGTH = 254


def _lookup(identifier: str) -> dict[str, str]:
    return {"email__iexact": identifier} if "@" in identifier else {"username__iexact": identifier}


def canonical_login(typed: str | None) -> str:
    """The account's username for a typed login; unknown logins folded to lower case."""
    identifier = (typed or "").replace("\x00", "").strip()[:MAX_LOGIN_LENGTH]
    if not identifier:
        return ""
    user_model = get_user_model()
    found = list(
        user_model._default_manager.filter(**_lookup(identifier)).values_list("username", flat=True)[:2]
    )
    if len(found) == 1:
        return found[0]
    return identifier.lower()


def axes_username(request: Any, credentials: dict | None = None) -> str:
    """AXES_USERNAME_CALLABLE: the canonical username of the login being tried."""
    if credentials and credentials.get("username"):
        typed = credentials["username"]
    else:
        typed = request.POST.get("username", "") if request is not None else ""
    return canonical_login(typed)


class UsernameOrEmailBackend(ModelBackend):
    def authenticate(
        self, request: Any, username: str | None = None, password: str | None = None, **kwargs: Any
    ):
        if not username or password is None:
            return None
        user_model = get_user_model()
        identifier = username.strip()
        try:
            user = user_model._default_manager.get(**_lookup(identifier))
        except (user_model.DoesNotExist, user_model.MultipleObjectsReturned):
            user_model().set_password(password)  # same work either way: no timing hint that the user exists
            return None
        if user.check_password(password) and self.user_can_authenticate(user):
            return user
        return None
