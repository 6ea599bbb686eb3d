"""The security log: who signed in, who failed, who was refused, who changed an account.

Every event is one line on the ``gemis.security`` logger in ``key=value`` form, with the
person, the client address and the request id, so a log collector can filter and an
auditor can follow one request from the web server's log to GEMIS's::

    event=login_failed login=lanhdao user=lanhdao ip=203.0.113.9 request_id=4f0c…

The request id comes from the ``X-Request-ID`` header a proxy sets, or is made here,
and is sent back on the response (:class:`RequestIdMiddleware`).
"""

from __future__ import annotations

import contextvars
import logging
import re
import time
import uuid
from collections.abc import Callable
from typing import Any

from django.contrib.auth.signals import user_logged_in, user_login_failed
from django.http import HttpRequest, HttpResponse

logger = logging.getLogger("gemis.security")

REQUEST_ID_HEADER = "X-Request-ID"
_VALID_REQUEST_ID = re.compile(r"^[A-Za-z0-9._:-]{1,64}$")
# The request being served, for events raised deep inside (the access rule) without a request.
_current: contextvars.ContextVar[dict[str, str] | None] = contextvars.ContextVar(
    "gemis_request", default=None
)

WARNING_EVENTS = {"login_failed", "lockout", "otp_failed", "access_refused", "session_idle_expired"}


def client_ip(request: HttpRequest) -> str:
    """The address axes counts failures against (it honours the proxy settings)."""
    from axes.helpers import get_client_ip_address

    return getattr(request, "axes_ip_address", None) or get_client_ip_address(request) or ""


class RequestIdMiddleware:
    """Give every request an id (the proxy's if it sent a sane one) and echo it on the response."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        incoming = request.headers.get(REQUEST_ID_HEADER, "")
        request.request_id = incoming if _VALID_REQUEST_ID.match(incoming) else uuid.uuid4().hex
        token = _current.set({"request_id": request.request_id, "ip": client_ip(request)})
        try:
            response = self.get_response(request)
        finally:
            _current.reset(token)
        response[REQUEST_ID_HEADER] = request.request_id
        return response


def _value(value: Any) -> str:
    text = "" if value is None else str(value)
    # One event, one line: no newline or quote from a typed login can forge another entry.
    text = text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n").replace("\r", "\\r")
    return f'"{text}"' if (not text or re.search(r"[\s=\"]", text)) else text


def _username(user: Any) -> str:
    if isinstance(user, str):
        return user or "-"
    if user is None or not getattr(user, "is_authenticated", False):
        return "-"
    return user.get_username()


def log_event(event: str, *, user: Any = None, request: HttpRequest | None = None, **fields: Any) -> None:
    """Write one security event; ``user`` is the person acting (or concerned, for sign-ins)."""
    context = _current.get() or {}
    if request is not None:
        ip = client_ip(request)
        request_id = getattr(request, "request_id", "") or context.get("request_id", "")
        if user is None:
            user = getattr(request, "user", None)
    else:
        ip, request_id = context.get("ip", ""), context.get("request_id", "")
    parts = {
        "event": event,
        **fields,
        "user": _username(user),
        "ip": ip or "-",
        "request_id": request_id or "-",
    }
    line = " ".join(f"{key}={_value(value)}" for key, value in parts.items())
    logger.log(logging.WARNING if event in WARNING_EVENTS else logging.INFO, line)


def _on_login(sender: Any, request: HttpRequest | None, user: Any, **kwargs: Any) -> None:
    log_event("login_succeeded", user=user, request=request)


def _on_login_failed(
    sender: Any, credentials: dict, request: HttpRequest | None = None, **kwargs: Any
) -> None:
    from gemis.orgs.auth import canonical_login

    typed = (credentials or {}).get("username") or ""
    event = "otp_failed" if (credentials or {}).get("stage") == "otp" else "login_failed"
    log_event(event, user=canonical_login(typed), request=request, login=typed)


def _on_lockout(
    sender: Any, request: HttpRequest | None, username: str, ip_address: str, **kwargs: Any
) -> None:
    log_event("lockout", request=request, login=username)


def connect_signals() -> None:
    """Called from the app's ready(): sign-in events are logged wherever they happen."""
    from axes.signals import user_locked_out

    user_logged_in.connect(_on_login, dispatch_uid="gemis_security_login")
    user_login_failed.connect(_on_login_failed, dispatch_uid="gemis_security_login_failed")
    user_locked_out.connect(_on_lockout, dispatch_uid="gemis_security_lockout")


LAST_SEEN_KEY = "gemis_last_seen"


class IdleTimeoutMiddleware:
    """Sign out a session left unused for ``GEMIS_IDLE_TIMEOUT_MINUTES`` (0 turns it off).

    The last activity is written at most once a minute, so a busy page does not write
    the session on every request; the login page then says why the person is there.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        from django.conf import settings

        timeout = int(getattr(settings, "GEMIS_IDLE_TIMEOUT_MINUTES", 0)) * 60
        user = getattr(request, "user", None)
        if timeout > 0 and user is not None and user.is_authenticated:
            now = int(time.time())
            last_seen = request.session.get(LAST_SEEN_KEY)
            if isinstance(last_seen, int) and now - last_seen > timeout:
                return self._expire(request)
            if not isinstance(last_seen, int) or now - last_seen >= 60:
                request.session[LAST_SEEN_KEY] = now
        return self.get_response(request)

    def _expire(self, request: HttpRequest) -> HttpResponse:
        from django.contrib.auth import logout
        from django.shortcuts import redirect
        from django.urls import reverse
        from django.utils.http import urlencode

        log_event("session_idle_expired", request=request)
        logout(request)
        next_url = request.get_full_path() if request.method == "GET" else ""
        query = {"expired": "idle", **({"next": next_url} if next_url else {})}
        url = f"{reverse('orgs:login')}?{urlencode(query)}"
        if request.headers.get("HX-Request"):
            # htmx swaps fragments; a full-page redirect must be asked for.
            response = HttpResponse(status=204)
            response["HX-Redirect"] = url
            return response
        return redirect(url)
