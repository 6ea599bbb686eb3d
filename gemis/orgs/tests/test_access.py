"""The access rule: a unit sees itself and what is below it, nothing else."""

from __future__ import annotations

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
    """Paths end with "/", so unit 91 never matches unit 911 of another tree."""
    lookalike = make_unit("Tỉnh Chín Một Một", code="911", scheme=Scheme.CURRENT)
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
