"""Template context for every page: the unread-notification count behind the bell, the trash link."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.http import HttpRequest

from gemis.plans.models import Notification
from gemis.plans.permissions import may_use_trash


def notifications(request: HttpRequest) -> dict[str, Any]:
    """``gemis_unread_notifications``: counted at most once, and only if a template asks for it."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    return {
        "gemis_unread_notifications": _once(
            lambda: Notification.objects.filter(user=user, read_at__isnull=True).count()
        )
    }


def _once(compute: Callable[[], int]) -> Callable[[], int]:
    cache: list[int] = []

    def value() -> int:
        if not cache:
            cache.append(compute())
        return cache[0]

    return value


def trash(request: HttpRequest) -> dict[str, Any]:
    """``gemis_may_use_trash``: the menu shows the trash to administrators and coordinators only."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    return {"gemis_may_use_trash": may_use_trash(user)}
