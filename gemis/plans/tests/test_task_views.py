"""The task page, "my tasks", the coordinators' table and board: content, filters, order, access."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import pytest
from django.urls import reverse

from gemis.orgs.testing import make_agency, make_user
from gemis.plans import task_rules, views_tasks
from gemis.plans.models import PlanStatus, Task, TaskStatus
from gemis.plans.testing import make_plan, make_task
from gemis.vn.deadlines import Deadline

pytestmark = pytest.mark.django_db

TODAY = task_rules.today()


def days(n: int) -> dt.date:
    return TODAY + dt.timedelta(days=n)


@dataclass
class Tasks:
    overdue_a: Task  # district A plan, overdue
    soon_a: Task  # district A plan, due in 3 days
    later_b: Task  # province plan, led by district B, due in 20 days
    done_p: Task  # province plan, led by the province department, done
    undated_p: Task  # province plan, no due date, district A partner
    draft_a: Task  # draft district A plan
    other: Task  # another province


@pytest.fixture
def tasks(world) -> Tasks:
    # Issued plans are read by the units below: district B reads the province's plan, not district A's.
    plan = make_plan(world.province, world.province_agency, number="12/KH-UBND", status=PlanStatus.ISSUED)
    a_plan = make_plan(
        world.district_a, world.district_a_agency, number="5/KH-UBND", status=PlanStatus.ISSUED
    )
    draft = make_plan(world.district_a, world.district_a_agency, number="3/KH-UBND")
    other_plan = make_plan(world.other_province, world.other_agency, status=PlanStatus.ISSUED)
    return Tasks(
        overdue_a=make_task(
            a_plan,
            "Rà soát số liệu cán bộ nữ",
            lead=world.district_a_agency,
            deadline=Deadline.on(days(-5), "trước ngày ..."),
            status=TaskStatus.IN_PROGRESS,
            progress=40,
        ),
        soon_a=make_task(
            a_plan, "Tổ chức tập huấn", lead=world.district_a_agency, deadline=Deadline.on(days(3))
        ),
        later_b=make_task(
            plan, "Truyền thông lưu động", lead=world.district_b_agency, deadline=Deadline.on(days(20))
        ),
        done_p=make_task(
            plan,
            "Ban hành kế hoạch",
            lead=world.province_agency,
            deadline=Deadline.on(days(-30)),
            status=TaskStatus.DONE,
            progress=100,
        ),
        undated_p=make_task(
            plan,
            "Thường xuyên kiểm tra",
            lead=world.province_agency,
            partners=[world.district_a_agency],
            deadline=Deadline.none("thường xuyên"),
        ),
        draft_a=make_task(
            draft, "Nhiệm vụ nháp", lead=world.district_a_agency, deadline=Deadline.on(days(10))
        ),
        other=make_task(
            other_plan, "Nhiệm vụ tỉnh khác", lead=world.other_agency, deadline=Deadline.on(days(-1))
        ),
    )


def listed(response) -> list[int]:
    return [row.task.pk for row in response.context["rows"]]


# --- anonymous -----------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "name,args",
    [
        ("task-list", []),
        ("my-tasks", []),
        ("task-board", []),
        ("task-calendar", []),
        ("task-export", ["xlsx"]),
        ("task-detail", [1]),
        ("attachment-download", [1]),
    ],
)
def test_anonymous_is_sent_to_login(client, name, args):
    response = client.get(reverse(f"plans:{name}", args=args))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("orgs:login"))


# --- the task page -------------------------------------------------------------------------------------


def test_task_page_shows_facts_and_days_overdue(client, world, tasks):
    client.force_login(world.district_a_viewer)
    response = client.get(reverse("plans:task-detail", args=[tasks.overdue_a.pk]))
    assert response.status_code == 200
    html = response.content.decode()
    assert "Rà soát số liệu cán bộ nữ" in html
    assert "trước ngày ..." in html
    assert days(-5).strftime("%d/%m/%Y") in html
    assert response.context["row"].status == task_rules.OVERDUE
    assert response.context["row"].overdue_days == 5
    assert 'data-status="overdue"' in html
    assert 'data-progress="40"' in html


def test_task_page_in_english(client, world, tasks):
    client.cookies["gemis_language"] = "en"
    client.force_login(world.district_a_viewer)
    html = client.get(reverse("plans:task-detail", args=[tasks.overdue_a.pk])).content.decode()
    assert "5 days overdue" in html
    html = client.get(reverse("plans:task-detail", args=[tasks.soon_a.pk])).content.decode()
    assert "3 days left" in html


@pytest.mark.parametrize("who", ["district_b_coordinator", "other_coordinator", "nobody"])
def test_task_page_of_another_unit_is_404(client, world, tasks, who):
    client.force_login(getattr(world, who))
    assert client.get(reverse("plans:task-detail", args=[tasks.overdue_a.pk])).status_code == 404


def test_partner_member_may_read_the_task(client, world, tasks):
    client.force_login(world.district_a_viewer)
    assert client.get(reverse("plans:task-detail", args=[tasks.undated_p.pk])).status_code == 200


def test_progress_form_only_for_those_who_may_change(client, world, tasks):
    url = reverse("plans:task-detail", args=[tasks.overdue_a.pk])
    client.force_login(world.district_a_focal)
    assert client.get(url).context["form"] is not None
    client.force_login(world.province_coordinator)
    assert client.get(url).context["form"] is not None
    client.force_login(world.district_a_viewer)
    assert client.get(url).context["form"] is None
    response = client.post(url, {"note": "x", "progress": 50, "expected_version": 1})
    assert response.status_code == 404
    assert not tasks.overdue_a.updates.exists()
    # A partner reads a task but does not report on it.
    client.force_login(world.district_a_focal)
    assert client.get(reverse("plans:task-detail", args=[tasks.undated_p.pk])).context["form"] is None


def test_parent_task_shows_the_roll_up_of_its_children(client, world, tasks):
    district_plan = make_plan(world.district_a, world.district_a_agency, status=PlanStatus.ISSUED)
    child_a = make_task(
        district_plan,
        "Tổ chức tập huấn (huyện A)",
        lead=world.district_a_agency,
        parent_task=tasks.later_b,
        progress=50,
        status=TaskStatus.IN_PROGRESS,
    )
    child_a.addressed_units.set([world.commune_a])
    b_plan = make_plan(world.district_b, world.district_b_agency, status=PlanStatus.ISSUED)
    child_b = make_task(
        b_plan, "Tổ chức tập huấn (huyện B)", lead=world.district_b_agency, parent_task=tasks.later_b
    )
    client.force_login(world.province_coordinator)
    response = client.get(reverse("plans:task-detail", args=[tasks.later_b.pk]))
    assert [row.task.pk for row in response.context["children"]] == [child_a.pk, child_b.pk]
    html = response.content.decode()
    assert "Xã Hòa Lạc" in html
    # District A reads its own child and the province's task it came from; district B not A's child.
    client.force_login(world.district_a_coordinator)
    response = client.get(reverse("plans:task-detail", args=[child_a.pk]))
    assert response.context["parent"] == tasks.later_b
    assert [
        row.task.pk
        for row in client.get(reverse("plans:task-detail", args=[tasks.later_b.pk])).context["children"]
    ] == [child_a.pk]
    client.force_login(world.district_b_coordinator)
    assert client.get(reverse("plans:task-detail", args=[child_a.pk])).status_code == 404


# --- the task table ------------------------------------------------------------------------------------


def test_province_coordinator_sees_issued_tasks_of_the_province(client, world, tasks):
    client.force_login(world.province_coordinator)
    response = client.get(reverse("plans:task-list"))
    assert response.status_code == 200
    ids = listed(response)
    assert set(ids) == {
        t.pk for t in (tasks.overdue_a, tasks.soon_a, tasks.later_b, tasks.done_p, tasks.undated_p)
    }
    # By due date, undated last.
    assert ids == [tasks.done_p.pk, tasks.overdue_a.pk, tasks.soon_a.pk, tasks.later_b.pk, tasks.undated_p.pk]


def test_district_sees_its_own_and_the_provinces_issued_plans_not_another_district(client, world, tasks):
    client.force_login(world.district_b_coordinator)
    ids = listed(client.get(reverse("plans:task-list")))
    assert set(ids) == {tasks.later_b.pk, tasks.done_p.pk, tasks.undated_p.pk}
    client.force_login(world.other_coordinator)
    assert listed(client.get(reverse("plans:task-list"))) == [tasks.other.pk]


def test_drafts_only_on_request(client, world, tasks):
    client.force_login(world.district_a_coordinator)
    assert tasks.draft_a.pk not in listed(client.get(reverse("plans:task-list")))
    assert tasks.draft_a.pk in listed(client.get(reverse("plans:task-list"), {"drafts": "1"}))
    assert listed(client.get(reverse("plans:task-list"), {"plan": tasks.draft_a.plan_id})) == [
        tasks.draft_a.pk
    ]


@pytest.mark.parametrize(
    "params,expected",
    [
        ({"status": "overdue"}, ["overdue_a"]),
        ({"status": "not_started"}, ["soon_a", "later_b", "undated_p"]),
        ({"status": "in_progress"}, []),
        ({"status": "done"}, ["done_p"]),
        ({"overdue": "1"}, ["overdue_a"]),
        ({"due": "7"}, ["soon_a"]),
        ({"due": "30"}, ["soon_a", "later_b"]),
        ({"q": "tập huấn"}, ["soon_a"]),
        ({"q": "Truyền   lưu"}, ["later_b"]),
        # Accent-insensitive, whatever the case, the Unicode form or the old tone placement:
        ({"q": "tap huan"}, ["soon_a"]),
        ({"q": "TẬP HUẤN"}, ["soon_a"]),
        ({"q": "ta\u0323p huâ\u0301n"}, ["soon_a"]),
        ({"q": "truyen luu"}, ["later_b"]),
        ({"due_from": days(0).isoformat(), "due_to": days(5).isoformat()}, ["soon_a"]),
        ({"status": "bogus", "due": "999"}, ["done_p", "overdue_a", "soon_a", "later_b", "undated_p"]),
    ],
)
def test_table_filters(client, world, tasks, params, expected):
    client.force_login(world.province_coordinator)
    response = client.get(reverse("plans:task-list"), params)
    assert response.status_code == 200
    assert set(listed(response)) == {getattr(tasks, name).pk for name in expected}


def test_search_text_follows_edits(world):
    plan = make_plan(world.province, world.province_agency)
    task = make_task(plan, "Hội nghị tập huấn")
    task.text = "Kiểm tra liên ngành về bạo lực gia đình"
    task.save(update_fields=["text"])
    task.refresh_from_db()
    assert task.search_text == "kiem tra lien nganh ve bao luc gia dinh"


def test_filter_by_lead_agency_and_unit(client, world, tasks):
    client.force_login(world.province_coordinator)
    response = client.get(reverse("plans:task-list"), {"agency": world.district_a_agency.pk})
    assert set(listed(response)) == {tasks.overdue_a.pk, tasks.soon_a.pk}
    # The agency choices are the lead agencies of visible tasks only.
    choices = set(response.context["form"].fields["agency"].queryset)
    assert world.other_agency not in choices and world.district_b_agency in choices
    b_plan = make_plan(world.district_b, world.district_b_agency, status=PlanStatus.ISSUED)
    b_task = make_task(b_plan, "Việc của huyện B", lead=world.district_b_agency)
    response = client.get(reverse("plans:task-list"), {"unit": world.district_b.pk})
    assert listed(response) == [b_task.pk]
    # An agency outside one's scope is ignored, not an error, and never widens the list.
    client.force_login(world.district_b_coordinator)
    response = client.get(reverse("plans:task-list"), {"agency": world.district_a_agency.pk})
    assert response.status_code == 200
    assert set(listed(response)) == {tasks.later_b.pk, tasks.done_p.pk, tasks.undated_p.pk, b_task.pk}
    # The province's agencies lead tasks district B reads: they are choices too.
    assert world.province_agency in set(response.context["form"].fields["agency"].queryset)


@pytest.mark.parametrize(
    "sort,first",
    [
        ("due", "done_p"),
        ("-due", "later_b"),
        ("status", "overdue_a"),
        ("-progress", "done_p"),
        ("progress", "soon_a"),
        ("agency", "soon_a"),
        ("nonsense;drop", "done_p"),
    ],
)
def test_table_sorting_is_whitelisted(client, world, tasks, sort, first):
    client.force_login(world.province_coordinator)
    response = client.get(reverse("plans:task-list"), {"sort": sort})
    assert response.status_code == 200
    ids = listed(response)
    if sort == "agency":
        # "Phòng …" (district A, then B) before "Sở …"
        assert ids[0] in {tasks.overdue_a.pk, tasks.soon_a.pk}
    else:
        assert ids[0] == getattr(tasks, first).pk


def test_htmx_refresh_returns_the_table_only(client, world, tasks):
    client.force_login(world.province_coordinator)
    response = client.get(
        reverse("plans:task-list"), {"overdue": "1"}, HTTP_HX_REQUEST="true", HTTP_HX_TARGET="task-results"
    )
    html = response.content.decode()
    assert "<html" not in html
    assert 'data-testid="task-table"' in html
    assert 'data-count="1"' in html
    assert "overdue=1" in html  # the export links keep the filters


def test_table_is_paged_and_queries_do_not_grow_with_rows(client, world, django_assert_max_num_queries):
    plan = make_plan(world.province, world.province_agency, status=PlanStatus.ISSUED)
    agencies = [make_agency(world.district_a, f"Phòng {i}") for i in range(5)]
    for i in range(120):
        task = make_task(plan, f"Nhiệm vụ {i}", lead=agencies[i % 5], deadline=Deadline.on(days(i - 60)))
        task.partners.set(agencies[:2])
    client.force_login(world.province_coordinator)
    client.get(reverse("plans:task-list"))  # warm the session
    # Session and scope (4), count and page (2), filter choices (3), navigation badges (1-2).
    with django_assert_max_num_queries(12):
        response = client.get(reverse("plans:task-list"), {"page": 2, "sort": "agency"})
    assert len(response.context["rows"]) == 50
    assert response.context["page"].paginator.count == 120
    # Five columns: a list each, and a count when a column is full.
    with django_assert_max_num_queries(18):
        client.get(reverse("plans:task-board"))


# --- the board -----------------------------------------------------------------------------------------


def test_board_columns(client, world, tasks):
    client.force_login(world.province_coordinator)
    response = client.get(reverse("plans:task-board"))
    assert response.status_code == 200
    columns = {c.status: [r.task.pk for r in c.rows] for c in response.context["columns"]}
    assert columns == {
        "not_started": [tasks.soon_a.pk, tasks.later_b.pk, tasks.undated_p.pk],
        "in_progress": [],
        "overdue": [tasks.overdue_a.pk],
        "done": [tasks.done_p.pk],
        "cancelled": [],
    }
    html = response.content.decode()
    assert 'data-column="overdue" data-total="1"' in html


def test_board_column_is_capped_with_a_link_to_the_table(client, world, tasks, monkeypatch):
    monkeypatch.setattr(views_tasks, "BOARD_COLUMN_LIMIT", 2)
    client.force_login(world.province_coordinator)
    response = client.get(reverse("plans:task-board"), {"agency": "", "q": ""})
    column = next(c for c in response.context["columns"] if c.status == "not_started")
    assert (len(column.rows), column.total, column.more) == (2, 3, 1)
    assert 'data-testid="more-not_started"' in response.content.decode()
    assert "status=not_started" in response.content.decode()


def test_board_of_another_unit_shows_nothing_of_ours(client, world, tasks):
    client.force_login(world.other_coordinator)
    response = client.get(reverse("plans:task-board"))
    shown = {r.task.pk for c in response.context["columns"] for r in c.rows}
    assert shown == {tasks.other.pk}


# --- my tasks ------------------------------------------------------------------------------------------


def test_my_tasks_needing_attention_first(client, world, tasks):
    undated_own = make_task(tasks.soon_a.plan, "Không thời hạn", lead=world.district_a_agency)
    done_own = make_task(
        tasks.soon_a.plan, "Đã xong", lead=world.district_a_agency, status=TaskStatus.DONE, progress=100
    )
    client.force_login(world.district_a_focal)
    response = client.get(reverse("plans:my-tasks"))
    assert response.status_code == 200
    ids = listed(response)
    assert ids == [tasks.overdue_a.pk, tasks.soon_a.pk, tasks.undated_p.pk, undated_own.pk]
    assert response.context["counts"] == {"open": 4, "overdue": 1, "due_soon": 1, "done": 1}
    rows = {row.task.pk: row for row in response.context["rows"]}
    assert rows[tasks.soon_a.pk].is_lead and not rows[tasks.undated_p.pk].is_lead
    response = client.get(reverse("plans:my-tasks"), {"show": "all"})
    assert listed(response)[-1] == done_own.pk
    assert tasks.draft_a.pk not in listed(response)


def test_my_tasks_of_other_people(client, world, tasks):
    client.force_login(world.district_b_coordinator)
    assert listed(client.get(reverse("plans:my-tasks"))) == [tasks.later_b.pk]
    client.force_login(world.nobody)
    response = client.get(reverse("plans:my-tasks"))
    assert listed(response) == [] and not response.context["has_agency"]


def test_my_tasks_counts_are_shown(client, world, tasks):
    client.force_login(world.district_a_focal)
    html = client.get(reverse("plans:my-tasks")).content.decode()
    assert 'data-testid="count-overdue">1<' in html


def test_member_of_an_agency_elsewhere_sees_its_tasks_but_not_the_rest(client, world, tasks):
    person = make_user("hai.noi", world.district_b_agency, "viewer")
    client.force_login(person)
    assert listed(client.get(reverse("plans:my-tasks"))) == [tasks.later_b.pk]


# --- in a browser --------------------------------------------------------------------------------------


def _sign_in(page, username: str) -> None:
    page.goto(page.base_url + reverse("orgs:login"))
    page.locator("input[name=username]").fill(username)
    page.locator("input[name=password]").fill("Mat-khau-2026!")
    page.locator("form button[type=submit]").click()
    page.wait_for_url(page.base_url + "/")


def _browser_tasks(world) -> Task:
    plan = make_plan(world.province, world.province_agency, number="1889/KH-UBND", status=PlanStatus.ISSUED)
    agencies = [world.district_a_agency, world.district_b_agency, world.province_agency]
    texts = [
        "Tổ chức các hoạt động hưởng ứng Tháng hành động vì bình đẳng giới, phòng ngừa bạo lực",
        "Rà soát, cập nhật số liệu thống kê có phân tổ theo giới tính",
        "Kiểm tra việc thực hiện pháp luật về bình đẳng giới tại cơ sở",
        "Tập huấn nâng cao năng lực cho đội ngũ cán bộ làm công tác bình đẳng giới",
    ]
    first = None
    for i in range(12):
        task = make_task(
            plan,
            texts[i % 4],
            lead=agencies[i % 3],
            deadline=Deadline.on(days(i * 4 - 15), f"trước ngày {days(i * 4 - 15):%d/%m/%Y}"),
            status=TaskStatus.DONE
            if i == 2
            else TaskStatus.IN_PROGRESS
            if i % 3 == 0
            else TaskStatus.NOT_STARTED,
            progress=100 if i == 2 else (i * 7) % 90,
        )
        first = first or task
    return first


@pytest.mark.browser
def test_table_filters_with_htmx_in_the_browser(page, live_world):
    from gemis.conftest import screenshot

    task = _browser_tasks(live_world)
    _sign_in(page, "tinh")
    page.goto(page.base_url + reverse("plans:task-list"))
    assert page.get_by_test_id("task-count").get_attribute("data-count") == "12"
    screenshot(page, "task-table")
    page.locator("#filter-overdue").check()
    # A locator, not wait_for_function: the CSP (no 'unsafe-eval') refuses a predicate given as a string.
    from playwright.sync_api import expect

    expect(page.get_by_test_id("task-count")).to_have_attribute("data-count", "3")
    assert "overdue=1" in page.url
    page.get_by_test_id("task-table").locator(
        f"a[href='{reverse('plans:task-detail', args=[task.pk])}']"
    ).click()
    page.wait_for_url(f"**{reverse('plans:task-detail', args=[task.pk])}")
    assert page.get_by_test_id("task-status").locator("[data-status=overdue]").is_visible()
    screenshot(page, "task-detail")
    page.goto(page.base_url + reverse("plans:task-board"))
    screenshot(page, "task-board")


@pytest.mark.browser
def test_focal_point_reports_progress_in_the_browser(page, live_world, tmp_path, settings):
    settings.MEDIA_ROOT = tmp_path / "media"
    task = _browser_tasks(live_world)
    evidence = tmp_path / "Biên bản kiểm tra.pdf"
    evidence.write_bytes(b"%PDF-1.7\n%%EOF\n")
    _sign_in(page, "dau.moi.a")
    page.goto(page.base_url + reverse("plans:my-tasks"))
    page.get_by_test_id("my-task-table").locator(
        f"a[href='{reverse('plans:task-detail', args=[task.pk])}']"
    ).click()
    form = page.get_by_test_id("progress-form")
    form.locator("textarea[name=note]").fill("Đã kiểm tra 3 xã, có biên bản")
    form.get_by_test_id("progress-percent").fill("60")
    form.locator("input[name=files]").set_input_files(str(evidence))
    form.locator("button[type=submit]").click()
    page.wait_for_selector("[data-testid=attachment-link]")
    assert page.get_by_test_id("task-progress").get_attribute("data-progress") == "60"
    assert page.get_by_test_id("attachment-link").inner_text() == "Biên bản kiểm tra.pdf"
