"""Cascade (plans/cascade.py) and the roll-up of children's progress (task_rules.roll_up)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import ValidationError

from gemis.legal.models import DocumentKind, LegalDocument
from gemis.orgs.models import Agency
from gemis.orgs.testing import make_agency
from gemis.plans import cascade
from gemis.plans.models import Plan, PlanStatus, Task, TaskStatus
from gemis.plans.task_rules import compute_due_date, roll_up
from gemis.plans.testing import make_plan, make_section, make_task
from gemis.vn.deadlines import Deadline, Recurrence

pytestmark = pytest.mark.django_db


@pytest.fixture
def issued(world) -> Plan:
    """A provincial plan: tasks for the districts, for a department, and one for nobody below."""
    world.district_a.standing_agency = world.district_a_agency
    world.district_a.save()
    health = make_agency(world.province, "Sở Y tế", "SYT")
    plan = make_plan(
        world.province,
        world.province_agency,
        number="1889/KH-UBND",
        issue_date=dt.date(2026, 4, 12),
        status=PlanStatus.ISSUED,
    )
    plan.legal_bases.add(
        LegalDocument.objects.create(
            kind=DocumentKind.RESOLUTION, number="28/NQ-CP", issue_date=dt.date(2021, 3, 3)
        )
    )
    content = make_section(plan, "II", "Nội dung")
    media = make_section(plan, "1", "Truyền thông", parent=content)
    other = make_section(plan, "III", "Tổ chức thực hiện")
    make_task(
        plan,
        "Tổ chức Tháng hành động",
        lead=world.province_agency,
        section=media,
        addressed_units=[world.district_a, world.district_b],
        deadline=Deadline.between(dt.date(2026, 11, 15), dt.date(2026, 12, 15), text="từ 15/11 đến 15/12"),
    )
    make_task(
        plan,
        "Báo cáo 6 tháng",
        lead=health,
        section=other,
        addressed_units=[world.district_a],
        deadline=Deadline.recurring(Recurrence.HALF_YEARLY, text="định kỳ 6 tháng"),
    )
    make_task(plan, "Kiểm tra liên ngành", lead=world.province_agency, partners=[health], section=content)
    return plan


def health(world) -> Agency:
    return Agency.objects.get(short_name="SYT")


def test_targets_are_addressed_units_and_named_agencies(world, issued):
    found = {(t.unit, t.agency): t.task_count for t in cascade.targets(issued)}
    assert found == {
        (world.district_a, None): 2,
        (world.district_b, None): 1,
        (world.province, health(world)): 2,  # lead of one, partner of another
    }  # the issuing agency itself is not a target


def test_unit_cascade_copies_addressed_tasks_with_parent_links(world, issued):
    child, created = cascade.cascade(issued, world.district_a, None, world.district_a_coordinator)
    assert created
    assert (child.org_unit, child.issuing_agency, child.status, child.parent_plan) == (
        world.district_a,
        None,
        PlanStatus.DRAFT,
        issued,
    )
    assert (child.period_start, child.period_end, child.kind, child.created_by) == (
        2026,
        2026,
        issued.kind,
        world.district_a_coordinator,
    )
    tasks = list(child.tasks.order_by("order"))
    assert [t.text for t in tasks] == ["Tổ chức Tháng hành động", "Báo cáo 6 tháng"]
    sources = {t.text: t for t in issued.tasks.all()}
    for task in tasks:
        assert task.parent_task == sources[task.text]
        assert task.lead_agency == world.district_a_agency  # the unit's standing agency leads its copy
        assert (
            task.deadline == task.parent_task.deadline
            and task.deadline_text == task.parent_task.deadline_text
        )
        assert task.due_date == compute_due_date(task)
    assert tasks[0].due_date == dt.date(2026, 12, 15)


def test_sections_are_copied_with_their_ancestors_only(world, issued):
    child, _ = cascade.cascade(issued, world.district_a, None, None)
    sections = {(s.number, s.title, s.parent.title if s.parent else None) for s in child.sections.all()}
    assert sections == {
        ("II", "Nội dung", None),
        ("1", "Truyền thông", "Nội dung"),
        ("III", "Tổ chức thực hiện", None),
    }
    month = child.tasks.get(text="Tổ chức Tháng hành động")
    assert (month.section.plan, month.section.title) == (child, "Truyền thông")


def test_agency_cascade_takes_tasks_it_leads_or_partners(world, issued):
    child, created = cascade.cascade(issued, world.province, health(world), world.province_coordinator)
    assert created and child.issuing_agency == health(world) and child.org_unit == world.province
    assert {t.text for t in child.tasks.all()} == {"Báo cáo 6 tháng", "Kiểm tra liên ngành"}
    assert all(t.lead_agency == health(world) for t in child.tasks.all())


def test_cascade_is_idempotent(world, issued):
    first, created = cascade.cascade(issued, world.district_a, None, None)
    again, created_again = cascade.cascade(issued, world.district_a, None, None)
    assert created and not created_again and again == first
    assert Plan.objects.filter(parent_plan=issued).count() == 1
    assert Task.objects.filter(plan=first).count() == 2


def test_cascade_stays_idempotent_after_the_district_names_its_issuer(world, issued):
    first, _ = cascade.cascade(issued, world.district_a, None, None)
    committee = make_agency(world.district_a, "Ủy ban nhân dân huyện An Bình", kind="peoples_committee")
    first.issuing_agency = committee
    first.save()
    again, created = cascade.cascade(issued, world.district_a, None, None)
    assert again == first and not created
    assert cascade.existing_cascade(issued, world.district_a, None) == first


def test_unit_and_agency_drafts_of_the_same_unit_are_distinct(world, issued):
    make_task(issued, "Việc của phòng", lead=world.district_a_agency, addressed_units=[world.district_a])
    unit_plan, _ = cascade.cascade(issued, world.district_a, None, None)
    agency_plan, _ = cascade.cascade(issued, world.district_a, world.district_a_agency, None)
    assert unit_plan != agency_plan
    assert cascade.existing_cascade(issued, world.district_a, None) == unit_plan
    assert cascade.existing_cascade(issued, world.district_a, world.district_a_agency) == agency_plan
    assert [t.text for t in agency_plan.tasks.all()] == ["Việc của phòng"]


def test_only_an_issued_plan_cascades(world, issued):
    for status in (PlanStatus.DRAFT, PlanStatus.CLOSED):
        issued.status = status
        issued.save()
        with pytest.raises(ValidationError):
            cascade.cascade(issued, world.district_a, None, None)
    assert not issued.cascaded_plans.exists()


def test_a_target_without_tasks_is_refused(world, issued):
    with pytest.raises(ValidationError):
        cascade.cascade(issued, world.commune_a, None, None)
    assert not issued.cascaded_plans.exists()


def test_legal_basis_citation_is_one_shared_record(world, issued):
    a, _ = cascade.cascade(issued, world.district_a, None, None)
    b, _ = cascade.cascade(issued, world.district_b, None, None)
    citation = LegalDocument.objects.get(number="1889/KH-UBND")
    assert citation.kind == DocumentKind.PLAN and citation.issue_date == dt.date(2026, 4, 12)
    assert citation.issuer == world.province_agency.name and citation.subject == issued.subject
    resolution = LegalDocument.objects.get(number="28/NQ-CP")
    assert set(a.legal_bases.all()) == set(b.legal_bases.all()) == {citation, resolution}
    assert LegalDocument.objects.count() == 2


def test_citation_reuses_a_document_already_recorded(world, issued):
    recorded = LegalDocument.objects.create(
        kind=DocumentKind.PLAN, number="1889 /KH-UBND", issue_date=dt.date(2026, 4, 12), subject="Đã có"
    )
    child, _ = cascade.cascade(issued, world.district_a, None, None)
    assert recorded in child.legal_bases.all()
    assert LegalDocument.objects.filter(number_key=recorded.number_key).count() == 1


def test_recurring_child_starts_from_its_own_first_occurrence(world, issued):
    parent = issued.tasks.get(text="Báo cáo 6 tháng")
    parent.last_done_on = dt.date(2026, 7, 1)
    parent.due_date = compute_due_date(parent)
    parent.save()
    assert parent.due_date == dt.date(2026, 12, 31)
    child, _ = cascade.cascade(issued, world.district_a, None, None)
    copy = child.tasks.get(parent_task=parent)
    assert copy.due_date == dt.date(2026, 6, 30)


# -- roll-up ------------------------------------------------------------------------------------------------


def set_progress(task: Task, progress: int, status: str) -> None:
    task.progress, task.status = progress, status
    task.save()
    roll_up(task.parent_task)


def _issued_cascade(plan, unit):
    """A unit's plan built from ``plan`` and issued: only issued plans below count in the roll-up."""
    child, created = cascade.cascade(plan, unit, None, None)
    Plan.objects.filter(pk=child.pk).update(
        status=PlanStatus.ISSUED, number="5/KH-UBND", issue_date=dt.date(2026, 5, 1)
    )
    child.refresh_from_db()
    return child, created


def test_roll_up_leaves_out_plans_still_in_draft(world, issued):
    draft, _ = cascade.cascade(issued, world.district_a, None, None)
    counted, _ = _issued_cascade(issued, world.district_b)
    parent = issued.tasks.get(text="Tổ chức Tháng hành động")
    set_progress(counted.tasks.get(parent_task=parent), 60, TaskStatus.IN_PROGRESS)
    parent.refresh_from_db()
    assert (parent.progress, parent.status) == (60, TaskStatus.IN_PROGRESS)  # the draft's 0 % does not count
    assert draft.tasks.get(parent_task=parent).progress == 0


def test_roll_up_averages_children(world, issued):
    a, _ = _issued_cascade(issued, world.district_a)
    b, _ = _issued_cascade(issued, world.district_b)
    parent = issued.tasks.get(text="Tổ chức Tháng hành động")
    set_progress(a.tasks.get(parent_task=parent), 50, TaskStatus.IN_PROGRESS)
    parent.refresh_from_db()
    assert (parent.progress, parent.status) == (25, TaskStatus.IN_PROGRESS)
    version = parent.version
    set_progress(b.tasks.get(parent_task=parent), 30, TaskStatus.IN_PROGRESS)
    parent.refresh_from_db()
    assert (parent.progress, parent.status) == (40, TaskStatus.IN_PROGRESS)
    assert parent.version == version + 1  # a changed row gets a new version (no lost updates)


def test_roll_up_all_done_makes_the_parent_done(world, issued):
    a, _ = _issued_cascade(issued, world.district_a)
    b, _ = _issued_cascade(issued, world.district_b)
    parent = issued.tasks.get(text="Tổ chức Tháng hành động")
    set_progress(a.tasks.get(parent_task=parent), 100, TaskStatus.DONE)
    parent.refresh_from_db()
    assert (parent.progress, parent.status) == (50, TaskStatus.IN_PROGRESS)
    set_progress(b.tasks.get(parent_task=parent), 100, TaskStatus.DONE)
    parent.refresh_from_db()
    assert (parent.progress, parent.status) == (100, TaskStatus.DONE)
    assert parent.last_done_on is not None


def test_roll_up_never_shows_100_before_everyone_is_done(world, issued):
    a, _ = _issued_cascade(issued, world.district_a)
    b, _ = _issued_cascade(issued, world.district_b)
    parent = issued.tasks.get(text="Tổ chức Tháng hành động")
    set_progress(a.tasks.get(parent_task=parent), 100, TaskStatus.DONE)
    set_progress(b.tasks.get(parent_task=parent), 99, TaskStatus.IN_PROGRESS)
    parent.refresh_from_db()
    assert (parent.progress, parent.status) == (99, TaskStatus.IN_PROGRESS)


def test_roll_up_ignores_cancelled_children(world, issued):
    a, _ = _issued_cascade(issued, world.district_a)
    b, _ = _issued_cascade(issued, world.district_b)
    parent = issued.tasks.get(text="Tổ chức Tháng hành động")
    set_progress(b.tasks.get(parent_task=parent), 0, TaskStatus.CANCELLED)
    set_progress(a.tasks.get(parent_task=parent), 100, TaskStatus.DONE)
    parent.refresh_from_db()
    assert (parent.progress, parent.status) == (100, TaskStatus.DONE)


def test_roll_up_goes_up_the_chain(world, issued):
    district, _ = _issued_cascade(issued, world.district_a)
    middle = district.tasks.get(text="Tổ chức Tháng hành động")
    middle.addressed_units.set([world.commune_a])
    commune, _ = _issued_cascade(district, world.commune_a)
    leaf = commune.tasks.get()
    assert leaf.parent_task == middle and middle.parent_task.plan == issued
    set_progress(leaf, 80, TaskStatus.IN_PROGRESS)
    middle.refresh_from_db()
    top = middle.parent_task
    top.refresh_from_db()
    assert middle.progress == 80
    assert top.progress == 80  # the only child of the top task is the district's


def test_roll_up_without_children_changes_nothing(world, issued):
    task = issued.tasks.get(text="Kiểm tra liên ngành")
    task.progress, task.status = 40, TaskStatus.IN_PROGRESS
    task.save()
    roll_up(task)
    roll_up(None)
    task.refresh_from_db()
    assert (task.progress, task.status, task.version) == (40, TaskStatus.IN_PROGRESS, 1)
