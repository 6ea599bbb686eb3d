"""A grid cell's history and note: who entered what and when, a note that does not make the value
stale, refusals in Vietnamese, and nobody outside the unit reads or writes anything."""

from __future__ import annotations

import pytest
from django.urls import reverse

from gemis.indicators.models import DataValue
from gemis.indicators.testing import put
from gemis.indicators.tests.screens import make_form
from gemis.indicators.tests.test_views_entry import grid_args, lock, post_cell

pytestmark = pytest.mark.django_db


@pytest.fixture
def form(world):
    return make_form()


def detail(client, form, unit, element="W.people", cell="female"):
    return client.get(
        reverse("indicators:entry-cell-detail", args=grid_args(form, unit)),
        {"element": element, "cell": cell},
    )


def note(client, form, unit, text, element="W.people", cell="female"):
    return client.post(
        reverse("indicators:entry-cell-detail", args=grid_args(form, unit)),
        {"element": element, "cell": cell, "comment": text},
    )


def test_history_says_who_entered_what_and_when(client, form, world):
    client.force_login(world.district_a_coordinator)
    assert post_cell(client, form, world.commune_a, "W.people", "female", "120").status_code == 200
    assert post_cell(client, form, world.commune_a, "W.people", "female", "125", version=1).status_code == 200
    response = detail(client, form, world.commune_a)
    assert response.status_code == 200
    html = response.content.decode()
    who = world.district_a_coordinator.get_full_name() or world.district_a_coordinator.username
    assert f"nhập bởi {who}" in html and "Giá trị 125" in html
    history = response.context["detail"].history
    assert [h.value for h in history] == [125, 120]
    assert all(h.who == who for h in history)
    assert "đã nhập" in html and "đã sửa" in html


def test_a_note_is_saved_without_making_the_value_stale(client, form, world):
    client.force_login(world.district_a_coordinator)
    post_cell(client, form, world.commune_a, "W.people", "female", "120")
    response = note(client, form, world.commune_a, "Số liệu ước tính theo báo cáo của thôn")
    assert response.status_code == 200 and 'data-testid="note-saved"' in response.content.decode()
    value = DataValue.objects.get()
    assert value.comment == "Số liệu ước tính theo báo cáo của thôn" and value.version == 1
    # The grid still holds version 1: the next figure saves without a conflict, and the note stays.
    assert post_cell(client, form, world.commune_a, "W.people", "female", "121", version=1).status_code == 200
    assert DataValue.objects.get().comment == "Số liệu ước tính theo báo cáo của thôn"
    grid = client.get(
        reverse("indicators:entry-grid", args=grid_args(form, world.commune_a))
    ).content.decode()
    assert "has-comment" in grid


@pytest.mark.parametrize(
    ("setup", "text", "message"),
    [
        ("empty", "ghi chú", "Nhập giá trị trước"),
        ("value", "x" * 1001, "tối đa 1000 ký tự"),
        ("locked", "ghi chú", "Kỳ này đã khóa"),
    ],
)
def test_notes_refused_with_a_message(client, form, world, setup, text, message):
    if setup != "empty":
        put(form.people, world.commune_a, form.open_period, 70, "female")
    if setup == "locked":
        lock(form, world.province)
    client.force_login(world.district_a_coordinator)
    response = note(client, form, world.commune_a, text)
    assert response.status_code == 400
    assert message in response.content.decode()
    assert not DataValue.objects.filter(comment__gt="").exists()


def test_outside_the_unit_nothing_is_read_or_written(client, form, world):
    put(form.people, world.commune_a, form.open_period, 70, "female")
    client.force_login(world.other_coordinator)
    assert detail(client, form, world.commune_a).status_code == 404
    assert note(client, form, world.commune_a, "không được").status_code == 404
    client.force_login(world.district_a_viewer)  # reads the history, writes no note
    assert detail(client, form, world.commune_a).status_code == 200
    assert 'data-testid="note-form"' not in detail(client, form, world.commune_a).content.decode()
    assert note(client, form, world.commune_a, "không được").status_code == 404
    assert DataValue.objects.get().comment == ""
    client.force_login(world.district_a_coordinator)
    assert detail(client, form, world.commune_a, element="KHONG.CO").status_code == 404
