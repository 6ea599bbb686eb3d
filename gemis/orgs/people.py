"""Whose account an administrator may manage.

A unit administrator manages a person only when *every* membership of that person lies
inside the administrator's remit (the units where they hold the admin role, and below):
someone who also holds a role higher up or elsewhere — a province administrator seen
from a commune, the system administrator — is out of reach, so a unit administrator
can never lock out, rename or re-address the people above them. Superusers are managed
by superusers only. Everything out of reach answers 404, like the rest of the access rule.
"""

from __future__ import annotations

from django.db.models import Q, QuerySet
from django.http import Http404

from gemis.orgs import access, security
from gemis.orgs.access import Action
from gemis.orgs.models import Membership, User


def _remit(manager: User) -> Q | None:
    """Memberships inside the manager's remit, as a condition (None: no remit at all)."""
    prefixes = access.scope_for(manager).prefixes(Action.MANAGE)
    if not prefixes:
        return None
    condition = Q(pk__in=[])
    for prefix in prefixes:
        condition |= Q(agency__org_unit__path__startswith=prefix)
    return condition


def is_manager(user: User) -> bool:
    return user.is_superuser or bool(access.scope_for(user).prefixes(Action.MANAGE))


def manageable_users(manager: User) -> QuerySet[User]:
    """The accounts ``manager`` may see and change on the people screens."""
    if manager.is_superuser:
        return User.objects.all()
    inside = _remit(manager)
    if inside is None or not manager.is_active:
        return User.objects.none()
    # Placed somewhere inside, and nowhere outside (a person of no unit belongs to no administrator).
    return (
        User.objects.filter(is_superuser=False)
        .filter(pk__in=Membership.objects.filter(inside).values("user_id"))
        .exclude(pk__in=Membership.objects.exclude(inside).values("user_id"))
    )


def get_manageable(manager: User, pk: int) -> User:
    person = manageable_users(manager).filter(pk=pk).first()
    if person is None:
        security.log_event(
            "access_refused", user=manager, model="orgs.user", action="manage", target=f"pk={pk}"
        )
        raise Http404
    return person


def get_manageable_membership(manager: User, pk: int) -> Membership:
    """A membership the manager may remove: inside the remit, of a person the manager manages."""
    membership = access.get_for(manager, Membership.objects.select_related("user"), Action.MANAGE, pk=pk)
    get_manageable(manager, membership.user_id)
    return membership
