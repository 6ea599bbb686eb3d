"""The request a GEMIS page receives: someone is signed in (``LoginRequiredMiddleware``)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.http import HttpRequest

if TYPE_CHECKING:
    from django_htmx.middleware import HtmxDetails

    from gemis.orgs.models import User


class AuthenticatedRequest(HttpRequest):
    """For the type checker: ``request.user`` is a :class:`~gemis.orgs.models.User`, never anonymous.

    Every view except those marked ``login_not_required`` is reached only signed in, so
    views annotate their request with this instead of checking ``is_authenticated`` again.
    """

    user: User
    htmx: HtmxDetails
