"""The edit-form round trip every edit view shares: validate, save against the version, say so."""

from __future__ import annotations

from collections.abc import Callable

from django import forms
from django.contrib import messages
from django.http import HttpRequest

from gemis.core.versioning import ConflictError


def save_edit(
    request: HttpRequest,
    form: forms.BaseModelForm,
    success: str,
    before_save: Callable[[], None] | None = None,
) -> int | None:
    """The edit-form round trip: None once saved (the caller redirects), else the status to render with.

    200 for the first display, 400 when a value is wrong, 409 when someone saved
    the object meanwhile (the versioned form says so and keeps their changes).
    """
    if request.method != "POST":
        return 200
    if not form.is_valid():
        return 400
    if before_save is not None:
        before_save()
    try:
        form.save()
    except ConflictError:
        return 409
    messages.success(request, success)
    return None
