"""The page of a background job: its progress while it runs, its result when it is done."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import render

from gemis.core.models import BackgroundJob
from gemis.orgs import access


@login_required
def job_detail(request: HttpRequest, pk: str) -> HttpResponse:
    job = access.get_for(request.user, BackgroundJob, pk=pk)
    template = "core/_job_status.html" if request.htmx else "core/job_detail.html"
    return render(request, template, {"job": job})


@login_required
def job_download(request: HttpRequest, pk: str) -> FileResponse:
    job = access.get_for(request.user, BackgroundJob, pk=pk)
    if not job.result_file:
        raise Http404
    try:
        handle = job.result_file.open("rb")
    except (FileNotFoundError, ValueError) as exc:
        raise Http404 from exc
    response = FileResponse(
        handle, as_attachment=True, filename=job.result_name, content_type=job.result_content_type
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response
