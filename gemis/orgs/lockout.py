"""The lockout of django-axes with two thresholds: one per account, a looser one per address.

Axes locks when any criterion reaches ``AXES_FAILURE_LIMIT``. An office behind one
address (NAT) would then be locked out as a whole by five typos spread over its staff,
so failures from an address are weighed against ``GEMIS_IP_FAILURE_LIMIT`` instead;
the account itself stays at ``AXES_FAILURE_LIMIT`` whatever spelling of its login is typed.
"""

from __future__ import annotations

from typing import Any

from axes.handlers.database import AxesDatabaseHandler
from axes.helpers import get_failure_limit, get_lockout_parameters
from django.conf import settings
from django.db.models import Sum


class LoginAttemptHandler(AxesDatabaseHandler):
    def get_failures(self, request: Any, credentials: dict | None = None) -> int:
        limit = get_failure_limit(request, credentials)
        ip_limit = max(int(getattr(settings, "GEMIS_IP_FAILURE_LIMIT", limit)), 1)
        parameters = get_lockout_parameters(request, credentials)
        worst = 0
        for parameter, attempts in zip(
            parameters, self.get_user_attempts(request, credentials), strict=False
        ):
            failures = attempts.aggregate(n=Sum("failures_since_start"))["n"] or 0
            if parameter == "ip_address":
                # Scaled so that reaching the address limit counts as reaching the account limit.
                failures = failures * limit // ip_limit
            worst = max(worst, failures)
        return worst
