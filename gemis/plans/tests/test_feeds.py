"""Calendar feeds: the page to create and revoke them, and the iCalendar file (parsed back with icalendar)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse
from icalendar import Calendar

from gemis.plans import task_rules
from gemis.plans.models import CalendarFeed, PlanStatus, TaskStatus
from gemis.plans.testing import make_plan, make_task
from gemis.vn.deadlines import Deadline

pytestmark = pytest.mark.django_db

TODAY = task_rules.today()


@pytest.fixture
def feed_tasks(world):
    plan = make_plan(world.province, world.province_agency, number="88/KH-UBND", status=PlanStatus.ISSUED)
    draft = make_plan(world.district_a, world.district_a_agency)
    return {
        "due": make_task(
            plan,
            "Tổng hợp báo cáo sơ kết 6 tháng đầu năm về công tác bình đẳng giới " * 3,
            lead=world.district_a_agency,
            deadline=Deadline.on(TODAY + dt.timedelta(days=10), "trước ngày 15/5"),
        ),
        "range": make_task(
            plan,
            "Tháng hành động vì bình đẳng giới",
            lead=world.province_agency,
            partners=[world.district_a_agency],
            deadline=Deadline.between(TODAY, TODAY + dt.timedelta(days=30), "từ 15/11 đến 15/12"),
        ),
        "undated": make_task(
            plan, "Thường xuyên", lead=world.district_a_agency, deadline=Deadline.none("thường xuyên")
        ),
        "b": make_task(plan, "Việc huyện B", lead=world.district_b_agency, deadline=Deadline.on(TODAY)),
        "draft": make_task(draft, "Nháp", lead=world.district_a_agency, deadline=Deadline.on(TODAY)),
        "old": make_task(
            plan,
            "Việc năm ngoái",
            lead=world.district_a_agency,
            deadline=Deadline.on(TODAY - dt.timedelta(days=800)),
            status=TaskStatus.DONE,
        ),
    }


def fetch(client, feed) -> Calendar:
    response = client.get(reverse("plans:calendar-feed", args=[feed.token]))
    assert response.status_code == 200
    assert response["Content-Type"] == "text/calendar; charset=utf-8"
    return Calendar.from_ical(response.content)


def events(cal: Calendar) -> dict[str, object]:
    return {str(e["summary"]): e for e in cal.walk("VEVENT")}


# --- the page ------------------------------------------------------------------------------------------


def test_create_a_feed_and_see_its_address(client, world):
    client.force_login(world.district_a_focal)
    response = client.post(reverse("plans:calendar-feeds"), {"agency": ""})
    assert response.status_code == 302
    feed = CalendarFeed.objects.get(user=world.district_a_focal)
    assert feed.agency is None and len(feed.token) >= 32
    html = client.get(reverse("plans:calendar-feeds")).content.decode()
    assert f"http://testserver/ical/{feed.token}.ics" in html
    assert f"webcal://testserver/ical/{feed.token}.ics" in html


def test_create_a_feed_for_one_of_ones_agencies_only(client, world):
    client.force_login(world.district_a_focal)
    assert (
        client.post(reverse("plans:calendar-feeds"), {"agency": world.district_a_agency.pk}).status_code
        == 302
    )
    assert CalendarFeed.objects.get().agency == world.district_a_agency
    response = client.post(reverse("plans:calendar-feeds"), {"agency": world.district_b_agency.pk})
    assert response.status_code == 400
    assert CalendarFeed.objects.count() == 1


def test_revoke(client, world, feed_tasks):
    feed = CalendarFeed.objects.create(user=world.district_a_focal)
    client.force_login(world.district_a_focal)
    response = client.post(reverse("plans:calendar-feed-revoke", args=[feed.pk]))
    assert response.status_code == 302
    feed.refresh_from_db()
    assert feed.revoked_at is not None
    client.logout()
    assert client.get(reverse("plans:calendar-feed", args=[feed.token])).status_code == 404
    client.force_login(world.district_a_focal)
    html = client.get(reverse("plans:calendar-feeds")).content.decode()
    assert feed.token not in html


def test_someone_elses_feed_cannot_be_revoked(client, world):
    feed = CalendarFeed.objects.create(user=world.district_a_focal)
    client.force_login(world.district_a_coordinator)
    assert client.post(reverse("plans:calendar-feed-revoke", args=[feed.pk])).status_code == 404
    feed.refresh_from_db()
    assert feed.revoked_at is None
    assert feed.token not in client.get(reverse("plans:calendar-feeds")).content.decode()


def test_revoke_needs_post(client, world):
    feed = CalendarFeed.objects.create(user=world.district_a_focal)
    client.force_login(world.district_a_focal)
    assert client.get(reverse("plans:calendar-feed-revoke", args=[feed.pk])).status_code == 405


def test_page_needs_login(client):
    response = client.get(reverse("plans:calendar-feeds"))
    assert response.status_code == 302 and response["Location"].startswith(reverse("orgs:login"))


def test_number_of_active_feeds_is_limited(client, world, monkeypatch):
    from gemis.plans import views_feeds

    monkeypatch.setattr(views_feeds, "MAX_ACTIVE_FEEDS", 2)
    client.force_login(world.district_a_focal)
    for _ in range(2):
        assert client.post(reverse("plans:calendar-feeds"), {"agency": ""}).status_code == 302
    assert client.post(reverse("plans:calendar-feeds"), {"agency": ""}).status_code == 400
    assert CalendarFeed.objects.count() == 2


# --- the feed ------------------------------------------------------------------------------------------


def test_feed_events(client, world, feed_tasks, settings):
    settings.GEMIS_BASE_URL = "https://gemis.example.vn"
    feed = CalendarFeed.objects.create(user=world.district_a_focal)
    cal = fetch(client, feed)  # no login: the token is the credential
    assert cal["version"] == "2.0"
    assert world.district_a_focal.username in str(cal["x-wr-calname"])
    found = {e["uid"]: e for e in cal.walk("VEVENT")}
    due, span = feed_tasks["due"], feed_tasks["range"]
    assert set(found) == {f"task-{due.pk}@gemis.example.vn", f"task-{span.pk}@gemis.example.vn"}
    event = found[f"task-{due.pk}@gemis.example.vn"]
    # All-day: DATE values, one day long.
    assert event["dtstart"].dt == due.due_date and not isinstance(event["dtstart"].dt, dt.datetime)
    assert event["dtend"].dt == due.due_date + dt.timedelta(days=1)
    summary = str(event["summary"])
    assert summary.startswith("Tổng hợp báo cáo sơ kết") and summary.endswith("…") and len(summary) <= 120
    description = str(event["description"])
    assert "88/KH-UBND" in description and "trước ngày 15/5" in description
    assert world.district_a_agency.name in description
    assert f"https://gemis.example.vn/tasks/{due.pk}/" in description
    assert str(event["url"]) == f"https://gemis.example.vn/tasks/{due.pk}/"
    event = found[f"task-{span.pk}@gemis.example.vn"]
    assert event["dtstart"].dt == TODAY and event["dtend"].dt == TODAY + dt.timedelta(days=31)


def test_feed_uid_is_stable_when_the_task_moves(client, world, feed_tasks):
    feed = CalendarFeed.objects.create(user=world.district_a_focal)
    before = {str(e["uid"]) for e in fetch(client, feed).walk("VEVENT")}
    task = feed_tasks["due"]
    task.due_date = TODAY + dt.timedelta(days=40)
    task.save()
    after = fetch(client, feed).walk("VEVENT")
    assert {str(e["uid"]) for e in after} == before
    moved = next(e for e in after if str(e["uid"]).startswith(f"task-{task.pk}@"))
    assert moved["dtstart"].dt == TODAY + dt.timedelta(days=40)


def test_feed_name_is_vietnamese(client, world, feed_tasks):
    feed = CalendarFeed.objects.create(user=world.district_a_focal, agency=world.district_a_agency)
    assert str(fetch(client, feed)["x-wr-calname"]) == f"Nhiệm vụ GEMIS — {world.district_a_agency.name}"


def test_agency_feed_has_that_agencys_tasks_only(client, world, feed_tasks):
    feed = CalendarFeed.objects.create(user=world.province_coordinator, agency=world.province_agency)
    uids = {str(e["uid"]).split("@")[0] for e in fetch(client, feed).walk("VEVENT")}
    assert uids == {f"task-{feed_tasks['range'].pk}"}


def test_feed_never_shows_more_than_its_owner_may_see(client, world, feed_tasks):
    # A district B coordinator's feed for district B; a district A task partnered with B is not shown
    # unless B may see it, and district A's own tasks never are.
    feed = CalendarFeed.objects.create(user=world.district_b_coordinator)
    uids = {str(e["uid"]).split("@")[0] for e in fetch(client, feed).walk("VEVENT")}
    assert uids == {f"task-{feed_tasks['b'].pk}"}
    # A feed made for an agency its owner has since left shows only what the owner may still see.
    stale = CalendarFeed.objects.create(user=world.other_coordinator, agency=world.district_a_agency)
    assert list(fetch(client, stale).walk("VEVENT")) == []


def test_feed_of_a_deactivated_owner_is_404(client, world, feed_tasks):
    feed = CalendarFeed.objects.create(user=world.district_a_focal)
    world.district_a_focal.is_active = False
    world.district_a_focal.save()
    assert client.get(reverse("plans:calendar-feed", args=[feed.token])).status_code == 404


@pytest.mark.parametrize("token", ["nope", "x" * 32, "../../etc/passwd"])
def test_unknown_token_is_404(client, world, token):
    CalendarFeed.objects.create(user=world.district_a_focal)
    assert client.get(f"/ical/{token}.ics").status_code == 404


@pytest.mark.browser
def test_feed_page_in_the_browser(page, live_world):
    from gemis.conftest import screenshot

    page.goto(page.base_url + reverse("orgs:login"))
    page.locator("input[name=username]").fill("dau.moi.a")
    page.locator("input[name=password]").fill("Mat-khau-2026!")
    page.locator("form button[type=submit]").click()
    page.wait_for_url(page.base_url + "/")
    page.goto(page.base_url + reverse("plans:calendar-feeds"))
    page.get_by_test_id("feed-form").locator("select[name=agency]").select_option(
        str(live_world.district_a_agency.pk)
    )
    page.get_by_test_id("feed-form").locator("button[type=submit]").click()
    url = page.get_by_test_id("feed-url").input_value()
    assert url.startswith(page.base_url + "/ical/") and url.endswith(".ics")
    screenshot(page, "task-feeds")
    assert page.request.get(url).status == 200
    page.get_by_test_id("revoke").click()
    page.wait_for_load_state()
    assert page.get_by_test_id("feed").count() == 0
    assert page.request.get(url).status == 404
