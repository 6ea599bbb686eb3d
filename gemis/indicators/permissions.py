"""The access rule (``gemis.orgs.access``) applied to the two indicator objects it cannot place alone.

* **Targets.** A national target has no unit; the rule reads it through the
  public proxy :class:`~gemis.indicators.models.NationalTarget`. A local target
  is placed by its unit like any other object. Use :func:`targets_for` for lists
  and :func:`may_target` for one target (``access.may`` on a national
  ``Target`` instance would find no unit).
* **Indicators.** The catalog is public to read (``ACCESS_PUBLIC``); a local
  indicator is changed only by those who may change its owning unit
  (coordinators and administrators there and above), a national one only by a
  superuser (it comes from the catalog files and a reload would overwrite it).

Data values, locks and exceptions need nothing here: ``access.filter_for`` places them.
"""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet

from gemis.indicators.models import Indicator, NationalTarget, Target
from gemis.orgs import access
from gemis.orgs.access import Action


def targets_for(user: Any, action: Action = Action.VIEW) -> QuerySet[Target]:
    """The targets the user may act on: national ones (to read: every member) and those of their units."""
    local = access.filter_for(user, Target.objects.filter(org_unit__isnull=False), action)
    national = access.filter_for(user, NationalTarget.objects.all(), action)
    if action != Action.VIEW and not access.scope_for(user).is_superuser:
        national = national.none()  # national targets come from the strategy: only superusers change them
    return Target.objects.filter(pk__in=local.values("pk")) | Target.objects.filter(
        pk__in=national.values("pk")
    )


def may_target(user: Any, action: Action, target: Target) -> bool:
    if target.org_unit_id is None:
        if action != Action.VIEW:
            return access.scope_for(user).is_superuser
        proxy = NationalTarget(pk=target.pk)
        return access.may(user, action, proxy)
    return access.may(user, action, target)


def may_change_indicator(user: Any, indicator: Indicator) -> bool:
    scope = access.scope_for(user)
    if scope.is_superuser:
        return True
    if indicator.is_national or indicator.owner_unit is None:
        return False
    return access.may(user, Action.CHANGE, indicator.owner_unit)
