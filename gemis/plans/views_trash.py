"""The trash (Thùng rác): deleted plans, tasks, progress and evidence in one's remit, and restoring them.

Thin views over :mod:`gemis.plans.trash`; the access rule decides there (404 outside one's remit).
"""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from gemis.orgs.requests import AuthenticatedRequest
from gemis.plans import permissions, trash


def trash_list(request: AuthenticatedRequest) -> HttpResponse:
    if not permissions.may_use_trash(request.user):
        raise Http404
    kind = request.GET.get("kind", "")
    kind = kind if kind in trash.KINDS else None
    items = trash.list_deleted(request.user, kind=kind)
    context = {
        "items": items,
        "kind": kind or "",
        "kinds": [(k, _kind_label(k)) for k in trash.KINDS],
        "retention_days": trash.retention_days(),
    }
    return render(request, "plans/trash.html", context)


def _kind_label(kind: str) -> str:
    return {
        trash.Kind.PLAN: _("Plans"),
        trash.Kind.TASK: _("Tasks"),
        trash.Kind.PROGRESS: _("Progress updates"),
        trash.Kind.EVIDENCE: _("Evidence files"),
    }[kind]


@require_POST
def trash_restore(request: AuthenticatedRequest, kind: str, pk: int) -> HttpResponse:
    try:
        restored = trash.restore(kind, pk, user=request.user)
    except trash.RestoreRefused as refused:
        messages.error(request, " ".join(refused.messages))
        return redirect("plans:trash")
    messages.success(request, _restored_message(restored))
    if restored.kind == trash.Kind.PLAN:
        return redirect("plans:plan-detail", pk=restored.pk)
    if restored.kind == trash.Kind.TASK:
        return redirect(reverse("plans:task-detail", args=[restored.pk]))
    return redirect("plans:trash")


def _restored_message(restored: trash.Restored) -> str:
    children = dict(restored.counts)
    children[restored.kind] -= 1  # the row itself is not "with" itself
    words = {
        "section": lambda n: ngettext("%(n)d section", "%(n)d sections", n),
        "task": lambda n: ngettext("%(n)d task", "%(n)d tasks", n),
        "progress": lambda n: ngettext("%(n)d progress update", "%(n)d progress updates", n),
        "evidence": lambda n: ngettext("%(n)d evidence file", "%(n)d evidence files", n),
    }
    parts = [say(children[name]) % {"n": children[name]} for name, say in words.items() if children.get(name)]
    if not parts:
        return _("Restored.")
    return _("Restored, with %(what)s.") % {"what": ", ".join(parts)}
