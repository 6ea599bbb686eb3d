"""Who may do what with plans, beyond the one access rule (:mod:`gemis.orgs.access`).

These predicates combine the access rule with what plans add to it: the units a
plan may be written for, who may start a unit's plan from a provincial one, who
may use the trash. Views ask here; nothing here reads a request.
"""

from __future__ import annotations

from typing import Any

from django.db.models import Q, QuerySet

from gemis.orgs import access
from gemis.orgs.access import Action
from gemis.orgs.models import Agency, OrgUnit
from gemis.plans.models import Plan


def plan_units(user: Any, current: OrgUnit | None = None) -> QuerySet[OrgUnit]:
    """Units a person may write a plan for: their own units and the units directly below them.

    Deeper units build their own plans (or receive them by cascade); listing every
    commune of a province here would make the choice unusable. Former units are
    history and never offered (orgs/access.py), nor to superusers.
    """
    top = access.top_units(user)
    candidates = OrgUnit.objects.filter(Q(pk__in=top.values("pk")) | Q(parent__in=top.values("pk")))
    writable = access.units_for(user, Plan, Action.CHANGE).filter(access.current_q())
    allowed = candidates.filter(pk__in=writable.values("pk"))
    if current is not None:
        # Whoever may edit the plan (checked by the view) may keep it where it is.
        allowed = allowed | OrgUnit.objects.filter(pk=current.pk)
    return allowed.order_by("path")


def may_write_plan_of(user: Any, unit: OrgUnit, agency: Agency | None = None) -> bool:
    """Whether the person writes the plans of ``unit`` (issued by ``agency``), e.g. a draft built by cascade.

    Those who write the unit's plans, never of a former unit, and not a focal point
    of the department the plan is for.
    """
    return access.may(user, Action.CHANGE, Plan(org_unit=unit, issuing_agency=agency))


def may_use_trash(user: Any) -> bool:
    """Administrators and coordinators (whoever may change something somewhere) have a trash."""
    scope = access.scope_for(user)
    return scope.is_superuser or bool(scope.prefixes(Action.CHANGE))


def trash_covers(user: Any, unit: OrgUnit | None) -> bool:
    """Whether what was deleted in ``unit`` is in the person's trash: theirs or a unit below theirs."""
    scope = access.scope_for(user)
    if scope.is_superuser:
        return True
    if unit is None:
        return False
    if not any(unit.path.startswith(prefix) for prefix in scope.prefixes(Action.CHANGE)):
        return False
    # And the rule for the unit's plans (a former unit's plans are read-only: nothing comes back there).
    return may_write_plan_of(user, unit)
