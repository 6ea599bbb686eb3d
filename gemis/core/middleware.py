"""Response headers that keep private data out of caches.

A signed-in page, an export or an evidence file must not stay in the browser's cache (a shared
office computer, the back button after signing out) nor in a proxy. Static files never reach this
middleware: whitenoise serves them before it, with their long cache lifetimes.
"""

from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest, HttpResponseBase
from django.utils.cache import add_never_cache_headers

# Views whose URL carries the credential instead of a session: the calendar feed's secret token.
# What they return is as private as a signed-in page.
TOKEN_URL_NAMES = frozenset({"calendar-feed"})


def is_private(request: HttpRequest) -> bool:
    """Whether the response to this request holds data of a person (signed in, or by token)."""
    user = getattr(request, "user", None)
    if user is not None and user.is_authenticated:
        return True
    match = getattr(request, "resolver_match", None)
    return match is not None and match.url_name in TOKEN_URL_NAMES


def forbids_storing(response: HttpResponseBase) -> bool:
    directives = response.get("Cache-Control", "").lower().replace(" ", "").split(",")
    return "no-store" in directives


class NoStoreMiddleware:
    """``Cache-Control: no-store`` (Django's never-cache headers) on every private response.

    A view's own caching is overridden, because a looser policy on private data is a mistake;
    one that already says ``no-store`` (evidence downloads) is left as it is.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponseBase]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponseBase:
        response = self.get_response(request)
        if is_private(request) and not forbids_storing(response):
            add_never_cache_headers(response)
        return response
