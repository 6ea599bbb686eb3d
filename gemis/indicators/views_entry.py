"""Data entry: choose a form, the grid (one cell saved at a time), locks and exceptions, completeness.

Every page reads the unit with ``access.get_for`` (another province's unit is a
404); entering needs :func:`gemis.indicators.permissions.may_enter`; the logic is in
:mod:`gemis.indicators.grid`.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.contrib import messages
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from gemis.indicators import completion, disclosure, grid, permissions
from gemis.indicators.forms import DeadlineForm, EntryChoiceForm, ExceptionForm
from gemis.indicators.models import Dataset, DataValue, LockException, Period, PeriodLock, parse_period_code
from gemis.orgs import access
from gemis.orgs.models import OrgUnit
from gemis.orgs.requests import AuthenticatedRequest


def today() -> dt.date:
    return timezone.localdate()


def dataset_for(user: Any, code: str) -> Dataset:
    return access.get_for(user, Dataset, code=code)


def period_for(dataset: Dataset, code: str) -> Period:
    """The period of ``code`` if it is one of the dataset's type (else 404); created on first use."""
    try:
        kind, _start, _end = parse_period_code(code)
    except ValueError as exc:
        raise Http404 from exc
    if kind != dataset.period_type:
        raise Http404
    return Period.get(code)


def _grid_objects(request: AuthenticatedRequest, dataset: str, unit: int, period: str):
    found = dataset_for(request.user, dataset)
    return found, access.get_for(request.user, OrgUnit, pk=unit), period_for(found, period)


def cell_urls(dataset: Dataset, unit: OrgUnit, period: Period) -> dict[str, str]:
    """Where a grid cell saves its value and where its history and note open (the cell templates')."""
    args = [dataset.code, unit.pk, period.code]
    return {
        "cell_url": reverse("indicators:entry-cell", args=args),
        "detail_url": reverse("indicators:entry-cell-detail", args=args),
    }


def grid_url(dataset: Dataset, unit: OrgUnit, period: Period | str) -> str:
    code = period.code if isinstance(period, Period) else period
    return reverse("indicators:entry-grid", args=[dataset.code, unit.pk, code])


def entry_start(request: AuthenticatedRequest) -> HttpResponse:
    """Choose the form, the unit and the period; then the grid."""
    units = permissions.entry_units(request.user)
    datasets = list(access.filter_for(request.user, Dataset.objects.all()))
    data = request.GET.copy()
    if datasets and "dataset" not in data:
        data["dataset"] = datasets[0].code
    if "unit" not in data and units.exists():
        data["unit"] = str(units.first().pk)
    chosen = next((d for d in datasets if d.code == data.get("dataset")), datasets[0] if datasets else None)
    periods = grid.period_choices(chosen, today()) if chosen else []
    form = EntryChoiceForm(data, units=units, periods=periods)
    if request.GET.get("go") and form.is_valid():
        dataset = form.cleaned_data["dataset"]
        period = form.cleaned_data["period"] or grid.default_period(dataset, today())
        return redirect(grid_url(dataset, form.cleaned_data["unit"], period))
    context = {"form": form, "datasets": datasets, "has_units": units.exists()}
    return render(request, "indicators/entry_start.html", context)


def _grid_context(
    request: AuthenticatedRequest, dataset: Dataset, unit: OrgUnit, period: Period, **extra: Any
) -> dict[str, Any]:
    user, now = request.user, today()
    state = grid.lock_state(dataset, period, unit, now)
    may_enter = permissions.may_enter(user, unit)
    rows = grid.completeness_below(user, dataset, period, unit, now)  # the unit itself first
    context = {
        "dataset": dataset,
        "unit": unit,
        "period": period,
        "period_label": grid.period_label(period.code),
        "periods": grid.period_choices(dataset, now),
        "sections": grid.build_grid(
            dataset,
            period,
            unit,
            withheld=disclosure.withheld_elements(user, unit, dataset.data_elements.all()),
        ),
        "state": state,
        "may_enter": may_enter,
        "editable": may_enter and not state.locked,
        "below": rows[1:],
        "own": rows[0] if rows else None,
        "may_grant": permissions.may_grant_exception(user, unit),
        "may_set_deadline": permissions.may_set_deadline(user, unit),
        "completion": completion.completion_of(dataset, period, unit),
        "form_problems": completion.form_problems(dataset, period, unit) if may_enter else [],
        "value_count": DataValue.objects.filter(
            org_unit=unit, period=period, data_element__in=dataset.data_elements.all()
        ).count(),
        "exception_form": ExceptionForm(today=now),
        "deadline_form": DeadlineForm(),
        "today": now,
        **cell_urls(dataset, unit, period),
    }
    context.update(extra)
    return context


def entry_grid(request: AuthenticatedRequest, dataset: str, unit: int, period: str) -> HttpResponse:
    found, org_unit, found_period = _grid_objects(request, dataset, unit, period)
    return render(
        request, "indicators/entry_grid.html", _grid_context(request, found, org_unit, found_period)
    )


STATUS_CODES = {
    grid.SAVED: 200,
    grid.UNCHANGED: 200,
    grid.INVALID: 400,
    grid.CONFLICT: 409,
    grid.LOCKED: 423,
    grid.CONFIRM: 200,  # nothing saved yet: the cell asks "save anyway?" (a second post with confirm=1)
}


@require_POST
def entry_cell(request: AuthenticatedRequest, dataset: str, unit: int, period: str) -> HttpResponse:
    """Save one cell (htmx); the response is the cell again, marked saved or with its message."""
    found, org_unit, found_period = _grid_objects(request, dataset, unit, period)
    if not permissions.may_enter(request.user, org_unit):
        raise Http404
    try:
        version = int(request.POST.get("version", "0"))
    except ValueError:
        version = -1
    result = grid.save_cell(
        found,
        found_period,
        org_unit,
        request.POST.get("element", ""),
        request.POST.get("cell", ""),
        request.POST.get("value", ""),
        version,
        user=request.user,
        today=today(),
        confirm=request.POST.get("confirm") == "1",
    )
    context = {
        "result": result,
        "typed": request.POST.get("value", ""),
        **cell_urls(found, org_unit, found_period),
        "editable": result.status != grid.LOCKED,
        "saved_at": timezone.localtime(),
        "own": grid.unit_completeness(found, found_period, org_unit) if result.status == grid.SAVED else None,
    }
    return render(request, "indicators/_grid_cell.html", context, status=STATUS_CODES[result.status])


def entry_cell_detail(request: AuthenticatedRequest, dataset: str, unit: int, period: str) -> HttpResponse:
    """A cell's history (who entered what, when) and its note; the note is saved by POST (htmx)."""
    found, org_unit, found_period = _grid_objects(request, dataset, unit, period)
    source = request.POST if request.method == "POST" else request.GET
    element, cell = source.get("element", ""), source.get("cell", "")
    problems: list[str] = []
    saved = False
    if request.method == "POST":
        if not permissions.may_enter(request.user, org_unit):
            raise Http404
        problems = grid.save_comment(
            found,
            found_period,
            org_unit,
            element,
            cell,
            request.POST.get("comment", ""),
            user=request.user,
            today=today(),
        )
        saved = not problems
    detail = grid.cell_detail(found, found_period, org_unit, element, cell, today())
    if detail is None or not disclosure.may_see_raw_values(request.user, detail.element, org_unit):
        raise Http404
    context = {
        "detail": detail,
        "dataset": found,
        "unit": org_unit,
        "period": found_period,
        "may_comment": permissions.may_enter(request.user, org_unit)
        and not detail.locked
        and detail.value is not None,
        "problems": problems,
        "saved": saved,
        "typed": request.POST.get("comment") if problems else None,
        **cell_urls(found, org_unit, found_period),
    }
    return render(request, "indicators/_cell_detail.html", context, status=400 if problems else 200)


@require_POST
def entry_exception(request: AuthenticatedRequest, dataset: str, unit: int, period: str) -> HttpResponse:
    """A coordinator above the unit reopens the period for it (and the units below it) until a date."""
    found, org_unit, found_period = _grid_objects(request, dataset, unit, period)
    if not permissions.may_grant_exception(request.user, org_unit):
        raise Http404
    form = ExceptionForm(request.POST, today=today())
    if not form.is_valid():
        context = _grid_context(request, found, org_unit, found_period, exception_form=form)
        return render(request, "indicators/entry_grid.html", context, status=400)
    exception, _created = LockException.objects.get_or_create(
        dataset=found,
        period=found_period,
        org_unit=org_unit,
        defaults={"until": form.cleaned_data["until"], "granted_by": request.user},
    )
    exception.until = form.cleaned_data["until"]
    exception.reason = form.cleaned_data["reason"]
    exception.granted_by = request.user
    exception.save_checked(exception.version)
    messages.success(
        request,
        _("Entry for %(unit)s is open again until %(date)s.")
        % {"unit": org_unit.name, "date": exception.until.strftime("%d/%m/%Y")},
    )
    return redirect(grid_url(found, org_unit, found_period))


@require_POST
def entry_deadline(request: AuthenticatedRequest, dataset: str, unit: int, period: str) -> HttpResponse:
    """A coordinator sets the last day of entry for the units under theirs."""
    found, org_unit, found_period = _grid_objects(request, dataset, unit, period)
    if not permissions.may_set_deadline(request.user, org_unit):
        raise Http404
    form = DeadlineForm(request.POST)
    if not form.is_valid():
        context = _grid_context(request, found, org_unit, found_period, deadline_form=form)
        return render(request, "indicators/entry_grid.html", context, status=400)
    lock, _created = PeriodLock.objects.get_or_create(
        dataset=found,
        period=found_period,
        org_unit=org_unit,
        defaults={"lock_after": form.cleaned_data["lock_after"]},
    )
    lock.lock_after = form.cleaned_data["lock_after"]
    lock.save_checked(lock.version)
    messages.success(
        request,
        _("The last day of entry for the units under %(unit)s is %(date)s.")
        % {"unit": org_unit.name, "date": lock.lock_after.strftime("%d/%m/%Y")},
    )
    return redirect(grid_url(found, org_unit, found_period))


@require_POST
def entry_complete(request: AuthenticatedRequest, dataset: str, unit: int, period: str) -> HttpResponse:
    """Mark the unit's form complete (refused, with what is missing, while a figure lacks a cell), or
    take the mark back (``reopen``)."""
    found, org_unit, found_period = _grid_objects(request, dataset, unit, period)
    if not permissions.may_enter(request.user, org_unit):
        raise Http404
    if request.POST.get("reopen"):
        completion.reopen_form(dataset=found, period=found_period, unit=org_unit)
        messages.success(request, _("The form is open again for entry."))
        return redirect(grid_url(found, org_unit, found_period))
    try:
        expected = int(request.POST.get("version", "-1"))
    except ValueError:
        expected = -1
    try:
        completion.complete_form(
            dataset=found,
            period=found_period,
            unit=org_unit,
            user=request.user,
            today=today(),
            expected_version=expected,
        )
    except completion.FormIncomplete as refused:
        context = _grid_context(request, found, org_unit, found_period, complete_refused=refused.problems)
        return render(request, "indicators/entry_grid.html", context, status=400)
    messages.success(request, _("The form is marked as entered in full."))
    return redirect(grid_url(found, org_unit, found_period))
