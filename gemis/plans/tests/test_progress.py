"""Recording progress (plans/progress.py) and the evidence files: upload checks, download, access."""

from __future__ import annotations

import io
import zipfile
from urllib.parse import quote

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from gemis.core.uploads import MAX_UPLOAD_BYTES
from gemis.core.versioning import ConflictError
from gemis.orgs.models import Role
from gemis.orgs.testing import make_user
from gemis.plans.models import Attachment, PlanStatus, ProgressUpdate, TaskStatus
from gemis.plans.progress import NOT_ISSUED_MESSAGE, record_progress
from gemis.plans.testing import make_plan, make_task
from gemis.vn.deadlines import Deadline, Recurrence

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.7\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def task(world):
    # A district A plan: district B does not read it (it would read an issued provincial plan).
    plan = make_plan(world.district_a, world.district_a_agency, status=PlanStatus.ISSUED)
    return make_task(plan, "Tổ chức tập huấn cho cán bộ", lead=world.district_a_agency)


def docx_bytes(member: str = "word/document.xml", content: bytes = b"<w:document/>") -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr(member, content)
    return buffer.getvalue()


def post_progress(client, task, files=(), **fields):
    data = {"note": "Đã tổ chức 2 lớp", "progress": 60, "status": "", "expected_version": task.version}
    data.update(fields)
    if files:
        data["files"] = list(files)
    return client.post(reverse("plans:task-detail", args=[task.pk]), data)


# --- the domain function -------------------------------------------------------------------------------


def test_status_follows_the_percentage(world, task):
    record_progress(task, world.district_a_focal, note="Bắt đầu", progress=10)
    assert (task.status, task.progress) == (TaskStatus.IN_PROGRESS, 10)
    record_progress(task, world.district_a_focal, note="Xong", progress=100)
    assert (task.status, task.progress) == (TaskStatus.DONE, 100)
    assert task.last_done_on is not None
    assert task.updates.count() == 2


def test_done_means_one_hundred_percent(world, task):
    record_progress(task, world.district_a_focal, note="Xong", progress=70, status=TaskStatus.DONE)
    assert task.progress == 100


@pytest.mark.parametrize(
    "kwargs",
    [
        {"note": "   ", "progress": 10},
        {"note": "x", "progress": 101},
        {"note": "x", "progress": 5, "status": "x"},
    ],
)
def test_bad_input_saves_nothing(world, task, kwargs):
    with pytest.raises(ValidationError):
        record_progress(task, world.district_a_focal, **kwargs)
    assert not ProgressUpdate.objects.exists()


def test_stale_version_is_a_conflict(world, task):
    version = task.version
    record_progress(task, world.district_a_focal, note="Một", progress=10, expected_version=version)
    with pytest.raises(ConflictError):
        record_progress(task, world.district_a_focal, note="Hai", progress=20, expected_version=version)
    assert task.updates.count() == 1


def test_periodic_task_reopens_for_the_next_occurrence(world):
    plan = make_plan(world.province, world.province_agency, status=PlanStatus.ISSUED)
    task = make_task(
        plan,
        "Báo cáo hằng quý",
        lead=world.district_a_agency,
        deadline=Deadline.recurring(Recurrence.QUARTERLY),
    )
    first_due = task.due_date
    record_progress(task, world.district_a_focal, note="Đã gửi báo cáo quý", progress=100)
    assert task.status == TaskStatus.IN_PROGRESS and task.progress == 0
    assert task.due_date > first_due


def test_progress_rolls_up_to_the_parent(world, task):
    plan = make_plan(world.district_a, world.district_a_agency, status=PlanStatus.ISSUED)
    child = make_task(plan, "Tập huấn (huyện A)", lead=world.district_a_agency, parent_task=task)
    make_task(plan, "Tập huấn (xã)", lead=world.commune_a_agency, parent_task=task)
    record_progress(child, world.district_a_focal, note="Xong", progress=100)
    task.refresh_from_db()
    assert (task.progress, task.status) == (50, TaskStatus.IN_PROGRESS)


# --- the form on the task page ------------------------------------------------------------------------


def test_focal_point_reports_progress_with_a_file(client, world, task):
    client.force_login(world.district_a_focal)
    upload = SimpleUploadedFile("Báo cáo tập huấn.pdf", PDF, content_type="application/pdf")
    response = post_progress(client, task, [upload])
    assert response.status_code == 302
    task.refresh_from_db()
    assert (task.progress, task.status) == (60, TaskStatus.IN_PROGRESS)
    update = task.updates.get()
    assert update.author == world.district_a_focal and update.note == "Đã tổ chức 2 lớp"
    attachment = update.attachments.get()
    assert attachment.original_name == "Báo cáo tập huấn.pdf"
    assert attachment.size == len(PDF) and attachment.content_type == "application/pdf"
    # Stored under a random name, not the person's file name.
    assert "Báo cáo" not in attachment.file.name and attachment.file.name.endswith(".pdf")
    page = client.get(reverse("plans:task-detail", args=[task.pk])).content.decode()
    assert reverse("plans:attachment-download", args=[attachment.pk]) in page
    assert update.created_at.astimezone().strftime("%d/%m/%Y") in page


def test_several_files_at_once(client, world, task):
    client.force_login(world.district_a_focal)
    files = [SimpleUploadedFile(f"minh-chung-{i}.pdf", PDF) for i in range(3)]
    assert post_progress(client, task, files).status_code == 302
    assert Attachment.objects.count() == 3


def test_more_than_five_files_are_refused(client, world, task):
    client.force_login(world.district_a_focal)
    files = [SimpleUploadedFile(f"f{i}.pdf", PDF) for i in range(6)]
    response = post_progress(client, task, files)
    assert response.status_code == 400
    assert "files" in response.context["form"].errors
    assert not ProgressUpdate.objects.exists()


def _zip_bomb() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("word/document.xml", b"0" * (50 * 1024 * 1024))
    return buffer.getvalue()


@pytest.mark.parametrize(
    "name,content",
    [
        ("chuong-trinh.exe", b"MZ\x90\x00" + b"\x00" * 100),
        ("bao-cao.pdf", b"MZ\x90\x00 renamed executable"),
        ("rong.pdf", b""),
        ("hong.docx", b"PK\x03\x04 not really a zip"),
        ("khong-phai-word.docx", docx_bytes(member="xl/workbook.xml")),
        ("bom.docx", _zip_bomb()),
        ("latin1.txt", "Báo cáo".encode("cp1258")),
    ],
)
def test_bad_files_are_refused_and_nothing_is_saved(client, world, task, name, content):
    client.force_login(world.district_a_focal)
    client.cookies["gemis_language"] = "en"
    response = post_progress(client, task, [SimpleUploadedFile(name, content)], note="Ghi chú giữ lại")
    assert response.status_code == 400
    errors = response.context["form"].errors["files"]
    assert name in errors[0]
    assert not ProgressUpdate.objects.exists() and not Attachment.objects.exists()
    task.refresh_from_db()
    assert task.progress == 0
    # What the person typed is still there.
    assert "Ghi chú giữ lại" in response.content.decode()


def test_too_large_file_is_refused(client, world, task):
    client.force_login(world.district_a_focal)
    client.cookies["gemis_language"] = "en"
    big = SimpleUploadedFile("lon.pdf", PDF + b"0" * (MAX_UPLOAD_BYTES + 1 - len(PDF)))
    response = post_progress(client, task, [big])
    assert response.status_code == 400
    assert "the limit is 20.0\xa0MB per file" in response.context["form"].errors["files"][0]
    assert not ProgressUpdate.objects.exists()


def test_bad_file_message_is_in_vietnamese(client, world, task):
    client.force_login(world.district_a_focal)
    response = post_progress(client, task, [SimpleUploadedFile("a.exe", b"MZ")])
    assert "không được chấp nhận" in response.context["form"].errors["files"][0]


def test_missing_note_keeps_the_form(client, world, task):
    client.force_login(world.district_a_focal)
    response = post_progress(client, task, note="", progress=30)
    assert response.status_code == 400
    assert "note" in response.context["form"].errors


def test_conflict_keeps_the_input_and_says_so(client, world, task):
    client.force_login(world.district_a_focal)
    stale = task.version
    record_progress(task, world.province_coordinator, note="Tỉnh cập nhật", progress=20)
    client.cookies["gemis_language"] = "en"
    response = post_progress(client, task, note="Nội dung của tôi", progress=70, expected_version=stale)
    assert response.status_code == 409
    html = response.content.decode()
    assert "Someone else recorded progress" in html
    assert "Nội dung của tôi" in html and 'value="70"' in html
    assert task.updates.count() == 1
    # After reading the latest state, sending again works.
    task.refresh_from_db()
    assert response.context["form"]["expected_version"].value() == str(task.version)
    assert post_progress(client, task, note="Nội dung của tôi", progress=70).status_code == 302


def test_coordinator_of_the_province_may_report(client, world, task):
    client.force_login(world.province_coordinator)
    assert post_progress(client, task).status_code == 302


@pytest.mark.parametrize("who", ["district_b_coordinator", "other_coordinator", "district_a_viewer"])
def test_others_cannot_post_progress(client, world, task, who):
    client.force_login(getattr(world, who))
    assert post_progress(client, task).status_code == 404
    assert not ProgressUpdate.objects.exists()


# --- downloading evidence -------------------------------------------------------------------------------


@pytest.fixture
def attachment(world, task) -> Attachment:
    upload = SimpleUploadedFile("Biên bản họp.pdf", PDF)
    update = record_progress(task, world.district_a_focal, note="Có biên bản", progress=30, files=[upload])
    return update.attachments.get()


def test_download_with_the_original_name(client, world, attachment):
    client.force_login(world.district_a_viewer)
    response = client.get(reverse("plans:attachment-download", args=[attachment.pk]))
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == PDF
    disposition = response["Content-Disposition"]
    assert disposition.startswith("attachment;")
    assert f"filename*=utf-8''{quote('Biên bản họp.pdf')}" in disposition
    assert response["Content-Type"] == "application/pdf"
    assert response["X-Content-Type-Options"] == "nosniff"


def test_partner_member_may_download(client, world, task, attachment):
    task.partners.set([world.district_b_agency])
    client.force_login(world.district_b_coordinator)
    assert client.get(reverse("plans:attachment-download", args=[attachment.pk])).status_code == 200


@pytest.mark.parametrize("who", ["district_b_coordinator", "other_coordinator", "nobody"])
def test_download_by_others_is_404(client, world, attachment, who):
    client.force_login(getattr(world, who))
    assert client.get(reverse("plans:attachment-download", args=[attachment.pk])).status_code == 404


def test_download_of_unknown_or_missing_file_is_404(client, world, attachment):
    client.force_login(world.province_coordinator)
    assert client.get(reverse("plans:attachment-download", args=[attachment.pk + 100])).status_code == 404
    attachment.file.delete(save=False)
    assert client.get(reverse("plans:attachment-download", args=[attachment.pk])).status_code == 404


def test_anonymous_download_goes_to_login(client, attachment):
    response = client.get(reverse("plans:attachment-download", args=[attachment.pk]))
    assert response.status_code == 302 and response["Location"].startswith(reverse("orgs:login"))


# --- decisions of issue 10: progress on issued plans only; evidence not read below -----------------


@pytest.mark.parametrize("status", [PlanStatus.DRAFT, PlanStatus.CLOSED])
def test_progress_is_refused_unless_the_plan_is_issued(world, status):
    plan = make_plan(world.district_a, world.district_a_agency, status=status)
    task = make_task(plan, lead=world.district_a_agency)
    with pytest.raises(ValidationError) as caught:
        record_progress(task, world.district_a_focal, note="Bắt đầu", progress=10)
    assert caught.value.messages == [str(NOT_ISSUED_MESSAGE)]
    assert not ProgressUpdate.objects.exists()
    task.refresh_from_db()
    assert task.progress == 0


@pytest.mark.parametrize("status", [PlanStatus.DRAFT, PlanStatus.CLOSED])
def test_task_page_of_an_unissued_plan_has_no_progress_form(client, world, status):
    plan = make_plan(world.district_a, world.district_a_agency, status=status)
    task = make_task(plan, lead=world.district_a_agency)
    client.force_login(world.district_a_focal)
    response = client.get(reverse("plans:task-detail", args=[task.pk]))
    assert response.status_code == 200 and response.context["form"] is None
    assert 'data-testid="progress-not-issued"' in response.content.decode()
    response = post_progress(client, task)
    assert response.status_code == 302 and not ProgressUpdate.objects.exists()
    messages = [str(m) for m in response.wsgi_request._messages]
    assert str(NOT_ISSUED_MESSAGE) in messages


def test_a_plan_closed_meanwhile_refuses_the_update_with_a_message(client, world, task):
    client.force_login(world.district_a_focal)
    version = task.version
    task.plan.status = PlanStatus.CLOSED
    task.plan.save()
    # The form was opened while the plan was issued; the view re-reads the plan on POST.
    response = post_progress(client, task, expected_version=version)
    assert response.status_code == 302 and not ProgressUpdate.objects.exists()


def test_evidence_of_a_provincial_task_is_not_read_by_a_commune_below(client, world):
    """A commune officer reads the issued provincial plan and its task, but not the task's evidence."""
    plan = make_plan(world.province, world.province_agency, status=PlanStatus.ISSUED)
    task = make_task(plan, lead=world.province_agency, partners=[world.district_b_agency])
    upload = SimpleUploadedFile("Biên bản.pdf", PDF)
    update = record_progress(
        task, world.province_coordinator, note="Có biên bản", progress=30, files=[upload]
    )
    url = reverse("plans:attachment-download", args=[update.attachments.get().pk])
    commune_officer = make_user("xa.hoa.lac", world.commune_a_agency, Role.COORDINATOR)
    client.force_login(commune_officer)
    page = client.get(reverse("plans:task-detail", args=[task.pk]))
    assert page.status_code == 200 and url not in page.content.decode()
    assert client.get(url).status_code == 404
    for reader in (world.district_b_coordinator, world.province_coordinator, world.province_leader):
        client.force_login(reader)  # partner agency; the unit's coordinator and leader
        assert client.get(url).status_code == 200
        assert url in client.get(reverse("plans:task-detail", args=[task.pk])).content.decode()
