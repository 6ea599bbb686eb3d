"""Marking a form as entered in full: never with one side of a share empty; the page and its access."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse

from gemis.core.testing import run_together
from gemis.indicators import completion, grid
from gemis.indicators.models import FormCompletion, Period
from gemis.indicators.testing import put, put_sexes
from gemis.indicators.tests.screens import make_form
from gemis.orgs.models import Role, Scheme
from gemis.orgs.testing import make_agency, make_unit, make_user

TODAY = dt.date.today()


@pytest.fixture
def form(db):
    return make_form()


def complete(form, unit, user=None):
    period = Period.get(form.open_period)
    count = completion.DataValue.objects.filter(org_unit=unit, period=period).count()
    return completion.complete_form(
        dataset=form.dataset, period=period, unit=unit, user=user, today=TODAY, expected_version=count
    )


def test_one_side_of_a_share_empty_is_refused(form, world):
    unit, year = world.commune_a, form.open_period
    put_sexes(form.people, unit, year, male=50, female=50)  # the required element and the denominator
    put(form.literate, unit, year, 30, "female")  # the numerator: the men's cell left empty
    with pytest.raises(completion.FormIncomplete) as refused:
        complete(form, unit)
    assert refused.value.problems == [
        "“Số người biết chữ”: một số ô còn trống; “Tỷ lệ người biết chữ” cần đủ tất cả các ô "
        "(không có thì nhập 0)."
    ]
    put(form.literate, unit, year, 0, "male")
    found = complete(form, unit)
    assert found.pk and FormCompletion.objects.count() == 1
    assert complete(form, unit).pk == found.pk  # marking again changes nothing


def test_a_share_with_only_its_numerator_is_refused(form, world):
    unit, year = world.commune_a, form.open_period
    put_sexes(form.literate, unit, year, male=40, female=30)
    with pytest.raises(completion.FormIncomplete) as refused:
        complete(form, unit)
    problems = refused.value.problems
    assert any("là bắt buộc" in p for p in problems)  # the required element, the denominator too
    assert any(
        "“Số người biết chữ” đã nhập nhưng “Số người từ 15 tuổi trở lên” còn trống" in p for p in problems
    )


def test_the_mark_is_refused_when_the_form_changed_meanwhile(form, world):
    unit, year = world.commune_a, form.open_period
    put_sexes(form.people, unit, year, male=50, female=50)
    period = Period.get(year)
    with pytest.raises(completion.FormIncomplete, match="thay đổi"):
        completion.complete_form(
            dataset=form.dataset, period=period, unit=unit, user=None, today=TODAY, expected_version=1
        )
    assert not FormCompletion.objects.exists()


def test_emptying_a_cell_a_figure_needs_takes_the_mark_back(form, world):
    unit, year = world.commune_a, form.open_period
    put_sexes(form.people, unit, year, male=50, female=50)
    put_sexes(form.literate, unit, year, male=40, female=30)
    complete(form, unit)
    period = Period.get(year)
    result = grid.save_cell(
        form.dataset, period, unit, "W.literate", "male", "", user=world.province_coordinator,
        expected_version=1, today=TODAY,
    )  # fmt: skip
    assert result.status == grid.SAVED and "mở lại" in result.messages[0]
    assert not FormCompletion.objects.exists()


@pytest.mark.django_db(transaction=True)
def test_two_people_marking_at_once_leave_one_mark(transactional_db):
    province = make_unit("Tỉnh Đồng Thời", code="94", scheme=Scheme.CURRENT, valid_from=dt.date(2025, 7, 1))
    commune = make_unit("Xã Cùng Lúc", code="94001", parent=province)
    agency = make_agency(province, "Sở Nội vụ", "SNV")
    people = [make_user(f"dieu.phoi.{i}", agency, role=Role.COORDINATOR) for i in range(4)]
    found = make_form()
    put_sexes(found.people, commune, found.open_period, male=5, female=5)
    put_sexes(found.literate, commune, found.open_period, male=4, female=3)
    results, errors = run_together(4, lambda i: complete(found, commune, people[i]).pk)
    assert errors == [] and len(set(results)) == 1
    assert FormCompletion.objects.count() == 1


# --------------------------------------------------------------------------- the page


def url(form, unit):
    return reverse("indicators:entry-complete", args=[form.dataset.code, unit.pk, form.open_period])


def test_the_grid_says_what_is_missing_and_marks_the_form(client, form, world):
    unit = world.commune_a
    put_sexes(form.people, unit, form.open_period, male=50, female=50)
    put(form.literate, unit, form.open_period, 30, "female")
    client.force_login(world.province_coordinator)
    grid_url = reverse("indicators:entry-grid", args=[form.dataset.code, unit.pk, form.open_period])
    page = client.get(grid_url).content.decode()
    assert 'data-testid="form-problems"' in page and "một số ô còn trống" in page
    refused = client.post(url(form, unit), {"version": 3})
    assert refused.status_code == 400 and 'data-testid="complete-refused"' in refused.content.decode()
    put(form.literate, unit, form.open_period, 25, "male")
    done = client.post(url(form, unit), {"version": 4}, follow=True)
    assert done.status_code == 200 and "Đã xác nhận nhập đủ" in done.content.decode()
    district = client.get(
        reverse("indicators:entry-grid", args=[form.dataset.code, world.district_a.pk, form.open_period])
    )
    assert 'data-testid="completed-badge"' in district.content.decode()
    client.post(url(form, unit), {"reopen": "1"})
    assert not FormCompletion.objects.exists()


def test_someone_from_another_unit_gets_nothing(client, form, world):
    put_sexes(form.people, world.commune_a, form.open_period, male=5, female=5)
    for user in (world.other_coordinator, world.district_a_viewer, world.district_b_coordinator):
        client.force_login(user)
        assert client.post(url(form, world.commune_a), {"version": 2}).status_code == 404
    assert not FormCompletion.objects.exists()
