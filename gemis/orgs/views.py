"""Screens of the orgs app: home, units, agencies, people. Every query goes through ``access``."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.paginator import Paginator
from django.db import IntegrityError, transaction
from django.db.models import Count, Q
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from gemis.core import search
from gemis.core.edits import save_edit
from gemis.core.home_page import home_sections
from gemis.core.versioning import ConflictError
from gemis.orgs import access, people, security
from gemis.orgs.access import Action
from gemis.orgs.forms import MembershipForm, NewUserForm, StandingAgencyForm, UserForm, manageable_agencies
from gemis.orgs.models import Agency, Membership, OrgUnit, Scheme, Tier, User
from gemis.orgs.requests import AuthenticatedRequest

PAGE_SIZE = 50
AGENCY_OPTIONS_LIMIT = 100


def _search(queryset, text: str):
    """Accent-insensitive search: every word must appear in the folded name."""
    return search.filter_words(queryset, "search_name", text)


def home(request: AuthenticatedRequest) -> HttpResponse:
    """Each person's work (``core.home``: the apps' sections) and their units and roles."""
    user = request.user
    memberships = (
        Membership.objects.filter(user=user)
        .select_related("agency__org_unit")
        .order_by("agency__org_unit__path")
    )
    context = {
        "memberships": memberships,
        "sections": home_sections(user, timezone.localdate()),
        "may_manage": bool(access.scope_for(user).prefixes(Action.MANAGE)) or user.is_superuser,
    }
    return render(request, "orgs/home.html", context)


def registry_counts(user: Any) -> dict[str, Any]:
    """What the units page says of the registry the person sees: units in force by tier, agencies, people."""
    units = access.visible_units(user).filter(access.current_q())
    tiers = dict(units.values_list("tier").annotate(n=Count("id")).values_list("tier", "n"))
    return {
        "tier_counts": [(label, tiers.get(value, 0)) for value, label in Tier.choices if tiers.get(value)],
        "agency_count": access.filter_for(user, Agency.objects.filter(valid_to__isnull=True)).count(),
        "people_count": access.filter_for(user, Membership.objects.all()).values("user").distinct().count(),
    }


def unit_list(request: AuthenticatedRequest) -> HttpResponse:
    q = request.GET.get("q", "").strip()
    scheme = request.GET.get("scheme", Scheme.CURRENT)
    tier = request.GET.get("tier", "")
    units = access.visible_units(request.user).select_related("parent")
    if scheme in Scheme.values:
        units = units.filter(scheme=scheme)
    if tier in Tier.values:
        units = units.filter(tier=tier)
    if q:
        units = _search(units, q)
    elif not tier:
        # Without a search, start from the units the person belongs to.
        top = access.top_units(request.user).filter(scheme=scheme) if scheme in Scheme.values else None
        if top is not None and top.exists():
            units = units.filter(pk__in=top.values("pk"))
    page = Paginator(units.order_by("path"), PAGE_SIZE).get_page(request.GET.get("page"))
    context = {
        "page": page,
        "q": q,
        "scheme": scheme,
        "tier": tier,
        "schemes": Scheme.choices,
        "tiers": Tier.choices,
    }
    partial = bool(request.htmx and request.htmx.target == "unit-results")
    if not partial:
        context["counts"] = registry_counts(request.user)
    return render(request, "orgs/_unit_rows.html" if partial else "orgs/unit_list.html", context)


def unit_detail(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    unit = access.get_for(request.user, OrgUnit.objects.select_related("parent", "standing_agency"), pk=pk)
    visible = access.visible_units(request.user)
    children = visible.filter(parent=unit).annotate(agency_total=Count("agencies"))
    child_q = request.GET.get("q", "").strip()
    if child_q:
        children = _search(children, child_q)
    page = Paginator(children.order_by("code"), PAGE_SIZE).get_page(request.GET.get("page"))
    form = None
    if access.may(request.user, Action.CHANGE, unit):
        form = StandingAgencyForm(instance=unit)
    context = {
        "unit": unit,
        "ancestors": [u for u in unit.ancestors() if access.may_view(request.user, u)],
        "page": page,
        "child_q": child_q,
        "agencies": unit.agencies.order_by("valid_to", "name"),
        "successors": visible.filter(predecessions__predecessor=unit).distinct(),
        "predecessors": visible.filter(successions__successor=unit).distinct().order_by("path"),
        "standing_form": form,
    }
    return render(request, "orgs/unit_detail.html", context)


@require_POST
def unit_standing_agency(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    unit = access.get_for(request.user, OrgUnit, Action.CHANGE, pk=pk)
    form = StandingAgencyForm(request.POST, instance=unit)
    if form.is_valid():
        try:
            form.save()
        except ConflictError:
            pass
        else:
            messages.success(request, _("The standing agency has been saved."))
            return redirect("orgs:unit-detail", pk=unit.pk)
    unit.refresh_from_db()
    status = 409 if form.non_field_errors() else 400
    return render(
        request, "orgs/unit_standing_form.html", {"unit": unit, "standing_form": form}, status=status
    )


def agency_list(request: AuthenticatedRequest) -> HttpResponse:
    q = request.GET.get("q", "").strip()
    show_former = request.GET.get("former") == "1"
    agencies = access.filter_for(request.user, Agency.objects.select_related("org_unit"))
    unit_id = request.GET.get("unit", "")
    unit = None
    if unit_id.isdigit():
        unit = access.get_for(request.user, OrgUnit, pk=int(unit_id))
        agencies = agencies.filter(org_unit__path__startswith=unit.path)
    if not show_former:
        agencies = agencies.filter(valid_to__isnull=True)
    if q:
        agencies = _search(agencies, q)
    page = Paginator(agencies.order_by("org_unit__path", "name"), PAGE_SIZE).get_page(request.GET.get("page"))
    context = {"page": page, "q": q, "unit": unit, "show_former": show_former}
    template = (
        "orgs/_agency_rows.html"
        if request.htmx and request.htmx.target == "agency-results"
        else "orgs/agency_list.html"
    )
    return render(request, template, context)


def agency_detail(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    agency = access.get_for(request.user, Agency.objects.select_related("org_unit"), pk=pk)
    context = {
        "agency": agency,
        "aliases": agency.aliases.order_by("alias"),
        "successors": access.filter_for(request.user, agency.successors.select_related("org_unit")),
        "predecessors": access.filter_for(request.user, agency.predecessors.select_related("org_unit")),
        "members": access.filter_for(request.user, agency.memberships.select_related("user"))
        .filter(user__is_active=True)
        .order_by("role", "user__full_name"),
    }
    return render(request, "orgs/agency_detail.html", context)


# People: administrators manage the accounts of their own units (see orgs/people.py for whose).


def _require_manager(request: AuthenticatedRequest) -> None:
    if not people.is_manager(request.user):
        raise Http404


def _changed_fields(form) -> str:
    return ",".join(sorted(name for name in form.changed_data if name != "expected_version")) or "-"


def user_list(request: AuthenticatedRequest) -> HttpResponse:
    _require_manager(request)
    q = request.GET.get("q", "").strip()
    users = people.manageable_users(request.user).prefetch_related("memberships__agency__org_unit")
    if q:
        for word in q.split():
            users = users.filter(
                Q(username__icontains=word) | Q(full_name__icontains=word) | Q(email__icontains=word)
            )
    page = Paginator(users.order_by("username"), PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "orgs/user_list.html", {"page": page, "q": q})


def user_create(request: AuthenticatedRequest) -> HttpResponse:
    _require_manager(request)
    form = NewUserForm(request.POST or None, manager=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            with transaction.atomic():
                user = form.save()
        except IntegrityError:
            # Someone created the same username (in another case) a moment ago.
            form.add_error(
                "username", _("Another account already uses this username. Choose another username.")
            )
        else:
            security.log_event(
                "user_created",
                request=request,
                target=user.username,
                agency=form.cleaned_data["agency"].pk,
                role=form.cleaned_data["role"],
            )
            messages.success(
                request, _("Account %(username)s has been created.") % {"username": user.username}
            )
            return redirect("orgs:user-detail", pk=user.pk)
    return render(
        request, "orgs/user_form.html", {"form": form, "agency_options": _agency_options(request.user, "")}
    )


def user_detail(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    _require_manager(request)
    person = people.get_manageable(request.user, pk)
    form = UserForm(request.POST or None, instance=person)
    try:
        status = save_edit(request, form, _("The account has been saved."))
    except IntegrityError:
        form.add_error("username", _("Another account already uses this username. Choose another username."))
        status = 400
    if status is None:
        security.log_event(
            "user_changed", request=request, target=person.username, fields=_changed_fields(form)
        )
        return redirect("orgs:user-detail", pk=person.pk)
    memberships = person.memberships.select_related("agency__org_unit")
    context = {
        "person": person,
        "form": form,
        "memberships": [(m, access.may(request.user, Action.MANAGE, m)) for m in memberships],
        "membership_form": MembershipForm(manager=request.user),
        "agency_options": _agency_options(request.user, ""),
        "history": person.history.order_by("-history_date")[:20],
    }
    return render(request, "orgs/user_detail.html", context, status=status)


@require_POST
def membership_add(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    _require_manager(request)
    person = people.get_manageable(request.user, pk)
    form = MembershipForm(request.POST, manager=request.user, instance=Membership(user=person))
    if form.is_valid():
        membership = form.save()
        security.log_event(
            "membership_added",
            request=request,
            target=person.username,
            agency=membership.agency_id,
            role=membership.role,
        )
        messages.success(request, _("The role has been added."))
    else:
        for error in form.errors.values():
            messages.error(request, " ".join(error))
    return redirect("orgs:user-detail", pk=person.pk)


@require_POST
def membership_remove(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    membership = people.get_manageable_membership(request.user, pk)
    person = membership.user
    if person == request.user and membership.role == "admin":
        messages.error(request, _("You cannot remove your own administrator role."))
    else:
        membership.delete()
        security.log_event(
            "membership_removed",
            request=request,
            target=person.username,
            agency=membership.agency_id,
            role=membership.role,
        )
        messages.success(request, _("The role has been removed."))
    return redirect("orgs:user-detail", pk=person.pk)


def _agency_options(manager: User, q: str):
    agencies = manageable_agencies(manager)
    if q:
        agencies = _search(agencies, q)
    else:
        agencies = agencies.filter(org_unit__depth__lte=2)
    return agencies[:AGENCY_OPTIONS_LIMIT]


def agency_options(request: AuthenticatedRequest) -> HttpResponse:
    """Options for the agency picker, filtered as the administrator types."""
    _require_manager(request)
    options = _agency_options(request.user, request.GET.get("agency_q", "").strip())
    return render(request, "orgs/_agency_options.html", {"agency_options": options})
