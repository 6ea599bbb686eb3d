"""Plan actions: each rule checked on the locked row, a stale version refused, nothing half-done."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.utils import translation

from gemis.core.testing import run_together
from gemis.core.versioning import ConflictError
from gemis.legal.models import DocumentKind, LegalDocument
from gemis.plans import actions
from gemis.plans.models import Plan, PlanSection, PlanStatus, Task
from gemis.plans.testing import make_plan, make_section, make_task

pytestmark = pytest.mark.django_db


@pytest.fixture
def draft(world) -> Plan:
    return make_plan(
        world.province, world.province_agency, number="12/KH-UBND", issue_date=dt.date(2026, 2, 3)
    )


def test_issue_needs_the_number_and_the_date(world):
    plan = make_plan(world.province)
    with translation.override("en"), pytest.raises(ValidationError) as refused:
        actions.issue_plan(plan, by=world.province_leader)
    assert refused.value.code == "incomplete"
    assert (
        "the number and symbol" in refused.value.messages[0] and "the issue date" in refused.value.messages[0]
    )
    plan.refresh_from_db()
    assert plan.status == PlanStatus.DRAFT


def test_issue_records_who_and_when(world, draft):
    actions.issue_plan(draft, by=world.province_leader, expected_version=draft.version)
    stored = Plan.objects.get(pk=draft.pk)
    assert stored.status == PlanStatus.ISSUED and stored.issued_by == world.province_leader
    assert stored.issued_at is not None and draft.version == stored.version


def test_a_stale_page_does_not_issue(world, draft):
    seen = draft.version
    Plan.objects.get(pk=draft.pk).save_checked(seen)  # someone saved after the page was opened
    with pytest.raises(ConflictError):
        actions.issue_plan(draft, by=world.province_leader, expected_version=seen)
    assert Plan.objects.get(pk=draft.pk).status == PlanStatus.DRAFT


def test_the_rule_is_checked_on_the_stored_row(world, draft):
    # The page still shows a draft, but the plan was issued meanwhile.
    Plan.objects.filter(pk=draft.pk).update(status=PlanStatus.ISSUED)
    with pytest.raises(ValidationError) as refused:
        actions.issue_plan(draft, by=world.province_leader)
    assert refused.value.code == "not_draft"
    with pytest.raises(actions.PlanNotDraft):
        actions.delete_draft(draft, by=world.province_coordinator)
    assert Plan.objects.filter(pk=draft.pk).exists()


def test_close_only_an_issued_plan(world, draft):
    with pytest.raises(ValidationError) as refused:
        actions.close_plan(draft, by=world.province_leader)
    assert refused.value.code == "not_issued"
    actions.issue_plan(draft, by=world.province_leader)
    actions.close_plan(draft, by=world.province_leader)
    assert Plan.objects.get(pk=draft.pk).status == PlanStatus.CLOSED


def test_deleting_a_draft_rolls_up_the_task_it_came_from(world, draft):
    actions.issue_plan(draft, by=world.province_leader)
    source = make_task(draft, status="in_progress")
    kept, deleted = (
        make_plan(world.district_a, parent_plan=draft, status=PlanStatus.ISSUED),
        make_plan(world.district_b, parent_plan=draft),
    )
    make_task(kept, parent_task=source, progress=80, status="in_progress")
    make_task(deleted, parent_task=source, progress=20, status="in_progress")
    Task.objects.filter(pk=source.pk).update(progress=50)
    actions.delete_draft(deleted, by=world.district_b_coordinator)
    assert not Plan.objects.filter(pk=deleted.pk).exists()
    source.refresh_from_db()
    assert source.progress == 80  # only the plan that is left counts now


def test_a_section_with_subsections_is_not_deleted(world, draft):
    top = make_section(draft, "I", "MỤC TIÊU")
    make_section(draft, "1", "Mục tiêu chung", parent=top)
    with pytest.raises(ValidationError) as refused:
        actions.delete_section(top, by=world.province_coordinator)
    assert refused.value.code == "has_subsections"
    assert PlanSection.objects.filter(pk=top.pk).exists()


def test_a_deleted_section_hands_its_tasks_up(world, draft):
    top = make_section(draft, "II", "NHIỆM VỤ")
    inner = make_section(draft, "1", "Truyền thông", parent=top)
    task = make_task(draft, section=inner)
    assert actions.delete_section(inner, by=world.province_coordinator) == 1
    task.refresh_from_db()
    assert task.section_id == top.pk


def test_moving_swaps_neighbours_and_stops_at_the_ends(world, draft):
    first, second = make_task(draft, "Một"), make_task(draft, "Hai")
    assert actions.move_task(second, direction="up")
    assert list(draft.tasks.order_by("order").values_list("text", flat=True)) == ["Hai", "Một"]
    second.refresh_from_db()
    assert not actions.move_task(second, direction="up")
    assert not actions.move_task(first, direction="sideways")


def test_citing_a_known_document_reuses_its_record(world, draft):
    other = make_plan(world.district_a)
    first, created = actions.cite_legal_basis(
        other, kind=DocumentKind.RESOLUTION, number="28/NQ-CP", issue_date=dt.date(2021, 3, 3)
    )
    again, created_again = actions.cite_legal_basis(
        draft,
        kind=DocumentKind.RESOLUTION,
        number="28 /NQ-CP",
        issue_date=dt.date(2021, 3, 3),
        issuer="Chính phủ",
    )
    assert created and not created_again and first == again
    assert list(draft.legal_bases.all()) == [first] and list(other.legal_bases.all()) == [first]
    actions.drop_legal_basis(draft, document_id=first.pk)
    assert not draft.legal_bases.exists() and LegalDocument.objects.filter(pk=first.pk).exists()
    with pytest.raises(LegalDocument.DoesNotExist):
        actions.drop_legal_basis(draft, document_id=first.pk)


def test_an_issued_plan_cites_nothing_new(world, draft):
    actions.issue_plan(draft, by=world.province_leader)
    with pytest.raises(actions.PlanNotDraft):
        actions.cite_legal_basis(draft, kind=DocumentKind.LAW, number="73/2006/QH11", issue_date=None)
    assert not LegalDocument.objects.exists()


@pytest.mark.django_db(transaction=True)
def test_twenty_people_issue_the_same_page_at_once_and_one_wins(live_world):
    plan = make_plan(live_world.province, number="7/KH-UBND", issue_date=dt.date(2026, 1, 9))
    seen = plan.version

    def issue(_index: int) -> Plan:
        return actions.issue_plan(
            Plan.objects.get(pk=plan.pk), by=live_world.province_leader, expected_version=seen
        )

    results, errors = run_together(20, issue)
    assert sum(1 for r in results if r is not None) == 1
    assert len(errors) == 19 and all(isinstance(e, ConflictError) for e in errors)
    stored = Plan.objects.get(pk=plan.pk)
    assert stored.status == PlanStatus.ISSUED and stored.version == seen + 1


@pytest.mark.django_db(transaction=True)
def test_moves_at_the_same_moment_keep_the_orders_distinct(live_world):
    plan = make_plan(live_world.province)
    tasks = [make_task(plan, f"Việc {i}") for i in range(8)]

    def move(index: int) -> bool:
        return actions.move_task(
            Task.objects.get(pk=tasks[index % 8].pk), direction="up" if index % 2 else "down"
        )

    _results, errors = run_together(16, move)
    assert not errors
    orders = list(plan.tasks.values_list("order", flat=True))
    assert sorted(orders) == list(range(1, 9))
