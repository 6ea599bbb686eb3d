"""Plan screens: the list, the plan page that reads like the document, editing a draft, issuing, cascading.

Every query goes through :mod:`gemis.orgs.access`. The structure of a plan
(sections, tasks, legal bases) is changed only while it is a draft and only by
someone who may CHANGE the plan; issuing and closing need APPROVE.
"""

from __future__ import annotations

import datetime as dt
import functools
from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db.models import Count, IntegerField, OuterRef, Q, QuerySet, Subquery
from django.db.models.functions import Coalesce
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from gemis.core import jobs, search
from gemis.core.edits import save_edit
from gemis.core.models import BackgroundJob
from gemis.core.versioning import CONFLICT_MESSAGE, ConflictError
from gemis.legal.models import LegalDocument
from gemis.orgs import access
from gemis.orgs.access import Action
from gemis.orgs.models import Agency, OrgUnit, User
from gemis.orgs.requests import AuthenticatedRequest
from gemis.plans import actions, cascade, task_rules
from gemis.plans.forms import (
    LegalBasisForm,
    PlanForm,
    SectionForm,
    TaskForm,
    nearby_agencies,
    understand_deadline,
)
from gemis.plans.models import Plan, PlanKind, PlanSection, PlanStatus, Task
from gemis.plans.permissions import may_write_plan_of, plan_units
from gemis.plans.plan_page import plan_page
from gemis.vn.deadlines import DeadlineKind

PAGE_SIZE = 25
AGENCY_OPTIONS_LIMIT = 60


# -- list -----------------------------------------------------------------------------------------------


def _count_tasks(condition: Q | None = None) -> Coalesce:
    """A per-plan task count as a subquery (no join, so the two counts do not multiply)."""
    tasks = Task.objects.filter(plan=OuterRef("pk"), assigned_unit__isnull=True)
    if condition is not None:
        tasks = tasks.filter(condition)
    counted = tasks.order_by().values("plan").annotate(n=Count("pk")).values("n")[:1]
    return Coalesce(Subquery(counted, output_field=IntegerField()), 0)


def plan_list(request: AuthenticatedRequest) -> HttpResponse:
    user = request.user
    visible = access.filter_for(user, Plan.objects.all())
    plans = visible.select_related("org_unit", "issuing_agency")
    q = request.GET.get("q", "").strip()
    unit_id = request.GET.get("unit", "")
    year = request.GET.get("year", "")
    kind = request.GET.get("kind", "")
    status = request.GET.get("status", "")
    units = OrgUnit.objects.filter(pk__in=visible.values("org_unit")).order_by("path")
    # A value that cannot be an id or a year is ignored, as the filter form would never send it.
    unit_pk = access.id_param(unit_id)
    if unit_pk is not None:
        plans = plans.filter(org_unit_id=unit_pk)
    else:
        unit_id = ""
    if year.isdecimal() and len(year) == 4:
        plans = plans.filter(period_start__lte=int(year), period_end__gte=int(year))
    else:
        year = ""
    if kind in PlanKind.values:
        plans = plans.filter(kind=kind)
    if status in PlanStatus.values:
        plans = plans.filter(status=status)
    plans = search_plans(plans, q)
    plans = plans.annotate(task_total=_count_tasks(), overdue_total=_count_tasks(task_rules.overdue_q()))
    page = Paginator(
        plans.order_by("-period_start", "-issue_date", "-created_at", "-pk"), PAGE_SIZE
    ).get_page(request.GET.get("page"))
    context = {
        "page": page,
        "q": q,
        "unit_id": unit_id,
        "year": year,
        "kind": kind,
        "status": status,
        "units": units,
        "years": _years_of(visible),
        "kinds": PlanKind.choices,
        "statuses": PlanStatus.choices,
        "may_create": plan_units(user).exists(),
    }
    template = (
        "plans/_plan_rows.html"
        if request.htmx and request.htmx.target == "plan-results"
        else "plans/plan_list.html"
    )
    return render(request, template, context)


def search_plans(plans: QuerySet[Plan], q: str) -> QuerySet[Plan]:
    """The plans whose subject or number holds every word of ``q``, folded as task search folds.

    Databases cannot fold Vietnamese (NFC or NFD, "hoá" or "hóa", with or without
    marks), so the folding runs here over the person's plans: a few thousand short
    subjects at most (subjects are capped at ``SUBJECT_MAX_CHARS``), well under the
    cost of a column kept in step on every save.
    """
    # A word typed matches the start of a word ("an" finds "An Bình", not "đẳng"); "1889/KH" is two words.
    if not search.words(q):
        return plans
    rows = plans.order_by().values_list("pk", "subject", "number").iterator()
    found = search.matching(((pk, f"{subject} {number}") for pk, subject, number in rows), q, word_start=True)
    return plans.filter(pk__in=found)


def _years_of(plans: QuerySet[Plan]) -> list[int]:
    bounds = plans.order_by().values_list("period_start", "period_end")
    years: set[int] = set()
    for start, end in bounds.distinct()[:200]:
        years.update(range(start, min(end, start + 30) + 1))
    return sorted(years, reverse=True)


# -- the plan page ------------------------------------------------------------------------------------------


def plan_detail(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    plan = access.get_for(
        request.user,
        Plan.objects.select_related("org_unit", "issuing_agency", "parent_plan", "issued_by"),
        pk=pk,
    )
    page = plan_page(request.user, plan)
    return render(request, "plans/plan_detail.html", {"plan": plan, "page": page, "doc": page.doc})


# -- what changes a draft: one prelude, one refusal --------------------------------------------------------


def refusing_issued_plans(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """An issued plan's structure is fixed: say so on its page instead of changing it."""

    @functools.wraps(view)
    def wrapper(request: AuthenticatedRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        try:
            return view(request, *args, **kwargs)
        except actions.PlanNotDraft as refused:
            messages.error(request, " ".join(refused.messages))
            return redirect("plans:plan-detail", pk=refused.plan.pk)

    return wrapper


def _draft_for_change(request: AuthenticatedRequest, pk: int) -> Plan:
    """A draft the person may change; 404 outside their remit, a refusal once issued."""
    plan = access.get_for(request.user, Plan.objects.select_related("org_unit"), Action.CHANGE, pk=pk)
    actions.require_draft(plan)
    return plan


def _section_for_change(request: AuthenticatedRequest, pk: int) -> PlanSection:
    section = get_object_or_404(PlanSection.objects.select_related("plan__org_unit"), pk=pk)
    if not access.may(request.user, Action.CHANGE, section.plan):
        raise Http404
    actions.require_draft(section.plan)
    return section


def _task_for_change(request: AuthenticatedRequest, pk: int) -> Task:
    """A task whose plan the person may change (a lead agency's focal point edits progress, not structure)."""
    task = get_object_or_404(Task.objects.select_related("plan__org_unit", "parent_task"), pk=pk)
    if not access.may(request.user, Action.CHANGE, task.plan):
        raise Http404
    actions.require_draft(task.plan)
    return task


def _say(request: AuthenticatedRequest, error: ValidationError) -> None:
    messages.error(request, " ".join(error.messages))


def _anchor(plan: Plan, name: str, obj_pk: int | None) -> str:
    url = reverse("plans:plan-detail", args=[plan.pk])
    return f"{url}#{name}-{obj_pk}" if obj_pk else url


# -- create and edit a plan ------------------------------------------------------------------------


def plan_create(request: AuthenticatedRequest) -> HttpResponse:
    user = request.user
    if not plan_units(user).exists():
        raise Http404
    form = PlanForm(request.POST or None, user=user, instance=Plan(created_by=user))
    if request.method == "POST":
        if form.is_valid():
            plan = form.save()
            messages.success(request, _("The draft plan has been created. Add its sections and tasks."))
            return redirect("plans:plan-detail", pk=plan.pk)
        return render(request, "plans/plan_form.html", {"form": form}, status=400)
    return render(request, "plans/plan_form.html", {"form": form})


@refusing_issued_plans
def plan_edit(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    plan = _draft_for_change(request, pk)
    form = PlanForm(request.POST or None, user=request.user, instance=plan)
    status = save_edit(request, form, _("The plan has been saved."))
    if status is None:
        return redirect("plans:plan-detail", pk=plan.pk)
    context = {
        "form": form,
        "plan": plan,
        "basis_form": LegalBasisForm(),
        "legal_bases": plan.legal_bases.order_by("issue_date", "pk"),
    }
    return render(request, "plans/plan_form.html", context, status=status)


def issuing_agency_options(request: AuthenticatedRequest) -> HttpResponse:
    """The <option>s of the issuing-agency select for the unit just chosen in the plan form."""
    unit_id = access.id_param(request.GET.get("org_unit"))
    agencies = Agency.objects.none()
    if unit_id is not None:
        unit = plan_units(request.user).filter(pk=unit_id).first()
        if unit is not None:
            agencies = Agency.objects.filter(org_unit=unit).order_by("valid_to", "name")
    return render(request, "plans/_plan_agency_options.html", {"agencies": agencies, "empty": True})


@refusing_issued_plans
def plan_delete(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    plan = _draft_for_change(request, pk)
    if request.method == "POST":
        actions.delete_draft(plan, by=request.user)
        messages.success(
            request, _("The draft plan has been deleted. It can be restored from the trash if needed.")
        )
        return redirect("plans:plan-list")
    return render(
        request,
        "plans/plan_confirm_delete.html",
        {
            "plan": plan,
            "what": str(plan),
            "consequence": _("Its %(sections)d sections and %(tasks)d tasks are deleted with it.")
            % {"sections": plan.sections.count(), "tasks": plan.tasks.count()},
            "back": reverse("plans:plan-detail", args=[plan.pk]),
        },
    )


# -- legal bases -----------------------------------------------------------------------------------------


@require_POST
@refusing_issued_plans
def legal_basis_add(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    plan = _draft_for_change(request, pk)
    back = reverse("plans:plan-edit", args=[plan.pk]) + "#legal-bases"
    form = LegalBasisForm(request.POST)
    if not form.is_valid():
        for errors in form.errors.values():
            messages.error(request, " ".join(errors))
        return redirect(back)
    document, created = actions.cite_legal_basis(plan, **form.cleaned_data)
    if created:
        messages.success(request, _("The legal basis has been added."))
    else:
        messages.info(
            request,
            _("This document was already recorded; the plan now cites it: %(citation)s")
            % {"citation": document.citation},
        )
    return redirect(back)


@require_POST
@refusing_issued_plans
def legal_basis_remove(request: AuthenticatedRequest, pk: int, document_pk: int) -> HttpResponse:
    plan = _draft_for_change(request, pk)
    try:
        actions.drop_legal_basis(plan, document_id=document_pk)
    except LegalDocument.DoesNotExist:
        raise Http404 from None
    messages.success(request, _("The legal basis has been removed from this plan."))
    return redirect(reverse("plans:plan-edit", args=[plan.pk]) + "#legal-bases")


# -- status ------------------------------------------------------------------------------------------------


def _expected_version(request: AuthenticatedRequest, plan: Plan) -> int:
    version = access.id_param(request.POST.get("expected_version"))
    return version if version is not None else plan.version


def _change_status(
    request: AuthenticatedRequest, plan: Plan, action: Callable[..., Plan], success: str
) -> HttpResponse:
    """Run ``action`` unless someone changed the plan meanwhile (then say so and keep theirs)."""
    try:
        action(plan, by=request.user, expected_version=_expected_version(request, plan))
    except ConflictError:
        messages.error(request, CONFLICT_MESSAGE)
    except ValidationError as error:
        _say(request, error)
    else:
        messages.success(request, success)
    return redirect("plans:plan-detail", pk=plan.pk)


def plan_issue(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    """Issuing cannot be undone: first the page of what is wrong and what follows, then the confirmed POST."""
    plan = access.get_for(request.user, Plan, Action.APPROVE, pk=pk)
    if request.method != "POST" or not request.POST.get("confirm"):
        check = actions.check_issue(plan)
        context = {"plan": plan, "action": "issue", "check": check}
        return render(
            request, "plans/plan_confirm.html", context, status=409 if request.method == "POST" else 200
        )
    response = _change_status(
        request, plan, actions.issue_plan, _("The plan has been issued. Its tasks are now followed up.")
    )
    job = _hand_down_job(request.user, plan)
    if job is not None and not job.is_finished:
        # The units' shares are being made: the person watches it happen (96 communes take a moment).
        return redirect("orgs:job-detail", pk=job.pk)
    return response


def _hand_down_job(user: User, plan: Plan) -> BackgroundJob | None:
    """The hand-down the issue has just started, if any (plans/actions.py starts it on commit)."""
    return (
        BackgroundJob.objects.filter(owner=user, kind=actions.HAND_DOWN_JOB, params__plan=plan.pk)
        .order_by("-created_at")
        .first()
    )


@require_POST
def plan_hand_down(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    """Hand the plan down again: only the shares still missing are made (a unit given a standing agency)."""
    plan = access.get_for(request.user, Plan, Action.APPROVE, pk=pk)
    if plan.status != PlanStatus.ISSUED:
        messages.error(request, _("Only an issued plan is handed down to its units."))
        return redirect("plans:plan-detail", pk=plan.pk)
    job = jobs.start(
        request.user,
        actions.HAND_DOWN_JOB,
        _("Handing down the tasks of %(plan)s") % {"plan": plan},
        {"plan": plan.pk},
    )
    if not job.is_finished:
        return redirect("orgs:job-detail", pk=job.pk)
    messages.success(request, _("Every addressed unit has its share of the tasks."))
    return redirect("plans:plan-detail", pk=plan.pk)


def plan_close(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    """Closing ends the follow-up of every open task: say how many, then the confirmed POST."""
    plan = access.get_for(request.user, Plan, Action.APPROVE, pk=pk)
    if request.method != "POST" or not request.POST.get("confirm"):
        still_open = plan.tasks.exclude(status__in=actions.CLOSED_STATUSES).count()
        context = {"plan": plan, "action": "close", "still_open": still_open}
        return render(
            request, "plans/plan_confirm.html", context, status=409 if request.method == "POST" else 200
        )
    return _change_status(request, plan, actions.close_plan, _("The plan has been closed."))


# -- cascade ------------------------------------------------------------------------------------------


@require_POST
def plan_cascade(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    """Build the draft plan of a unit or an agency from an issued plan (or open the one already built)."""
    user = request.user
    plan = access.get_for(user, Plan.objects.select_related("org_unit", "issuing_agency"), pk=pk)
    unit_id = access.id_param(request.POST.get("unit"))
    agency_id = access.id_param(request.POST.get("agency"))
    agency = None
    if agency_id is not None:
        agency = access.get_for(user, Agency.objects.select_related("org_unit"), pk=agency_id)
        unit = agency.org_unit
    elif unit_id is not None:
        unit = access.get_for(user, OrgUnit, pk=unit_id)
    else:
        raise Http404
    if not may_write_plan_of(user, unit, agency):
        raise Http404
    try:
        child, created = cascade.cascade(plan, unit, agency, user)
    except ValidationError as error:
        _say(request, error)
        return redirect("plans:plan-detail", pk=plan.pk)
    if created:
        messages.success(
            request,
            _("The draft plan of %(who)s has been created from this plan with %(n)d tasks.")
            % {"who": agency or unit, "n": child.tasks.count()},
        )
    else:
        messages.info(request, _("This draft was already created; here it is."))
    return redirect("plans:plan-detail", pk=child.pk)


# -- sections -----------------------------------------------------------------------------------------


@refusing_issued_plans
def section_create(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    plan = _draft_for_change(request, pk)
    parent_id = access.id_param(request.GET.get("parent"))
    initial = {"parent": parent_id} if parent_id else {}
    form = SectionForm(request.POST or None, plan=plan, instance=PlanSection(plan=plan), initial=initial)
    if request.method == "POST":
        if form.is_valid():
            section = form.save(commit=False)
            section.order = actions.next_order(plan.sections.filter(parent=section.parent))
            section.save()
            messages.success(request, _("The section has been added."))
            return redirect(_anchor(plan, "section", section.pk))
        return render(request, "plans/plan_section_form.html", {"form": form, "plan": plan}, status=400)
    return render(request, "plans/plan_section_form.html", {"form": form, "plan": plan})


@refusing_issued_plans
def section_edit(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    section = _section_for_change(request, pk)
    plan = section.plan
    old_parent = section.parent_id
    form = SectionForm(request.POST or None, plan=plan, instance=section)

    def keep_order() -> None:
        if section.parent_id != old_parent:  # moved under another section: it goes last there
            section.order = actions.next_order(plan.sections.filter(parent_id=section.parent_id))

    status = save_edit(request, form, _("The section has been saved."), before_save=keep_order)
    if status is None:
        return redirect(_anchor(plan, "section", section.pk))
    return render(
        request,
        "plans/plan_section_form.html",
        {"form": form, "plan": plan, "section": section},
        status=status,
    )


@refusing_issued_plans
def section_delete(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    section = _section_for_change(request, pk)
    plan = section.plan
    if section.children.exists():
        messages.error(request, _("This section has subsections: delete or move them first."))
        return redirect(_anchor(plan, "section", section.pk))
    if request.method == "POST":
        try:
            # Its tasks are not lost: they move up to the enclosing section, each with a history row.
            actions.delete_section(section, by=request.user)
        except actions.PlanNotDraft:
            raise
        except ValidationError as error:  # a subsection added meanwhile
            _say(request, error)
            return redirect(_anchor(plan, "section", section.pk))
        messages.success(request, _("The section has been deleted."))
        return redirect(_anchor(plan, "section", section.parent_id))
    task_count = section.tasks.count()
    consequence = (
        _("Its %(n)d tasks move to the enclosing section.") % {"n": task_count} if task_count else ""
    )
    return render(
        request,
        "plans/plan_confirm_delete.html",
        {
            "plan": plan,
            "what": str(section),
            "consequence": consequence,
            "back": _anchor(plan, "section", section.pk),
        },
    )


@require_POST
@refusing_issued_plans
def section_move(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    section = _section_for_change(request, pk)
    actions.move_section(section, direction=request.POST.get("direction", ""))
    return redirect(_anchor(section.plan, "section", section.pk))


# -- tasks -------------------------------------------------------------------------------------------------


def _picker_context(request: AuthenticatedRequest, plan: Plan, form: TaskForm) -> dict:
    """What the lead and partner pickers start with: the chosen agencies, then those nearby."""
    user = request.user
    visible = access.filter_for(user, Agency.objects.select_related("org_unit"))
    nearby = list(access.filter_for(user, nearby_agencies(plan.org_unit))[:AGENCY_OPTIONS_LIMIT])
    lead_value = form["lead_agency"].value()
    partner_values = [str(v) for v in (form["partners"].value() or [])]
    lead_pk = access.id_param(lead_value)
    lead = visible.filter(pk=lead_pk).first() if lead_pk else None
    chosen_partners = list(visible.filter(pk__in=[pk for pk in map(access.id_param, partner_values) if pk]))
    lead_options = ([lead] if lead else []) + [a for a in nearby if a != lead]
    partner_options = chosen_partners + [a for a in nearby if a not in chosen_partners]
    return {
        "lead_options": lead_options,
        "lead_selected": lead.pk if lead else None,
        "partner_options": partner_options,
        "partner_selected": {a.pk for a in chosen_partners},
    }


def _task_form_response(
    request: AuthenticatedRequest, plan: Plan, form: TaskForm, task: Task | None, status: int = 200
) -> HttpResponse:
    context = {"form": form, "plan": plan, "task": task, **_picker_context(request, plan, form)}
    return render(request, "plans/plan_task_form.html", context, status=status)


@refusing_issued_plans
def task_create(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    plan = _draft_for_change(request, pk)
    section_id = access.id_param(request.GET.get("section"))
    initial = {"section": section_id} if section_id else {}
    form = TaskForm(
        request.POST or None, plan=plan, user=request.user, instance=Task(plan=plan), initial=initial
    )
    if request.method == "POST":
        if form.is_valid():
            form.instance.order = actions.next_order(plan.tasks.all())
            task = form.save()
            messages.success(request, _("The task has been added."))
            return redirect(_anchor(plan, "task", task.pk))
        return _task_form_response(request, plan, form, None, status=400)
    return _task_form_response(request, plan, form, None)


@refusing_issued_plans
def task_edit(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    task = _task_for_change(request, pk)
    plan = task.plan
    form = TaskForm(request.POST or None, plan=plan, user=request.user, instance=task)
    status = save_edit(request, form, _("The task has been saved."))
    if status is None:
        return redirect(_anchor(plan, "task", task.pk))
    return _task_form_response(request, plan, form, task, status=status)


@refusing_issued_plans
def task_delete(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    task = _task_for_change(request, pk)
    plan = task.plan
    if request.method == "POST":
        actions.delete_task(task, by=request.user)
        messages.success(
            request, _("The task has been deleted. It can be restored from the trash if needed.")
        )
        return redirect(_anchor(plan, "section", task.section_id))
    return render(
        request,
        "plans/plan_confirm_delete.html",
        {"plan": plan, "what": task.text, "consequence": "", "back": _anchor(plan, "task", task.pk)},
    )


@require_POST
@refusing_issued_plans
def task_move(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    task = _task_for_change(request, pk)
    actions.move_task(task, direction=request.POST.get("direction", ""))
    return redirect(_anchor(task.plan, "task", task.pk))


def deadline_preview(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    """How a typed deadline is understood (htmx, as the person types)."""
    plan = access.get_for(request.user, Plan, Action.CHANGE, pk=pk)
    text = request.GET.get("deadline_text", "")
    event_date = None
    raw_date = request.GET.get("event_date", "")
    if raw_date:
        try:
            event_date = dt.date.fromisoformat(raw_date)
        except ValueError:
            event_date = None
    deadline, problem = understand_deadline(text, plan, event_date)
    due = None
    if deadline is not None:
        due = task_rules.compute_due_date(Task(plan=plan), deadline)
    context = {
        "deadline": deadline,
        "label": deadline.label(get_language() or "vi") if deadline is not None else "",
        "kind": deadline.kind.value if deadline is not None else "",
        "due": due,
        "problem": problem,
        "is_event": deadline is not None and deadline.kind is DeadlineKind.EVENT,
        "unrecognised": deadline is not None and deadline.kind is DeadlineKind.NONE,
        "continuous": deadline is not None and deadline.is_recurring and due is None,
    }
    return render(request, "plans/_plan_deadline_preview.html", context)


def agency_options(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    """The lead or partner picker, filtered as the person types; chosen agencies stay chosen."""
    user = request.user
    plan = access.get_for(user, Plan.objects.select_related("org_unit"), Action.CHANGE, pk=pk)
    field_name = request.GET.get("field", "partners")
    q = request.GET.get("lead_q" if field_name == "lead" else "partner_q", "").strip()
    visible = access.filter_for(user, Agency.objects.select_related("org_unit"))
    if q:
        found = search.filter_words(visible.filter(valid_to__isnull=True), "search_name", q)
        matches = list(found.order_by("org_unit__depth", "org_unit__path", "name")[:AGENCY_OPTIONS_LIMIT])
    else:
        matches = list(access.filter_for(user, nearby_agencies(plan.org_unit))[:AGENCY_OPTIONS_LIMIT])
    if field_name == "lead":
        value = access.id_param(request.GET.get("lead_agency"))
        lead = visible.filter(pk=value).first() if value else None
        options = ([lead] if lead else []) + [a for a in matches if a != lead]
        return render(
            request,
            "plans/_plan_lead_options.html",
            {"lead_options": options, "lead_selected": lead.pk if lead else None},
        )
    chosen_ids = [pk for pk in map(access.id_param, request.GET.getlist("partners")) if pk]
    chosen = list(visible.filter(pk__in=chosen_ids))
    options = chosen + [a for a in matches if a not in chosen]
    return render(
        request,
        "plans/_plan_partner_options.html",
        {"partner_options": options, "partner_selected": {a.pk for a in chosen}},
    )
