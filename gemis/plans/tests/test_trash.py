"""The trash (plans/trash.py): history of progress, evidence and links; deleting leaves a trace; restoring."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.http import Http404
from django.urls import reverse
from django.utils import timezone

from gemis.legal.models import DocumentKind, LegalDocument
from gemis.orgs.models import OrgUnit, Role, Scheme
from gemis.orgs.testing import make_user
from gemis.plans import trash
from gemis.plans.models import (
    Attachment,
    Plan,
    PlanSection,
    PlanStatus,
    ProgressUpdate,
    ReportObligation,
    Task,
    deleting,
    recorded_as,
)
from gemis.plans.progress import record_progress
from gemis.plans.testing import make_plan, make_section, make_task

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.7\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture(autouse=True)
def _units_in_force(world):
    """The world's units as today's units: plans of former (pre-2025) units are read-only."""
    OrgUnit.objects.update(scheme=Scheme.CURRENT, valid_to=None)


@pytest.fixture
def basis(world) -> LegalDocument:
    return LegalDocument.objects.create(
        kind=DocumentKind.RESOLUTION,
        number="28/NQ-CP",
        issue_date=dt.date(2021, 3, 3),
        issuer="Chính phủ",
        subject="Ban hành Chiến lược quốc gia về bình đẳng giới giai đoạn 2021 - 2030",
    )


@pytest.fixture
def plan(world, basis) -> Plan:
    """A district plan with a section tree, two tasks with links, a report, progress and evidence."""
    plan = make_plan(world.district_a, world.district_a_agency, number="12/KH-UBND", status=PlanStatus.ISSUED)
    plan.legal_bases.add(basis)
    top = make_section(plan, "I", "Nội dung", body="Các nhiệm vụ trọng tâm")
    inner = make_section(plan, "1", "Tuyên truyền", parent=top)
    first = make_task(
        plan,
        "Tổ chức Tháng hành động vì bình đẳng giới",
        lead=world.district_a_agency,
        partners=[world.commune_a_agency],
        addressed_units=[world.commune_a],
        section=inner,
    )
    make_task(plan, "Tập huấn kỹ năng lồng ghép giới", lead=world.district_a_agency, section=top)
    ReportObligation.objects.create(plan=plan, name="Báo cáo sơ kết 6 tháng", due_text="trước ngày 15/5")
    upload = SimpleUploadedFile("Báo cáo tập huấn.pdf", PDF, content_type="application/pdf")
    record_progress(first, world.district_a_focal, note="Đã tổ chức 2 lớp", progress=60, files=[upload])
    return plan


def snapshot(plan_pk: int) -> dict:
    """Everything a plan holds, as comparable values (not the version, stamped anew on restore)."""

    def rows(queryset, *exclude):
        skip = {"version", "updated_at", *exclude}
        return sorted(
            [{k: v for k, v in row.items() if k not in skip} for row in queryset.values()],
            key=lambda r: r["id"],
        )

    tasks = Task.objects.filter(plan_id=plan_pk)
    updates = ProgressUpdate.objects.filter(task__plan_id=plan_pk)
    attachments = Attachment.objects.filter(update__task__plan_id=plan_pk)
    return {
        "plan": rows(Plan.objects.filter(pk=plan_pk)),
        "legal_bases": sorted(
            Plan.legal_bases.through.objects.filter(plan_id=plan_pk).values_list(
                "legaldocument_id", flat=True
            )
        ),
        "sections": rows(PlanSection.objects.filter(plan_id=plan_pk)),
        "reports": rows(ReportObligation.objects.filter(plan_id=plan_pk)),
        "tasks": rows(tasks),
        "partners": sorted(
            Task.partners.through.objects.filter(task__plan_id=plan_pk).values_list("task_id", "agency_id")
        ),
        "addressed": sorted(
            Task.addressed_units.through.objects.filter(task__plan_id=plan_pk).values_list(
                "task_id", "orgunit_id"
            )
        ),
        "updates": rows(updates),
        "attachments": rows(attachments),
        "files": {a.file.name: a.file.read() for a in attachments},
    }


# -- history of progress, evidence and links -----------------------------------------------------------


def test_progress_and_evidence_have_a_history_with_who(world, plan):
    update = ProgressUpdate.objects.get()
    attachment = Attachment.objects.get()
    # Recorded outside a request (as an API call or a job would): the author is named all the same.
    assert (update.history.get().history_type, update.history.get().history_user) == (
        "+",
        world.district_a_focal,
    )
    assert attachment.history.get().file == attachment.file.name
    assert attachment.history.get().history_user == world.district_a_focal
    update.note = "Đã tổ chức 3 lớp"
    with recorded_as(world.district_a_coordinator):
        update.save()
    latest = update.history.first()
    assert latest.history_type == "~" and latest.note == "Đã tổ chức 3 lớp"
    assert latest.history_user == world.district_a_coordinator


def test_link_changes_are_recorded(client, world, plan, basis):
    task = plan.tasks.get(text__startswith="Tổ chức")
    task.partners.add(world.district_b_agency)
    recorded = task.history.first()
    assert set(recorded.partners.values_list("agency_id", flat=True)) == {
        world.commune_a_agency.pk,
        world.district_b_agency.pk,
    }
    assert list(recorded.addressed_units.values_list("orgunit_id", flat=True)) == [world.commune_a.pk]
    plan.legal_bases.remove(basis)
    assert plan.history.first().legal_bases.count() == 0
    assert plan.history.all()[1].legal_bases.get().legaldocument_id == basis.pk


def test_section_delete_records_each_moved_task(client, world):
    plan = make_plan(world.district_a, world.district_a_agency)
    top = make_section(plan, "I", "Trên")
    inner = make_section(plan, "1", "Dưới", parent=top)
    moved = [
        make_task(plan, f"Nhiệm vụ {i}", section=inner, partners=[world.commune_a_agency]) for i in range(30)
    ]
    client.force_login(world.district_a_coordinator)
    response = client.post(reverse("plans:plan-section-delete", args=[inner.pk]))
    assert response.status_code == 302
    for task in moved:
        task.refresh_from_db()
        assert task.section == top
        latest = task.history.first()
        assert (latest.section_id, latest.history_type) == (top.pk, "~")
        assert latest.history_user == world.district_a_coordinator
        assert latest.history_change_reason == trash.MOVED_REASON
        assert latest.version == task.version
        # The bulk history row keeps the links, as a one-by-one save would.
        assert list(latest.partners.values_list("agency_id", flat=True)) == [world.commune_a_agency.pk]


def test_section_delete_stays_quick_on_a_big_section(world, django_assert_max_num_queries):
    plan = make_plan(world.district_a, world.district_a_agency)
    section = make_section(plan, "I", "Lớn")
    for i in range(120):
        make_task(plan, f"Nhiệm vụ {i}", section=section)
    with django_assert_max_num_queries(40):
        assert trash.delete_section(section, user=world.district_a_coordinator) == 120


# -- deleting leaves a trace; restoring brings everything back -------------------------------------------


def delete_through_the_view(client, world, plan) -> None:
    # Progress exists only on issued plans; a draft that still holds some is what older data has.
    Plan.objects.filter(pk=plan.pk).update(status=PlanStatus.DRAFT)
    client.force_login(world.district_a_coordinator)
    assert client.post(reverse("plans:plan-delete", args=[plan.pk])).status_code == 302
    assert not Plan.objects.filter(pk=plan.pk).exists()


def test_deleting_a_plan_leaves_a_trace_and_the_file(client, world, plan):
    attachment = Attachment.objects.get()
    delete_through_the_view(client, world, plan)
    assert default_storage.exists(attachment.file.name)  # kept for a restore
    for model in (Plan, PlanSection, Task, ReportObligation, ProgressUpdate, Attachment):
        gone = model.history.filter(history_type="-")
        assert gone.exists(), model
        assert {row.history_user_id for row in gone} == {world.district_a_coordinator.pk}
        assert len({row.history_batch for row in gone}) == 1
    # The deletion's history row still names the links that went with the rows.
    assert Task.history.filter(history_type="-").exclude(historicaltask_partners=None).count() == 1


def test_restore_brings_back_the_plan_with_all_it_held(client, world, plan):
    Plan.objects.filter(pk=plan.pk).update(status=PlanStatus.DRAFT)
    before = snapshot(plan.pk)
    delete_through_the_view(client, world, plan)
    [item] = trash.list_deleted(world.district_a_coordinator)
    assert (item.kind, item.pk, item.deleted_by) == ("plan", plan.pk, world.district_a_coordinator)
    assert item.contents == {"section": 2, "report": 1, "task": 2, "progress": 1, "evidence": 1}

    restored = trash.restore("plan", plan.pk, user=world.province_coordinator)

    assert restored.counts == item.contents | {"plan": 1}
    assert snapshot(plan.pk) == before
    assert trash.list_deleted(world.district_a_coordinator) == []
    latest = Plan.history.filter(id=plan.pk).first()
    assert latest.history_user == world.province_coordinator
    assert latest.history_change_reason == trash.RESTORED_REASON


def test_a_former_units_deleted_plan_does_not_come_back(world, plan):
    plan_pk = plan.pk
    trash.delete_plan(plan, user=world.district_a_coordinator)
    OrgUnit.objects.filter(pk=world.district_a.pk).update(valid_to=dt.date(2025, 6, 30))
    assert trash.list_deleted(world.district_a_coordinator) == []
    with pytest.raises(Http404):
        trash.restore("plan", plan_pk, user=world.district_a_coordinator)


def test_another_units_admin_sees_nothing_and_gets_404(client, world, plan):
    delete_through_the_view(client, world, plan)
    outsider = make_user("quantri.khac", world.other_agency, Role.ADMIN)
    assert trash.list_deleted(outsider) == []
    assert trash.list_deleted(world.district_b_coordinator) == []
    assert trash.list_deleted(world.district_a_focal) == []  # not an administrator or coordinator
    assert [i.pk for i in trash.list_deleted(world.province_admin)] == [plan.pk]  # the unit above
    for person in (outsider, world.district_b_coordinator):
        client.force_login(person)
        assert client.get(reverse("plans:trash")).status_code == 200
        response = client.post(reverse("plans:trash-restore", args=["plan", plan.pk]))
        assert response.status_code == 404
    assert not Plan.objects.filter(pk=plan.pk).exists()


def test_a_task_deleted_on_its_own_comes_back_with_its_progress(world, plan):
    task = plan.tasks.get(text__startswith="Tổ chức")
    task_pk = task.pk
    trash.delete_task(task, user=world.district_a_coordinator)
    [item] = trash.list_deleted(world.district_a_coordinator)
    assert (item.kind, item.contents) == ("task", {"progress": 1, "evidence": 1})
    trash.restore("task", task_pk, user=world.district_a_coordinator)
    task = Task.objects.get(pk=task_pk)
    assert task.section.title == "Tuyên truyền"
    assert list(task.partners.all()) == [world.commune_a_agency]
    assert task.updates.get().attachments.get().file.read() == PDF


def test_a_child_whose_plan_is_in_the_trash_waits_for_it(world, plan):
    task = plan.tasks.get(text__startswith="Tổ chức")
    task_pk, plan_pk = task.pk, plan.pk
    trash.delete_task(task, user=world.district_a_coordinator)
    trash.delete_plan(plan, user=world.district_a_coordinator)
    items = {(i.kind, i.pk): i for i in trash.list_deleted(world.district_a_coordinator)}
    assert items[("task", task_pk)].parent_deleted
    assert items[("plan", plan_pk)].contents["task"] == 1  # only the task deleted with it
    with pytest.raises(trash.RestoreRefused, match="khôi phục mục đó trước"):
        trash.restore("task", task_pk, user=world.district_a_coordinator)
    trash.restore("plan", plan_pk, user=world.district_a_coordinator)
    assert Task.objects.filter(plan_id=plan_pk).count() == 1
    trash.restore("task", task_pk, user=world.district_a_coordinator)
    assert Task.objects.filter(plan_id=plan_pk).count() == 2


def test_evidence_deleted_alone_is_listed_and_restored(world, plan):
    attachment = Attachment.objects.get()
    pk = attachment.pk
    with deleting(world.district_a_coordinator):
        attachment.delete()
    [item] = trash.list_deleted(world.district_a_coordinator)
    assert (item.kind, item.label, item.context) == (
        "evidence",
        "Báo cáo tập huấn.pdf",
        "Tổ chức Tháng hành động vì bình đẳng giới",
    )
    trash.restore("evidence", pk, user=world.district_a_coordinator)
    assert Attachment.objects.get().file.read() == PDF


def test_a_missing_file_refuses_the_whole_restore(world, plan):
    attachment = Attachment.objects.get()
    plan_pk = plan.pk
    trash.delete_plan(plan, user=world.district_a_coordinator)
    default_storage.delete(attachment.file.name)
    with pytest.raises(trash.RestoreRefused, match="không còn trên máy chủ"):
        trash.restore("plan", plan_pk, user=world.district_a_coordinator)
    assert not Plan.objects.filter(pk=plan_pk).exists()


def test_a_row_that_exists_again_is_refused_clearly(world, plan):
    report_pk, plan_pk = plan.reports.get().pk, plan.pk
    trash.delete_plan(plan, user=world.district_a_coordinator)
    # A row with the same identity came back behind the trash's back (a database restore): never overwrite.
    ReportObligation.objects.create(pk=report_pk, plan=make_plan(world.district_a), name="Khác")
    with pytest.raises(trash.RestoreRefused, match="cùng mã số"):
        trash.restore("plan", plan_pk, user=world.district_a_coordinator)
    assert not Plan.objects.filter(pk=plan_pk).exists()  # all or nothing
    assert not Task.objects.filter(plan_id=plan_pk).exists()


# -- purging ------------------------------------------------------------------------------------------------


def test_purge_removes_only_files_past_retention(world, plan, settings):
    settings.GEMIS_TRASH_RETENTION_DAYS = 30
    attachment = Attachment.objects.get()
    name = attachment.file.name
    trash.delete_plan(plan, user=world.district_a_coordinator)
    call_command("purge_trash", verbosity=0)
    assert default_storage.exists(name)  # still within retention

    Attachment.history.filter(history_type="-").update(history_date=timezone.now() - dt.timedelta(days=31))
    Attachment.history.exclude(history_type="-").update(history_date=timezone.now() - dt.timedelta(days=40))
    assert trash.list_deleted(world.district_a_coordinator)  # the plan itself is recent
    call_command("purge_trash", "--dry-run", verbosity=0)
    assert default_storage.exists(name)
    call_command("purge_trash", verbosity=0)
    assert not default_storage.exists(name)


def test_purge_keeps_live_evidence(world, plan, settings):
    settings.GEMIS_TRASH_RETENTION_DAYS = 0
    name = Attachment.objects.get().file.name
    assert trash.purge_files(now=timezone.now() + dt.timedelta(days=1)) == []
    assert default_storage.exists(name)


# -- the screen -------------------------------------------------------------------------------------------


def test_trash_page_lists_and_restores(client, world, plan):
    plan_pk = plan.pk
    delete_through_the_view(client, world, plan)
    client.force_login(world.district_a_coordinator)
    page = client.get(reverse("plans:trash"))
    assert page.status_code == 200
    text = page.content.decode()
    assert "12/KH-UBND" in text and 'data-testid="trash-link"' in text
    assert world.district_a_coordinator.full_name or world.district_a_coordinator.username in text
    assert client.get(reverse("plans:trash"), {"kind": "evidence"}).context["items"] == []
    response = client.post(reverse("plans:trash-restore", args=["plan", plan_pk]))
    assert response.status_code == 302 and response.url == reverse("plans:plan-detail", args=[plan_pk])
    assert Plan.objects.filter(pk=plan_pk).exists()
    assert (
        client.post(reverse("plans:trash-restore", args=["plan", plan_pk])).status_code == 404
    )  # not deleted now


def test_refusal_is_said_on_the_page(client, world, plan):
    task = plan.tasks.get(text__startswith="Tổ chức")
    task_pk = task.pk
    trash.delete_task(task, user=world.district_a_coordinator)
    trash.delete_plan(plan, user=world.district_a_coordinator)
    client.force_login(world.district_a_coordinator)
    assert 'data-testid="restore-parent-first"' in client.get(reverse("plans:trash")).content.decode()
    response = client.post(reverse("plans:trash-restore", args=["task", task_pk]), follow=True)
    assert "khôi phục mục đó trước" in response.content.decode().lower()


def test_people_without_the_trash_get_404_and_no_link(client, world):
    for person in (world.district_a_focal, world.district_a_viewer, world.province_leader):
        client.force_login(person)
        assert client.get(reverse("plans:trash")).status_code == 404
        assert 'data-testid="trash-link"' not in client.get(reverse("orgs:home")).content.decode()
    client.force_login(world.district_a_coordinator)
    assert client.post(reverse("plans:trash-restore", args=["nothing", 1])).status_code == 404
    assert client.post(reverse("plans:trash-restore", args=["plan", 10**20])).status_code == 404
    assert client.get(reverse("plans:trash-restore", args=["plan", 1])).status_code == 405
