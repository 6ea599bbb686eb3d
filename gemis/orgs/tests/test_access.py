"""The access rule: a unit sees itself and what is below it, nothing else."""

from __future__ import annotations

import datetime as dt

import pytest
from django.contrib.auth.models import AnonymousUser
from django.http import Http404

from gemis.orgs import access
from gemis.orgs.access import Action
from gemis.orgs.models import Agency, Membership, OrgUnit, Role, Scheme, UnitSuccession
from gemis.orgs.testing import make_agency, make_unit, make_user

pytestmark = pytest.mark.django_db


def test_province_sees_its_districts_and_communes(world):
    user = world.province_coordinator
    visible = set(access.visible_units(user))
    assert {world.province, world.district_a, world.district_b, world.commune_a} <= visible
    assert world.other_province not in visible


def test_district_sees_itself_and_below_only(world):
    user = world.district_a_coordinator
    visible = set(access.visible_units(user))
    assert visible == {world.district_a, world.commune_a}
    assert not access.may_view(user, world.district_b)
    assert not access.may_view(user, world.province)
    assert not access.may_view(user, world.district_b_agency)


def test_district_cannot_change_another_district(world):
    assert access.may_change(world.district_a_coordinator, world.district_a_agency)
    assert not access.may_change(world.district_a_coordinator, world.district_b_agency)
    assert not access.may_change(world.district_b_coordinator, world.commune_a)


def test_filter_for_agencies_of_another_district_is_empty(world):
    qs = access.filter_for(world.district_b_coordinator, Agency.objects.filter(org_unit=world.district_a))
    assert not qs.exists()


def test_get_for_raises_404_across_units(world):
    with pytest.raises(Http404):
        access.get_for(world.district_b_coordinator, OrgUnit, pk=world.district_a.pk)
    assert access.get_for(world.province_coordinator, OrgUnit, pk=world.district_a.pk) == world.district_a


def test_prefix_does_not_leak_to_sibling_with_longer_code(world):
    """Paths end with "/", so unit 91 never matches unit 919 beside it."""
    lookalike = make_unit("Tỉnh Chín Mười Chín", code="919", scheme=Scheme.CURRENT)
    assert not access.may_view(world.district_a_coordinator, lookalike)
    assert lookalike not in access.visible_units(world.province_coordinator)


@pytest.mark.parametrize(
    ("role", "view", "change", "approve", "manage"),
    [
        (Role.ADMIN, True, True, False, True),
        (Role.COORDINATOR, True, True, True, False),
        (Role.LEADER, True, False, True, False),
        (Role.FOCAL_POINT, True, False, False, False),
        (Role.VIEWER, True, False, False, False),
    ],
)
def test_roles_in_the_subtree(world, role, view, change, approve, manage):
    user = make_user(f"role-{role}", world.province_agency, role)
    target = world.commune_a  # a unit below the membership
    assert access.may(user, Action.VIEW, target) is view
    assert access.may(user, Action.CHANGE, target) is change
    assert access.may(user, Action.APPROVE, target) is approve
    assert access.may(user, Action.MANAGE, target) is manage


def test_focal_point_changes_its_own_agency_objects_only(world):
    focal = world.district_a_focal
    own = Membership.objects.filter(agency=world.district_a_agency).first()
    other = Membership.objects.filter(agency=world.province_agency).first()
    assert access.may_change(focal, own)
    assert not access.may_change(focal, other)
    # ...and not the unit itself, which coordinators configure.
    assert not access.may_change(focal, world.district_a)


def test_anonymous_and_members_of_nothing_get_nothing(world):
    for user in (AnonymousUser(), world.nobody, None):
        assert not access.visible_units(user).exists()
        assert not access.may_view(user, world.province)
        assert not access.filter_for(user, Agency.objects.all()).exists()


def test_inactive_user_gets_nothing(world):
    user = world.province_coordinator
    user.is_active = False
    user.save()
    user.refresh_from_db()
    assert not access.visible_units(user).exists()


def test_superuser_sees_everything(world):
    root = make_user("root", is_superuser=True)
    assert access.visible_units(root).count() == OrgUnit.objects.count()
    assert access.may(root, Action.MANAGE, world.other_province)


def test_current_unit_sees_the_former_units_merged_into_it(world):
    """A 2025 province officer reads history reported under the pre-2025 provinces it absorbed."""
    new_province = make_unit("Tỉnh Mới", code="93", scheme=Scheme.CURRENT)
    UnitSuccession.objects.create(
        predecessor=world.province, successor=new_province, is_default=True, effective_date="2025-07-01"
    )
    officer = make_user("moi", make_agency(new_province, "Sở Nội vụ", "SNV"), Role.COORDINATOR)
    visible = set(access.visible_units(officer))
    assert {new_province, world.province, world.district_a, world.commune_a} <= visible
    assert world.other_province not in visible
    # The reverse is not true: a former unit's officer does not see the new province.
    assert not access.may_view(world.province_coordinator, new_province)


def test_scope_is_computed_once_per_user_object(world, django_assert_num_queries):
    user = world.province_coordinator
    access.scope_for(user)
    with django_assert_num_queries(0):
        access.may_view(user, world.province)
        access.may_change(user, world.province)


def test_models_without_placement_are_refused():
    class Unplaced:  # a model that forgot to declare ACCESS_UNIT_FIELD
        pass

    with pytest.raises(TypeError):
        access.unit_path_of(Unplaced())  # type: ignore[arg-type]


def test_issued_plans_of_the_units_above_are_read_below_not_drafts(world):
    from gemis.plans.models import Plan, PlanStatus, Task
    from gemis.plans.testing import make_plan, make_task

    issued = make_plan(world.province, world.province_agency, status=PlanStatus.ISSUED)
    draft = make_plan(world.province, world.province_agency)
    issued_task, draft_task = make_task(issued), make_task(draft)
    district = world.district_a_coordinator
    assert access.may_view(district, issued) and access.may_view(district, issued_task)
    assert not access.may_view(district, draft) and not access.may_view(district, draft_task)
    assert not access.may_change(district, issued)
    assert set(access.filter_for(district, Plan.objects.all())) == {issued}
    assert set(access.filter_for(district, Task.objects.all())) == {issued_task}
    # Another province's officers see neither; a district's plan is not read by its sibling.
    assert not access.filter_for(world.other_coordinator, Plan.objects.all()).exists()
    sibling = make_plan(world.district_b, status=PlanStatus.ISSUED)
    assert not access.may_view(district, sibling)


def test_partner_agency_members_read_the_task_but_do_not_change_it(world):
    from gemis.plans.models import Task
    from gemis.plans.testing import make_plan, make_task

    draft = make_plan(world.province, world.province_agency)
    task = make_task(
        draft, lead=world.province_agency, partners=[world.district_b_agency, world.district_a_agency]
    )
    partner = world.district_b_coordinator  # a district coordinator, partner on a provincial draft
    assert access.may_view(partner, task)
    assert not access.may_change(partner, task)
    assert list(access.filter_for(partner, Task.objects.all())) == [task]  # once, though two partners match
    assert not access.filter_for(world.other_coordinator, Task.objects.all()).exists()


# -- decisions of issue 10 -------------------------------------------------------------------------------


@pytest.fixture
def former(world):
    """A pre-2025 province (and one of its districts) whose territory passed to the world's province."""
    old = make_unit("Tỉnh Cũ", code="61", scheme=Scheme.LEGACY)
    old_district = make_unit("Huyện Cũ", code="611", parent=old)
    UnitSuccession.objects.create(predecessor=old, successor=world.province, effective_date="2025-07-01")
    old_agency = make_agency(old, "Sở Lao động - Thương binh và Xã hội tỉnh Cũ", "Sở LĐTBXH")
    old_coordinator = make_user("cu.dieu.phoi", old_agency, Role.COORDINATOR)
    return old, old_district, old_agency, old_coordinator


def test_former_units_are_detected_by_scheme_or_end_date(world, former):
    old, old_district, _, _ = former
    assert access.is_former(old) and access.is_former(old_district)
    assert not access.is_former(world.province)
    closed = make_unit("Xã Đã Nhập", parent=world.district_a, valid_to=dt.date(2026, 1, 1))
    assert access.is_former(closed)


def test_former_plans_and_imports_are_read_only_for_everyone_but_superusers(world, former):
    from gemis.documents.models import ImportedDocument
    from gemis.plans.models import Plan, PlanStatus, Task
    from gemis.plans.testing import make_plan, make_task

    old, _, old_agency, old_coordinator = former
    draft = make_plan(old, old_agency, period_start=2024)
    task = make_task(make_plan(old, status=PlanStatus.ISSUED, period_start=2024), lead=old_agency)
    imported = ImportedDocument.objects.create(org_unit=old, uploaded_by=old_coordinator)
    for person in (world.province_coordinator, world.province_leader, world.province_admin, old_coordinator):
        assert access.may_view(person, draft)
        for obj in (draft, task, imported, old, old_agency):
            assert not access.may(person, Action.CHANGE, obj), (person, obj)
        assert not access.may(person, Action.APPROVE, draft)
        assert not access.filter_for(person, Plan.objects.all(), Action.CHANGE).filter(pk=draft.pk).exists()
        assert not access.filter_for(person, Task.objects.all(), Action.CHANGE).filter(pk=task.pk).exists()
    root = make_user("root", is_superuser=True)
    assert access.may(root, Action.CHANGE, draft)
    # Today's units are untouched by the rule.
    assert access.may(world.province_coordinator, Action.CHANGE, make_plan(world.province))


def test_former_units_are_never_offered_to_write_plans_for(world, former):
    from gemis.plans.models import Plan
    from gemis.plans.permissions import plan_units

    old, old_district, _, old_coordinator = former
    assert not {old, old_district} & set(access.units_for(world.province_coordinator, Plan, Action.CHANGE))
    assert not plan_units(old_coordinator).exists()
    assert not {old, old_district} & set(plan_units(make_user("root", is_superuser=True)))


def test_successor_coordinators_backfill_a_former_units_values(world, former):
    """Indicator values opt in (ACCESS_FORMER_UNITS_CHANGE): coordinators of the successor unit only."""
    from gemis.indicators.models import DataValue

    old, old_district, old_agency, old_coordinator = former
    value = DataValue(org_unit=old_district)
    assert access.may(world.province_coordinator, Action.CHANGE, value)
    assert {old, old_district} <= set(access.units_for(world.province_coordinator, DataValue, Action.CHANGE))
    # Not the successor's administrators or focal points, not people of the dissolved unit itself.
    focal = make_user("dau.moi.tinh", world.province_agency, Role.FOCAL_POINT)
    old_focal = make_user("cu.dau.moi", old_agency, Role.FOCAL_POINT)
    for person in (world.province_admin, focal, old_coordinator, old_focal, world.district_a_coordinator):
        assert not access.may(person, Action.CHANGE, value), person
        assert old_district not in access.units_for(person, DataValue, Action.CHANGE)
    # Today's units keep their rule: the coordinator and the unit's own focal point enter values.
    assert access.may(world.province_coordinator, Action.CHANGE, DataValue(org_unit=world.province))
    assert access.may(focal, Action.CHANGE, DataValue(org_unit=world.province))


def test_filter_for_agrees_with_may_on_former_values(world, former):
    from gemis.indicators.models import DataValue
    from gemis.indicators.testing import make_element, put

    old, old_district, _, _ = former
    element = make_element("0101")
    put(element, old_district, "2024", 5)
    put(element, world.province, "2026", 7)
    for person in (world.province_coordinator, world.province_admin):
        rows = access.filter_for(person, DataValue.objects.all(), Action.CHANGE)
        assert {row.pk for row in rows} == {
            row.pk for row in DataValue.objects.all() if access.may(person, Action.CHANGE, row)
        }
    coordinator_units = set(
        access.filter_for(world.province_coordinator, DataValue.objects.all(), Action.CHANGE).values_list(
            "org_unit", flat=True
        )
    )
    assert coordinator_units == {old_district.pk, world.province.pk}


def test_former_units_take_values_of_periods_before_the_reorganisation_only(world, former):
    _, old_district, _, _ = former
    assert access.former_period_problem(old_district, dt.date(2025, 6, 30)) is None
    assert access.former_period_problem(old_district, dt.date(2024, 12, 31)) is None
    problem = access.former_period_problem(old_district, dt.date(2025, 12, 31))
    assert problem and "30/06/2025" in problem and old_district.name in problem
    assert access.former_period_problem(world.province, dt.date(2026, 12, 31)) is None


def test_plans_are_written_issued_and_deleted_by_coordinators_admins_and_leaders(world):
    from gemis.plans.models import Plan
    from gemis.plans.testing import make_plan

    plan = make_plan(world.province, world.province_agency)
    for person in (world.province_coordinator, world.province_admin, world.province_leader):
        assert access.may(person, Action.CHANGE, plan) and access.may(person, Action.APPROVE, plan)
    # A focal point of the issuing agency reads the draft but does not change it (it did before).
    focal = make_user("dau.moi.so", world.province_agency, Role.FOCAL_POINT)
    viewer = make_user("xem.so", world.province_agency, Role.VIEWER)
    for person in (focal, viewer):
        assert access.may_view(person, plan)
        assert not access.may(person, Action.CHANGE, plan) and not access.may(person, Action.APPROVE, plan)
        assert not access.filter_for(person, Plan.objects.all(), Action.CHANGE).exists()
    assert set(access.filter_for(world.province_leader, Plan.objects.all(), Action.CHANGE)) == {plan}
    # Other objects keep the table: a leader approves but does not change a unit's agencies.
    assert not access.may(world.province_leader, Action.CHANGE, world.province_agency)


def test_evidence_is_read_by_the_tasks_people_and_the_units_above_not_below(world):
    from gemis.plans.models import Attachment, PlanStatus, ProgressUpdate
    from gemis.plans.testing import make_plan, make_task

    plan = make_plan(world.district_a, status=PlanStatus.ISSUED)
    task = make_task(plan, lead=world.district_a_agency, partners=[world.district_b_agency])
    update = ProgressUpdate.objects.create(task=task, author=world.district_a_focal, note="x", progress=5)
    attachment = Attachment.objects.create(
        update=update,
        file="evidence/x.txt",
        original_name="x.txt",
        content_type="text/plain",
        size=1,
        sha256="",
    )
    commune = make_user("xa.hoa.lac", world.commune_a_agency, Role.COORDINATOR)
    assert access.may_view(commune, task)  # the issued plan of the unit above is read below…
    assert not access.may_view(commune, attachment)  # …its evidence is not
    readers = (
        world.district_a_focal,  # lead agency
        world.district_b_coordinator,  # partner agency, in a sibling unit
        world.district_a_viewer,
        world.province_coordinator,  # units above
        world.province_leader,
    )
    for person in readers:
        assert access.may_view(person, attachment), person
    assert not access.may_view(world.other_coordinator, attachment)
    assert set(access.filter_for(commune, Attachment.objects.all())) == set()
    assert set(access.filter_for(world.district_b_coordinator, Attachment.objects.all())) == {attachment}


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("12", 12),
        (" 7 ", 7),
        ("0", None),
        ("-3", None),
        ("x", None),
        ("", None),
        (None, None),
        ("9" * 20, None),
        ("9" * 5000, None),  # int() itself refuses over 4,300 digits: a 500 found by the form fuzzer
        (str(2**63 - 1), 2**63 - 1),
        (str(2**63), None),
        ("١٢", None),
    ],
)
def test_id_param_refuses_what_cannot_be_a_key(text, expected):
    assert access.id_param(text) == expected


def test_get_for_turns_an_overlong_id_into_404(world):
    with pytest.raises(Http404):
        access.get_for(world.province_coordinator, OrgUnit, pk=10**20)
