from __future__ import annotations

from typing import Any

from django.http import HttpRequest

from gemis.orgs import access


def navigation(request: HttpRequest) -> dict[str, Any]:
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    return {
        "gemis_may_manage": user.is_superuser or bool(access.scope_for(user).prefixes(access.Action.MANAGE))
    }
