"""The month calendar: the grid (plans/task_calendar.py) and the screen."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse

from gemis.plans import task_calendar, task_rules
from gemis.plans.models import PlanStatus, Task, TaskStatus
from gemis.plans.testing import make_plan, make_task
from gemis.vn.deadlines import Deadline

NOV = dt.date(2026, 11, 1)


# --- the grid ------------------------------------------------------------------------------------------


def test_weeks_start_on_monday():
    weeks = task_calendar.month_weeks(NOV)
    assert weeks[0][0] == dt.date(2026, 10, 26)  # 1/11/2026 is a Sunday
    assert all(week[0].weekday() == 0 for week in weeks)
    assert weeks[-1][-1] == dt.date(2026, 12, 6)
    assert all(len(week) == 7 for week in weeks)


@pytest.mark.parametrize(
    "text,expected",
    [
        ("2026-11", NOV),
        ("2027-2", dt.date(2027, 2, 1)),
        ("2026-13", dt.date(2026, 5, 1)),
        ("abc", dt.date(2026, 5, 1)),
        (None, dt.date(2026, 5, 1)),
        ("99999-01", dt.date(2026, 5, 1)),
    ],
)
def test_month_in_the_address(text, expected):
    assert task_calendar.parse_month(text, dt.date(2026, 5, 17)) == expected


def test_adding_months_crosses_years():
    assert task_calendar.add_months(dt.date(2026, 12, 1), 1) == dt.date(2027, 1, 1)
    assert task_calendar.add_months(dt.date(2026, 1, 1), -1) == dt.date(2025, 12, 1)


@pytest.fixture
def plan(world):
    return make_plan(world.province, world.province_agency, status=PlanStatus.ISSUED)


@pytest.mark.django_db
def test_tasks_on_their_due_dates_and_spans_on_every_day(world, plan):
    on_date = make_task(
        plan, "Báo cáo sơ kết", lead=world.province_agency, deadline=Deadline.on(dt.date(2026, 11, 10))
    )
    action_month = make_task(
        plan,
        "Tháng hành động vì bình đẳng giới",
        lead=world.province_agency,
        deadline=Deadline.between(dt.date(2026, 11, 15), dt.date(2026, 12, 15)),
    )
    in_month = make_task(
        plan, "Trong tháng 11", lead=world.province_agency, deadline=Deadline.in_month(2026, 11)
    )
    make_task(plan, "Tháng 1", lead=world.province_agency, deadline=Deadline.on(dt.date(2027, 1, 5)))
    today = dt.date(2026, 11, 22)
    month = task_calendar.build_month(Task.objects.all(), NOV, today)
    days = {day.date: day for week in month.weeks for day in week}
    assert month.task_count == 3
    assert [e.task for e in days[dt.date(2026, 11, 10)].entries] == [on_date]
    assert days[dt.date(2026, 11, 10)].entries[0].is_overdue
    # The Action Month fills 15/11 onwards, to the end of the shown weeks (6/12).
    spanned = [d for d, day in days.items() if any(e.task == action_month for e in day.entries)]
    assert min(spanned) == dt.date(2026, 11, 15) and max(spanned) == dt.date(2026, 12, 6)
    first = next(e for e in days[dt.date(2026, 11, 15)].entries if e.task == action_month)
    assert first.is_start and first.is_span and not first.is_due
    # A month deadline sits on its last day only.
    assert [e.task for e in days[dt.date(2026, 11, 30)].entries if e.task == in_month] == [in_month]
    assert not any(e.task == in_month for e in days[dt.date(2026, 11, 29)].entries)
    assert days[today].is_today and not days[dt.date(2026, 11, 21)].is_today
    # The span continues into December, and ends on its due date there.
    december = task_calendar.build_month(Task.objects.all(), dt.date(2026, 12, 1), today)
    dec_days = {day.date: day for week in december.weeks for day in week}
    last = next(e for e in dec_days[dt.date(2026, 12, 15)].entries if e.task == action_month)
    assert last.is_due
    assert not any(e.task == action_month for e in dec_days[dt.date(2026, 12, 16)].entries)


@pytest.mark.django_db
def test_long_spans_sit_on_their_due_date_only(world, plan):
    half_year = make_task(
        plan,
        "6 tháng cuối năm",
        lead=world.province_agency,
        deadline=Deadline.between(dt.date(2026, 7, 1), dt.date(2026, 12, 31)),
    )
    month = task_calendar.build_month(Task.objects.all(), NOV, dt.date(2026, 11, 1))
    assert month.task_count == 0
    december = task_calendar.build_month(Task.objects.all(), dt.date(2026, 12, 1), dt.date(2026, 11, 1))
    placed = [d.date for w in december.weeks for d in w if any(e.task == half_year for e in d.entries)]
    assert placed == [dt.date(2026, 12, 31)]


@pytest.mark.django_db
def test_phone_list_names_a_span_on_its_ends_only(world, plan):
    make_task(
        plan,
        "Tháng hành động",
        lead=world.province_agency,
        deadline=Deadline.between(dt.date(2026, 11, 15), dt.date(2026, 12, 15)),
    )
    november = task_calendar.build_month(Task.objects.all(), NOV, dt.date(2026, 11, 1))
    assert [d.date for d in november.busy_days] == [dt.date(2026, 11, 15)]
    december = task_calendar.build_month(Task.objects.all(), dt.date(2026, 12, 1), dt.date(2026, 11, 1))
    assert [d.date for d in december.busy_days] == [dt.date(2026, 12, 1), dt.date(2026, 12, 15)]


@pytest.mark.django_db
def test_busy_day_shows_a_few_and_counts_the_rest(world, plan):
    for i in range(task_calendar.PER_DAY + 3):
        make_task(plan, f"Việc {i}", lead=world.province_agency, deadline=Deadline.on(dt.date(2026, 11, 20)))
    month = task_calendar.build_month(Task.objects.all(), NOV, dt.date(2026, 11, 1))
    day = next(d for w in month.weeks for d in w if d.date == dt.date(2026, 11, 20))
    assert (len(day.shown), day.total, day.more) == (task_calendar.PER_DAY, task_calendar.PER_DAY + 3, 3)
    assert [d.date for d in month.busy_days] == [dt.date(2026, 11, 20)]


@pytest.mark.django_db
def test_done_tasks_are_not_overdue(world, plan):
    make_task(
        plan,
        "Đã xong",
        lead=world.province_agency,
        deadline=Deadline.on(dt.date(2026, 11, 2)),
        status=TaskStatus.DONE,
        progress=100,
    )
    month = task_calendar.build_month(Task.objects.all(), NOV, dt.date(2026, 11, 20))
    entry = next(e for w in month.weeks for d in w for e in d.entries)
    assert entry.display_status == TaskStatus.DONE and not entry.is_overdue


# --- the screen ----------------------------------------------------------------------------------------


@pytest.fixture
def calendar_tasks(world):
    today = task_rules.today()
    a_plan = make_plan(world.district_a, world.district_a_agency, status=PlanStatus.ISSUED)
    b_plan = make_plan(world.district_b, world.district_b_agency, status=PlanStatus.ISSUED)
    return {
        "a": make_task(a_plan, "Việc huyện A", lead=world.district_a_agency, deadline=Deadline.on(today)),
        "b": make_task(b_plan, "Việc huyện B", lead=world.district_b_agency, deadline=Deadline.on(today)),
    }


@pytest.mark.django_db
def test_calendar_page(client, world, calendar_tasks):
    client.force_login(world.province_coordinator)
    today = task_rules.today()
    response = client.get(reverse("plans:task-calendar"))
    assert response.status_code == 200
    html = response.content.decode()
    assert f'data-month="{today:%Y-%m}"' in html
    assert 'aria-current="date"' in html
    assert f'data-date="{today:%Y-%m-%d}" data-total="2"' in html
    assert 'data-testid="calendar-list"' in html  # the phone list
    previous = task_calendar.add_months(today.replace(day=1), -1)
    assert f"month={previous:%Y-%m}" in html


@pytest.mark.django_db
def test_calendar_month_in_the_address_and_filters(client, world, calendar_tasks):
    client.force_login(world.province_coordinator)
    response = client.get(
        reverse("plans:task-calendar"), {"month": "2030-02", "agency": world.district_a_agency.pk}
    )
    assert response.context["month"].first == dt.date(2030, 2, 1)
    assert response.context["month"].task_count == 0
    today = task_rules.today()
    agency = world.district_a_agency.pk
    response = client.get(reverse("plans:task-calendar"), {"agency": agency})
    tasks = {e.task for w in response.context["month"].weeks for d in w for e in d.entries}
    assert tasks == {calendar_tasks["a"]}
    # Moving to the next month keeps the filters.
    following = task_calendar.add_months(today.replace(day=1), 1)
    assert f"?agency={agency}&amp;month={following:%Y-%m}" in response.content.decode()


@pytest.mark.django_db
def test_calendar_page_in_english(client, world, calendar_tasks):
    client.cookies["gemis_language"] = "en"
    client.force_login(world.province_coordinator)
    html = client.get(reverse("plans:task-calendar"), {"month": "2026-11"}).content.decode()
    assert "Month 11/2026" in html and ">Mon<" in html


@pytest.mark.django_db
@pytest.mark.parametrize("who,expected", [("district_b_coordinator", {"b"}), ("other_coordinator", set())])
def test_calendar_shows_only_what_one_may_see(client, world, calendar_tasks, who, expected):
    client.force_login(getattr(world, who))
    response = client.get(reverse("plans:task-calendar"))
    tasks = {e.task for w in response.context["month"].weeks for d in w for e in d.entries}
    assert tasks == {calendar_tasks[k] for k in expected}


@pytest.mark.django_db
def test_calendar_needs_login(client):
    response = client.get(reverse("plans:task-calendar"))
    assert response.status_code == 302 and response["Location"].startswith(reverse("orgs:login"))


@pytest.mark.browser
def test_calendar_on_a_laptop_and_a_phone(page, live_world):
    from gemis.conftest import screenshot

    plan = make_plan(live_world.province, live_world.province_agency, status=PlanStatus.ISSUED)
    today = task_rules.today()
    first = today.replace(day=1)
    make_task(
        plan,
        "Tổ chức các hoạt động hưởng ứng Tháng hành động vì bình đẳng giới",
        lead=live_world.province_agency,
        deadline=Deadline.between(first + dt.timedelta(days=14), first + dt.timedelta(days=44)),
    )
    for i, text in enumerate(["Báo cáo sơ kết", "Rà soát số liệu", "Kiểm tra cơ sở", "Tập huấn cán bộ"]):
        make_task(
            plan,
            text,
            lead=live_world.district_a_agency,
            deadline=Deadline.on(first + dt.timedelta(days=3 + i * 6)),
            status=TaskStatus.DONE if i == 1 else TaskStatus.NOT_STARTED,
        )
    page.goto(page.base_url + reverse("orgs:login"))
    page.locator("input[name=username]").fill("tinh")
    page.locator("input[name=password]").fill("Mat-khau-2026!")
    page.locator("form button[type=submit]").click()
    page.wait_for_url(page.base_url + "/")
    page.goto(page.base_url + reverse("plans:task-calendar"))
    grid = page.get_by_test_id("calendar-grid")
    assert grid.is_visible()
    assert grid.locator("td[aria-current=date]").count() == 1
    screenshot(page, "task-calendar")
    page.set_viewport_size({"width": 390, "height": 844})
    assert not grid.is_visible()
    assert page.get_by_test_id("calendar-list").is_visible()
    screenshot(page, "task-calendar-phone")
    page.get_by_test_id("next-month").click()
    page.wait_for_url("**month=*")
    assert page.get_by_test_id("month-title").get_attribute("data-month") == (
        task_calendar.add_months(first, 1).strftime("%Y-%m")
    )
