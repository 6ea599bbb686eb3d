"""A unit's own indicators and targets: a coordinator defines, changes and removes them.

Who may: those who may change the owning unit (coordinators and administrators
there and above; ``permissions.may_change_indicator``, ``access.may`` on a
target). Anyone else gets a 404, like every object of another unit.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import QuerySet
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from gemis.core.edits import save_edit
from gemis.core.versioning import CONFLICT_MESSAGE
from gemis.indicators import local
from gemis.indicators.forms import LocalIndicatorForm, LocalTargetForm
from gemis.indicators.models import Indicator, Target
from gemis.indicators.permissions import changeable_units, may_change_indicator
from gemis.orgs import access
from gemis.orgs.access import Action
from gemis.orgs.models import OrgUnit
from gemis.orgs.requests import AuthenticatedRequest


def _own_indicator(request: AuthenticatedRequest, code: str) -> Indicator:
    indicator = access.get_for(request.user, Indicator.objects.select_related("owner_unit"), code=code)
    if indicator.is_national or not may_change_indicator(request.user, indicator):
        raise Http404
    return indicator


def _detail_url(indicator: Indicator) -> str:
    return reverse("indicators:indicator-detail", args=[indicator.code]) + (
        f"?unit={indicator.owner_unit_id}" if indicator.owner_unit_id else ""
    )


def _apply(form: LocalIndicatorForm, change: Any) -> Indicator | None:
    try:
        return change()
    except ValidationError as error:
        form.add_error(None, error)  # a {"code": …} error goes to its field
        return None


def indicator_new(request: AuthenticatedRequest) -> HttpResponse:
    units = changeable_units(request.user)
    if not units.exists():
        raise Http404
    first = units.first()
    form = LocalIndicatorForm(
        request.POST or None, units=units, initial={"code": local.suggested_code(first), "owner_unit": first}
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        indicator = _apply(
            form,
            lambda: local.create_local_indicator(
                data["owner_unit"], data["code"], data["kind"], data["categories"], form.descriptive()
            ),
        )
        if indicator is not None:
            messages.success(
                request,
                _("Indicator %(code)s created; its values are entered in the form “%(form)s”.")
                % {"code": indicator.code, "form": local.local_dataset(indicator.owner_unit).name},
            )
            return redirect(_detail_url(indicator))
    status = 400 if request.method == "POST" else 200
    return render(request, "indicators/local_indicator_form.html", {"form": form}, status=status)


def indicator_edit(request: AuthenticatedRequest, code: str) -> HttpResponse:
    indicator = _own_indicator(request, code)
    form = LocalIndicatorForm(request.POST or None, units=changeable_units(request.user), indicator=indicator)
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            data = form.cleaned_data
            with transaction.atomic():
                current = Indicator.objects.select_for_update().get(pk=indicator.pk)
                if data["expected_version"] is not None and current.version != data["expected_version"]:
                    form.add_error(None, CONFLICT_MESSAGE)
                    status = 409
                else:
                    updated = _apply(
                        form,
                        lambda: local.update_local_indicator(
                            current, data["kind"], data["categories"], form.descriptive()
                        ),
                    )
                    if updated is not None:
                        messages.success(request, _("The indicator has been saved."))
                        return redirect(_detail_url(updated))
    context = {
        "form": form,
        "indicator": indicator,
        "has_values": local.has_values(indicator),
    }
    return render(request, "indicators/local_indicator_form.html", context, status=status)


@require_POST
def indicator_delete(request: AuthenticatedRequest, code: str) -> HttpResponse:
    indicator = _own_indicator(request, code)
    try:
        local.delete_local_indicator(indicator)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return redirect(_detail_url(indicator))
    messages.success(request, _("Indicator %(code)s deleted.") % {"code": code})
    return redirect("indicators:catalog-list")


# --------------------------------------------------------------------------- targets


def _target_units(request: AuthenticatedRequest) -> QuerySet[OrgUnit]:
    units = changeable_units(request.user)
    if not units.exists():
        raise Http404
    return units


def target_new(request: AuthenticatedRequest, code: str) -> HttpResponse:
    indicator = access.get_for(request.user, Indicator, code=code)
    units = _target_units(request)
    form = LocalTargetForm(
        request.POST or None, units=units, indicator=indicator, initial={"org_unit": units.first()}
    )
    status = save_edit(request, form, _("The target has been saved."))
    if status is None:
        return redirect(_target_back(form.instance))
    context = {"form": form, "indicator": indicator}
    return render(request, "indicators/local_target_form.html", context, status=status)


def _own_target(request: AuthenticatedRequest, pk: int) -> Target:
    target = access.get_for(request.user, Target.objects.select_related("indicator"), Action.CHANGE, pk=pk)
    if target.org_unit_id is None:
        raise Http404  # national targets come from the catalog file
    if not access.may(request.user, Action.VIEW, target.indicator):
        raise Http404  # a target set on another province's local indicator before it was closed
    return target


def _target_back(target: Target) -> str:
    return (
        reverse("indicators:indicator-detail", args=[target.indicator.code]) + f"?unit={target.org_unit_id}"
    )


def target_edit(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    target = _own_target(request, pk)
    form = LocalTargetForm(
        request.POST or None, instance=target, units=_target_units(request), indicator=target.indicator
    )
    status = save_edit(request, form, _("The target has been saved."))
    if status is None:
        return redirect(_target_back(target))
    context = {"form": form, "indicator": target.indicator, "target": target}
    return render(request, "indicators/local_target_form.html", context, status=status)


@require_POST
def target_delete(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    target = _own_target(request, pk)
    back = _target_back(target)
    target.delete()
    messages.success(request, _("The target has been deleted."))
    return redirect(back)
