"""Calendar feeds: addresses a calendar app subscribes to, one per person or per agency, revocable.

The feed address carries a random token and no login, because calendar apps
cannot sign in. The token stands for its owner: the feed shows what the owner
may see today (through the access rule), and nothing once the owner's account
is closed or the token revoked.
"""

from __future__ import annotations

import datetime as dt
from urllib.parse import urlsplit

from django import forms
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from gemis.core.forms import BootstrapFormMixin
from gemis.orgs import access
from gemis.orgs.models import Agency, Membership, User
from gemis.orgs.requests import AuthenticatedRequest
from gemis.plans import task_calendar
from gemis.plans.models import CalendarFeed, PlanStatus, Task

# A person keeps a few addresses (phone, office computer); more is a sign of a leak being papered over.
MAX_ACTIVE_FEEDS = 10
# Closed work older than this is left out so that the file stays small for calendar apps.
HISTORY_DAYS = 365


def member_agencies(user: User):
    return Agency.objects.filter(
        pk__in=Membership.objects.filter(user=user).values("agency_id")
    ).select_related("org_unit")


def feed_tasks(feed: CalendarFeed):
    """The tasks a feed shows: its agency's (or all its owner's agencies'), as its owner may see them."""
    owner = feed.user
    agency_ids = (
        [feed.agency_id] if feed.agency_id else list(member_agencies(owner).values_list("pk", flat=True))
    )
    mine = Task.objects.filter(lead_agency_id__in=agency_ids) | Task.objects.filter(partners__in=agency_ids)
    since = timezone.localdate() - dt.timedelta(days=HISTORY_DAYS)
    return (
        access.filter_for(owner, Task.objects.filter(pk__in=mine.values("pk")))
        .exclude(plan__status=PlanStatus.DRAFT)
        .filter(due_date__gte=since)
        .select_related("plan", "lead_agency")
        .order_by("due_date", "pk")
    )


def feed_name(feed: CalendarFeed) -> str:
    if feed.agency_id:
        return _("GEMIS tasks — %(agency)s") % {"agency": feed.agency.name}
    return _("GEMIS tasks — %(person)s") % {"person": feed.user}


class FeedForm(BootstrapFormMixin, forms.Form):
    agency = forms.ModelChoiceField(
        label=gettext_lazy("Tasks of"),
        queryset=Agency.objects.none(),
        required=False,
        empty_label=gettext_lazy("All my agencies"),
    )

    def __init__(self, *args, user: User, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["agency"].queryset = member_agencies(user).order_by("name")


def _subscription_urls(request: AuthenticatedRequest, feed: CalendarFeed) -> dict[str, str]:
    url = request.build_absolute_uri(reverse("plans:calendar-feed", args=[feed.token]))
    return {"https": url, "webcal": "webcal://" + url.split("://", 1)[1]}


def feed_list(request: AuthenticatedRequest) -> HttpResponse:
    """The person's feeds: create one, copy its address, revoke it."""
    feeds = CalendarFeed.objects.filter(user=request.user).select_related("agency")
    form = FeedForm(request.POST or None, user=request.user)
    status = 200
    if request.method == "POST":
        if feeds.filter(revoked_at__isnull=True).count() >= MAX_ACTIVE_FEEDS:
            form.add_error(
                None, _("You have %(n)d active addresses; revoke one first.") % {"n": MAX_ACTIVE_FEEDS}
            )
            status = 400
        elif form.is_valid():
            feed = CalendarFeed.objects.create(user=request.user, agency=form.cleaned_data["agency"])
            messages.success(
                request, _("The calendar address has been created. Copy it into your calendar app.")
            )
            return redirect(f"{reverse('plans:calendar-feeds')}#feed-{feed.pk}")
        else:
            status = 400
    active = [(feed, _subscription_urls(request, feed)) for feed in feeds if feed.revoked_at is None]
    revoked = [feed for feed in feeds if feed.revoked_at is not None][:10]
    context = {"form": form, "active": active, "revoked": revoked}
    return render(request, "plans/feeds.html", context, status=status)


@require_POST
def feed_revoke(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    feed = get_object_or_404(CalendarFeed, pk=pk, user=request.user)
    if feed.revoked_at is None:
        feed.revoked_at = timezone.now()
        feed.save(update_fields=["revoked_at"])
        messages.success(request, _("The address has been revoked; calendars using it stop updating."))
    return redirect("plans:calendar-feeds")


@login_not_required  # calendar apps sign in with the secret address, not a session
def feed_ics(request: HttpRequest, token: str) -> HttpResponse:
    """The feed itself, for calendar apps: no session, the token is the credential."""
    feed = (
        CalendarFeed.objects.select_related("user", "agency")
        .filter(token=token, revoked_at__isnull=True, user__is_active=True)
        .first()
    )
    if feed is None:
        raise Http404
    base_url = settings.GEMIS_BASE_URL
    host = urlsplit(base_url).hostname or "gemis"
    # Calendar apps send no language; the feed speaks the site's language.
    with translation.override(settings.LANGUAGE_CODE):
        body = task_calendar.ical_bytes(feed_tasks(feed), feed_name(feed), base_url, host)
    response = HttpResponse(body, content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = 'inline; filename="gemis.ics"'
    response["Cache-Control"] = "private, max-age=900"
    response["X-Robots-Tag"] = "noindex"
    return response
