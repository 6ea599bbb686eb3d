"""Plan screens: the list, the plan page that reads like the document, editing a draft, issuing, cascading.

Every query goes through :mod:`gemis.orgs.access`. The structure of a plan
(sections, tasks, legal bases) is changed only while it is a draft and only by
someone who may CHANGE the plan; issuing and closing need APPROVE.
"""

from __future__ import annotations

import datetime as dt
import functools
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db import transaction
from django.db.models import Count, IntegerField, OuterRef, Q, QuerySet, Subquery
from django.db.models.functions import Coalesce
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from gemis.core.forms import save_edit
from gemis.core.versioning import CONFLICT_MESSAGE, ConflictError
from gemis.legal.models import LegalDocument
from gemis.legal.register import record_document
from gemis.orgs import access
from gemis.orgs.access import Action
from gemis.orgs.models import Agency, AgencyKind, OrgUnit
from gemis.plans import cascade as cascade_rules
from gemis.plans import tasks as task_rules
from gemis.plans import trash
from gemis.plans.forms import (
    LegalBasisForm,
    PlanForm,
    SectionForm,
    TaskForm,
    nearby_agencies,
    plan_units,
    understand_deadline,
)
from gemis.plans.models import Plan, PlanKind, PlanSection, PlanStatus, Task, TaskStatus
from gemis.vn.deadlines import DeadlineKind
from gemis.vn.text import fold

PAGE_SIZE = 25
AGENCY_OPTIONS_LIMIT = 60
STATUS_BADGES = {
    TaskStatus.NOT_STARTED: "text-bg-secondary",
    TaskStatus.IN_PROGRESS: "text-bg-primary",
    TaskStatus.DONE: "text-bg-success",
    TaskStatus.CANCELLED: "text-bg-light border",
    task_rules.OVERDUE: "text-bg-danger",
}


# -- list -----------------------------------------------------------------------------------------------


def _count_tasks(condition: Q | None = None) -> Coalesce:
    """A per-plan task count as a subquery (no join, so the two counts do not multiply)."""
    tasks = Task.objects.filter(plan=OuterRef("pk"))
    if condition is not None:
        tasks = tasks.filter(condition)
    counted = tasks.order_by().values("plan").annotate(n=Count("pk")).values("n")[:1]
    return Coalesce(Subquery(counted, output_field=IntegerField()), 0)


@login_required
def plan_list(request: HttpRequest) -> HttpResponse:
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
    words = [f" {word}" for word in fold(q).split()]
    if not words:
        return plans
    found = []
    for pk, subject, number in plans.order_by().values_list("pk", "subject", "number").iterator():
        text = _folded(subject, number)
        if all(word in text for word in words):
            found.append(pk)
    return plans.filter(pk__in=found)


@functools.lru_cache(maxsize=20_000)
def _folded(subject: str, number: str) -> str:
    """A plan's searchable words, folded; cached, as cascaded plans repeat their parent's subject."""
    return f" {fold(subject)} {fold(number)}"


def _years_of(plans: QuerySet[Plan]) -> list[int]:
    bounds = plans.order_by().values_list("period_start", "period_end")
    years: set[int] = set()
    for start, end in bounds.distinct()[:200]:
        years.update(range(start, min(end, start + 30) + 1))
    return sorted(years, reverse=True)


# -- the plan page ------------------------------------------------------------------------------------------


def _source_document(user: Any, plan: Plan) -> Any:
    """The document the plan was imported from (``documents.ImportedDocument``), if the person may see it.

    Reached through the reverse relation: plans sit below the import workflow and do not import it.
    """
    document = getattr(plan, "source_document", None)
    return document if document is not None and access.may_view(user, document) else None


@dataclass
class OutlineEntry:
    """A section of the document in reading order, with its depth and its tasks."""

    section: PlanSection | None
    depth: int
    tasks: list[Task] = field(default_factory=list)
    label: str = ""
    is_first: bool = False
    is_last: bool = False


def section_label(number: str) -> str:
    """How a document writes a section number: "I." "1." "a)" "-"."""
    number = number.strip()
    if not number or number[-1] in ".)" or number in "-–+*•":
        return number
    if number.isalpha() and len(number) == 1 and number.islower():
        return f"{number})"
    return f"{number}."


def _outline(sections: list[PlanSection], tasks: list[Task]) -> list[OutlineEntry]:
    by_parent: dict[int | None, list[PlanSection]] = defaultdict(list)
    for section in sections:
        by_parent[section.parent_id].append(section)
    tasks_by_section: dict[int | None, list[Task]] = defaultdict(list)
    for task in tasks:
        tasks_by_section[task.section_id].append(task)
    entries: list[OutlineEntry] = []
    seen: set[int] = set()

    def walk(parent_id: int | None, depth: int) -> None:
        siblings = by_parent.get(parent_id, [])
        for index, section in enumerate(siblings):
            if section.pk in seen:
                continue
            seen.add(section.pk)
            entries.append(
                OutlineEntry(
                    section,
                    depth,
                    tasks_by_section.get(section.pk, []),
                    section_label(section.number),
                    is_first=index == 0,
                    is_last=index == len(siblings) - 1,
                )
            )
            walk(section.pk, depth + 1)

    walk(None, 0)
    # A section whose parent chain is broken still shows, at the top level.
    for section in sections:
        if section.pk not in seen:
            seen.add(section.pk)
            entries.append(
                OutlineEntry(section, 0, tasks_by_section.get(section.pk, []), section_label(section.number))
            )
    loose = tasks_by_section.get(None, [])
    if loose:
        entries.append(OutlineEntry(None, 0, loose))
    return entries


def _mark_tasks(user, plan: Plan, tasks: list[Task]) -> None:
    """Attach what the page shows for each task: status, order neighbours, the roll-up of its children."""
    on = task_rules.today()
    children: dict[int, list[Task]] = defaultdict(list)
    child_rows = access.filter_for(user, Task.objects.filter(parent_task__plan=plan)).select_related(
        "plan__org_unit", "plan__issuing_agency", "lead_agency"
    )
    for child in child_rows.order_by("plan__org_unit__path", "pk"):
        children[child.parent_task_id].append(child)
    by_section: dict[int | None, list[Task]] = defaultdict(list)
    for task in tasks:
        by_section[task.section_id].append(task)
    for siblings in by_section.values():
        for index, task in enumerate(siblings):
            task.is_first, task.is_last = index == 0, index == len(siblings) - 1
    visible_sources: dict[int, bool] = {}
    for task in tasks:
        shown = task_rules.display_status(task, on)
        task.shown_status = shown
        task.shown_label = task_rules.DISPLAY_LABELS[shown]
        task.badge = STATUS_BADGES[shown]
        kids = children.get(task.pk, [])
        counted = [kid for kid in kids if kid.status != TaskStatus.CANCELLED]
        task.children = kids
        task.child_plans = list({kid.plan_id: kid.plan for kid in kids}.values())
        task.child_average = round(sum(k.progress for k in counted) / len(counted)) if counted else None
        task.children_done = sum(1 for k in counted if k.status == TaskStatus.DONE)
        task.source_plan = None
        if task.parent_task is not None:
            source = task.parent_task.plan
            if source.pk not in visible_sources:
                visible_sources[source.pk] = access.may_view(user, source)
            task.source_plan = source if visible_sources[source.pk] else None


def date_line_parts(day: dt.date | None) -> tuple[str, str, str]:
    """Day and month as Nghị định 30/2020 writes them: a leading zero for days below 10 and months 1–2."""
    if day is None:
        return "…", "…", "…"
    day_text = f"{day.day:02d}" if day.day < 10 else str(day.day)
    month_text = f"{day.month:02d}" if day.month < 3 else str(day.month)
    return day_text, month_text, str(day.year)


def issuing_body_lines(plan: Plan) -> tuple[str, str]:
    """The header's left column: the body above (plain) and the issuing body (bold)."""
    unit_name = plan.org_unit.name
    agency = plan.issuing_agency
    if agency is None:
        return "", unit_name.upper()
    folded = fold(agency.name)
    if agency.kind == AgencyKind.PEOPLES_COMMITTEE or folded.startswith(("uy ban nhan dan", "ubnd")):
        # The People's Committee is the top of its unit: nothing above it in the header.
        return "", agency.name.upper()
    upper = f"UBND {unit_name}".upper()
    name = agency.name
    # "Sở Y tế tỉnh Kon Tum" reads "SỞ Y TẾ" under "UBND TỈNH KON TUM".
    for suffix in (unit_name, plan.org_unit.short_name):
        if suffix and name.lower().endswith(suffix.lower()) and len(name) > len(suffix):
            name = name[: -len(suffix)].strip()
            break
    return upper, name.upper()


def basis_line(document: LegalDocument) -> str:
    """ "Căn cứ Nghị quyết số 28/NQ-CP ngày 03/03/2021 của Chính phủ ban hành Chiến lược…"."""
    subject = document.subject.strip().rstrip(";.")
    if subject:
        subject = " " + subject[:1].lower() + subject[1:]
    return f"Căn cứ {document.citation}{subject};"


def _recipients(tasks: list[Task]) -> list[str]:
    """ "Nơi nhận": the agencies and units the plan gives tasks to, in order of appearance."""
    names: list[str] = []
    for task in tasks:
        candidates = [task.lead_agency, *task.partners.all(), *task.addressed_units.all()]
        for item in candidates:
            if item is not None and item.name not in names:
                names.append(item.name)
    return names


@login_required
def plan_detail(request: HttpRequest, pk: int) -> HttpResponse:
    user = request.user
    plan = access.get_for(
        user, Plan.objects.select_related("org_unit", "issuing_agency", "parent_plan", "issued_by"), pk=pk
    )
    sections = list(plan.sections.order_by("order", "pk"))
    tasks = list(
        plan.tasks.select_related("lead_agency", "parent_task__plan")
        .prefetch_related("partners", "addressed_units")
        .order_by("order", "pk")
    )
    _mark_tasks(user, plan, tasks)
    may_change = access.may(user, Action.CHANGE, plan)
    may_approve = access.may(user, Action.APPROVE, plan)
    editing = plan.is_draft and may_change
    parent_plan = plan.parent_plan if plan.parent_plan and access.may_view(user, plan.parent_plan) else None
    day, month, year = date_line_parts(plan.issue_date)
    upper_body, issuing_body = issuing_body_lines(plan)
    context = {
        "plan": plan,
        "outline": _outline(sections, tasks),
        "task_count": len(tasks),
        "overdue_count": sum(1 for t in tasks if t.shown_status == task_rules.OVERDUE),
        "done_count": sum(1 for t in tasks if t.status == TaskStatus.DONE),
        "basis_lines": [basis_line(doc) for doc in plan.legal_bases.order_by("issue_date", "pk")],
        "upper_body": upper_body,
        "issuing_body": issuing_body,
        "place": plan.place or plan.org_unit.short_name,
        "date_day": day,
        "date_month": month,
        "date_year": year if plan.issue_date else str(plan.period_start),
        "signer_lines": [
            line.strip() for line in plan.signer_title.replace("\n", "/").split("/") if line.strip()
        ],
        "recipients": _recipients(tasks),
        "may_change": may_change,
        "may_approve": may_approve,
        "editing": editing,
        "parent_plan": parent_plan,
        "child_plans": access.filter_for(
            user, plan.cascaded_plans.select_related("org_unit", "issuing_agency")
        ),
        "cascade_targets": _cascade_rows(user, plan) if plan.status == PlanStatus.ISSUED else [],
        "missing_for_issue": _missing_for_issue(plan),
        "reports": list(plan.reports.select_related("recipient_agency")),
        "source_document": _source_document(user, plan),
    }
    return render(request, "plans/plan_detail.html", context)


@dataclass
class CascadeRow:
    target: cascade_rules.CascadeTarget
    existing: Plan | None
    may_open: bool
    may_create: bool


def _cascade_rows(user, plan: Plan) -> list[CascadeRow]:
    rows = []
    for target in cascade_rules.targets(plan):
        existing = cascade_rules.existing_cascade(plan, target.unit, target.agency)
        rows.append(
            CascadeRow(
                target=target,
                existing=existing,
                may_open=existing is not None and access.may_view(user, existing),
                may_create=access.may(
                    user, Action.CHANGE, Plan(org_unit=target.unit, issuing_agency=target.agency)
                ),
            )
        )
    return rows


# -- create and edit a plan ------------------------------------------------------------------------


def _refuse_unless_draft(request: HttpRequest, plan: Plan) -> HttpResponse | None:
    if plan.is_draft:
        return None
    messages.error(
        request,
        _("This plan has been issued: it can no longer be edited or returned to draft."),
    )
    return redirect("plan-detail", pk=plan.pk)


@login_required
def plan_create(request: HttpRequest) -> HttpResponse:
    user = request.user
    if not plan_units(user).exists():
        raise Http404
    form = PlanForm(request.POST or None, user=user, instance=Plan(created_by=user))
    if request.method == "POST":
        if form.is_valid():
            plan = form.save()
            messages.success(request, _("The draft plan has been created. Add its sections and tasks."))
            return redirect("plan-detail", pk=plan.pk)
        return render(request, "plans/plan_form.html", {"form": form}, status=400)
    return render(request, "plans/plan_form.html", {"form": form})


@login_required
def plan_edit(request: HttpRequest, pk: int) -> HttpResponse:
    plan = access.get_for(request.user, Plan.objects.select_related("org_unit"), Action.CHANGE, pk=pk)
    refused = _refuse_unless_draft(request, plan)
    if refused:
        return refused
    form = PlanForm(request.POST or None, user=request.user, instance=plan)
    status = save_edit(request, form, _("The plan has been saved."))
    if status is None:
        return redirect("plan-detail", pk=plan.pk)
    context = {
        "form": form,
        "plan": plan,
        "basis_form": LegalBasisForm(),
        "legal_bases": plan.legal_bases.order_by("issue_date", "pk"),
    }
    return render(request, "plans/plan_form.html", context, status=status)


@login_required
def issuing_agency_options(request: HttpRequest) -> HttpResponse:
    """The <option>s of the issuing-agency select for the unit just chosen in the plan form."""
    unit_id = access.id_param(request.GET.get("org_unit"))
    agencies = Agency.objects.none()
    if unit_id is not None:
        unit = plan_units(request.user).filter(pk=unit_id).first()
        if unit is not None:
            agencies = Agency.objects.filter(org_unit=unit).order_by("valid_to", "name")
    return render(request, "plans/_plan_agency_options.html", {"agencies": agencies, "empty": True})


@login_required
def plan_delete(request: HttpRequest, pk: int) -> HttpResponse:
    plan = access.get_for(request.user, Plan, Action.CHANGE, pk=pk)
    refused = _refuse_unless_draft(request, plan)
    if refused:
        return refused
    if request.method == "POST":
        trash.delete_plan(plan, user=request.user)
        messages.success(
            request, _("The draft plan has been deleted. It can be restored from the trash if needed.")
        )
        return redirect("plan-list")
    return render(
        request,
        "plans/plan_confirm_delete.html",
        {
            "plan": plan,
            "what": str(plan),
            "consequence": _("Its %(sections)d sections and %(tasks)d tasks are deleted with it.")
            % {"sections": plan.sections.count(), "tasks": plan.tasks.count()},
            "back": reverse("plan-detail", args=[plan.pk]),
        },
    )


# -- legal bases -----------------------------------------------------------------------------------------


@login_required
@require_POST
def legal_basis_add(request: HttpRequest, pk: int) -> HttpResponse:
    plan = access.get_for(request.user, Plan, Action.CHANGE, pk=pk)
    refused = _refuse_unless_draft(request, plan)
    if refused:
        return refused
    form = LegalBasisForm(request.POST)
    if not form.is_valid():
        for errors in form.errors.values():
            messages.error(request, " ".join(errors))
        return redirect(reverse("plan-edit", args=[plan.pk]) + "#legal-bases")
    data = form.cleaned_data
    document, created = record_document(
        kind=data["kind"],
        number=data["number"],
        issue_date=data["issue_date"],
        issuer=data["issuer"],
        subject=data["subject"],
    )
    if created:
        messages.success(request, _("The legal basis has been added."))
    else:
        messages.info(
            request,
            _("This document was already recorded; the plan now cites it: %(citation)s")
            % {"citation": document.citation},
        )
    plan.legal_bases.add(document)
    return redirect(reverse("plan-edit", args=[plan.pk]) + "#legal-bases")


@login_required
@require_POST
def legal_basis_remove(request: HttpRequest, pk: int, document_pk: int) -> HttpResponse:
    plan = access.get_for(request.user, Plan, Action.CHANGE, pk=pk)
    refused = _refuse_unless_draft(request, plan)
    if refused:
        return refused
    document = get_object_or_404(plan.legal_bases, pk=document_pk)
    plan.legal_bases.remove(document)
    messages.success(request, _("The legal basis has been removed from this plan."))
    return redirect(reverse("plan-edit", args=[plan.pk]) + "#legal-bases")


# -- status ------------------------------------------------------------------------------------------------


def _missing_for_issue(plan: Plan) -> list[str]:
    missing = []
    if not plan.number.strip():
        missing.append(str(_("the number and symbol")))
    if plan.issue_date is None:
        missing.append(str(_("the issue date")))
    return missing


def _expected_version(request: HttpRequest, plan: Plan) -> int:
    version = access.id_param(request.POST.get("expected_version"))
    return version if version is not None else plan.version


def _change_status(
    request: HttpRequest, plan: Plan, status: str, success: str, **fields: object
) -> HttpResponse:
    """Move the plan to ``status`` unless someone changed it meanwhile (then say so and keep theirs)."""
    plan.status = status
    for name, value in fields.items():
        setattr(plan, name, value)
    try:
        plan.save_checked(_expected_version(request, plan))
    except ConflictError:
        messages.error(request, CONFLICT_MESSAGE)
    else:
        messages.success(request, success)
    return redirect("plan-detail", pk=plan.pk)


@login_required
@require_POST
def plan_issue(request: HttpRequest, pk: int) -> HttpResponse:
    plan = access.get_for(request.user, Plan, Action.APPROVE, pk=pk)
    if plan.status != PlanStatus.DRAFT:
        messages.error(request, _("Only a draft plan can be issued."))
        return redirect("plan-detail", pk=plan.pk)
    missing = _missing_for_issue(plan)
    if missing:
        messages.error(
            request,
            _("Before issuing, fill in %(missing)s (Edit the plan).") % {"missing": _(" and ").join(missing)},
        )
        return redirect("plan-detail", pk=plan.pk)
    return _change_status(
        request,
        plan,
        PlanStatus.ISSUED,
        _("The plan has been issued. Its tasks are now followed up."),
        issued_by=request.user,
        issued_at=timezone.now(),
    )


@login_required
@require_POST
def plan_close(request: HttpRequest, pk: int) -> HttpResponse:
    plan = access.get_for(request.user, Plan, Action.APPROVE, pk=pk)
    if plan.status != PlanStatus.ISSUED:
        messages.error(request, _("Only an issued plan can be closed."))
        return redirect("plan-detail", pk=plan.pk)
    return _change_status(request, plan, PlanStatus.CLOSED, _("The plan has been closed."))


# -- cascade ------------------------------------------------------------------------------------------


@login_required
@require_POST
def plan_cascade(request: HttpRequest, pk: int) -> HttpResponse:
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
    # The new draft is a plan of that unit: written by those who write the unit's plans (never a
    # former unit's), not by a focal point of the department it is for.
    if not access.may(user, Action.CHANGE, Plan(org_unit=unit, issuing_agency=agency)):
        raise Http404
    try:
        child, created = cascade_rules.cascade(plan, unit, agency, user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return redirect("plan-detail", pk=plan.pk)
    if created:
        messages.success(
            request,
            _("The draft plan of %(who)s has been created from this plan with %(n)d tasks.")
            % {"who": agency or unit, "n": child.tasks.count()},
        )
    else:
        messages.info(request, _("This draft was already created; here it is."))
    return redirect("plan-detail", pk=child.pk)


# -- sections -----------------------------------------------------------------------------------------


def _section_for_change(request: HttpRequest, pk: int) -> PlanSection:
    section = get_object_or_404(PlanSection.objects.select_related("plan__org_unit"), pk=pk)
    if not access.may(request.user, Action.CHANGE, section.plan):
        raise Http404
    return section


def _anchor(plan: Plan, name: str, obj_pk: int | None) -> str:
    url = reverse("plan-detail", args=[plan.pk])
    return f"{url}#{name}-{obj_pk}" if obj_pk else url


def _next_order(queryset: QuerySet) -> int:
    last = queryset.order_by("-order").values_list("order", flat=True).first()
    return (last or 0) + 1


@login_required
def section_create(request: HttpRequest, pk: int) -> HttpResponse:
    plan = access.get_for(request.user, Plan, Action.CHANGE, pk=pk)
    refused = _refuse_unless_draft(request, plan)
    if refused:
        return refused
    parent_id = access.id_param(request.GET.get("parent"))
    initial = {"parent": parent_id} if parent_id else {}
    form = SectionForm(request.POST or None, plan=plan, instance=PlanSection(plan=plan), initial=initial)
    if request.method == "POST":
        if form.is_valid():
            section = form.save(commit=False)
            section.order = _next_order(plan.sections.filter(parent=section.parent))
            section.save()
            messages.success(request, _("The section has been added."))
            return redirect(_anchor(plan, "section", section.pk))
        return render(request, "plans/plan_section_form.html", {"form": form, "plan": plan}, status=400)
    return render(request, "plans/plan_section_form.html", {"form": form, "plan": plan})


@login_required
def section_edit(request: HttpRequest, pk: int) -> HttpResponse:
    section = _section_for_change(request, pk)
    plan = section.plan
    refused = _refuse_unless_draft(request, plan)
    if refused:
        return refused
    old_parent = section.parent_id
    form = SectionForm(request.POST or None, plan=plan, instance=section)

    def keep_order() -> None:
        if section.parent_id != old_parent:  # moved under another section: it goes last there
            section.order = _next_order(plan.sections.filter(parent_id=section.parent_id))

    status = save_edit(request, form, _("The section has been saved."), before_save=keep_order)
    if status is None:
        return redirect(_anchor(plan, "section", section.pk))
    return render(
        request,
        "plans/plan_section_form.html",
        {"form": form, "plan": plan, "section": section},
        status=status,
    )


@login_required
def section_delete(request: HttpRequest, pk: int) -> HttpResponse:
    section = _section_for_change(request, pk)
    plan = section.plan
    refused = _refuse_unless_draft(request, plan)
    if refused:
        return refused
    if section.children.exists():
        messages.error(request, _("This section has subsections: delete or move them first."))
        return redirect(_anchor(plan, "section", section.pk))
    task_count = section.tasks.count()
    if request.method == "POST":
        # Its tasks are not lost: they move up to the enclosing section, each with a history row.
        trash.delete_section(section, user=request.user)
        messages.success(request, _("The section has been deleted."))
        return redirect(_anchor(plan, "section", section.parent_id))
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


def _move(item: PlanSection | Task, siblings: QuerySet, direction: str) -> bool:
    """Swap ``item`` with its neighbour among ``siblings``; renumber so orders stay distinct."""
    ordered = list(siblings.order_by("order", "pk"))
    index = next((i for i, other in enumerate(ordered) if other.pk == item.pk), None)
    if index is None:
        return False
    other = index - 1 if direction == "up" else index + 1
    if not 0 <= other < len(ordered):
        return False
    ordered[index], ordered[other] = ordered[other], ordered[index]
    with transaction.atomic():
        for position, obj in enumerate(ordered, start=1):
            if obj.order != position:
                obj.order = position
                obj.version += 1
                obj.save(update_fields=["order", "version"])
    return True


@login_required
@require_POST
def section_move(request: HttpRequest, pk: int) -> HttpResponse:
    section = _section_for_change(request, pk)
    plan = section.plan
    refused = _refuse_unless_draft(request, plan)
    if refused:
        return refused
    _move(section, plan.sections.filter(parent_id=section.parent_id), request.POST.get("direction", ""))
    return redirect(_anchor(plan, "section", section.pk))


# -- tasks -------------------------------------------------------------------------------------------------


def _task_for_change(request: HttpRequest, pk: int) -> Task:
    """A task whose plan the person may change (a lead agency's focal point edits progress, not structure)."""
    task = get_object_or_404(Task.objects.select_related("plan__org_unit", "parent_task"), pk=pk)
    if not access.may(request.user, Action.CHANGE, task.plan):
        raise Http404
    return task


def _picker_context(request: HttpRequest, plan: Plan, form: TaskForm) -> dict:
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
    request: HttpRequest, plan: Plan, form: TaskForm, task: Task | None, status: int = 200
):
    context = {"form": form, "plan": plan, "task": task, **_picker_context(request, plan, form)}
    return render(request, "plans/plan_task_form.html", context, status=status)


@login_required
def task_create(request: HttpRequest, pk: int) -> HttpResponse:
    plan = access.get_for(request.user, Plan.objects.select_related("org_unit"), Action.CHANGE, pk=pk)
    refused = _refuse_unless_draft(request, plan)
    if refused:
        return refused
    section_id = access.id_param(request.GET.get("section"))
    initial = {"section": section_id} if section_id else {}
    form = TaskForm(
        request.POST or None, plan=plan, user=request.user, instance=Task(plan=plan), initial=initial
    )
    if request.method == "POST":
        if form.is_valid():
            form.instance.order = _next_order(plan.tasks.all())
            task = form.save()
            messages.success(request, _("The task has been added."))
            return redirect(_anchor(plan, "task", task.pk))
        return _task_form_response(request, plan, form, None, status=400)
    return _task_form_response(request, plan, form, None)


@login_required
def task_edit(request: HttpRequest, pk: int) -> HttpResponse:
    task = _task_for_change(request, pk)
    plan = task.plan
    refused = _refuse_unless_draft(request, plan)
    if refused:
        return refused
    form = TaskForm(request.POST or None, plan=plan, user=request.user, instance=task)
    status = save_edit(request, form, _("The task has been saved."))
    if status is None:
        return redirect(_anchor(plan, "task", task.pk))
    return _task_form_response(request, plan, form, task, status=status)


@login_required
def task_delete(request: HttpRequest, pk: int) -> HttpResponse:
    task = _task_for_change(request, pk)
    plan = task.plan
    refused = _refuse_unless_draft(request, plan)
    if refused:
        return refused
    if request.method == "POST":
        trash.delete_task(task, user=request.user)
        messages.success(
            request, _("The task has been deleted. It can be restored from the trash if needed.")
        )
        return redirect(_anchor(plan, "section", task.section_id))
    return render(
        request,
        "plans/plan_confirm_delete.html",
        {"plan": plan, "what": task.text, "consequence": "", "back": _anchor(plan, "task", task.pk)},
    )


@login_required
@require_POST
def task_move(request: HttpRequest, pk: int) -> HttpResponse:
    task = _task_for_change(request, pk)
    plan = task.plan
    refused = _refuse_unless_draft(request, plan)
    if refused:
        return refused
    _move(task, plan.tasks.filter(section_id=task.section_id), request.POST.get("direction", ""))
    return redirect(_anchor(plan, "task", task.pk))


@login_required
def deadline_preview(request: HttpRequest, pk: int) -> HttpResponse:
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


@login_required
def agency_options(request: HttpRequest, pk: int) -> HttpResponse:
    """The lead or partner picker, filtered as the person types; chosen agencies stay chosen."""
    user = request.user
    plan = access.get_for(user, Plan.objects.select_related("org_unit"), Action.CHANGE, pk=pk)
    field_name = request.GET.get("field", "partners")
    q = request.GET.get("lead_q" if field_name == "lead" else "partner_q", "").strip()
    visible = access.filter_for(user, Agency.objects.select_related("org_unit"))
    if q:
        found = visible.filter(valid_to__isnull=True)
        for word in fold(q).split():
            found = found.filter(search_name__contains=word)
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
