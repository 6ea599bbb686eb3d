"""“Quên mật khẩu”: the rules around Django's password reset by e-mail link.

Django's views do the work (a signed, single-use link, the new-password form);
GEMIS adds three things here:

- the e-mail is sent by a background task, so a known address and an unknown
  one take the same time to answer (no hint of who has an account), and a slow
  mail server does not hold the page;
- a limit on how often it can be asked, per client address and per e-mail
  address, so the form cannot be used to flood someone's mailbox;
- the link always points at ``GEMIS_BASE_URL``, never at the Host header the
  request came with (a forged Host would otherwise send the token elsewhere).

What it does not change: after the new password is set, the person signs in as
usual — the lockout (django-axes) still counts, and the second factor is still
asked by the sign-in (``post_reset_login`` stays off).
"""

from __future__ import annotations

import logging

from django.conf import settings
from django.core.cache import cache
from django.core.mail import EmailMessage
from django.http import HttpRequest
from django_tasks import task

from gemis.orgs.security import client_ip

log = logging.getLogger(__name__)

WINDOW_SECONDS = 60 * 60
PER_ADDRESS = 3  # e-mails to one address an hour
PER_CLIENT = 10  # requests from one client address an hour


def _count(key: str) -> int:
    """One more request under ``key`` in the current window; the count so far."""
    cache.add(key, 0, WINDOW_SECONDS)
    try:
        return cache.incr(key)
    except ValueError:  # expired between add and incr
        cache.set(key, 1, WINDOW_SECONDS)
        return 1


def allow_request(request: HttpRequest, email: str) -> bool:
    """Whether a reset may be sent now; every call counts, allowed or not.

    The counts live in Django's cache (per process unless a shared cache is configured),
    which is enough to stop one browser or script from flooding an inbox.
    """
    by_client = _count(f"gemis:password-reset:client:{client_ip(request)}")
    by_address = _count(f"gemis:password-reset:email:{email.strip().lower()}")
    return by_client <= PER_CLIENT and by_address <= PER_ADDRESS


def link_base() -> str:
    """Scheme and host of links in e-mails: the configured address of GEMIS."""
    return str(settings.GEMIS_BASE_URL).rstrip("/")


def valid_hours() -> int:
    """How long a reset link works, in whole hours (at least one)."""
    return max(1, int(settings.PASSWORD_RESET_TIMEOUT) // 3600)


@task()
def send_reset_email(subject: str, body: str, to: str) -> str:
    """Send one reset e-mail already written in the requester's language."""
    try:
        EmailMessage(subject, body, None, [to]).send()
    except Exception:
        # The person sees the same page either way; the log tells the administrator.
        log.exception("The password reset e-mail could not be sent")
        return "failed"
    return "sent"
