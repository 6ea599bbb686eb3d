"""Exports of the task table: XLSX read back with openpyxl, CSV with csv; same filters as the table."""

from __future__ import annotations

import csv
import datetime as dt
import io

import pytest
from django.urls import reverse
from django.utils import translation
from openpyxl import load_workbook

from gemis.plans import exports, task_rules
from gemis.plans.models import PlanStatus, Task
from gemis.plans.progress import record_progress
from gemis.plans.testing import make_plan, make_task
from gemis.vn.deadlines import Deadline

pytestmark = pytest.mark.django_db

TODAY = task_rules.today()
ENGLISH_HEADERS = [
    "No.",
    "Task",
    "Plan",
    "Lead unit",
    "Partner units",
    "Deadline",
    "Due date (dd/mm/yyyy)",
    "Status",
    "Progress (%)",
    "Last update",
]
VIETNAMESE_HEADERS = [
    "STT",
    "Nhiệm vụ",
    "Kế hoạch",
    "Đơn vị chủ trì",
    "Đơn vị phối hợp",
    "Thời hạn",
    "Hạn hoàn thành (dd/mm/yyyy)",
    "Trạng thái",
    "Tiến độ (%)",
    "Cập nhật gần nhất",
]


@pytest.fixture
def export_tasks(world):
    plan = make_plan(world.province, world.province_agency, number="1889/KH-UBND", status=PlanStatus.ISSUED)
    a_plan = make_plan(
        world.district_a, world.district_a_agency, number="77/KH-UBND", status=PlanStatus.ISSUED
    )
    overdue = make_task(
        a_plan,
        "Kiểm tra việc thực hiện pháp luật về bình đẳng giới",
        lead=world.district_a_agency,
        partners=[world.province_agency, world.commune_a_agency],
        deadline=Deadline.on(TODAY - dt.timedelta(days=3), "trước ngày 15/5/2026"),
    )
    record_progress(overdue, world.district_a_focal, note="Đã kiểm tra 2 xã", progress=40)
    later = make_task(
        plan,
        "Tháng hành động",
        lead=world.district_b_agency,
        deadline=Deadline.on(TODAY + dt.timedelta(days=9)),
    )
    undated = make_task(plan, "Thường xuyên", lead=world.province_agency)
    return {"overdue": overdue, "later": later, "undated": undated}


def english(client):
    client.cookies["gemis_language"] = "en"
    return client


def test_xlsx(client, world, export_tasks):
    english(client).force_login(world.province_coordinator)
    response = client.get(reverse("plans:task-export", args=["xlsx"]))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    assert response["Content-Disposition"] == f'attachment; filename="nhiem-vu-{TODAY:%Y-%m-%d}.xlsx"'
    sheet = load_workbook(io.BytesIO(response.content)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert list(rows[0]) == ENGLISH_HEADERS
    assert all(cell.font.bold for cell in sheet[1])
    assert sheet.freeze_panes == "A2"
    assert sheet.column_dimensions["B"].width == 70
    assert len(rows) == 4
    first = rows[1]
    overdue = export_tasks["overdue"]
    assert first[0] == 1 and first[1] == overdue.text and first[2] == "77/KH-UBND"
    assert first[3] == world.district_a_agency.name
    assert first[4] == f"{world.province_agency.name}; {world.commune_a_agency.name}"
    assert first[5] == "trước ngày 15/5/2026"
    # A real date, shown day-first.
    assert first[6] == dt.datetime.combine(overdue.due_date, dt.time())
    assert sheet.cell(row=2, column=7).number_format == "dd/mm/yyyy"
    assert first[7] == "Overdue" and first[8] == 40
    assert (
        isinstance(first[9], dt.datetime) and sheet.cell(row=2, column=10).number_format == "dd/mm/yyyy hh:mm"
    )
    assert rows[3][1] == "Thường xuyên" and rows[3][6] is None and rows[3][9] is None


def test_xlsx_vietnamese_headers(client, world, export_tasks):
    client.force_login(world.province_coordinator)
    sheet = load_workbook(io.BytesIO(client.get(reverse("plans:task-export", args=["xlsx"])).content)).active
    assert [c.value for c in sheet[1]] == VIETNAMESE_HEADERS


def test_csv(client, world, export_tasks):
    english(client).force_login(world.province_coordinator)
    response = client.get(reverse("plans:task-export", args=["csv"]), {"sort": "-due"})
    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"] == f'attachment; filename="nhiem-vu-{TODAY:%Y-%m-%d}.csv"'
    body = b"".join(response.streaming_content)
    assert body.startswith(b"\xef\xbb\xbf")  # BOM, so that Excel reads UTF-8
    rows = list(csv.reader(io.StringIO(body.decode("utf-8-sig"))))
    assert rows[0] == ENGLISH_HEADERS
    # Ordered as asked: latest due date first, undated last.
    assert [r[1] for r in rows[1:]] == ["Tháng hành động", export_tasks["overdue"].text, "Thường xuyên"]
    assert rows[1][6] == (TODAY + dt.timedelta(days=9)).strftime("%d/%m/%Y")
    assert rows[2][9][:10] == TODAY.strftime("%d/%m/%Y") and len(rows[2][9]) == 16
    assert rows[3][6] == ""


def test_exports_use_the_filters(client, world, export_tasks):
    english(client).force_login(world.province_coordinator)
    response = client.get(reverse("plans:task-export", args=["csv"]), {"overdue": "1"})
    rows = list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode("utf-8-sig"))))
    assert [r[1] for r in rows[1:]] == [export_tasks["overdue"].text]


@pytest.mark.parametrize("fmt", ["xlsx", "csv"])
def test_exports_follow_the_access_rule(client, world, export_tasks, fmt):
    client.force_login(world.district_b_coordinator)
    response = client.get(reverse("plans:task-export", args=[fmt]))
    if fmt == "csv":
        texts = [
            r[1] for r in csv.reader(io.StringIO(b"".join(response.streaming_content).decode("utf-8-sig")))
        ]
    else:
        texts = [r[1] for r in load_workbook(io.BytesIO(response.content)).active.iter_rows(values_only=True)]
    # District B reads the province's plan, not district A's.
    assert texts[1:] == ["Tháng hành động", "Thường xuyên"]
    client.force_login(world.other_coordinator)
    response = client.get(reverse("plans:task-export", args=[fmt]))
    content = b"".join(response.streaming_content) if fmt == "csv" else response.content
    assert "Kiểm tra".encode() not in content


def test_unknown_format_is_404(client, world):
    client.force_login(world.province_coordinator)
    assert client.get(reverse("plans:task-export", args=["pdf"])).status_code == 404


def test_anonymous_export_goes_to_login(client):
    response = client.get(reverse("plans:task-export", args=["csv"]))
    assert response.status_code == 302 and response["Location"].startswith(reverse("orgs:login"))


def test_rows_are_read_in_a_fixed_number_of_queries(world, django_assert_max_num_queries, monkeypatch):
    monkeypatch.setattr(exports, "CHUNK_SIZE", 1000)
    plan = make_plan(world.province, world.province_agency, status=PlanStatus.ISSUED)
    for i in range(60):
        make_task(plan, f"Việc {i}", lead=world.district_a_agency, partners=[world.province_agency])
    with django_assert_max_num_queries(3):
        rows = list(exports.task_rows(Task.objects.order_by("pk")))
    assert len(rows) == 60 and rows[-1][0] == 60


def test_file_name():
    assert exports.file_name("xlsx", dt.date(2026, 11, 22)) == "nhiem-vu-2026-11-22.xlsx"


def test_headers_follow_the_language():
    with translation.override("en"):
        assert exports.headers() == ENGLISH_HEADERS


def test_formula_like_text_stays_text(client, world):
    plan = make_plan(world.province, world.province_agency, status=PlanStatus.ISSUED)
    make_task(plan, '=HYPERLINK("http://example.com","x")', lead=world.province_agency)
    make_task(plan, "- Tổ chức hội nghị", lead=world.province_agency)
    client.force_login(world.province_coordinator)
    sheet = load_workbook(io.BytesIO(client.get(reverse("plans:task-export", args=["xlsx"])).content)).active
    cells = {sheet.cell(row=r, column=2).value: sheet.cell(row=r, column=2).data_type for r in (2, 3)}
    assert cells == {'=HYPERLINK("http://example.com","x")': "s", "- Tổ chức hội nghị": "s"}
    response = client.get(reverse("plans:task-export", args=["csv"]))
    rows = list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode("utf-8-sig"))))
    assert {r[1] for r in rows[1:]} == {'\'=HYPERLINK("http://example.com","x")', "'- Tổ chức hội nghị"}


# -- big workbooks are built in the background -----------------------------------------------------------


def test_a_big_xlsx_export_runs_as_a_job_with_the_same_rows(
    client, world, export_tasks, monkeypatch, settings
):
    from gemis.core.models import BackgroundJob, JobStatus

    settings.MEDIA_ROOT = settings.MEDIA_ROOT.parent / "test-media-jobs"
    monkeypatch.setattr(exports, "XLSX_INLINE_LIMIT", 1)
    client.force_login(world.province_coordinator)
    inline = client.get(reverse("plans:task-export", args=["xlsx"]) + "?overdue=1")  # one task: still inline
    assert inline.status_code == 200
    response = client.get(reverse("plans:task-export", args=["xlsx"]) + "?sort=due")
    job = BackgroundJob.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse("orgs:job-detail", args=[job.pk])
    assert job.status == JobStatus.DONE and job.owner == world.province_coordinator
    assert job.total == job.done == len(export_tasks_visible(world))
    download = client.get(reverse("orgs:job-download", args=[job.pk]))
    book = load_workbook(io.BytesIO(b"".join(download.streaming_content)))
    sheet = book.active
    rows = list(sheet.iter_rows(values_only=True))
    assert list(rows[0]) == VIETNAMESE_HEADERS
    direct = load_workbook(
        io.BytesIO(
            exports.xlsx_bytes(
                exports.task_rows(
                    Task.objects.filter(pk__in=[t.pk for t in export_tasks_visible(world)]).order_by(
                        "due_date", "pk"
                    )
                )
            )
        )
    )
    assert sorted(r[1] for r in rows[1:]) == sorted(
        r[1] for r in list(direct.active.iter_rows(values_only=True))[1:]
    )
    assert download["Content-Disposition"].endswith(f'{exports.file_name("xlsx", TODAY)}"')
    # Someone else cannot fetch the coordinator's workbook.
    client.force_login(world.district_b_coordinator)
    assert client.get(reverse("orgs:job-download", args=[job.pk])).status_code == 404


def export_tasks_visible(world) -> list[Task]:
    from gemis.orgs import access

    return list(access.filter_for(world.province_coordinator, Task.objects.all()))
