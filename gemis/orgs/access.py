"""The access rule: who may see or change what. Every view and API endpoint asks here.

A person belongs to agencies with a role (:class:`~gemis.orgs.models.Membership`).
Each membership opens the agency's administrative unit and every unit below it,
plus the former (pre-2025) units whose territory now lies in it, so a province
officer can read the history reported under the old districts and communes.

What the membership allows there depends on the role:

====================  =======================================================
action                who
====================  =======================================================
``VIEW``              every role in the subtree; any member of the object's
                      own agency (lead or partner of a task), wherever it is
``CHANGE``            admin and coordinator anywhere in the subtree; a focal
                      point only for objects of its own agency
``APPROVE``           leader and coordinator in the subtree (issue plans, reports)
``MANAGE``            admin in the subtree (people, memberships, catalogs)
====================  =======================================================

Superusers may do everything. Objects declare how to reach their unit through
``ACCESS_UNIT_FIELD`` (a lookup to an :class:`OrgUnit`, "" for a unit itself)
and, if they belong to an agency, ``ACCESS_AGENCY_FIELD`` (the agency that acts
on them); ``ACCESS_VIEW_AGENCY_FIELDS`` lists further agencies whose members may
read them (a task's partners). ``ACCESS_PUBLISHED_DOWN = (lookup, values)`` makes
rows in that state readable by the units *below* theirs as well: an issued
provincial plan is read by the districts and communes that must carry it out;
``ACCESS_PUBLISHED_DOWN = True`` does so whatever the state (a province's own
targets, which its districts and communes work towards).
Shared catalogs with no unit (national legal
documents) set ``ACCESS_PUBLIC = True``: every member reads them, coordinators
and administrators anywhere edit them. Personal objects (a background job and
the file it produced) set ``ACCESS_OWNER_FIELD``: only that person, whatever
the action. ``ACCESS_UNIT_OPTIONAL = True`` lets the unit be empty: such rows
are a national catalog (the strategy's targets) that every member reads and
only superusers change.
``ACCESS_OWN_UNIT_CHANGE = True`` lets a focal point change the rows of its own
agency's unit (exactly that unit, not those below): indicator values, which
the commune's or department's focal point enters for its unit.
``ACCESS_ASSIGNED_UNIT_FIELD`` (a lookup to a unit) names the unit a row was
handed to: a provincial task's share for a commune is acted on by that
commune's people as if it were the commune's own row (and by those above it).
``ACCESS_SUBTREE_ROLES = {"change": roles, "approve": roles}`` replaces the
table's roles for a model: plans are written, issued and deleted by the
coordinators, administrators *and leaders* of their unit (and the units above).

Decisions of issue 10, enforced here and nowhere else:

* **Former units are history.** A unit of the pre-2025 scheme, or any unit with
  ``valid_to`` set (:func:`is_former`), keeps its rows readable as before, but
  nobody (superusers aside) may CHANGE or APPROVE them: no new plans, tasks or
  imports are made for it, its plans and imports are read-only, and it is not
  offered in unit pickers (they ask for CHANGE). A model may open CHANGE on
  former rows to some roles with ``ACCESS_FORMER_UNITS_CHANGE = {roles}``; those
  roles then act only *through succession* — the coordinators of the 2025 unit
  that a former unit's territory passed to (``UnitSuccession``), not people
  whose membership is in the dissolved unit itself. Indicator values opt in
  for coordinators, so a series can be backfilled; the period of such a value
  must end before the reorganisation (:func:`former_period_problem`, asked
  by the grid and the Excel upload).
* **Plans belong to their unit's leadership.** A plan is edited, issued and
  deleted by the coordinators, administrators and leaders of its unit; the
  members of its issuing agency only read it. A focal point changes its own
  agency's tasks — their progress, on issued plans only (``plans.progress``) —
  never a coordinator's draft.
* **Evidence stays with the task's people.** Evidence files (``Attachment``) are
  read in the task's unit and the units above and by members of the task's
  lead and partner agencies; an issued plan read by the units below does not
  open its evidence to them.
"""

from __future__ import annotations

import datetime as dt
import enum
from dataclasses import dataclass, field
from typing import Any, TypeVar

from django.db import models
from django.db.models import Q, QuerySet
from django.http import Http404
from django.utils.translation import gettext as _

from gemis.orgs.models import Membership, OrgUnit, Role, Scheme, UnitSuccession

M = TypeVar("M", bound=models.Model)

#: The day the 2025 units came into force; former units hold values of periods before it only.
REORGANISATION_DATE = dt.date(2025, 7, 1)


class Action(enum.Enum):
    VIEW = "view"
    CHANGE = "change"
    APPROVE = "approve"
    MANAGE = "manage"


_SUBTREE_ROLES = {
    Action.VIEW: set(Role),
    Action.CHANGE: {Role.ADMIN, Role.COORDINATOR},
    Action.APPROVE: {Role.LEADER, Role.COORDINATOR},
    Action.MANAGE: {Role.ADMIN},
}
# Actions refused on the rows of former units (see the module docstring).
_HISTORY_GUARDED = {Action.CHANGE, Action.APPROVE}
# Roles that act on their own agency's objects wherever they sit in the tree.
_OWN_AGENCY_ROLES = {Action.VIEW: set(Role), Action.CHANGE: {Role.FOCAL_POINT}}


@dataclass
class Scope:
    """What one person's memberships open up, computed once per request."""

    is_superuser: bool = False
    # role → unit path prefixes opened by that role (with predecessor territories)
    prefixes_by_role: dict[str, set[str]] = field(default_factory=dict)
    # role → agency ids held directly
    agencies_by_role: dict[str, set[int]] = field(default_factory=dict)
    # role → ids of the units of those agencies
    units_by_role: dict[str, set[int]] = field(default_factory=dict)
    # role → paths of the former units whose territory passed to the person's current units
    succession_prefixes_by_role: dict[str, set[str]] = field(default_factory=dict)

    def prefixes(self, action: Action, model: type[models.Model] | None = None) -> set[str]:
        found: set[str] = set()
        for role in _subtree_roles(model, action):
            found |= self.prefixes_by_role.get(role, set())
        return _outermost(found)

    def former_prefixes(self, action: Action, model: type[models.Model] | None) -> set[str]:
        """Prefixes under which the person may act on rows of *former* units (see the module docstring)."""
        if action != Action.CHANGE or model is None:
            return set()
        found: set[str] = set()
        for role in getattr(model, "ACCESS_FORMER_UNITS_CHANGE", ()):
            found |= self.succession_prefixes_by_role.get(role, set())
        return _outermost(found)

    def own_agencies(self, action: Action) -> set[int]:
        found: set[int] = set()
        for role in _OWN_AGENCY_ROLES.get(action, ()):
            found |= self.agencies_by_role.get(role, set())
        return found

    def own_units(self, action: Action) -> set[int]:
        """The units of the agencies whose own objects the person acts on (a focal point's unit)."""
        found: set[int] = set()
        for role in _OWN_AGENCY_ROLES.get(action, ()):
            found |= self.units_by_role.get(role, set())
        return found

    @property
    def is_member(self) -> bool:
        return self.is_superuser or bool(self.prefixes_by_role)


def _subtree_roles(model: type[models.Model] | None, action: Action) -> set[str]:
    """The roles that act on ``model`` anywhere in their subtree: the table, or the model's own."""
    own = getattr(model, "ACCESS_SUBTREE_ROLES", None) if model is not None else None
    if own and action.value in own:
        return set(own[action.value])
    return _SUBTREE_ROLES[action]


def is_former(unit: OrgUnit) -> bool:
    """A unit no longer in force: of the pre-2025 scheme, or given an end date."""
    return unit.scheme == Scheme.LEGACY or unit.valid_to is not None


def _former_q(unit_field: str) -> Q:
    prefix = f"{unit_field}__" if unit_field else ""
    return Q(**{f"{prefix}scheme": Scheme.LEGACY}) | Q(**{f"{prefix}valid_to__isnull": False})


def current_q(unit_field: str = "") -> Q:
    """Rows whose unit (reached by ``unit_field``, "" for units themselves) is in force today."""
    prefix = f"{unit_field}__" if unit_field else ""
    return Q(**{f"{prefix}scheme": Scheme.CURRENT, f"{prefix}valid_to__isnull": True})


def former_period_problem(unit: OrgUnit, period_end: dt.date) -> str | None:
    """Why a value of ``unit`` for a period ending ``period_end`` may not be entered, or None.

    Former units only take values that complete their own series (backfilling);
    anything from 1 July 2025 on belongs to the unit that succeeded them. The grid
    and the Excel upload ask here before saving (who may enter is :func:`may`'s part).
    """
    if not is_former(unit):
        return None
    last_day = REORGANISATION_DATE - dt.timedelta(days=1)
    if unit.valid_to is not None:
        last_day = min(last_day, unit.valid_to)
    if period_end <= last_day:
        return None
    return _(
        "%(unit)s is a former unit: it only takes values of periods ending by %(day)s. "
        "Enter this value for the unit that succeeded it."
    ) % {"unit": unit.name, "day": last_day.strftime("%d/%m/%Y")}


def _outermost(prefixes: set[str]) -> set[str]:
    """Drop prefixes already covered by a shorter one (fewer OR terms in queries)."""
    kept: list[str] = []
    for prefix in sorted(prefixes, key=len):
        if not any(prefix.startswith(k) for k in kept):
            kept.append(prefix)
    return set(kept)


def scope_for(user: Any) -> Scope:
    """The person's scope, cached on the user object for the request."""
    if user is None or not getattr(user, "is_authenticated", False) or not user.is_active:
        return Scope()
    cached = getattr(user, "_gemis_scope", None)
    if cached is not None:
        return cached
    scope = Scope(is_superuser=user.is_superuser)
    # Memberships of agencies since dissolved still open what they covered (to read history).
    rows = list(
        Membership.objects.filter(user=user).values_list(
            "role", "agency_id", "agency__org_unit_id", "agency__org_unit__path"
        )
    )
    unit_ids = {unit_id for _, _, unit_id, _ in rows}
    predecessor_paths: dict[int, set[str]] = {}
    for successor_id, path in UnitSuccession.objects.filter(successor_id__in=unit_ids).values_list(
        "successor_id", "predecessor__path"
    ):
        predecessor_paths.setdefault(successor_id, set()).add(path)
    for role, agency_id, unit_id, path in rows:
        scope.prefixes_by_role.setdefault(role, set()).update({path, *predecessor_paths.get(unit_id, ())})
        scope.succession_prefixes_by_role.setdefault(role, set()).update(predecessor_paths.get(unit_id, ()))
        scope.agencies_by_role.setdefault(role, set()).add(agency_id)
        scope.units_by_role.setdefault(role, set()).add(unit_id)
    user._gemis_scope = scope
    return scope


def _unit_lookup(model: type[models.Model]) -> str:
    field_name = getattr(model, "ACCESS_UNIT_FIELD", None)
    if field_name is None:
        raise TypeError(
            f"{model.__name__} does not declare ACCESS_UNIT_FIELD; the access rule cannot place it"
        )
    return f"{field_name}__path" if field_name else "path"


def _agency_lookups(model: type[models.Model], action: Action) -> list[str]:
    field_name = getattr(model, "ACCESS_AGENCY_FIELD", None)
    names = [] if field_name is None else [field_name]
    if action == Action.VIEW:
        names += [n for n in getattr(model, "ACCESS_VIEW_AGENCY_FIELDS", ()) if n not in names]
    return [f"{name}__pk" if name else "pk" for name in names]


def condition(user: Any, model: type[models.Model], action: Action = Action.VIEW) -> Q:
    """A ``Q`` selecting the rows of ``model`` the user may act on."""
    scope = scope_for(user)
    if scope.is_superuser:
        return Q()
    owner_field = getattr(model, "ACCESS_OWNER_FIELD", None)
    if owner_field:
        authenticated = getattr(user, "is_authenticated", False) and user.is_active
        return Q(**{f"{owner_field}__pk": user.pk}) if authenticated else Q(pk__in=[])
    if getattr(model, "ACCESS_PUBLIC", False):
        allowed = scope.is_member if action == Action.VIEW else bool(scope.prefixes(action))
        return Q() if allowed else Q(pk__in=[])
    path_lookup = _unit_lookup(model)
    q = Q(pk__in=[])
    if getattr(model, "ACCESS_UNIT_OPTIONAL", False) and action == Action.VIEW and scope.is_member:
        q |= Q(**{f"{model.ACCESS_UNIT_FIELD}__isnull": True})
    assigned = getattr(model, "ACCESS_ASSIGNED_UNIT_FIELD", None)
    for prefix in scope.prefixes(action, model):
        q |= Q(**{f"{path_lookup}__startswith": prefix})
        if assigned:
            q |= Q(**{f"{assigned}__path__startswith": prefix})
    if action == Action.CHANGE and getattr(model, "ACCESS_OWN_UNIT_CHANGE", False):
        own_units = scope.own_units(action)
        if own_units:
            unit_field = model.ACCESS_UNIT_FIELD
            q |= Q(**{f"{unit_field}__pk__in" if unit_field else "pk__in": own_units})
    own = scope.own_agencies(action)
    if own:
        for lookup in _agency_lookups(model, action):
            if _is_multi_valued(model, lookup):
                # A subquery, not a join: the join would repeat rows and slow every list down.
                q |= Q(pk__in=model._default_manager.filter(**{f"{lookup}__in": own}).values("pk"))
            else:
                q |= Q(**{f"{lookup}__in": own})
    published = getattr(model, "ACCESS_PUBLISHED_DOWN", None)
    if action == Action.VIEW and published:
        ancestors = _ancestor_paths(scope.prefixes(Action.VIEW))
        if ancestors and published is True:
            q |= Q(**{f"{path_lookup}__in": ancestors})
        elif ancestors:
            state_lookup, states = published
            q |= Q(**{f"{path_lookup}__in": ancestors, f"{state_lookup}__in": states})
    if action in _HISTORY_GUARDED:
        # Former units are history: only what the model opens to their successors' roles.
        unit_field = model.ACCESS_UNIT_FIELD
        former = Q(pk__in=[])
        for prefix in scope.former_prefixes(action, model):
            former |= Q(**{f"{path_lookup}__startswith": prefix})
        q = (q & current_q(unit_field)) | (former & _former_q(unit_field))
    return q


def _ancestor_paths(prefixes: set[str]) -> set[str]:
    """Paths of the units above the given ones ("2025/51/21025/" → {"2025/51/"})."""
    found: set[str] = set()
    for prefix in prefixes:
        parts = prefix.strip("/").split("/")
        for end in range(2, len(parts)):
            found.add("/".join(parts[:end]) + "/")
    return found


def filter_for(user: Any, queryset: QuerySet[M], action: Action = Action.VIEW) -> QuerySet[M]:
    """The rows of ``queryset`` the user may act on. Use it for every list."""
    return queryset.filter(condition(user, queryset.model, action))


def _is_multi_valued(model: type[models.Model], lookup: str) -> bool:
    """Does ``lookup`` cross a many-to-many or reverse relation (e.g. a task's partners)?"""
    current = model
    for part in lookup.split("__"):
        if part == "pk":
            return False
        field = current._meta.get_field(part)
        if field.many_to_many or field.one_to_many:
            return True
        if not field.is_relation:
            return False
        current = field.related_model
    return False


def _follow(obj: Any, lookup: str) -> Any:
    for part in filter(None, lookup.split("__")):
        if obj is None:
            return None
        obj = getattr(obj, part)
    return obj


def unit_path_of(obj: models.Model) -> str:
    field_name = getattr(type(obj), "ACCESS_UNIT_FIELD", None)
    if field_name is None:
        raise TypeError(f"{type(obj).__name__} does not declare ACCESS_UNIT_FIELD")
    return _follow(obj, field_name).path


def agency_ids_of(obj: models.Model, action: Action) -> set[int]:
    """The agencies whose members act on ``obj`` for ``action`` (its own, plus partners for VIEW)."""
    ids: set[int] = set()
    for lookup in _agency_lookups(type(obj), action):
        name = lookup.removesuffix("__pk").removesuffix("pk").rstrip("_")
        target = _follow(obj, name) if name else obj
        if target is None:
            continue
        if isinstance(target, models.Manager):
            ids.update(target.values_list("pk", flat=True))
        else:
            ids.add(target.pk)
    return ids


def may(user: Any, action: Action, obj: models.Model) -> bool:
    """May ``user`` perform ``action`` on ``obj``?"""
    scope = scope_for(user)
    if scope.is_superuser:
        return True
    owner_field = getattr(type(obj), "ACCESS_OWNER_FIELD", None)
    if owner_field:
        authenticated = getattr(user, "is_authenticated", False) and user.is_active
        return bool(authenticated) and getattr(obj, f"{owner_field}_id", None) == user.pk
    if getattr(type(obj), "ACCESS_PUBLIC", False):
        return scope.is_member if action == Action.VIEW else bool(scope.prefixes(action))
    if (
        getattr(type(obj), "ACCESS_UNIT_OPTIONAL", False)
        and _follow(obj, type(obj).ACCESS_UNIT_FIELD) is None
    ):
        return action == Action.VIEW and scope.is_member
    path = unit_path_of(obj)
    if action in _HISTORY_GUARDED:
        unit = _follow(obj, type(obj).ACCESS_UNIT_FIELD) if type(obj).ACCESS_UNIT_FIELD else obj
        if is_former(unit):
            return any(path.startswith(prefix) for prefix in scope.former_prefixes(action, type(obj)))
    if any(path.startswith(prefix) for prefix in scope.prefixes(action, type(obj))):
        return True
    assigned_field = getattr(type(obj), "ACCESS_ASSIGNED_UNIT_FIELD", None)
    assigned = _follow(obj, assigned_field) if assigned_field else None
    if assigned is not None and any(
        assigned.path.startswith(prefix) for prefix in scope.prefixes(action, type(obj))
    ):
        return True
    if action == Action.CHANGE and getattr(type(obj), "ACCESS_OWN_UNIT_CHANGE", False):
        unit = _follow(obj, type(obj).ACCESS_UNIT_FIELD) if type(obj).ACCESS_UNIT_FIELD else obj
        if unit is not None and unit.pk in scope.own_units(action):
            return True
    own = scope.own_agencies(action)
    if own and not own.isdisjoint(agency_ids_of(obj, action)):
        return True
    published = getattr(type(obj), "ACCESS_PUBLISHED_DOWN", None)
    if action == Action.VIEW and published and path in _ancestor_paths(scope.prefixes(Action.VIEW)):
        if published is True:
            return True
        state_lookup, states = published
        return _follow(obj, state_lookup) in states
    return False


def may_view(user: Any, obj: models.Model) -> bool:
    return may(user, Action.VIEW, obj)


def may_change(user: Any, obj: models.Model) -> bool:
    return may(user, Action.CHANGE, obj)


#: The largest key a database holds (a signed 64-bit integer); longer digit strings are no id.
MAX_ID = 2**63 - 1


def id_param(value: Any) -> int | None:
    """An id typed in a URL or form (``?unit=12``), or None when it cannot be one.

    SQLite refuses integers beyond 64 bits with an error, not an empty result, so a
    parameter of 20 digits must be stopped here rather than reach a query.
    """
    text = str(value or "").strip()
    # Length first: int() of thousands of digits is itself refused (and slow) before any query.
    if not text.isdecimal() or not text.isascii() or len(text) > len(str(MAX_ID)):
        return None
    number = int(text)
    return number if 0 < number <= MAX_ID else None


def get_for(user: Any, queryset: QuerySet[M] | type[M], action: Action = Action.VIEW, **lookup: Any) -> M:
    """Fetch one object the user may act on, or 404 — never 403, so existence does not leak."""
    qs = queryset._default_manager.all() if isinstance(queryset, type) else queryset
    try:
        obj = qs.get(**lookup)
    except (qs.model.DoesNotExist, ValueError, OverflowError) as exc:
        raise Http404 from exc
    if not may(user, action, obj):
        log_refusal(user, qs.model, action, pk=obj.pk)
        raise Http404
    return obj


def log_refusal(user: Any, model: type[models.Model], action: Action = Action.VIEW, **lookup: Any) -> None:
    """Record in the security log that ``user`` was refused an object that exists (the 404 above)."""
    from gemis.orgs.security import log_event

    target = ",".join(f"{key}={value}" for key, value in lookup.items())
    log_event("access_refused", user=user, model=model._meta.label_lower, action=action.value, target=target)


def units_for(user: Any, model: type[models.Model], action: Action = Action.VIEW) -> QuerySet[OrgUnit]:
    """The units in which ``user`` may act on rows of ``model`` (where a focal point may enter values)."""
    scope = scope_for(user)
    if scope.is_superuser:
        return OrgUnit.objects.all()
    q = Q(pk__in=[])
    for prefix in scope.prefixes(action, model):
        q |= Q(path__startswith=prefix)
    if action == Action.CHANGE and getattr(model, "ACCESS_OWN_UNIT_CHANGE", False):
        q |= Q(pk__in=scope.own_units(action))
    if action in _HISTORY_GUARDED:
        former = Q(pk__in=[])
        for prefix in scope.former_prefixes(action, model):
            former |= Q(path__startswith=prefix)
        q = (q & current_q("")) | (former & _former_q(""))
    return OrgUnit.objects.filter(q)


def visible_units(user: Any) -> QuerySet[OrgUnit]:
    return filter_for(user, OrgUnit.objects.all())


def units_and_above(user: Any) -> QuerySet[OrgUnit]:
    """The units a person sees and the units above them (whose published rows reach down to them)."""
    scope = scope_for(user)
    if scope.is_superuser:
        return OrgUnit.objects.all()
    ancestors = _ancestor_paths(scope.prefixes(Action.VIEW))
    return OrgUnit.objects.filter(condition(user, OrgUnit) | Q(path__in=ancestors))


def top_units(user: Any) -> QuerySet[OrgUnit]:
    """The units a person's memberships name directly (their "home" units)."""
    if scope_for(user).is_superuser:
        return OrgUnit.objects.filter(parent__isnull=True, valid_to__isnull=True)
    return OrgUnit.objects.filter(agencies__memberships__user=user).distinct()
