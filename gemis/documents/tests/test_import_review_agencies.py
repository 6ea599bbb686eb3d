"""The review screen: names not in the agency registry are listed, created from there or kept as text;
lead and partners are found with the task form's searchable picker."""

from __future__ import annotations

import pytest
from django.urls import reverse

from gemis.documents.models import ImportedDocument
from gemis.orgs.models import Agency
from gemis.plans.models import Plan

from .test_import_views import review_data
from .test_imports_carry_over import COMMUNE_PLAN, commune, pasted  # noqa: F401  (fixture)

pytestmark = pytest.mark.django_db


@pytest.fixture
def document(world, commune, settings, tmp_path):  # noqa: F811
    settings.MEDIA_ROOT = tmp_path
    return pasted(world, world.commune_a, COMMUNE_PLAN)


def review_url(document: ImportedDocument) -> str:
    return reverse("documents:import-review", args=[document.pk])


def test_the_review_lists_the_unknown_partner_with_its_fixes(client, world, document):
    client.force_login(world.province_coordinator)
    page = client.get(review_url(document))
    html = page.content.decode()
    assert page.status_code == 200 and 'data-testid="not-carried-agency"' in html
    assert 'name="create_agency" value="Đoàn Thanh niên xã"' in html
    assert page.context["tasks"].forms[0]["partners_text"].value() == "Đoàn Thanh niên xã"
    # The sections, the signer and the basis without a number are on the screen to check.
    assert "MỤC ĐÍCH, YÊU CẦU" in html and page.context["plan_form"]["signer"].value() == "Nguyễn Thị Lan"
    assert "Bình đẳng giới năm 2006" in html


def test_create_the_agency_from_the_review_keeping_the_other_corrections(client, world, document):
    client.force_login(world.province_coordinator)
    page = client.get(review_url(document))
    data = review_data(page.context, **{"task-0-deadline_text": "trong tháng 5/2026"})
    data["create_agency"] = "Đoàn Thanh niên xã"
    response = client.post(review_url(document), data)
    assert response.status_code == 200 and not Plan.objects.exists()
    youth = Agency.objects.get(name="Đoàn Thanh niên xã")
    assert youth.org_unit == world.commune_a
    forms = response.context["tasks"].forms
    assert forms[0]["deadline_text"].value() == "trong tháng 5/2026"  # the correction is still there
    for row in (0, 1):
        assert str(youth.pk) in forms[row]["partners"].value() and forms[row]["partners_text"].value() == ""
    assert not [i for i in response.context["not_carried"] if i["kind"] == "agency"]
    accept = review_data(response.context)
    assert client.post(review_url(document), accept).status_code == 302
    plan = Plan.objects.get()
    first = plan.tasks.get(text__startswith="1. ")
    assert list(first.partners.all()) == [youth] and first.addressed_text == ""
    assert first.deadline_text == "trong tháng 5/2026"


def test_creating_it_twice_makes_one_agency(client, world, document):
    client.force_login(world.province_coordinator)
    page = client.get(review_url(document))
    data = {**review_data(page.context), "create_agency": "Đoàn Thanh niên xã"}
    client.post(review_url(document), data)
    client.post(review_url(document), data)
    assert Agency.objects.filter(name="Đoàn Thanh niên xã").count() == 1


def test_a_leader_may_review_but_not_add_agencies(client, world, document):
    client.force_login(world.province_leader)
    page = client.get(review_url(document))
    assert page.status_code == 200 and 'name="create_agency"' not in page.content.decode()
    data = {**review_data(page.context), "create_agency": "Đoàn Thanh niên xã"}
    response = client.post(review_url(document), data)
    assert response.status_code == 200 and not Agency.objects.filter(name="Đoàn Thanh niên xã").exists()
    assert response.context["tasks"].forms[0]["partners_text"].value() == "Đoàn Thanh niên xã"


def test_kept_as_text_the_partner_reaches_the_task(client, world, document):
    client.force_login(world.province_coordinator)
    page = client.get(review_url(document))
    assert client.post(review_url(document), review_data(page.context)).status_code == 302
    task = Plan.objects.get().tasks.get(text__startswith="2. ")
    assert task.addressed_text == "phối hợp với Đoàn Thanh niên xã"


def test_too_many_names_kept_as_text_are_said_not_cut(client, world, document):
    client.force_login(world.province_coordinator)
    page = client.get(review_url(document))
    data = review_data(page.context, **{"task-0-partners_text": "Tổ hòa giải thôn; " * 20})
    response = client.post(review_url(document), data)
    assert response.status_code == 400 and response.context["tasks"].forms[0].errors["partners_text"]
    assert not Plan.objects.exists()


def test_the_picker_finds_agencies_the_person_sees(client, world, document):
    client.force_login(world.province_coordinator)
    url = reverse("documents:import-agency-options", args=[document.pk])
    response = client.get(url, {"name": "task-0-partners", "agency_q": "lao dong"})
    html = response.content.decode()
    assert response.status_code == 200 and 'name="task-0-partners"' in html
    assert f'value="{world.district_b_agency.pk}"' in html and f'value="{world.other_agency.pk}"' not in html
    lead = client.get(
        url, {"name": "task-0-lead", "agency_q": "zzz", "task-0-lead": str(world.province_agency.pk)}
    )
    assert f'value="{world.province_agency.pk}" selected' in lead.content.decode()  # the chosen one stays
    assert client.get(url, {"name": "plan-subject"}).status_code == 404
    client.force_login(world.other_coordinator)
    assert client.get(url, {"name": "task-0-lead"}).status_code == 404


def test_an_agency_found_with_the_picker_is_accepted(client, world, document):
    client.force_login(world.province_coordinator)
    page = client.get(review_url(document))
    data = review_data(page.context)
    data["task-2-partners"] = [str(world.district_b_agency.pk)]  # another district's: not listed nearby
    assert client.post(review_url(document), data).status_code == 302
    task = Plan.objects.get().tasks.get(text__startswith="3. ")
    assert list(task.partners.all()) == [world.district_b_agency]


def test_an_agency_the_person_cannot_see_is_refused(client, world, document):
    client.force_login(world.province_coordinator)
    page = client.get(review_url(document))
    data = review_data(page.context)
    data["task-2-partners"] = [str(world.other_agency.pk)]
    assert client.post(review_url(document), data).status_code == 400 and not Plan.objects.exists()
