"""The import screens: upload, bad files, review, correcting and accepting, and who may do it."""

from __future__ import annotations

import datetime as dt
import io
import zipfile
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from gemis.core.models import BackgroundJob, JobStatus
from gemis.documents import forms as import_forms
from gemis.documents.models import ImportedDocument, ImportStatus
from gemis.orgs.models import Role, Scheme, UnitSuccession
from gemis.orgs.testing import make_unit, make_user
from gemis.plans.models import Plan

from .test_imports import ACTION_MONTH, agencies  # noqa: F401  (fixture)

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


def upload(client, unit, name: str, content: bytes):
    return client.post(
        reverse("documents:import-start"), {"unit": unit.pk, "file": SimpleUploadedFile(name, content)}
    )


def review_data(context: dict[str, Any], **changes: Any) -> dict[str, Any]:
    """What the browser would send back for the review form as shown, with ``changes`` applied."""
    data: dict[str, Any] = {}

    def put(form) -> None:
        for name in form.fields:
            value = form[name].value()
            key = form.add_prefix(name)
            if isinstance(value, bool):
                if value:
                    data[key] = "on"
            elif isinstance(value, list):
                data[key] = [str(v) for v in value]
            elif isinstance(value, dt.date):
                data[key] = f"{value:%d/%m/%Y}"
            else:
                data[key] = "" if value is None else str(value)

    put(context["plan_form"])
    for formset in (context["references"], context["tasks"], context["reports"]):
        put(formset.management_form)
        for form in formset.forms:
            put(form)
    data.update(changes)
    return data


def test_upload_reads_and_shows_the_review(client, world, agencies):  # noqa: F811
    client.force_login(world.province_coordinator)
    response = upload(client, world.province, "Kế hoạch tháng hành động.txt", ACTION_MONTH.read_bytes())
    imported = ImportedDocument.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse(
        "documents:import-review", args=[imported.pk]
    )
    assert imported.status == ImportStatus.READY and imported.original_name == "Kế hoạch tháng hành động.txt"
    assert imported.file.name.startswith("imports/") and "tháng" not in imported.file.name
    page = client.get(response["Location"])
    assert page.status_code == 200
    html = page.content.decode()
    assert 'class="hl-task" id="src-task-0"' in html and 'class="hl-ref"' in html
    assert page.context["plan_form"]["number"].value() == "2150/KH-SNV"
    assert page.context["tasks"].total_form_count() == 9


def test_correct_a_lead_agency_and_accept(client, world, agencies):  # noqa: F811
    client.force_login(world.province_coordinator)
    upload(client, world.province, "kh.txt", ACTION_MONTH.read_bytes())
    imported = ImportedDocument.objects.get()
    page = client.get(reverse("documents:import-review", args=[imported.pk]))
    data = review_data(page.context, **{"task-3-lead": str(agencies["noi_vu"].pk)})
    data.pop("task-2-include")  # leave the third task out
    response = client.post(reverse("documents:import-review", args=[imported.pk]), data)
    plan = Plan.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse(
        "plans:plan-detail", args=[plan.pk]
    )
    assert plan.tasks.count() == 8 and plan.source_document == imported
    fourth = plan.tasks.get(text__startswith="4. Đưa tin, bài")
    assert fourth.lead_agency == agencies["noi_vu"]
    # A second submission (double click, back button) creates nothing more.
    again = client.post(reverse("documents:import-review", args=[imported.pk]), data)
    assert again.status_code == 302 and again["Location"] == reverse("plans:plan-detail", args=[plan.pk])
    assert Plan.objects.count() == 1
    assert client.get(reverse("documents:import-review", args=[imported.pk])).status_code == 302


def test_an_agency_outside_the_choices_is_refused(client, world, agencies):  # noqa: F811
    client.force_login(world.province_coordinator)
    upload(client, world.province, "kh.txt", ACTION_MONTH.read_bytes())
    imported = ImportedDocument.objects.get()
    page = client.get(reverse("documents:import-review", args=[imported.pk]))
    data = review_data(page.context, **{"task-0-lead": str(world.other_agency.pk)})
    response = client.post(reverse("documents:import-review", args=[imported.pk]), data)
    assert response.status_code == 400 and not Plan.objects.exists()
    assert (
        "Nothing was saved" in response.content.decode() or "Chưa có gì được lưu" in response.content.decode()
    )


def test_pasted_text_works_too(client, world, agencies):  # noqa: F811
    client.force_login(world.province_coordinator)
    response = client.post(
        reverse("documents:import-start"),
        {"unit": world.province.pk, "text": ACTION_MONTH.read_text("utf-8")},
    )
    imported = ImportedDocument.objects.get()
    assert (
        response["Location"] == reverse("documents:import-review", args=[imported.pk]) and not imported.file
    )


def _zip_bomb() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("word/document.xml", "a" * (60 * 1024 * 1024))
    return buffer.getvalue()


@pytest.mark.parametrize(
    "name,content,message",
    [
        ("kh.exe", b"MZ\x90\x00", "docx"),
        ("kh.doc", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", ".docx"),
        ("rong.txt", b"", "rỗng"),
        ("rac.txt", bytes(range(256)) * 40, ""),
        ("bom.docx", None, ""),
        ("hong.pdf", b"%PDF-1.7\n garbage", ""),
    ],
)
def test_bad_files_are_refused_with_a_message_and_nothing_is_kept(
    client, world, name, content, message, tmp_path
):
    client.force_login(world.province_coordinator)
    response = upload(client, world.province, name, _zip_bomb() if content is None else content)
    assert response.status_code == 400
    errors = response.context["form"].non_field_errors() + response.context["form"].errors.get("file", [])
    assert errors and message in " ".join(errors)
    assert not Plan.objects.exists()
    # As the README says, nothing changes: no row, no history of one, no file under MEDIA_ROOT.
    assert not ImportedDocument.objects.exists() and not ImportedDocument.history.exists()
    assert [p for p in tmp_path.rglob("*") if p.is_file()] == []


def test_a_file_over_the_limit_is_refused_naming_the_limit(client, world, monkeypatch):
    monkeypatch.setattr(import_forms, "MAX_BYTES", 1000)
    client.force_login(world.province_coordinator)
    response = upload(client, world.province, "lon.txt", "Kế hoạch ".encode() * 200)
    assert response.status_code == 400
    assert "1000" in " ".join(response.context["form"].errors["file"]).replace(".", "").replace(",", "")
    assert not ImportedDocument.objects.exists()


def test_nothing_given_is_explained(client, world):
    client.force_login(world.province_coordinator)
    response = client.post(reverse("documents:import-start"), {"unit": world.province.pk})
    assert response.status_code == 400 and response.context["form"].non_field_errors()


def test_with_the_queue_the_upload_goes_to_the_progress_page(client, world, settings):
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    client.force_login(world.province_coordinator)
    response = upload(client, world.province, "kh.txt", ACTION_MONTH.read_bytes())
    job = BackgroundJob.objects.get()
    assert job.status == JobStatus.QUEUED and response["Location"] == reverse(
        "orgs:job-detail", args=[job.pk]
    )
    imported = ImportedDocument.objects.get()
    page = client.get(reverse("documents:import-review", args=[imported.pk]))
    assert page.status_code == 409  # still being read: says so instead of an empty review


# -- who may ---------------------------------------------------------------------------------------------


@pytest.fixture
def imported(client, world, agencies):  # noqa: F811
    client.force_login(world.province_coordinator)
    upload(client, world.province, "kh.txt", ACTION_MONTH.read_bytes())
    client.logout()
    return ImportedDocument.objects.get()


@pytest.mark.parametrize("who", ["other_coordinator", "district_a_coordinator", "district_a_focal", "nobody"])
def test_other_units_get_nothing(client, world, imported, who):
    client.force_login(getattr(world, who))
    assert client.get(reverse("documents:import-review", args=[imported.pk])).status_code == 404
    assert client.post(reverse("documents:import-review", args=[imported.pk]), {}).status_code == 404
    assert client.get(reverse("documents:import-file", args=[imported.pk])).status_code == 404
    assert not Plan.objects.exists()


def test_a_viewer_of_the_unit_may_read_the_file_but_not_accept(client, world, imported):
    viewer = make_user("xem.tinh", world.province_agency, Role.VIEWER)
    client.force_login(viewer)
    assert client.get(reverse("documents:import-file", args=[imported.pk])).status_code == 200
    assert client.get(reverse("documents:import-review", args=[imported.pk])).status_code == 404


def test_a_leader_reviews_the_units_import(client, world, imported):
    """Decision of issue 10: leaders write their unit's plans, imported ones included."""
    client.force_login(world.province_leader)
    assert client.get(reverse("documents:import-review", args=[imported.pk])).status_code == 200


def test_people_who_may_not_write_plans_get_no_upload_page(client, world):
    client.force_login(world.district_a_focal)
    assert client.get(reverse("documents:import-start")).status_code == 404
    client.force_login(world.nobody)
    assert client.get(reverse("documents:import-start")).status_code == 404


def test_one_cannot_import_for_another_unit(client, world):
    client.force_login(world.district_a_coordinator)
    response = upload(client, world.province, "kh.txt", ACTION_MONTH.read_bytes())
    assert response.status_code == 400 and "unit" in response.context["form"].errors
    assert not ImportedDocument.objects.exists()


def test_signed_out_goes_to_login(client):
    response = client.get(reverse("documents:import-start"))
    assert response.status_code == 302 and reverse("orgs:login") in response["Location"]


def test_the_plan_page_links_the_original_document(client, world, agencies):  # noqa: F811
    client.force_login(world.province_coordinator)
    upload(client, world.province, "Kế hoạch 2150.txt", ACTION_MONTH.read_bytes())
    imported = ImportedDocument.objects.get()
    page = client.get(reverse("documents:import-review", args=[imported.pk]))
    client.post(reverse("documents:import-review", args=[imported.pk]), review_data(page.context))
    plan = Plan.objects.get()
    html = client.get(reverse("plans:plan-detail", args=[plan.pk])).content.decode()
    assert reverse("documents:import-file", args=[imported.pk]) in html and "Kế hoạch 2150.txt" in html
    download = client.get(reverse("documents:import-file", args=[imported.pk]))
    assert b"".join(download.streaming_content) == ACTION_MONTH.read_bytes()


def test_file_names_are_kept_without_direction_overrides(client, world, agencies):  # noqa: F811
    client.force_login(world.province_coordinator)
    refused = upload(client, world.province, "report\u202efdp.exe", b"MZ\x90\x00")
    errors = " ".join(refused.context["form"].errors["file"])
    assert "reportfdp.exe" in errors and "\u202e" not in errors
    upload(client, world.province, "Kế\u200b hoạch\u202e.txt", ACTION_MONTH.read_bytes())
    imported = ImportedDocument.objects.get()
    assert imported.original_name == "Kế hoạch.txt"
    response = client.get(reverse("documents:import-file", args=[imported.pk]))
    assert "\u202e" not in response["Content-Disposition"]


# -- issue 10: former units, length limits ------------------------------------------------------


@pytest.fixture
def former_province(world):
    old = make_unit("Tỉnh Cũ", code="61", scheme=Scheme.LEGACY)
    UnitSuccession.objects.create(predecessor=old, successor=world.province, effective_date="2025-07-01")
    return old


def test_no_import_for_a_former_unit(client, world, former_province, agencies):  # noqa: F811
    client.force_login(world.province_coordinator)
    assert (
        former_province
        not in client.get(reverse("documents:import-start")).context["form"].fields["unit"].queryset
    )
    response = upload(client, former_province, "kh.txt", ACTION_MONTH.read_bytes())
    assert response.status_code == 400 and "unit" in response.context["form"].errors
    assert not ImportedDocument.objects.exists()


def test_a_former_units_import_is_read_only(client, world, imported, former_province):
    """Issue 10: the 2025 province coordinator could accept a former province's import."""
    old = ImportedDocument.objects.create(
        org_unit=former_province,
        uploaded_by=world.province_coordinator,
        pasted_text="…",
        status=ImportStatus.READY,
        result=imported.result,
    )
    client.force_login(world.province_coordinator)
    page = client.get(reverse("documents:import-review", args=[imported.pk]))
    response = client.get(reverse("documents:import-review", args=[old.pk]))
    assert response.status_code == 302 and response["Location"] == reverse("documents:import-start")
    assert any(former_province.name in str(m) for m in response.wsgi_request._messages)
    response = client.post(reverse("documents:import-review", args=[old.pk]), review_data(page.context))
    assert response.status_code == 302 and not Plan.objects.exists()
    old.refresh_from_db()
    assert old.plan_id is None and old.status == ImportStatus.READY


def test_a_too_long_imported_task_is_said_at_review_and_never_cut(client, world, imported):
    long_text = "Tuyên truyền về bình đẳng giới. " * 400  # 12,800 characters
    imported.result["tasks"][0]["full_text"] = long_text
    imported.save()
    client.force_login(world.province_coordinator)
    page = client.get(reverse("documents:import-review", args=[imported.pk]))
    assert page.status_code == 200 and len(page.context["too_long"]) == 1
    assert 'data-testid="review-too-long"' in page.content.decode()
    response = client.post(reverse("documents:import-review", args=[imported.pk]), review_data(page.context))
    assert response.status_code == 400 and "10.000" in response.context["tasks"].forms[0].errors["text"][0]
    assert not Plan.objects.exists()
    # Left out of the plan, it no longer stops the rest.
    data = review_data(page.context)
    del data["task-0-include"]
    assert client.post(reverse("documents:import-review", args=[imported.pk]), data).status_code == 302
    plan = Plan.objects.get()
    assert not plan.tasks.filter(text__contains="Tuyên truyền về bình đẳng giới. Tuyên").exists()


def test_a_too_long_imported_subject_is_refused_at_review(client, world, imported):
    client.force_login(world.province_coordinator)
    page = client.get(reverse("documents:import-review", args=[imported.pk]))
    data = review_data(page.context, **{"plan-subject": "x" * 1_001})
    response = client.post(reverse("documents:import-review", args=[imported.pk]), data)
    assert response.status_code == 400 and "subject" in response.context["plan_form"].errors
    assert not Plan.objects.exists()


def test_a_file_refused_by_the_background_reader_leaves_nothing_either(client, world, settings, tmp_path):
    from gemis.core.jobs import run_job

    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    client.force_login(world.province_coordinator)
    upload(client, world.province, "hong.pdf", b"%PDF-1.7\n garbage")
    job = BackgroundJob.objects.get()
    assert ImportedDocument.objects.count() == 1  # waiting for the worker
    run_job.call(str(job.pk))
    job.refresh_from_db()
    assert job.status == JobStatus.FAILED and job.error  # the job page says why
    assert not ImportedDocument.objects.exists() and not ImportedDocument.history.exists()
    assert [p for p in tmp_path.rglob("*") if p.is_file()] == []
