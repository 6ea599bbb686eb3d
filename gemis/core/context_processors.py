"""What every page's frame needs from the address: which menu is the current one."""

from __future__ import annotations

from django.http import HttpRequest


def menu(request: HttpRequest) -> dict[str, str]:
    """``gemis_app``: the URL namespace of the page (one per app: ``plans``, ``indicators``…);
    ``gemis_menu``: the namespace and the first word of the page's name (``plans:task``,
    ``orgs:unit``), which is what a menu entry stands for."""
    match = getattr(request, "resolver_match", None)
    if match is None:
        return {"gemis_app": "", "gemis_menu": ""}
    head = (match.url_name or "").split("-")[0]
    return {"gemis_app": match.namespace, "gemis_menu": f"{match.namespace}:{head}"}
