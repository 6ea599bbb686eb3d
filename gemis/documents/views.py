"""Import a plan document: upload or paste → read in the background → review → accept as a draft plan."""

from __future__ import annotations

import hashlib
from typing import Any

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from gemis.core import jobs
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
from gemis.orgs.requests import AuthenticatedRequest
from gemis.plans.forms import check_subject, check_task_text
from gemis.vn.text import clean_filename

RECENT_IMPORTS = 10


def import_start(request: AuthenticatedRequest) -> HttpResponse:
    user = request.user
    form = UploadForm(request.POST or None, request.FILES or None, user=user)
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
    recent = access.filter_for(user, ImportedDocument.objects.select_related("org_unit", "plan"))[
        :RECENT_IMPORTS
    ]
    return render(request, "documents/import_form.html", {"form": form, "recent": recent}, status=status)


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

    proposal = imports.propose(imported)
    agencies = list(imports.agency_scope(imported.org_unit)) + proposal.extra_agencies
    by_id = {agency.pk: agency for agency in agencies}
    choices = agency_choices(agencies)
    data = request.POST if request.method == "POST" else None
    plan_form = PlanReviewForm(data, initial=proposal.plan, prefix="plan")
    references = _rows(ReferenceFormSet, proposal.references)(data, initial=proposal.references, prefix="ref")
    tasks = _rows(TaskFormSet, proposal.tasks)(data, initial=proposal.tasks, prefix="task")
    reports = _rows(ReportFormSet, proposal.reports)(data, initial=proposal.reports, prefix="report")
    for form in [plan_form, *tasks.forms, *reports.forms]:
        form.set_agency_choices(choices)
    status = 200
    if data is not None:
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
        "agency_options": choices,
    }
    return render(request, "documents/import_review.html", context, status=status)


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
