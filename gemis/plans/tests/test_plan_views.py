from __future__ import annotations

import datetime as dt
import re
import unicodedata

import pytest
from django.urls import reverse
from django.utils import translation

from gemis.legal.models import DocumentKind, LegalDocument
from gemis.orgs.models import Agency, OrgUnit, Role, Scheme, UnitSuccession
from gemis.orgs.testing import make_agency, make_unit, make_user
from gemis.plans.models import Plan, PlanKind, PlanSection, PlanStatus, Task, TaskStatus
from gemis.plans.testing import make_plan, make_section, make_task
from gemis.vn.deadlines import Deadline, DeadlineKind

pytestmark = pytest.mark.django_db


def ubnd(world) -> Agency:
    return Agency.objects.get(short_name="UBND tỉnh")


@pytest.fixture
def province_plan(world) -> Plan:
    """An issued provincial plan with a section tree, tasks and a legal basis, like the seeds."""
    plan = make_plan(
        world.province,
        ubnd(world),
        number="1889/KH-UBND",
        issue_date=dt.date(2026, 4, 2),
        place="Thử Nghiệm",
        subject="Triển khai công tác bình đẳng giới năm 2026",
        budget="Kinh phí bố trí trong dự toán năm 2026 của các cơ quan, đơn vị.",
        signer="Nguyễn Văn Ký",
        signer_title="KT. CHỦ TỊCH / PHÓ CHỦ TỊCH",
        status=PlanStatus.ISSUED,
    )
    plan.legal_bases.add(
        LegalDocument.objects.create(
            kind=DocumentKind.RESOLUTION,
            number="28/NQ-CP",
            issue_date=dt.date(2021, 3, 3),
            issuer="Chính phủ",
            subject="Ban hành Chiến lược quốc gia về bình đẳng giới giai đoạn 2021 - 2030",
        )
    )
    purposes = make_section(plan, "I", "Mục đích, yêu cầu", body="Nâng cao nhận thức về bình đẳng giới.")
    make_section(plan, "1", "Mục đích", parent=purposes, body="Tăng cường sự lãnh đạo, chỉ đạo.")
    content = make_section(plan, "II", "Nội dung thực hiện")
    media = make_section(plan, "1", "Tuyên truyền", parent=content)
    make_task(
        plan,
        "Tổ chức Tháng hành động vì bình đẳng giới",
        lead=world.province_agency,
        partners=[ubnd(world)],
        section=media,
        deadline=Deadline.between(dt.date(2026, 11, 15), dt.date(2026, 12, 15), text="từ 15/11 đến 15/12"),
        addressed_units=[world.district_a, world.district_b],
    )
    make_task(
        plan,
        "Báo cáo sơ kết 6 tháng",
        lead=world.province_agency,
        section=content,
        deadline=Deadline.on(dt.date(2020, 5, 15), text="trước ngày 15/5/2020"),
    )
    return plan


@pytest.fixture
def district_plan(world) -> Plan:
    plan = make_plan(world.district_a, world.district_a_agency, subject="Kế hoạch của huyện An Bình")
    plan.legal_bases.add(
        LegalDocument.objects.create(number="458/LĐTBXH-BĐG", issue_date=dt.date(2026, 2, 12))
    )
    section = make_section(plan, "I", "Nhiệm vụ")
    make_task(plan, "Tập huấn cho cán bộ xã", lead=world.district_a_agency, section=section)
    return plan


def body_of(response) -> str:
    return response.content.decode()


# -- login and the access rule --------------------------------------------------------------------------


def plan_urls(plan: Plan) -> list[str]:
    section = plan.sections.first()
    task = plan.tasks.first()
    return [
        reverse("plans:plan-detail", args=[plan.pk]),
        reverse("plans:plan-edit", args=[plan.pk]),
        reverse("plans:plan-delete", args=[plan.pk]),
        reverse("plans:plan-section-create", args=[plan.pk]),
        reverse("plans:plan-section-edit", args=[section.pk]),
        reverse("plans:plan-section-delete", args=[section.pk]),
        reverse("plans:plan-task-create", args=[plan.pk]),
        reverse("plans:plan-task-edit", args=[task.pk]),
        reverse("plans:plan-task-delete", args=[task.pk]),
        reverse("plans:plan-deadline-preview", args=[plan.pk]),
        reverse("plans:plan-agency-options", args=[plan.pk]),
    ]


def plan_post_urls(plan: Plan) -> list[str]:
    section = plan.sections.first()
    task = plan.tasks.first()
    return [
        reverse("plans:plan-issue", args=[plan.pk]),
        reverse("plans:plan-close", args=[plan.pk]),
        reverse("plans:plan-cascade", args=[plan.pk]),
        reverse("plans:plan-legal-basis-add", args=[plan.pk]),
        reverse("plans:plan-section-move", args=[section.pk]),
        reverse("plans:plan-task-move", args=[task.pk]),
        reverse("plans:plan-legal-basis-remove", args=[plan.pk, LegalDocument.objects.first().pk]),
    ]


def test_anonymous_is_sent_to_login(client, district_plan):
    urls = [
        reverse("plans:plan-list"),
        reverse("plans:plan-create"),
        reverse("plans:plan-issuing-agency-options"),
    ]
    for url in [*urls, *plan_urls(district_plan)]:
        response = client.get(url)
        assert response.status_code == 302 and "/login/" in response["Location"], url
    for url in plan_post_urls(district_plan):
        response = client.post(url)
        assert response.status_code == 302 and "/login/" in response["Location"], url


def test_another_district_gets_404_everywhere(client, world, district_plan):
    client.force_login(world.district_b_coordinator)
    for url in plan_urls(district_plan):
        assert client.get(url).status_code == 404, url
    for url in plan_post_urls(district_plan):
        assert client.post(url, {"unit": world.district_a.pk}).status_code == 404, url
    district_plan.refresh_from_db()
    assert district_plan.status == PlanStatus.DRAFT and district_plan.version == 1
    assert district_plan.legal_bases.count() == 1 and not district_plan.cascaded_plans.exists()


def test_another_province_gets_404_on_the_provincial_plan(client, world, province_plan):
    client.force_login(world.other_coordinator)
    assert client.get(reverse("plans:plan-detail", args=[province_plan.pk])).status_code == 404
    assert (
        client.post(reverse("plans:plan-close", args=[province_plan.pk]), {"confirm": "1"}).status_code == 404
    )
    response = client.post(
        reverse("plans:plan-cascade", args=[province_plan.pk]), {"unit": world.district_a.pk}
    )
    assert response.status_code == 404
    assert not province_plan.cascaded_plans.exists()


def test_a_person_without_membership_sees_no_plan_and_cannot_create(client, world, district_plan):
    client.force_login(world.nobody)
    assert list(client.get(reverse("plans:plan-list")).context["page"]) == []
    assert client.get(reverse("plans:plan-create")).status_code == 404


# -- list ----------------------------------------------------------------------------------------------


def test_list_shows_only_visible_plans(client, world, province_plan, district_plan):
    other = make_plan(world.district_b, world.district_b_agency, subject="Kế hoạch huyện Bắc Sơn")
    client.force_login(world.district_a_coordinator)
    plans = set(client.get(reverse("plans:plan-list")).context["page"])
    # Its own plan, and the province's issued plan it carries out; not the sibling district's.
    assert plans == {district_plan, province_plan} if province_plan.status == "issued" else {district_plan}
    assert other not in plans
    client.force_login(world.province_coordinator)
    plans = set(client.get(reverse("plans:plan-list")).context["page"])
    assert plans == {province_plan, district_plan, other}
    client.force_login(world.other_coordinator)
    assert list(client.get(reverse("plans:plan-list")).context["page"]) == []


def test_list_counts_tasks_and_overdue(client, world, province_plan):
    client.force_login(world.province_coordinator)
    response = client.get(reverse("plans:plan-list"))
    row = next(p for p in response.context["page"] if p.pk == province_plan.pk)
    assert (row.task_total, row.overdue_total) == (2, 1)
    assert 'data-testid="overdue-total"><span class="text-danger fw-semibold">1<' in body_of(response)


def test_list_filters(client, world, province_plan, district_plan):
    old = make_plan(
        world.province,
        kind=PlanKind.STRATEGY,
        period_start=2021,
        period_end=2025,
        subject="Giai đoạn 2021-2025",
    )
    client.force_login(world.province_coordinator)

    def pks(**params) -> set[int]:
        return {p.pk for p in client.get(reverse("plans:plan-list"), params).context["page"]}

    assert pks(unit=world.district_a.pk) == {district_plan.pk}
    assert pks(year=2023) == {old.pk}
    assert pks(year=2026) == {province_plan.pk, district_plan.pk}
    assert pks(kind=PlanKind.STRATEGY) == {old.pk}
    assert pks(status=PlanStatus.ISSUED) == {province_plan.pk}
    assert pks(status=PlanStatus.DRAFT) == {district_plan.pk, old.pk}
    assert pks(q="1889") == {province_plan.pk}
    assert pks(q="An Bình") == {district_plan.pk}
    assert pks(q="bình đẳng 2026") == {province_plan.pk}
    # Unknown values are ignored rather than failing.
    assert pks(unit="x", year="abc", kind="nope") == {province_plan.pk, district_plan.pk, old.pk}


def test_list_offers_only_units_with_visible_plans(client, world, province_plan, district_plan):
    make_plan(world.other_province)
    client.force_login(world.province_coordinator)
    units = list(client.get(reverse("plans:plan-list")).context["units"])
    assert units == [world.province, world.district_a]


def test_list_htmx_returns_rows_only(client, world, province_plan):
    client.force_login(world.province_coordinator)
    response = client.get(
        reverse("plans:plan-list"), {"q": "1889"}, headers={"HX-Request": "true", "HX-Target": "plan-results"}
    )
    body = body_of(response)
    assert "<html" not in body and 'data-testid="plan-table"' in body and "1889/KH-UBND" in body


def test_list_is_paged(client, world):
    for n in range(30):
        make_plan(world.district_a, subject=f"Kế hoạch {n}")
    client.force_login(world.district_a_coordinator)
    response = client.get(reverse("plans:plan-list"))
    assert len(response.context["page"]) == 25 and response.context["page"].paginator.num_pages == 2


# -- the plan page -------------------------------------------------------------------------------------


def test_detail_reads_like_the_document_in_order(client, world, province_plan):
    client.force_login(world.province_coordinator)
    response = client.get(reverse("plans:plan-detail", args=[province_plan.pk]))
    assert response.status_code == 200
    body = body_of(response)
    expected_in_order = [
        'data-testid="issuing-body">ỦY BAN NHÂN DÂN TỈNH THỬ NGHIỆM<',
        "Số: 1889/KH-UBND",
        "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
        "Độc lập - Tự do - Hạnh phúc",
        "Thử Nghiệm, ngày 02 tháng 4 năm 2026",
        'class="doc-kind"',
        "Triển khai công tác bình đẳng giới năm 2026",
        "Căn cứ Nghị quyết số 28/NQ-CP ngày 03/03/2021 của Chính phủ ban hành Chiến lược quốc gia",
        "I. Mục đích, yêu cầu",
        "Nâng cao nhận thức về bình đẳng giới.",
        "1. Mục đích",
        "II. Nội dung thực hiện",
        "Báo cáo sơ kết 6 tháng",
        "1. Tuyên truyền",
        "Tổ chức Tháng hành động vì bình đẳng giới",
        "Sở Lao động - Thương binh và Xã hội",
        "Ủy ban nhân dân tỉnh Thử Nghiệm",
        "từ 15/11 đến 15/12",
        "Kinh phí thực hiện",
        "Kinh phí bố trí trong dự toán",
        "Nơi nhận:",
        "KT. CHỦ TỊCH",
        "PHÓ CHỦ TỊCH",
        "Nguyễn Văn Ký",
    ]
    position = 0
    for text in expected_in_order:
        found = body.find(text, position)
        assert found >= 0, f"{text!r} missing or out of order"
        position = found + len(text)
    # The layout (print rules included) is a static file: the Content-Security-Policy allows no <style>.
    from pathlib import Path

    from django.contrib.staticfiles import finders

    assert "gemis/plan-document.css" in body
    css = Path(finders.find("gemis/plan-document.css")).read_text(encoding="utf-8")
    assert 'font-family: "Times New Roman"' in css and "@media print" in css


def test_detail_shows_task_status_progress_and_link(client, world, province_plan):
    overdue = province_plan.tasks.get(text="Báo cáo sơ kết 6 tháng")
    client.force_login(world.province_coordinator)
    body = body_of(client.get(reverse("plans:plan-detail", args=[province_plan.pk])))
    block = re.search(rf'id="task-{overdue.pk}".*?</div>\s*</div>', body, re.S).group(0)
    assert 'data-status="overdue"' in block and "text-bg-danger" in block
    assert reverse("plans:task-detail", args=[overdue.pk]) in block
    assert 'aria-valuenow="0"' in block


def test_detail_of_a_department_plan_names_the_unit_above(client, world):
    health = make_agency(world.province, "Sở Y tế tỉnh Thử Nghiệm", "Sở Y tế")
    plan = make_plan(world.province, health, number="12/KH-SYT")
    client.force_login(world.province_coordinator)
    body = body_of(client.get(reverse("plans:plan-detail", args=[plan.pk])))
    assert '<div class="doc-body-upper">UBND TỈNH THỬ NGHIỆM</div>' in body
    assert 'data-testid="issuing-body">SỞ Y TẾ<' in body


def test_detail_of_a_draft_has_placeholders_and_edit_controls(client, world, district_plan):
    client.force_login(world.district_a_coordinator)
    body = body_of(client.get(reverse("plans:plan-detail", args=[district_plan.pk])))
    assert 'data-testid="plan-edit"' in body and 'data-testid="add-section"' in body
    assert 'data-testid="plan-issue"' in body and 'data-testid="missing-for-issue"' in body
    assert "ngày … tháng … năm 2026" in body


def test_detail_for_a_viewer_has_no_edit_or_issue_controls(client, world, district_plan):
    client.force_login(world.district_a_viewer)
    body = body_of(client.get(reverse("plans:plan-detail", args=[district_plan.pk])))
    assert 'data-testid="plan-document"' in body
    assert 'data-testid="plan-edit"' not in body and 'data-testid="plan-issue"' not in body
    assert 'data-testid="add-section"' not in body


def test_detail_with_people_s_committee_as_issuer_has_one_header_line(client, world):
    committee = make_agency(world.district_a, "Ủy ban nhân dân huyện An Bình", kind="peoples_committee")
    plan = make_plan(world.district_a, committee)
    client.force_login(world.district_a_coordinator)
    body = body_of(client.get(reverse("plans:plan-detail", args=[plan.pk])))
    assert 'data-testid="issuing-body">ỦY BAN NHÂN DÂN HUYỆN AN BÌNH<' in body
    assert 'class="doc-body-upper"' not in body


def test_detail_shows_cascade_panel_roll_up_and_child_plans(client, world, province_plan):
    from gemis.plans import cascade
    from gemis.plans.task_rules import roll_up

    child, _created = cascade.cascade(province_plan, world.district_a, None, world.province_coordinator)
    child.status = PlanStatus.ISSUED  # a draft below is not counted in the roll-up yet
    child.save()
    child_task = child.tasks.get()
    child_task.progress, child_task.status = 60, TaskStatus.IN_PROGRESS
    child_task.save()
    roll_up(child_task.parent_task)
    parent_task = child_task.parent_task
    client.force_login(world.province_coordinator)
    body = body_of(client.get(reverse("plans:plan-detail", args=[province_plan.pk])))
    assert 'data-testid="cascade-panel"' in body
    assert f'data-testid="rollup-{parent_task.pk}" data-children="1" data-average="60"' in body
    assert reverse("plans:plan-detail", args=[child.pk]) in body
    assert 'data-testid="child-plans"' in body
    # The child plan links back to the plan it was built from.
    child_body = body_of(client.get(reverse("plans:plan-detail", args=[child.pk])))
    assert 'data-testid="parent-plan"' in child_body
    assert f"{reverse('plans:plan-detail', args=[province_plan.pk])}#task-{parent_task.pk}" in child_body


def test_district_reads_its_cascaded_plan_and_the_issued_province_plan(client, world, province_plan):
    from gemis.plans import cascade

    child, _created = cascade.cascade(province_plan, world.district_a, None, world.province_coordinator)
    client.force_login(world.district_a_coordinator)
    assert client.get(reverse("plans:plan-detail", args=[child.pk])).status_code == 200
    # The province's issued plan is read below (the district carries it out); never changed there.
    assert client.get(reverse("plans:plan-detail", args=[province_plan.pk])).status_code == 200
    assert client.get(reverse("plans:plan-edit", args=[province_plan.pk])).status_code == 404
    client.force_login(world.other_coordinator)
    assert client.get(reverse("plans:plan-detail", args=[province_plan.pk])).status_code == 404


# -- create and edit ------------------------------------------------------------------------------------


def plan_data(world, **overrides) -> dict:
    data = {
        "kind": PlanKind.PLAN,
        "org_unit": world.district_a.pk,
        "issuing_agency": world.district_a_agency.pk,
        "number": "",
        "place": "An Bình",
        "issue_date": "",
        "period_start": 2026,
        "period_end": 2026,
        "subject": "Thực hiện công tác bình đẳng giới năm 2026",
        "budget": "",
        "signer_title": "",
        "signer": "",
        "expected_version": "",
    }
    data.update(overrides)
    return data


def test_coordinator_creates_a_draft(client, world):
    client.force_login(world.district_a_coordinator)
    form = client.get(reverse("plans:plan-create")).context["form"]
    assert form["period_start"].value() == form["period_end"].value() == dt.date.today().year
    assert set(form.fields["org_unit"].queryset) == {world.district_a, world.commune_a}
    assert list(form.fields["issuing_agency"].queryset) == [world.district_a_agency]
    response = client.post(reverse("plans:plan-create"), plan_data(world))
    plan = Plan.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse(
        "plans:plan-detail", args=[plan.pk]
    )
    assert (plan.status, plan.org_unit, plan.created_by) == (
        PlanStatus.DRAFT,
        world.district_a,
        world.district_a_coordinator,
    )


def test_create_refuses_another_unit_and_a_foreign_agency(client, world):
    client.force_login(world.district_a_coordinator)
    response = client.post(reverse("plans:plan-create"), plan_data(world, org_unit=world.district_b.pk))
    assert response.status_code == 400 and "org_unit" in response.context["form"].errors
    response = client.post(
        reverse("plans:plan-create"), plan_data(world, issuing_agency=world.province_agency.pk)
    )
    assert response.status_code == 400 and "issuing_agency" in response.context["form"].errors
    response = client.post(reverse("plans:plan-create"), plan_data(world, period_start=2027, period_end=2026))
    assert response.status_code == 400 and "period_end" in response.context["form"].errors
    assert not Plan.objects.exists()


def test_focal_point_and_viewer_cannot_create(client, world):
    for person in (world.district_a_focal, world.district_a_viewer):
        client.force_login(person)
        assert client.get(reverse("plans:plan-create")).status_code == 404
        assert client.post(reverse("plans:plan-create"), plan_data(world)).status_code == 404
    assert not Plan.objects.exists()


def test_leader_writes_the_units_plans(client, world):
    """Decision of issue 10: a plan is written by the coordinators, administrators and leaders of its unit."""
    client.force_login(world.province_leader)
    assert client.get(reverse("plans:plan-create")).status_code == 200
    assert client.post(reverse("plans:plan-create"), plan_data(world)).status_code == 302
    plan = Plan.objects.get()
    url = reverse("plans:plan-edit", args=[plan.pk])
    assert client.post(url, plan_data(world, number="9/KH-UBND", expected_version=1)).status_code == 302
    assert client.post(reverse("plans:plan-delete", args=[plan.pk])).status_code == 302


def test_issuing_agency_options_follow_the_chosen_unit(client, world):
    client.force_login(world.province_coordinator)
    url = reverse("plans:plan-issuing-agency-options")
    body = body_of(client.get(url, {"org_unit": world.district_b.pk}))
    assert (
        f'value="{world.district_b_agency.pk}"' in body and f'value="{world.province_agency.pk}"' not in body
    )
    body = body_of(client.get(url, {"org_unit": world.other_province.pk}))
    assert f'value="{world.other_agency.pk}"' not in body


def test_edit_saves_and_bumps_the_version(client, world, district_plan):
    client.force_login(world.district_a_coordinator)
    url = reverse("plans:plan-edit", args=[district_plan.pk])
    response = client.post(url, plan_data(world, number="12/KH-UBND", expected_version=1))
    assert response.status_code == 302
    district_plan.refresh_from_db()
    assert district_plan.number == "12/KH-UBND" and district_plan.version == 2


def test_stale_edit_is_refused_and_input_kept(client, world, district_plan):
    client.force_login(world.district_a_coordinator)
    url = reverse("plans:plan-edit", args=[district_plan.pk])
    client.post(url, plan_data(world, number="12/KH-UBND", expected_version=1))
    response = client.post(url, plan_data(world, number="99/KH-UBND", expected_version=1))
    assert response.status_code == 409
    assert 'value="99/KH-UBND"' in body_of(response)
    district_plan.refresh_from_db()
    assert district_plan.number == "12/KH-UBND"


def test_issued_plan_cannot_be_edited(client, world, province_plan):
    client.force_login(world.province_coordinator)
    url = reverse("plans:plan-edit", args=[province_plan.pk])
    for response in (client.get(url), client.post(url, plan_data(world, expected_version=1))):
        assert response.status_code == 302 and response["Location"] == reverse(
            "plans:plan-detail", args=[province_plan.pk]
        )
    with translation.override("en"):
        response = client.get(url, follow=True)
    assert "không thể sửa hoặc đưa về dự thảo nữa" in body_of(response)


def test_focal_point_of_the_issuing_agency_reads_but_does_not_edit(client, world, district_plan):
    """Decision of issue 10: a focal point changes its agency's tasks, not a coordinator's draft.

    (Before, the plan's ``ACCESS_AGENCY_FIELD = "issuing_agency"`` let it edit, delete and add tasks.)
    """
    client.force_login(world.district_a_focal)
    assert client.get(reverse("plans:plan-detail", args=[district_plan.pk])).status_code == 200
    url = reverse("plans:plan-edit", args=[district_plan.pk])
    assert client.get(url).status_code == 404
    assert client.post(url, plan_data(world, number="7/KH-PLĐ", expected_version=1)).status_code == 404
    assert client.post(reverse("plans:plan-delete", args=[district_plan.pk])).status_code == 404
    assert client.get(reverse("plans:plan-task-create", args=[district_plan.pk])).status_code == 404
    district_plan.refresh_from_db()
    assert district_plan.number == "" and Plan.objects.filter(pk=district_plan.pk).exists()


def test_coordinator_moves_a_plan_only_among_its_own_units(client, world, district_plan):
    client.force_login(world.district_a_coordinator)
    url = reverse("plans:plan-edit", args=[district_plan.pk])
    assert list(client.get(url).context["form"].fields["org_unit"].queryset) == [
        world.district_a,
        world.commune_a,
    ]
    response = client.post(url, plan_data(world, org_unit=world.district_b.pk, expected_version=1))
    assert response.status_code == 400


def test_focal_point_of_another_agency_cannot_edit(client, world, district_plan):
    other_focal = make_user("dau.moi.b", world.district_b_agency, Role.FOCAL_POINT)
    client.force_login(other_focal)
    assert client.get(reverse("plans:plan-edit", args=[district_plan.pk])).status_code == 404
    client.force_login(world.district_a_viewer)
    assert client.get(reverse("plans:plan-edit", args=[district_plan.pk])).status_code == 404


def test_delete_draft(client, world, district_plan):
    client.force_login(world.district_a_coordinator)
    url = reverse("plans:plan-delete", args=[district_plan.pk])
    assert client.get(url).status_code == 200
    assert client.post(url).status_code == 302
    assert not Plan.objects.filter(pk=district_plan.pk).exists()


# -- legal bases --------------------------------------------------------------------------------------


def test_legal_basis_is_created_then_reused(client, world, district_plan):
    client.force_login(world.district_a_coordinator)
    url = reverse("plans:plan-legal-basis-add", args=[district_plan.pk])
    data = {
        "basis-kind": DocumentKind.OFFICIAL_LETTER,
        "basis-number": "458/LĐTBXH-BĐG",
        "basis-issue_date": "2026-02-12",
        "basis-issuer": "Bộ Lao động - Thương binh và Xã hội",
        "basis-subject": "Hướng dẫn triển khai công tác bình đẳng giới năm 2026",
    }
    LegalDocument.objects.all().delete()
    assert client.post(url, data).status_code == 302
    document = LegalDocument.objects.get()
    other = make_plan(world.district_a, subject="Kế hoạch khác")
    # Typed with other spacing: the same document (number and year), not a second record.
    data["basis-number"] = "458 / LĐTBXH-BĐG"
    client.post(reverse("plans:plan-legal-basis-add", args=[other.pk]), data)
    assert LegalDocument.objects.count() == 1
    assert list(other.legal_bases.all()) == [document] == list(district_plan.legal_bases.all())
    # The same number another year is another document.
    data["basis-issue_date"] = "2025-02-12"
    client.post(url, data)
    assert LegalDocument.objects.count() == 2


def test_legal_basis_needs_a_number_or_subject(client, world, district_plan):
    client.force_login(world.district_a_coordinator)
    response = client.post(
        reverse("plans:plan-legal-basis-add", args=[district_plan.pk]),
        {"basis-kind": "decision"},
        follow=True,
    )
    assert response.status_code == 200 and LegalDocument.objects.count() == 1  # the fixture's only
    assert len(list(response.context["messages"])) == 1


def test_legal_basis_remove_unlinks_only(client, world, province_plan):
    document = province_plan.legal_bases.get()
    draft = make_plan(world.province, subject="Dự thảo")
    draft.legal_bases.add(document)
    client.force_login(world.province_coordinator)
    response = client.post(reverse("plans:plan-legal-basis-remove", args=[draft.pk, document.pk]))
    assert response.status_code == 302
    assert not draft.legal_bases.exists() and LegalDocument.objects.filter(pk=document.pk).exists()
    # Not on an issued plan.
    client.post(reverse("plans:plan-legal-basis-remove", args=[province_plan.pk, document.pk]))
    assert province_plan.legal_bases.exists()


# -- sections -------------------------------------------------------------------------------------------


def test_section_create_edit_nest_and_move(client, world, district_plan):
    client.force_login(world.district_a_coordinator)
    first = district_plan.sections.get()
    url = reverse("plans:plan-section-create", args=[district_plan.pk])
    client.post(url, {"number": "II", "title": "Tổ chức thực hiện", "body": "", "parent": ""})
    second = district_plan.sections.get(number="II")
    assert second.order == 2
    client.post(f"{url}?parent={first.pk}", {"number": "1", "title": "Con", "body": "", "parent": first.pk})
    child = district_plan.sections.get(title="Con")
    assert child.parent == first and child.order == 1
    # Moving II up puts it first among the top-level sections.
    client.post(reverse("plans:plan-section-move", args=[second.pk]), {"direction": "up"})
    top = list(district_plan.sections.filter(parent=None).order_by("order", "pk"))
    assert top == [second, first]
    client.post(
        reverse("plans:plan-section-move", args=[second.pk]), {"direction": "up"}
    )  # already first: no-op
    assert list(district_plan.sections.filter(parent=None).order_by("order", "pk")) == [second, first]
    # Editing: a section cannot go inside its own subsection.
    edit = reverse("plans:plan-section-edit", args=[first.pk])
    form = client.get(edit).context["form"]
    assert child not in form.fields["parent"].queryset and first not in form.fields["parent"].queryset
    first.refresh_from_db()
    response = client.post(
        edit,
        {
            "number": "I",
            "title": "Nhiệm vụ chung",
            "body": "",
            "parent": "",
            "expected_version": first.version,
        },
    )
    assert response.status_code == 302
    first.refresh_from_db()
    assert first.title == "Nhiệm vụ chung"


def test_nested_sections_are_labelled_with_their_parents(client, world, province_plan):
    draft = make_plan(world.province)
    top = make_section(draft, "II", "Nội dung")
    make_section(draft, "1", "Tuyên truyền", parent=top)
    client.force_login(world.province_coordinator)
    form = client.get(reverse("plans:plan-task-create", args=[draft.pk])).context["form"]
    labels = [label for _value, label in form.fields["section"].choices]
    assert "II › 1. Tuyên truyền" in labels and "II. Nội dung" in labels


def test_section_edit_conflict(client, world, district_plan):
    client.force_login(world.district_a_coordinator)
    section = district_plan.sections.get()
    url = reverse("plans:plan-section-edit", args=[section.pk])
    client.post(url, {"number": "I", "title": "A", "body": "", "parent": "", "expected_version": 1})
    response = client.post(
        url, {"number": "I", "title": "B", "body": "", "parent": "", "expected_version": 1}
    )
    assert response.status_code == 409
    section.refresh_from_db()
    assert section.title == "A"


def test_section_delete_moves_tasks_up_and_refuses_with_subsections(client, world, district_plan):
    client.force_login(world.district_a_coordinator)
    top = district_plan.sections.get()
    inner = make_section(district_plan, "1", "Con", parent=top)
    task = make_task(district_plan, "Nhiệm vụ con", section=inner)
    response = client.post(reverse("plans:plan-section-delete", args=[top.pk]))
    assert response.status_code == 302 and PlanSection.objects.filter(pk=top.pk).exists()
    assert client.get(reverse("plans:plan-section-delete", args=[inner.pk])).status_code == 200
    client.post(reverse("plans:plan-section-delete", args=[inner.pk]))
    assert not PlanSection.objects.filter(pk=inner.pk).exists()
    task.refresh_from_db()
    assert task.section == top


def test_sections_of_an_issued_plan_cannot_change(client, world, province_plan):
    client.force_login(world.province_coordinator)
    section = province_plan.sections.first()
    assert client.post(reverse("plans:plan-section-delete", args=[section.pk])).status_code == 302
    assert PlanSection.objects.filter(pk=section.pk).exists()
    response = client.post(reverse("plans:plan-section-create", args=[province_plan.pk]), {"title": "Mới"})
    assert response.status_code == 302 and not province_plan.sections.filter(title="Mới").exists()


# -- tasks ----------------------------------------------------------------------------------------------


def task_data(world, **overrides) -> dict:
    data = {
        "section": "",
        "text": "Tổ chức tập huấn nâng cao năng lực về bình đẳng giới",
        "lead_agency": world.district_a_agency.pk,
        "addressed_text": "",
        "deadline_text": "",
        "event_date": "",
        "expected_version": "",
    }
    data.update(overrides)
    return data


def test_task_create_parses_the_deadline_and_saves_links(client, world, district_plan):
    client.force_login(world.district_a_coordinator)
    section = district_plan.sections.get()
    url = reverse("plans:plan-task-create", args=[district_plan.pk])
    assert client.get(f"{url}?section={section.pk}").context["form"]["section"].value() == section.pk
    data = task_data(
        world,
        section=section.pk,
        deadline_text="Hoàn thành trong tháng 4",
        partners=[world.commune_a_agency.pk, world.district_a_agency.pk],
        all_units_below="on",
    )
    response = client.post(url, data)
    task = district_plan.tasks.get(text=data["text"])
    assert response.status_code == 302 and response["Location"].endswith(f"#task-{task.pk}")
    assert task.deadline["kind"] == DeadlineKind.MONTH
    assert task.deadline_text == "Hoàn thành trong tháng 4"
    assert task.due_date == dt.date(2026, 4, 30)
    # The lead is not also its own partner; "all below" picks every child unit.
    assert list(task.partners.all()) == [world.commune_a_agency]
    assert list(task.addressed_units.all()) == [world.commune_a]
    assert task.order == 2


def test_task_without_deadline_has_none(client, world, district_plan):
    client.force_login(world.district_a_coordinator)
    client.post(
        reverse("plans:plan-task-create", args=[district_plan.pk]), task_data(world, text="Không thời hạn")
    )
    task = district_plan.tasks.get(text="Không thời hạn")
    assert (task.deadline, task.deadline_text, task.due_date) == ({}, "", None)


def test_task_event_date_override(client, world, district_plan):
    client.force_login(world.district_a_coordinator)
    url = reverse("plans:plan-task-create", args=[district_plan.pk])
    data = task_data(world, text="Giới thiệu nữ ứng cử viên", deadline_text="Trước thời gian bầu cử")
    client.post(url, data)
    task = district_plan.tasks.get(text=data["text"])
    assert task.deadline["kind"] == DeadlineKind.EVENT and task.due_date is None
    edit = reverse("plans:plan-task-edit", args=[task.pk])
    client.post(edit, {**data, "event_date": "2026-05-20", "expected_version": task.version})
    task.refresh_from_db()
    assert task.due_date == dt.date(2026, 5, 20) and task.deadline["event_date"] == "2026-05-20"
    # An event date on a deadline that is not an event is refused, nothing saved.
    response = client.post(
        edit,
        {
            **data,
            "deadline_text": "trước ngày 15/5",
            "event_date": "2026-05-20",
            "expected_version": task.version,
        },
    )
    assert response.status_code == 400 and "event_date" in response.context["form"].errors
    task.refresh_from_db()
    assert task.deadline["kind"] == DeadlineKind.EVENT


def test_task_edit_keeps_a_structured_deadline_when_untouched(client, world, district_plan):
    deadline = Deadline.recurring("yearly", [(11, 15)], text="trước ngày 15/11 hằng năm")
    task = make_task(district_plan, "Báo cáo năm", lead=world.district_a_agency, deadline=deadline)
    client.force_login(world.district_a_coordinator)
    edit = reverse("plans:plan-task-edit", args=[task.pk])
    form = client.get(edit).context["form"]
    assert form["deadline_text"].value() == "trước ngày 15/11 hằng năm"
    data = task_data(world, text="Báo cáo năm (sửa)", deadline_text=task.deadline_text, expected_version=1)
    assert client.post(edit, data).status_code == 302
    task.refresh_from_db()
    assert task.text == "Báo cáo năm (sửa)" and Deadline.from_dict(task.deadline) == deadline


def test_task_edit_conflict_keeps_input(client, world, district_plan):
    task = district_plan.tasks.get()
    client.force_login(world.district_a_coordinator)
    edit = reverse("plans:plan-task-edit", args=[task.pk])
    client.post(edit, task_data(world, text="Lần một", expected_version=1))
    response = client.post(edit, task_data(world, text="Lần hai", expected_version=1))
    assert response.status_code == 409 and "Lần hai" in body_of(response)
    task.refresh_from_db()
    assert task.text == "Lần một"


def test_task_lead_must_be_visible(client, world, district_plan):
    client.force_login(world.district_a_coordinator)
    response = client.post(
        reverse("plans:plan-task-create", args=[district_plan.pk]),
        task_data(world, lead_agency=world.other_agency.pk),
    )
    assert response.status_code == 400 and "lead_agency" in response.context["form"].errors
    response = client.post(
        reverse("plans:plan-task-create", args=[district_plan.pk]),
        task_data(world, partners=[world.district_b_agency.pk]),
    )
    assert response.status_code == 400 and "partners" in response.context["form"].errors


def test_task_move_and_delete(client, world, district_plan):
    section = district_plan.sections.get()
    first = district_plan.tasks.get()
    second = make_task(district_plan, "Thứ hai", section=section)
    client.force_login(world.district_a_coordinator)
    client.post(reverse("plans:plan-task-move", args=[second.pk]), {"direction": "up"})
    assert list(district_plan.tasks.order_by("order", "pk")) == [second, first]
    assert client.get(reverse("plans:plan-task-delete", args=[first.pk])).status_code == 200
    client.post(reverse("plans:plan-task-delete", args=[first.pk]))
    assert list(district_plan.tasks.all()) == [second]


def test_focal_point_of_the_lead_agency_cannot_restructure_another_units_plan(client, world, province_plan):
    """A lead agency's focal point records progress on its task, but does not edit the plan's tasks."""
    draft = make_plan(world.province, subject="Dự thảo tỉnh")
    task = make_task(draft, "Việc của huyện", lead=world.district_a_agency)
    client.force_login(world.district_a_focal)
    assert client.get(reverse("plans:plan-task-edit", args=[task.pk])).status_code == 404
    assert client.post(reverse("plans:plan-task-delete", args=[task.pk])).status_code == 404
    assert Task.objects.filter(pk=task.pk).exists()


def test_deadline_preview(client, world, district_plan):
    client.force_login(world.district_a_coordinator)
    url = reverse("plans:plan-deadline-preview", args=[district_plan.pk])
    with translation.override("en"):
        body = body_of(client.get(url, {"deadline_text": "trước ngày 15/5"}))
    assert 'data-kind="date"' in body and "15/05/2026" in body
    body = body_of(client.get(url, {"deadline_text": "thường xuyên"}))
    assert 'data-kind="recurring"' in body and 'data-testid="deadline-due"' not in body
    body = body_of(client.get(url, {"deadline_text": "ngày 31/2"}))
    assert 'data-kind="unspecified"' in body
    body = body_of(
        client.get(url, {"deadline_text": "sau khi có hướng dẫn của Bộ", "event_date": "2026-07-01"})
    )
    assert 'data-kind="event"' in body and "01/07/2026" in body
    body = body_of(client.get(url, {"deadline_text": "", "event_date": "bad"}))
    assert 'data-kind=""' in body


def test_agency_picker_searches_visible_agencies_and_keeps_chosen(client, world, district_plan):
    client.force_login(world.district_a_coordinator)
    url = reverse("plans:plan-agency-options", args=[district_plan.pk])
    body = body_of(
        client.get(
            url, {"field": "partners", "partner_q": "ubnd xa", "partners": [world.district_a_agency.pk]}
        )
    )
    assert f'value="{world.commune_a_agency.pk}"' in body
    assert re.search(rf'value="{world.district_a_agency.pk}"[^>]*checked', body)
    assert f'value="{world.district_b_agency.pk}"' not in body
    body = body_of(
        client.get(url, {"field": "lead", "lead_q": "lao dong", "lead_agency": world.commune_a_agency.pk})
    )
    assert re.search(rf'value="{world.commune_a_agency.pk}" selected', body)
    assert f'value="{world.district_a_agency.pk}"' in body and f'value="{world.other_agency.pk}"' not in body


def test_task_form_page_renders_pickers(client, world, district_plan):
    client.force_login(world.district_a_coordinator)
    body = body_of(client.get(reverse("plans:plan-task-create", args=[district_plan.pk])))
    assert 'id="id_lead_agency"' in body and 'data-testid="partner-options"' in body
    assert 'data-testid="addressed-units"' in body and f'value="{world.commune_a.pk}"' in body


# -- status actions ---------------------------------------------------------------------------------------


def ready_to_issue(plan: Plan) -> Plan:
    plan.number, plan.issue_date = "15/KH-UBND", dt.date(2026, 3, 1)
    plan.save()
    return plan


@pytest.mark.parametrize(
    ("who", "allowed"),
    [
        ("province_leader", True),
        ("province_coordinator", True),
        ("province_admin", True),  # decision of issue 10: administrators issue their unit's plans too
    ],
)
def test_issue_permission_at_province(client, world, who, allowed):
    plan = ready_to_issue(make_plan(world.province, ubnd(world)))
    client.force_login(getattr(world, who))
    response = client.post(
        reverse("plans:plan-issue", args=[plan.pk]), {"expected_version": plan.version, "confirm": "1"}
    )
    plan.refresh_from_db()
    if allowed:
        assert response.status_code == 302 and plan.status == PlanStatus.ISSUED
        assert plan.issued_by == getattr(world, who) and plan.issued_at is not None
    else:
        assert response.status_code == 404 and plan.status == PlanStatus.DRAFT


@pytest.mark.parametrize(
    ("who", "allowed"),
    [
        ("district_a_coordinator", True),
        ("province_coordinator", True),
        ("district_a_focal", False),
        ("district_a_viewer", False),
        ("district_b_coordinator", False),
    ],
)
def test_issue_permission_at_district(client, world, district_plan, who, allowed):
    ready_to_issue(district_plan)
    client.force_login(getattr(world, who))
    response = client.post(
        reverse("plans:plan-issue", args=[district_plan.pk]),
        {"expected_version": district_plan.version, "confirm": "1"},
    )
    district_plan.refresh_from_db()
    assert (district_plan.status == PlanStatus.ISSUED) is allowed
    assert response.status_code == (302 if allowed else 404)


def test_issue_needs_number_and_date(client, world, district_plan):
    client.force_login(world.district_a_coordinator)
    with translation.override("en"):
        response = client.post(
            reverse("plans:plan-issue", args=[district_plan.pk]), {"confirm": "1"}, follow=True
        )
    district_plan.refresh_from_db()
    assert district_plan.status == PlanStatus.DRAFT
    text = " ".join(str(m) for m in response.context["messages"])
    assert "số, ký hiệu" in text and "ngày ban hành" in text


def test_issue_with_a_stale_version_is_refused(client, world, district_plan):
    ready_to_issue(district_plan)  # version bumped by nobody: save() keeps 1, so bump it
    Plan.objects.filter(pk=district_plan.pk).update(version=5)
    client.force_login(world.district_a_coordinator)
    client.post(reverse("plans:plan-issue", args=[district_plan.pk]), {"expected_version": 1, "confirm": "1"})
    district_plan.refresh_from_db()
    assert district_plan.status == PlanStatus.DRAFT


def test_close_and_no_way_back(client, world, province_plan):
    client.force_login(world.district_a_focal)
    assert (
        client.post(reverse("plans:plan-close", args=[province_plan.pk]), {"confirm": "1"}).status_code == 404
    )
    client.force_login(world.province_leader)
    client.post(
        reverse("plans:plan-close", args=[province_plan.pk]),
        {"expected_version": province_plan.version, "confirm": "1"},
    )
    province_plan.refresh_from_db()
    assert province_plan.status == PlanStatus.CLOSED
    # Neither issuing again nor closing again changes anything.
    client.post(reverse("plans:plan-issue", args=[province_plan.pk]), {"confirm": "1"})
    client.post(reverse("plans:plan-close", args=[province_plan.pk]), {"confirm": "1"})
    province_plan.refresh_from_db()
    assert province_plan.status == PlanStatus.CLOSED


def test_draft_cannot_be_closed(client, world, district_plan):
    client.force_login(world.district_a_coordinator)
    client.post(reverse("plans:plan-close", args=[district_plan.pk]), {"confirm": "1"})
    district_plan.refresh_from_db()
    assert district_plan.status == PlanStatus.DRAFT


# -- cascade action ---------------------------------------------------------------------------------------


def test_cascade_creates_then_opens_the_district_draft(client, world, province_plan):
    client.force_login(world.province_coordinator)
    url = reverse("plans:plan-cascade", args=[province_plan.pk])
    response = client.post(url, {"unit": world.district_a.pk})
    child = Plan.objects.get(parent_plan=province_plan, org_unit=world.district_a)
    assert response.status_code == 302 and response["Location"] == reverse(
        "plans:plan-detail", args=[child.pk]
    )
    assert child.status == PlanStatus.DRAFT and child.tasks.count() == 1
    with translation.override("en"):
        response = client.post(url, {"unit": world.district_a.pk}, follow=True)
    assert response.redirect_chain[-1][0] == reverse("plans:plan-detail", args=[child.pk])
    assert "đã được tạo trước đó" in " ".join(str(m) for m in response.context["messages"])
    assert Plan.objects.filter(parent_plan=province_plan).count() == 1


def test_cascade_to_an_agency(client, world, province_plan):
    client.force_login(world.province_coordinator)
    client.post(reverse("plans:plan-cascade", args=[province_plan.pk]), {"agency": world.province_agency.pk})
    child = Plan.objects.get(parent_plan=province_plan, issuing_agency=world.province_agency)
    assert child.tasks.count() == 2


def test_cascade_needs_change_on_the_target(client, world, province_plan):
    client.force_login(world.district_a_focal)  # reads the issued plan, but does not write units' plans
    response = client.post(
        reverse("plans:plan-cascade", args=[province_plan.pk]), {"unit": world.district_a.pk}
    )
    assert response.status_code == 404 and not province_plan.cascaded_plans.exists()
    # Nor its own agency's plan: that plan is written by the district's coordinators.
    response = client.post(
        reverse("plans:plan-cascade", args=[province_plan.pk]), {"agency": world.district_a_agency.pk}
    )
    assert response.status_code == 404 and not province_plan.cascaded_plans.exists()
    response = client.post(reverse("plans:plan-cascade", args=[province_plan.pk]), {})
    assert response.status_code == 404


def test_cascade_of_a_draft_is_refused_with_a_message(client, world):
    draft = make_plan(world.province)
    make_task(draft, addressed_units=[world.district_a])
    client.force_login(world.province_coordinator)
    response = client.post(reverse("plans:plan-cascade", args=[draft.pk]), {"unit": world.district_a.pk})
    assert response.status_code == 302 and response["Location"] == reverse(
        "plans:plan-detail", args=[draft.pk]
    )
    assert not draft.cascaded_plans.exists()


def test_cascade_panel_offers_create_then_open(client, world, province_plan):
    client.force_login(world.province_coordinator)
    url = reverse("plans:plan-detail", args=[province_plan.pk])
    rows = client.get(url).context["page"].cascade_targets
    labels = {(row.target.unit, row.target.agency) for row in rows}
    assert (world.district_a, None) in labels and (world.district_b, None) in labels
    assert all(row.may_create and row.existing is None for row in rows)
    client.post(reverse("plans:plan-cascade", args=[province_plan.pk]), {"unit": world.district_b.pk})
    rows = client.get(url).context["page"].cascade_targets
    opened = next(row for row in rows if row.target.unit == world.district_b and row.target.agency is None)
    assert opened.may_open and opened.existing.org_unit == world.district_b


# -- in a real browser ------------------------------------------------------------------------------


def wait_for_htmx(page) -> None:
    # A locator, not wait_for_function: the CSP (no 'unsafe-eval') refuses a predicate given as a string.
    from playwright.sync_api import expect

    expect(page.locator(".htmx-request, .htmx-swapping, .htmx-settling")).to_have_count(0)


@pytest.mark.browser
def test_browser_coordinator_writes_and_issues_a_plan(page, live_world):
    from gemis.conftest import screenshot

    page.goto(page.base_url + "/login/")
    page.locator("#id_username").fill("tinh")
    page.locator("#id_password").fill("Mat-khau-2026!")
    page.locator("form button[type=submit]").click()
    page.wait_for_url(page.base_url + "/")

    page.goto(page.base_url + reverse("plans:plan-create"))
    # Choosing the unit reloads its agencies (htmx): wait for that before choosing one.
    with page.expect_response(lambda r: "issuing-agency-options" in r.url):
        page.locator("#id_org_unit").select_option(str(live_world.province.pk))
    wait_for_htmx(page)
    page.locator("#id_issuing_agency").select_option(str(live_world.province_agency.pk))
    page.locator("#id_number").fill("25/KH-SLĐTBXH")
    page.locator("#id_place").fill("Thử Nghiệm")
    page.locator("#id_issue_date").fill("2026-03-09")
    page.locator("#id_subject").fill("Triển khai công tác bình đẳng giới năm 2026")
    page.locator("#id_budget").fill("Kinh phí bố trí trong dự toán năm 2026.")
    page.locator("#id_signer_title").fill("GIÁM ĐỐC")
    page.locator("#id_signer").fill("Trần Văn Giám")
    page.get_by_test_id("plan-form").locator("button[type=submit]").click()
    page.get_by_test_id("plan-document").wait_for()
    plan = Plan.objects.get()

    page.get_by_test_id("add-section").click()
    page.locator("#id_number").fill("I")
    page.locator("#id_title").fill("Nhiệm vụ trọng tâm")
    page.locator("#id_body").fill("Các sở, ngành và địa phương thực hiện các nhiệm vụ sau:")
    page.get_by_test_id("section-form").locator("button[type=submit]").click()
    page.wait_for_url("**/plans/*/#section-*")
    section = plan.sections.get()

    for text, deadline, shown in [
        ("Tổ chức Tháng hành động vì bình đẳng giới", "từ 15/11 đến 15/12", "15/12/2026"),
        ("Báo cáo sơ kết 6 tháng đầu năm", "trước ngày 15/5", "15/05/2026"),
    ]:
        page.get_by_test_id(f"add-task-{section.pk}").click()
        page.locator("#id_text").fill(text)
        with page.expect_response(lambda r: "agency-options" in r.url):
            page.locator("#lead-q").fill("lao dong")
        wait_for_htmx(page)
        page.locator("#id_lead_agency").select_option(str(live_world.province_agency.pk))
        page.locator("#id_deadline_text").fill(deadline)
        page.get_by_test_id("deadline-due").filter(has_text=shown).wait_for()
        page.locator("#id_all_units_below").check()
        if text.startswith("Báo cáo"):
            screenshot(page, "plan-task-form")
        page.get_by_test_id("task-form").locator("button[type=submit]").click()
        page.wait_for_url("**/plans/*/#task-*")

    assert plan.tasks.count() == 2
    screenshot(page, "plan-draft")
    page.get_by_test_id("plan-issue").click()
    page.get_by_test_id("plan-issue-confirm").click()  # issuing asks first
    page.get_by_test_id("plan-status").and_(page.locator("[data-status=issued]")).wait_for()
    plan.refresh_from_db()
    assert plan.status == PlanStatus.ISSUED and plan.issued_by.username == "tinh"
    assert plan.issuing_agency == live_world.province_agency
    assert page.get_by_test_id("cascade-target").count() == 2  # the two districts (the lead is the issuer)
    document = page.get_by_test_id("plan-document")
    assert "Số: 25/KH-SLĐTBXH" in document.inner_text()
    assert "Thử Nghiệm, ngày 09 tháng 3 năm 2026" in document.inner_text()
    screenshot(page, "plan-detail")
    page.emulate_media(media="print")
    screenshot(page, "plan-detail-print")
    page.emulate_media(media="screen")
    page.set_viewport_size({"width": 390, "height": 844})
    screenshot(page, "plan-detail-phone")

    page.set_viewport_size({"width": 1280, "height": 800})
    page.goto(page.base_url + reverse("plans:plan-list"))
    assert page.get_by_test_id("plan-table").locator(f"[data-plan='{plan.pk}']").is_visible()
    screenshot(page, "plan-list")


# -- issue 10: parameters, search, lengths, former units ----------------------------------------------------

HUGE_ID = "9" * 20  # beyond a 64-bit key: SQLite raised "Python int too large" (500) before


def test_list_ignores_ids_and_years_no_database_can_hold(client, world, province_plan, district_plan):
    client.force_login(world.province_coordinator)
    for params in ({"unit": HUGE_ID}, {"year": HUGE_ID}, {"unit": "-1"}, {"unit": "١٢"}):
        response = client.get(reverse("plans:plan-list"), params)
        assert response.status_code == 200, params
        assert {p.pk for p in response.context["page"]} == {province_plan.pk, district_plan.pk}
    assert client.get(reverse("plans:plan-issuing-agency-options"), {"org_unit": HUGE_ID}).status_code == 200


def test_other_id_parameters_of_the_plan_screens_never_fail(client, world, province_plan, district_plan):
    client.force_login(world.province_coordinator)
    response = client.post(reverse("plans:plan-cascade", args=[province_plan.pk]), {"unit": HUGE_ID})
    assert response.status_code == 404
    response = client.post(reverse("plans:plan-cascade", args=[province_plan.pk]), {"agency": HUGE_ID})
    assert response.status_code == 404
    client.force_login(world.district_a_coordinator)
    options = reverse("plans:plan-agency-options", args=[district_plan.pk])
    assert client.get(options, {"field": "lead", "lead_agency": HUGE_ID}).status_code == 200
    assert client.get(options, {"field": "partners", "partners": [HUGE_ID, "3"]}).status_code == 200
    create = reverse("plans:plan-task-create", args=[district_plan.pk])
    assert client.get(create, {"section": HUGE_ID}).status_code == 200
    section = reverse("plans:plan-section-create", args=[district_plan.pk])
    assert client.get(section, {"parent": HUGE_ID}).status_code == 200
    # Thousands of digits (the form fuzzer's finding): int() itself refuses them.
    endless = "9" * 5000
    response = client.post(
        reverse("plans:plan-edit", args=[district_plan.pk]), plan_data(world, org_unit=endless)
    )
    assert response.status_code == 400 and "org_unit" in response.context["form"].errors
    response = client.post(reverse("plans:plan-cascade", args=[district_plan.pk]), {"unit": endless})
    assert response.status_code == 404
    client.force_login(world.province_coordinator)
    response = client.post(
        reverse("plans:plan-close", args=[province_plan.pk]), {"expected_version": endless, "confirm": "1"}
    )
    assert response.status_code == 302


@pytest.mark.parametrize(
    "typed",
    [
        unicodedata.normalize("NFD", "bình đẳng"),  # decomposed, as some keyboards and files send it
        unicodedata.normalize("NFC", "bình đẳng"),
        "binh dang",  # without marks
        "BÌNH ĐẲNG",
    ],
)
def test_plan_search_folds_like_task_search(client, world, province_plan, typed):
    province_plan.subject = unicodedata.normalize("NFD", "Triển khai công tác bình đẳng giới năm 2026")
    province_plan.save()
    other = make_plan(world.province, subject="Kế hoạch hoá gia đình")
    client.force_login(world.province_coordinator)

    def found(q: str) -> set[int]:
        return {p.pk for p in client.get(reverse("plans:plan-list"), {"q": q}).context["page"]}

    assert found(typed) == {province_plan.pk}
    assert found("hóa gia đình") == {other.pk}  # old and new tone placement
    assert found("1889/kh") == {province_plan.pk}


def test_a_subject_longer_than_any_real_one_is_refused_with_a_message(client, world):
    client.force_login(world.district_a_coordinator)
    response = client.post(reverse("plans:plan-create"), plan_data(world, subject="x" * 1_000_000))
    assert response.status_code == 400
    errors = response.context["form"].errors["subject"]
    assert "1.000.000" in errors[0] and "1.000" in errors[0]
    assert not Plan.objects.exists()
    response = client.post(reverse("plans:plan-create"), plan_data(world, subject="x" * 1_000))
    assert response.status_code == 302


def test_a_task_longer_than_any_real_one_is_refused_with_a_message(client, world, district_plan):
    client.force_login(world.district_a_coordinator)
    url = reverse("plans:plan-task-create", args=[district_plan.pk])
    response = client.post(url, task_data(world, text="Tuyên truyền " * 100_000))
    assert response.status_code == 400 and "10.000" in response.context["form"].errors["text"][0]
    assert district_plan.tasks.count() == 1
    assert client.post(url, task_data(world, text="x" * 10_000)).status_code == 302


@pytest.fixture
def former_province(world) -> OrgUnit:
    """A pre-2025 province whose territory passed to the world's province, with a draft plan of 2024."""
    old = make_unit("Tỉnh Cũ", code="61", scheme=Scheme.LEGACY)
    make_unit("Huyện Cũ", code="611", parent=old)
    UnitSuccession.objects.create(predecessor=old, successor=world.province, effective_date="2025-07-01")
    return old


def test_a_former_units_plans_are_read_only(client, world, former_province):
    """Issue 10: the 2025 province coordinator could edit a former province's draft; now it is history."""
    agency = make_agency(former_province, "Ủy ban nhân dân tỉnh Cũ", "UBND tỉnh")
    draft = ready_to_issue(make_plan(former_province, agency, period_start=2024))
    make_task(draft, addressed_units=list(former_province.children.all()))
    issued = make_plan(former_province, agency, period_start=2024, status=PlanStatus.ISSUED)
    make_task(issued, addressed_units=list(former_province.children.all()))
    before = Plan.objects.get(pk=draft.pk).version
    client.force_login(world.province_coordinator)
    page = client.get(reverse("plans:plan-detail", args=[draft.pk]))
    assert (
        page.status_code == 200 and not page.context["page"].may_change and not page.context["page"].editing
    )
    for name in ("plan-edit", "plan-delete", "plan-task-create", "plan-section-create"):
        assert client.get(reverse(f"plans:{name}", args=[draft.pk])).status_code == 404, name
    assert client.post(reverse("plans:plan-edit", args=[draft.pk]), plan_data(world)).status_code == 404
    response = client.post(
        reverse("plans:plan-issue", args=[draft.pk]), {"expected_version": draft.version, "confirm": "1"}
    )
    assert response.status_code == 404
    assert client.post(reverse("plans:plan-close", args=[issued.pk]), {"confirm": "1"}).status_code == 404
    child = former_province.children.get()
    response = client.post(reverse("plans:plan-cascade", args=[issued.pk]), {"unit": child.pk})
    assert response.status_code == 404 and not issued.cascaded_plans.exists()
    draft.refresh_from_db()
    assert draft.status == PlanStatus.DRAFT and draft.version == before


def test_no_new_plan_for_a_former_unit(client, world, former_province):
    client.force_login(world.province_coordinator)
    units = client.get(reverse("plans:plan-create")).context["form"].fields["org_unit"].queryset
    assert former_province not in units and world.province in units
    agency = make_agency(former_province, "Sở Lao động - Thương binh và Xã hội tỉnh Cũ", "Sở LĐTBXH")
    data = plan_data(world, org_unit=former_province.pk, issuing_agency=agency.pk)
    response = client.post(reverse("plans:plan-create"), data)
    assert response.status_code == 400 and "org_unit" in response.context["form"].errors
    assert not Plan.objects.filter(org_unit=former_province).exists()


# --- issuing and closing ask first ----------------------------------------------------------------------


def test_issuing_shows_what_is_wrong_and_asks_to_confirm(client, world):
    plan = ready_to_issue(make_plan(world.province, ubnd(world)))
    late = make_task(
        plan, "Báo cáo quý I", world.province_agency, Deadline.on(dt.date.today() - dt.timedelta(days=20))
    )
    client.force_login(world.province_coordinator)
    url = reverse("plans:plan-issue", args=[plan.pk])
    page = client.get(url)
    body = page.content.decode()
    assert page.status_code == 200 and 'data-testid="issue-overdue"' in body and late.text in body
    assert 'data-testid="plan-issue-confirm"' in body
    # A POST without the confirmation issues nothing: it shows the same page.
    assert client.post(url, {"expected_version": plan.version}).status_code == 409
    plan.refresh_from_db()
    assert plan.status == PlanStatus.DRAFT
    client.post(url, {"expected_version": plan.version, "confirm": "1"})
    plan.refresh_from_db()
    assert plan.status == PlanStatus.ISSUED


def test_an_unreadable_deadline_blocks_issuing_until_it_is_fixed(client, world):
    plan = ready_to_issue(make_plan(world.province, ubnd(world)))
    task = make_task(plan, "Tổng kết", world.province_agency, deadline_text="trước ngày 31/02/2026")
    client.force_login(world.province_coordinator)
    url = reverse("plans:plan-issue", args=[plan.pk])
    body = client.get(url).content.decode()
    assert 'data-testid="issue-unreadable"' in body and "31/02/2026" in body
    assert 'data-testid="plan-issue-confirm"' not in body
    response = client.post(url, {"expected_version": plan.version, "confirm": "1"}, follow=True)
    assert "không đọc được" in response.content.decode()
    plan.refresh_from_db()
    assert plan.status == PlanStatus.DRAFT
    # "không có hạn" says on purpose that there is none: issuing goes through.
    Task.objects.filter(pk=task.pk).update(deadline_text="Không có hạn")
    client.post(url, {"expected_version": plan.version, "confirm": "1"})
    plan.refresh_from_db()
    assert plan.status == PlanStatus.ISSUED


def test_closing_says_how_many_tasks_stop_being_followed(client, world, province_plan):
    client.force_login(world.province_coordinator)
    url = reverse("plans:plan-close", args=[province_plan.pk])
    body = client.get(url).content.decode()
    still_open = province_plan.tasks.exclude(status__in=[TaskStatus.DONE, TaskStatus.CANCELLED]).count()
    assert f"{still_open} nhiệm vụ" in body and 'data-testid="plan-close-confirm"' in body
    province_plan.refresh_from_db()
    assert province_plan.status == PlanStatus.ISSUED


def test_the_document_stays_vietnamese_in_english(client, world, province_plan):
    """Only the interface around the document is translated: "Căn cứ Luật…", "KẾ HOẠCH", "Cơ quan chủ trì"."""
    client.force_login(world.province_coordinator)
    response = client.get(reverse("plans:plan-detail", args=[province_plan.pk]), HTTP_ACCEPT_LANGUAGE="en")
    html = response.content.decode()
    document = html[html.index('data-testid="plan-document"') :]
    assert 'lang="en"' in html[:300]  # the interface is English…
    assert "Căn cứ Law" not in document and "Led by" not in document and ">Plan<" not in document
    assert "Căn cứ " in document and "Kế hoạch" in document  # …the document is not


def test_an_empty_section_is_refused_with_a_message(client, world, district_plan):
    client.force_login(world.district_a_coordinator)
    before = district_plan.sections.count()
    url = reverse("plans:plan-section-create", args=[district_plan.pk])
    response = client.post(url, {"number": " ", "title": "", "body": "", "parent": ""})
    assert response.status_code in (200, 400) and "mục này đang trống" in response.content.decode()
    assert district_plan.sections.count() == before


def test_someone_from_another_unit_gets_no_confirm_page(client, world, province_plan):
    draft = ready_to_issue(make_plan(world.province, ubnd(world)))
    for user in (world.other_coordinator, world.district_a_viewer):
        client.force_login(user)
        assert client.get(reverse("plans:plan-issue", args=[draft.pk])).status_code == 404
        assert client.get(reverse("plans:plan-close", args=[province_plan.pk])).status_code == 404
    draft.refresh_from_db()
    assert draft.status == PlanStatus.DRAFT
