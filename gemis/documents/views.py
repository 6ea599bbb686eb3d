"""Import a plan document: upload or paste → read in the background → review → accept as a draft plan."""

from __future__ import annotations

import hashlib
import re
from typing import Any

from django import forms
from django.conf import settings
from django.contrib import messages
from django.core.exceptions import RequestDataTooBig, ValidationError
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import redirect, render
from django.template.defaultfilters import filesizeformat
from django.utils.text import slugify
from django.utils.translation import gettext as _

from gemis.core import jobs, search
from gemis.core.models import JobStatus
from gemis.core.uploads import private_file_response
from gemis.documents import imports
from gemis.documents.forms import (
    PlanReviewForm,
    ReferenceFormSet,
    ReportFormSet,
    TaskFormSet,
    UploadForm,
    agency_choices,
)
from gemis.documents.highlight import highlight, marks_of
from gemis.documents.models import ImportedDocument, ImportStatus
from gemis.orgs import access
from gemis.orgs.access import Action
from gemis.orgs.models import Agency
from gemis.orgs.requests import AuthenticatedRequest
from gemis.orgs.resolver import AgencyResolver
from gemis.plans.forms import check_subject, check_task_text
from gemis.vn.agency_names import agency_key
from gemis.vn.text import clean_filename, fold

RECENT_IMPORTS = 10
AGENCY_OPTIONS_LIMIT = 60  # as the task form's picker
MAX_REVIEW_ROWS = 2000
_PICKER_NAME_RE = re.compile(r"task-\d{1,4}-(?:lead|partners)")


def import_start(request: AuthenticatedRequest) -> HttpResponse:
    user = request.user
    try:
        form = UploadForm(request.POST or None, request.FILES or None, user=user)
    except RequestDataTooBig:
        # Beyond what the server reads of a form: nothing of it arrived, so say what to do instead.
        refused = _(
            "What was sent is larger than the %(limit)s a form may carry. Save the text as a .txt or "
            ".docx file and upload the file (up to 50 MB)."
        ) % {"limit": filesizeformat(settings.DATA_UPLOAD_MAX_MEMORY_SIZE)}
        return _start_page(request, UploadForm(user=user), status=413, refused=refused)
    if not form.fields["unit"].queryset.exists():
        raise Http404
    status = 200
    if request.method == "POST":
        if form.is_valid():
            imported = _store(form.cleaned_data, user)
            job = jobs.start(
                user,
                "documents.read",
                _("Reading %(name)s") % {"name": imported.display_name},
                {"imported": imported.pk},
            )
            if job.status == JobStatus.DONE:
                return redirect("documents:import-review", pk=imported.pk)
            if job.status == JobStatus.FAILED:
                form.add_error(None, job.error)
                status = 400
            else:
                return redirect("orgs:job-detail", pk=job.pk)
        else:
            status = 400
    return _start_page(request, form, status)


def _start_page(
    request: AuthenticatedRequest, form: UploadForm, status: int, refused: str = ""
) -> HttpResponse:
    if not form.fields["unit"].queryset.exists():
        raise Http404
    recent = access.filter_for(request.user, ImportedDocument.objects.select_related("org_unit", "plan"))[
        :RECENT_IMPORTS
    ]
    context = {"form": form, "recent": recent, "refused": refused}
    return render(request, "documents/import_form.html", context, status=status)


def _store(data: dict[str, Any], user: Any) -> ImportedDocument:
    imported = ImportedDocument(org_unit=data["unit"], uploaded_by=user)
    upload = data.get("file")
    if upload:
        digest = hashlib.sha256()
        for chunk in upload.chunks():
            digest.update(chunk)
        imported.original_name = clean_filename(upload.name)[:255]
        imported.size = upload.size
        imported.sha256 = digest.hexdigest()
        imported.file.save(upload.name, upload, save=False)
    else:
        imported.pasted_text = data["text"]
        imported.size = len(data["text"].encode("utf-8"))
    imported.save()
    return imported


def _rows(formset: type[forms.BaseFormSet], proposed: list[Any]) -> type[forms.BaseFormSet]:
    """The review's formset holding at most the rows the reading proposed (the page adds none).

    Without the bound a posted TOTAL_FORMS of 10^20 makes Django build a thousand forms of each
    kind, tying the server up for seconds; with it the post is refused as too many rows.
    """
    return forms.formset_factory(
        formset.form, extra=0, max_num=len(proposed), absolute_max=len(proposed), validate_max=True
    )


def import_review(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    user = request.user
    imported = access.get_for(user, ImportedDocument.objects.select_related("org_unit", "plan"), pk=pk)
    if not access.may(user, Action.CHANGE, imported):
        if not access.is_former(imported.org_unit):
            raise Http404
        # Former units are history: their imports are read, never accepted (orgs/access.py).
        messages.error(
            request,
            _(
                "%(unit)s is a former unit (before 1 July 2025): its documents can no longer be accepted "
                "as plans. Import the document for the unit that succeeded it."
            )
            % {"unit": imported.org_unit.name},
        )
        return redirect("documents:import-start")
    if imported.plan_id is not None:
        messages.info(request, _("This document has already been accepted; here is its plan."))
        return redirect("plans:plan-detail", pk=imported.plan_id)
    if imported.status != ImportStatus.READY:
        return render(request, "documents/import_unreadable.html", {"imported": imported}, status=409)

    data = request.POST.copy() if request.method == "POST" else None
    created_agency = None
    if data is not None and data.get("create_agency"):
        created_agency = _create_agency(request, imported, data)
    proposal = imports.propose(imported)
    scope = list(imports.agency_scope(imported.org_unit)) + proposal.extra_agencies
    # Any agency the person sees may be chosen, as on the task form; the page lists those nearby
    # (and those already chosen) and the picker finds the others as the person types.
    visible = access.filter_for(user, Agency.objects.select_related("org_unit"))
    allowed = {agency.pk: agency for agency in visible} | {agency.pk: agency for agency in scope}
    by_id = allowed
    choices = agency_choices(list(allowed.values()))
    chosen = _chosen_ids(data, proposal)
    nearby = scope[:AGENCY_OPTIONS_LIMIT]
    shown = nearby + [a for pk, a in allowed.items() if pk in chosen and a not in nearby]
    if created_agency is not None and created_agency not in shown:
        shown.insert(0, created_agency)
    plan_form = PlanReviewForm(data, initial=proposal.plan, prefix="plan")
    references = _rows(ReferenceFormSet, proposal.references)(data, initial=proposal.references, prefix="ref")
    tasks = _rows(TaskFormSet, proposal.tasks)(data, initial=proposal.tasks, prefix="task")
    reports = _rows(ReportFormSet, proposal.reports)(data, initial=proposal.reports, prefix="report")
    for form in [plan_form, *tasks.forms, *reports.forms]:
        form.set_agency_choices(choices)
    status = 200
    if data is not None and created_agency is None and not data.get("create_agency"):
        if all(f.is_valid() for f in (plan_form, references, tasks, reports)):
            confirmed = _confirmed(plan_form, references, tasks, reports, by_id)
            plan, created = imports.accept(imported, user, confirmed)
            if created:
                messages.success(
                    request,
                    _("The draft plan has been created with %(n)d tasks. Check it, then issue it.")
                    % {"n": plan.tasks.count()},
                )
            else:
                messages.info(request, _("This document has already been accepted; here is its plan."))
            return redirect("plans:plan-detail", pk=plan.pk)
        status = 400
        messages.error(
            request, _("Some values need correcting; they are marked below. Nothing was saved yet.")
        )
    result = imported.result
    parsed_tasks = result.get("tasks") or []
    shown_options = agency_choices(shown)
    context = {
        "imported": imported,
        "plan_form": plan_form,
        "references": references,
        "tasks": tasks,
        "task_rows": [
            (form, parsed_tasks[i] if i < len(parsed_tasks) else {}) for i, form in enumerate(tasks.forms)
        ],
        "reports": reports,
        "targets": result.get("targets") or [],
        "outline": imports.outline(result),
        "source_html": highlight(result.get("text") or "", marks_of(result)),
        "warnings": result.get("warnings") or [],
        "too_long": _too_long(proposal) if data is None else [],
        "agency_options": shown_options,
        "partner_agencies": shown,
        "not_carried": _not_carried(proposal, tasks if data is not None else None),
        "may_create_agency": access.may(user, Action.CHANGE, Agency(org_unit=imported.org_unit)),
    }
    return render(request, "documents/import_review.html", context, status=status)


def _chosen_ids(data: Any, proposal: imports.Proposal) -> set[int]:
    """The agencies the review shows as chosen: posted ones, else proposed ones."""
    if data is None:
        ids = {proposal.plan.get("issuing_agency")}
        for task in proposal.tasks:
            ids |= {task.get("lead"), *task.get("partners", [])}
        return {pk for pk in ids if pk}
    found = set()
    for key in data:
        if key.endswith(("-lead", "-partners", "-issuing_agency", "-recipient_agency")):
            found |= {pk for pk in map(access.id_param, data.getlist(key)) if pk}
    return found


def _not_carried(proposal: imports.Proposal, tasks: Any) -> list[dict[str, Any]]:
    """What will not be carried over, as the review shows it now (posted names kept as text count)."""
    if tasks is None:
        return proposal.not_carried
    rows = [
        {"addressed": form["addressed"].value() or "", "partners_text": form["partners_text"].value() or ""}
        for form in tasks.forms
    ]
    recounted = imports.Proposal(plan=proposal.plan, tasks=rows)
    found = imports.not_carried({}, recounted)
    return found + [item for item in proposal.not_carried if item["kind"] != "agency"]


def _create_agency(request: AuthenticatedRequest, imported: ImportedDocument, data: Any) -> Agency | None:
    """Create the agency a name of the document names, in the importing unit, and choose it wherever
    the review keeps that name as text. The review's other corrections stay as they were posted."""
    name = " ".join(str(data.get("create_agency", "")).split())[:255]
    unit = imported.org_unit
    if not name or not access.may(request.user, Action.CHANGE, Agency(org_unit=unit)):
        messages.error(request, _("You may not add agencies to %(unit)s.") % {"unit": unit.name})
        return None
    agency = AgencyResolver(unit).resolve(name)
    if agency is None:
        agency = Agency.objects.create(org_unit=unit, code=_free_code(unit, name), name=name)
        messages.success(
            request,
            _("%(name)s has been added to the agencies of %(unit)s and chosen where the document names it.")
            % {"name": name, "unit": unit.name},
        )
    key = agency_key(name)
    total = access.id_param(data.get("task-TOTAL_FORMS")) or 0
    for row in range(min(total, MAX_REVIEW_ROWS)):
        for field, target in (("addressed", "lead"), ("partners_text", "partners")):
            names = imports.split_names(data.get(f"task-{row}-{field}", ""))
            kept = [n for n in names if agency_key(n) != key]
            if len(kept) == len(names):
                continue
            data[f"task-{row}-{field}"] = "; ".join(kept)
            if target == "lead" and not data.get(f"task-{row}-lead"):
                data[f"task-{row}-lead"] = str(agency.pk)
            else:
                partners = data.getlist(f"task-{row}-partners")
                data.setlist(f"task-{row}-partners", [*partners, str(agency.pk)])
    if (
        not data.get("plan-issuing_agency")
        and agency_key(imported.result.get("document", {}).get("issuer") or "") == key
    ):
        data["plan-issuing_agency"] = str(agency.pk)
    return agency


def _free_code(unit: Any, name: str) -> str:
    """A code for a new agency, unique within its unit: "doan-thanh-nien-xa", then "-2"…"""
    base = slugify(fold(name))[:50] or "co-quan"
    taken = set(Agency.objects.filter(org_unit=unit, code__startswith=base).values_list("code", flat=True))
    code, n = base, 1
    while code in taken:
        n += 1
        code = f"{base}-{n}"
    return code


def agency_options(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    """A review row's lead or partner picker, filtered as the person types; chosen agencies stay chosen."""
    user = request.user
    imported = access.get_for(user, ImportedDocument.objects.select_related("org_unit"), Action.CHANGE, pk=pk)
    name = request.GET.get("name", "")
    if not _PICKER_NAME_RE.fullmatch(name):
        raise Http404
    visible = access.filter_for(user, Agency.objects.select_related("org_unit"))
    q = request.GET.get("agency_q", "").strip()
    if q:
        found = search.filter_words(visible.filter(valid_to__isnull=True), "search_name", q)
        matches = list(found.order_by("org_unit__depth", "org_unit__path", "name")[:AGENCY_OPTIONS_LIMIT])
    else:
        matches = list(imports.agency_scope(imported.org_unit)[:AGENCY_OPTIONS_LIMIT])
    chosen_ids = [pk for pk in map(access.id_param, request.GET.getlist(name)) if pk]
    chosen = list(visible.filter(pk__in=chosen_ids))
    options = chosen + [a for a in matches if a not in chosen]
    if name.endswith("-lead"):
        lead = chosen[0] if chosen else None
        return render(
            request,
            "plans/_plan_lead_options.html",
            {"lead_options": options, "lead_selected": lead.pk if lead else None},
        )
    return render(
        request,
        "documents/_partner_options.html",
        {"partner_options": options, "partner_selected": {a.pk for a in chosen}, "field_name": name},
    )


def _too_long(proposal: imports.Proposal) -> list[str]:
    """What the review must shorten before accepting: said at once, never cut short silently."""
    found = []
    try:
        check_subject(proposal.plan.get("subject") or "")
    except ValidationError as error:
        found.extend(error.messages)
    for number, task in enumerate(proposal.tasks, start=1):
        try:
            check_task_text(task.get("text") or "")
        except ValidationError as error:
            label = _("Task %(n)d") % {"n": number}
            found.extend(f"{label}: {message}" for message in error.messages)
    return found


def _confirmed(plan_form, references, tasks, reports, by_id: dict[int, Any]) -> dict[str, Any]:
    """The reviewed values, agency ids turned into agencies (ids outside the choices never validate)."""
    return imports.with_agencies(
        {
            "plan": plan_form.cleaned_data,
            "references": [f.cleaned_data for f in references.forms],
            "tasks": [f.cleaned_data for f in tasks.forms],
            "reports": [f.cleaned_data for f in reports.forms],
        },
        by_id,
    )


def import_file(request: AuthenticatedRequest, pk: int) -> FileResponse:
    """The original file, to whoever may see the imported document."""
    imported = access.get_for(request.user, ImportedDocument, pk=pk)
    if not imported.file:
        raise Http404
    return private_file_response(imported.file, imported.original_name, "application/octet-stream")
