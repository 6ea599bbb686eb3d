"""In-app notifications: a person's own list, opening one, marking all read.

Notifications belong to one person, so every query here is filtered by
``request.user``; another person's notification is a 404, like anything the
access rule hides.
"""

from __future__ import annotations

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from gemis.orgs.requests import AuthenticatedRequest
from gemis.plans.models import Notification

PAGE_SIZE = 30


def safe_target(url: str) -> str:
    """The notification's own address if it stays on this site, else the notification list.

    Stored addresses are site-relative ("/tasks/?overdue=1"); anything with a scheme, a host
    ("//evil.example") or a backslash is refused so a notification can never be an open redirect.
    """
    if (
        url.startswith("/")
        and not url.startswith("//")
        and "\\" not in url
        and not any(ord(ch) < 32 for ch in url)
        and url_has_allowed_host_and_scheme(url, allowed_hosts=None)
    ):
        return url
    return reverse("plans:notification-list")


def notification_list(request: AuthenticatedRequest) -> HttpResponse:
    notifications = Notification.objects.filter(user=request.user).order_by("-created_at", "-pk")
    page = Paginator(notifications, PAGE_SIZE).get_page(request.GET.get("page"))
    unread = notifications.filter(read_at__isnull=True).count()
    return render(request, "plans/notifications.html", {"page": page, "unread": unread})


def notification_open(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    notification = get_object_or_404(Notification, pk=pk, user=request.user)
    if notification.read_at is None:
        Notification.objects.filter(pk=notification.pk).update(read_at=timezone.now())
    return redirect(safe_target(notification.url))


@require_POST
def notification_mark_all_read(request: AuthenticatedRequest) -> HttpResponse:
    count = Notification.objects.filter(user=request.user, read_at__isnull=True).update(
        read_at=timezone.now()
    )
    if count:
        messages.success(request, _("All notifications are marked as read."))
    return redirect("plans:notification-list")
