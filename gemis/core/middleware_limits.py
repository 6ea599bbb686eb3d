"""Refuse an oversized request before its body is read.

Django reads a multipart body in full (to memory or a temporary file) before a
view can look at the files in it, so a 51 MB upload used to cost 51 MB of
transfer and disk before the form said "too large". :class:`RequestSizeLimitMiddleware`
answers 413 from the ``Content-Length`` header alone; :class:`LimitedUploadHandler`
is the guard for a body whose length was not announced (or not truthfully): it
counts what arrives and stops at the same limit.
"""

from __future__ import annotations

from collections.abc import Callable

from django.conf import settings
from django.core.exceptions import RequestDataTooBig
from django.core.files.uploadhandler import FileUploadHandler
from django.http import HttpRequest, HttpResponse, HttpResponseBase
from django.template.defaultfilters import filesizeformat
from django.template.loader import render_to_string

# Room for the other form fields and the multipart framing around the largest file allowed.
FORM_ALLOWANCE = 512 * 1024
_FLAG = "_gemis_request_too_large"


def max_request_bytes() -> int:
    """The largest request body accepted: GEMIS_MAX_UPLOAD_MB of files plus the form around them."""
    return int(getattr(settings, "GEMIS_MAX_UPLOAD_MB", 50)) * 1024 * 1024 + FORM_ALLOWANCE


class RequestTooLarge(RequestDataTooBig):
    """The body went past :func:`max_request_bytes` while it was being read."""


def too_large_response(request: HttpRequest) -> HttpResponse:
    """413 with a page that says what the limit is and what to do; a fragment for htmx."""
    limit = filesizeformat(int(getattr(settings, "GEMIS_MAX_UPLOAD_MB", 50)) * 1024 * 1024)
    fragment = request.headers.get("HX-Request") == "true"
    template = "core/_request_too_large.html" if fragment else "core/request_too_large.html"
    return HttpResponse(render_to_string(template, {"limit": limit}, request=None), status=413)


class RequestSizeLimitMiddleware:
    """413 for a request whose announced length is over the limit, without reading a byte of it."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponseBase]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponseBase:
        try:
            length = int(request.META.get("CONTENT_LENGTH") or 0)
        except ValueError:
            length = 0
        if length > max_request_bytes():
            return too_large_response(request)
        response = self.get_response(request)
        if getattr(request, _FLAG, False):
            # The upload handler stopped the body mid-way; Django made that a bare 400.
            return too_large_response(request)
        return response


class LimitedUploadHandler(FileUploadHandler):
    """First of FILE_UPLOAD_HANDLERS: counts the bytes of uploaded files and stops past the limit."""

    def __init__(self, request: HttpRequest | None = None) -> None:
        super().__init__(request)
        self.received = 0

    def receive_data_chunk(self, raw_data: bytes, start: int) -> bytes:
        self.received += len(raw_data)
        if self.received > max_request_bytes():
            if self.request is not None:
                setattr(self.request, _FLAG, True)
            raise RequestTooLarge("Upload larger than GEMIS_MAX_UPLOAD_MB")
        return raw_data

    def file_complete(self, file_size: int) -> None:
        return None  # the next handler keeps the file
