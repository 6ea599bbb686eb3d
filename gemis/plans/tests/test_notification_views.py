from __future__ import annotations

import datetime as dt

import pytest
from django.template.loader import render_to_string
from django.test import RequestFactory
from django.urls import reverse
from django.utils import timezone, translation

from gemis.plans.context_processors import notifications as notifications_context
from gemis.plans.models import Notification

pytestmark = pytest.mark.django_db


def notify(user, key: str, url: str = "/tasks/?overdue=1", minutes_ago: int = 0, read: bool = False):
    return Notification.objects.create(
        user=user,
        key=key,
        title=f"Tiêu đề {key}",
        body="- 3 ngày quá hạn: Tổ chức hội nghị",
        url=url,
        created_at=timezone.now() - dt.timedelta(minutes=minutes_ago),
        read_at=timezone.now() if read else None,
    )


def test_anonymous_is_sent_to_login(client, world):
    own = notify(world.district_a_focal, "digest:2026-11-22")
    for url in (reverse("plans:notification-list"), reverse("plans:notification-open", args=[own.pk])):
        response = client.get(url)
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("orgs:login"))
    response = client.post(reverse("plans:notification-mark-all-read"))
    assert response.status_code == 302 and response["Location"].startswith(reverse("orgs:login"))
    own.refresh_from_db()
    assert own.read_at is None


def test_list_shows_own_notifications_newest_first_unread_marked(client, world):
    old = notify(world.district_a_focal, "digest:2026-11-21", minutes_ago=60 * 24, read=True)
    new = notify(world.district_a_focal, "digest:2026-11-22")
    notify(world.district_b_coordinator, "summary:2026-11-22")
    client.force_login(world.district_a_focal)
    response = client.get(reverse("plans:notification-list"))
    assert response.status_code == 200
    assert [n.pk for n in response.context["page"]] == [new.pk, old.pk]
    assert response.context["unread"] == 1
    html = response.content.decode()
    assert html.count('data-testid="notification"') == 2
    assert html.count('data-unread="1"') == 1
    assert "Tiêu đề summary:2026-11-22" not in html
    assert 'data-testid="mark-all-read"' in html
    assert 'data-testid="unread-count">1<' in html  # the bell in the menu (base.html)


def test_empty_list(client, world):
    client.force_login(world.nobody)
    response = client.get(reverse("plans:notification-list"))
    assert 'data-testid="no-notifications"' in response.content.decode()
    assert 'data-testid="mark-all-read"' not in response.content.decode()


def test_opening_marks_read_and_goes_to_its_url(client, world):
    own = notify(world.district_a_focal, "digest:2026-11-22", url="/tasks/?overdue=1")
    client.force_login(world.district_a_focal)
    response = client.get(reverse("plans:notification-open", args=[own.pk]))
    assert response.status_code == 302
    assert response["Location"] == "/tasks/?overdue=1"
    own.refresh_from_db()
    assert own.read_at is not None


def test_another_users_notification_is_404_and_stays_unread(client, world):
    theirs = notify(world.district_b_coordinator, "summary:2026-11-22")
    client.force_login(world.district_a_coordinator)
    assert client.get(reverse("plans:notification-open", args=[theirs.pk])).status_code == 404
    client.force_login(world.other_coordinator)
    assert client.get(reverse("plans:notification-open", args=[theirs.pk])).status_code == 404
    theirs.refresh_from_db()
    assert theirs.read_at is None


@pytest.mark.parametrize(
    "url",
    [
        "https://evil.example/",
        "//evil.example/path",
        "/\\evil.example",
        "javascript:alert(1)",
        "tasks/1/",
        "",
        "/\t/evil.example",  # browsers drop the tab and read //evil.example
    ],
)
def test_never_an_open_redirect(client, world, url):
    own = notify(world.district_a_focal, "x", url=url)
    client.force_login(world.district_a_focal)
    response = client.get(reverse("plans:notification-open", args=[own.pk]))
    assert response.status_code == 302
    assert response["Location"] == reverse("plans:notification-list")


def test_mark_all_read_only_touches_own(client, world):
    mine = [notify(world.district_a_focal, f"k{i}") for i in range(3)]
    theirs = notify(world.district_a_coordinator, "k0")
    client.force_login(world.district_a_focal)
    assert client.get(reverse("plans:notification-mark-all-read")).status_code == 405
    response = client.post(reverse("plans:notification-mark-all-read"))
    assert response.status_code == 302 and response["Location"] == reverse("plans:notification-list")
    assert all(Notification.objects.get(pk=n.pk).read_at for n in mine)
    theirs.refresh_from_db()
    assert theirs.read_at is None


def test_list_is_paged(client, world):
    for i in range(35):
        notify(world.district_a_focal, f"k{i}", minutes_ago=i)
    client.force_login(world.district_a_focal)
    first = client.get(reverse("plans:notification-list"))
    assert len(first.context["page"]) == 30
    second = client.get(reverse("plans:notification-list"), {"page": 2})
    assert len(second.context["page"]) == 5


def test_context_processor_counts_unread_once(world, django_assert_num_queries):
    notify(world.district_a_focal, "a")
    notify(world.district_a_focal, "b", read=True)
    notify(world.district_a_coordinator, "a")
    request = RequestFactory().get("/")
    request.user = world.district_a_focal
    unread = notifications_context(request)["gemis_unread_notifications"]
    with django_assert_num_queries(1):
        assert unread() == 1
        assert unread() == 1


def test_context_processor_for_anonymous_is_empty():
    from django.contrib.auth.models import AnonymousUser

    request = RequestFactory().get("/")
    request.user = AnonymousUser()
    assert notifications_context(request) == {}


def test_nav_badge(world):
    request = RequestFactory().get("/")
    request.user = world.district_a_focal
    with translation.override("en"):
        html = render_to_string(
            "plans/notifications_nav.html", {"gemis_unread_notifications": 3, "request": request}
        )
        assert 'data-testid="unread-count">3<' in html
        assert "Notifications, 3 unread" in html
        none = render_to_string(
            "plans/notifications_nav.html", {"gemis_unread_notifications": 0, "request": request}
        )
        assert 'data-testid="unread-count"' not in none
        assert 'aria-label="Notifications"' in none  # the icon alone still has a name
        assert ">99+<" in render_to_string(
            "plans/notifications_nav.html", {"gemis_unread_notifications": 120, "request": request}
        )
