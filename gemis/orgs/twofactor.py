"""Two-factor sign-in: a code from an authenticator app (TOTP) or a one-time recovery code.

Administrators and coordinators may turn it on from "Bảo mật tài khoản"; when
``GEMIS_REQUIRE_2FA`` is on they must, and :class:`TwoFactorRequiredMiddleware`
keeps them on that page until they have. Everything runs inside GEMIS: the secret
is made here and the QR code drawn here (segno, inline SVG), no outside service.

The sign-in has two steps. The password step (``SignInView``) does not log the
person in when they have a device: it leaves a *pending* sign-in in the session and
sends them to the code step, which logs them in only with a valid code. A wrong
code is a failed sign-in for the lockout, like a wrong password.
"""

from __future__ import annotations

import base64
import re
import time
from typing import Any

import segno
from django.conf import settings
from django.contrib.auth import logout
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.http import urlencode
from django_otp.models import Device
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from gemis.orgs import access
from gemis.orgs.models import Role, User

RECOVERY_CODE_COUNT = 10
PENDING_KEY = "gemis_2fa_pending"
PENDING_SECONDS = 300  # the code step must follow the password step within five minutes
TWO_FACTOR_ROLES = {Role.ADMIN, Role.COORDINATOR}
DEVICE_NAME = "authenticator"
RECOVERY_NAME = "recovery"


def is_required() -> bool:
    return bool(getattr(settings, "GEMIS_REQUIRE_2FA", False))


def needs_two_factor(user: User) -> bool:
    """Is this person one of those two-factor sign-in is meant for (administrators, coordinators)?"""
    if user.is_superuser:
        return True
    roles = access.scope_for(user).prefixes_by_role
    return any(role in roles for role in TWO_FACTOR_ROLES)


def authenticator(user: User) -> TOTPDevice | None:
    return TOTPDevice.objects.filter(user=user, confirmed=True).order_by("pk").first()


def has_two_factor(user: User) -> bool:
    return TOTPDevice.objects.filter(user=user, confirmed=True).exists()


def recovery_codes_left(user: User) -> int:
    return StaticToken.objects.filter(device__user=user, device__confirmed=True).count()


# --- enrolment --------------------------------------------------------------------------------------


def pending_device(user: User) -> TOTPDevice | None:
    return TOTPDevice.objects.filter(user=user, confirmed=False).order_by("-pk").first()


def start_enrolment(user: User) -> TOTPDevice:
    """A new secret, not yet trusted: it counts only once the person proves their app reads it."""
    TOTPDevice.objects.filter(user=user, confirmed=False).delete()
    return TOTPDevice.objects.create(user=user, name=DEVICE_NAME, confirmed=False)


def secret_text(device: TOTPDevice) -> str:
    """The secret as authenticator apps accept it typed in (base32, in groups of four)."""
    key = base64.b32encode(device.bin_key).decode().rstrip("=")
    return " ".join(key[i : i + 4] for i in range(0, len(key), 4))


def qr_svg(device: TOTPDevice) -> str:
    return segno.make(device.config_url, error="m").svg_inline(scale=4, border=2)


def _clean(code: str) -> str:
    return "".join((code or "").split()).replace("-", "").lower()


@transaction.atomic
def confirm_enrolment(user: User, device: TOTPDevice, code: str) -> list[str] | None:
    """Trust the device if ``code`` is right; returns the new recovery codes (shown once), else None."""
    code = _clean(code)
    if device.user_id != user.pk or device.confirmed or not code.isdigit() or not device.verify_token(code):
        return None
    TOTPDevice.objects.filter(user=user, confirmed=True).delete()  # one authenticator at a time
    device.confirmed = True
    device.save()
    return new_recovery_codes(user)


@transaction.atomic
def new_recovery_codes(user: User) -> list[str]:
    """Replace the recovery codes; the old ones stop working."""
    StaticDevice.objects.filter(user=user).delete()
    device = StaticDevice.objects.create(user=user, name=RECOVERY_NAME, confirmed=True)
    codes = [StaticToken.random_token() for _ in range(RECOVERY_CODE_COUNT)]
    StaticToken.objects.bulk_create(StaticToken(device=device, token=code) for code in codes)
    return codes


@transaction.atomic
def disable(user: User) -> None:
    TOTPDevice.objects.filter(user=user).delete()
    StaticDevice.objects.filter(user=user).delete()


def verify(user: User, code: str) -> Device | None:
    """The device that accepts ``code``: six digits for the app, otherwise a recovery code (used up)."""
    code = _clean(code)
    if not re.fullmatch(r"[a-z0-9]{1,32}", code):
        return None  # nothing a device issues; never reaches a query (PostgreSQL refuses NUL bytes)
    if code.isdigit():
        devices: list[Device] = list(TOTPDevice.objects.filter(user=user, confirmed=True))
    else:
        devices = list(StaticDevice.objects.filter(user=user, confirmed=True))
    for device in devices:
        with transaction.atomic():
            # Lock the row: two requests with one recovery code cannot both use it.
            locked = type(device).objects.select_for_update().get(pk=device.pk)
            if locked.verify_token(code):
                return locked
    return None


# --- the pending sign-in between the two steps -------------------------------------------------------


def start_pending(request: HttpRequest, user: User, next_url: str) -> None:
    request.session[PENDING_KEY] = {
        "user": user.pk,
        "backend": getattr(user, "backend", settings.AUTHENTICATION_BACKENDS[-1]),
        "at": int(time.time()),
        "next": next_url,
    }


def pending(request: HttpRequest) -> tuple[User, dict[str, Any]] | None:
    data = request.session.get(PENDING_KEY)
    if not data or int(time.time()) - int(data.get("at", 0)) > PENDING_SECONDS:
        return None
    user = User.objects.filter(pk=data.get("user"), is_active=True).first()
    return (user, data) if user is not None else None


def clear_pending(request: HttpRequest) -> None:
    request.session.pop(PENDING_KEY, None)


# --- required mode ------------------------------------------------------------------------------------


class TwoFactorRequiredMiddleware:
    """When two-factor sign-in is required, administrators and coordinators do nothing else before it.

    Placed after OTPMiddleware. Does nothing (and costs no query) when the setting is off.
    """

    ALLOWED_URL_NAMES = (
        "orgs:account-security",
        "orgs:logout",
        "orgs:login",
        "orgs:login-verify",
        "set_language",
        "javascript-catalog",
    )

    def __init__(self, get_response: Any) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = getattr(request, "user", None)
        if (
            is_required()
            and user is not None
            and user.is_authenticated
            and not user.is_verified()
            and not self._allowed(request)
            and needs_two_factor(user)
        ):
            if has_two_factor(user):
                # Signed in before the device existed: sign in again, with the code this time.
                logout(request)
                return redirect(f"{reverse('orgs:login')}?{urlencode({'next': request.get_full_path()})}")
            return redirect("orgs:account-security")
        return self.get_response(request)

    def _allowed(self, request: HttpRequest) -> bool:
        if request.path.startswith(settings.STATIC_URL):
            return True
        paths = {reverse(name) for name in self.ALLOWED_URL_NAMES}
        return request.path in paths


def route_admin_login() -> None:
    """The admin site signs in through GEMIS's own two-step sign-in, never with a password alone."""
    from django.contrib import admin
    from django.contrib.auth.views import redirect_to_login

    def login(request: HttpRequest, extra_context: Any = None) -> HttpResponse:
        return redirect_to_login(request.GET.get("next") or reverse("admin:index"), reverse("orgs:login"))

    admin.site.login = login
