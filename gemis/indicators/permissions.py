"""The access rule (``gemis.orgs.access``) applied to the indicator objects it cannot place alone.

* **Targets.** The rule itself handles them (``access.filter_for`` / ``access.may``):
  a national target (no unit) is read by every member and changed only by
  superusers; a unit's own target is read by the units below it.
* **Indicators.** The rule reads them (``ACCESS_UNIT_FIELD = "owner_unit"``):
  the national catalog (no unit) is read by every member; a local indicator by
  its unit, the units above and the units below it — another province gets a
  404, whatever code it types. A local indicator is changed only by those who
  may change its owning unit (coordinators and administrators there and above),
  a national one only by a superuser (it comes from the catalog files and a
  reload would overwrite it).

Data values, locks and exceptions need nothing here: ``access.filter_for`` places them.
"""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet

from gemis.indicators.models import DataValue, Indicator, LockException
from gemis.orgs import access
from gemis.orgs.access import Action
from gemis.orgs.models import OrgUnit


def may_change_indicator(user: Any, indicator: Indicator) -> bool:
    scope = access.scope_for(user)
    if scope.is_superuser:
        return True
    if indicator.is_national or indicator.owner_unit is None:
        return False
    return access.may(user, Action.CHANGE, indicator.owner_unit)


def may_load_catalog(user: Any) -> bool:
    """The national catalog is loaded by system administrators only (it is the same for every unit)."""
    return access.scope_for(user).is_superuser


def changeable_units(user: Any) -> QuerySet[OrgUnit]:
    """The units the person may define indicators and targets for (today's first)."""
    return access.filter_for(user, OrgUnit.objects.all(), Action.CHANGE).order_by("scheme", "path")


# --------------------------------------------------------------------------- who enters for which unit


def entry_units(user: Any) -> QuerySet[OrgUnit]:
    """The units the person may enter values for: the access rule's CHANGE on a value there."""
    return access.units_for(user, DataValue, Action.CHANGE).order_by("scheme", "path")


def may_enter(user: Any, unit: OrgUnit) -> bool:
    return access.may(user, Action.CHANGE, DataValue(org_unit=unit))


def may_grant_exception(user: Any, unit: OrgUnit) -> bool:
    """Coordinators (and administrators) *above* the unit reopen its period; the top unit's own for itself."""
    if access.scope_for(user).is_superuser:
        return True
    above = unit.parent if unit.parent_id else unit
    # Asked of an exception there, so that a former unit's successor coordinators may reopen it (backfill).
    return access.may(user, Action.CHANGE, LockException(org_unit=above))


def may_set_deadline(user: Any, unit: OrgUnit) -> bool:
    """Coordinators set the last day of entry for the units under their unit (the earliest deadline wins)."""
    return access.may(user, Action.CHANGE, unit)
