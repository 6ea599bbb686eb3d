"""Template context for every page: the unread-notification count behind the bell in the menu."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.http import HttpRequest

from gemis.plans.models import Notification


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
