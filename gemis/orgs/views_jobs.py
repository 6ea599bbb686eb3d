"""The page of a background job: its progress while it runs, its result when it is done.

The jobs themselves are ``core``'s; who may see one is the access rule's, so the page lives here.
"""

from __future__ import annotations

from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import render

from gemis.core.models import BackgroundJob
from gemis.core.uploads import private_file_response
from gemis.orgs import access
from gemis.orgs.requests import AuthenticatedRequest


def job_detail(request: AuthenticatedRequest, pk: str) -> HttpResponse:
    job = access.get_for(request.user, BackgroundJob, pk=pk)
    template = "core/_job_status.html" if request.htmx else "core/job_detail.html"
    return render(request, template, {"job": job})


def job_download(request: AuthenticatedRequest, pk: str) -> FileResponse:
    job = access.get_for(request.user, BackgroundJob, pk=pk)
    if not job.result_file:
        raise Http404
    return private_file_response(job.result_file, job.result_name, job.result_content_type)
