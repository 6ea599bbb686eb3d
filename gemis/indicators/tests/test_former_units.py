"""Issue 10: a former (pre-2025) unit's series is backfilled by its successor's coordinators, for periods
before 1 July 2025 only, through the grid and the Excel upload (the rule lives in orgs/access.py)."""

from __future__ import annotations

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from openpyxl import load_workbook

from gemis.indicators import excel, permissions
from gemis.indicators.models import DataValue
from gemis.indicators.tests.screens import make_form
from gemis.orgs.models import Role, Scheme, UnitSuccession
from gemis.orgs.testing import make_agency, make_unit, make_user

pytestmark = pytest.mark.django_db


@pytest.fixture
def form(world, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    made = make_form()
    made.dataset.open_days_after_period = None  # no automatic lock: the former unit's rule alone decides
    made.dataset.save()
    return made


@pytest.fixture
def former(world):
    """A pre-2025 province, district and commune whose territory passed to the world's province."""
    old = make_unit("Tỉnh Cũ", code="61", scheme=Scheme.LEGACY)
    district = make_unit("Huyện Cũ", code="611", parent=old)
    commune = make_unit("Xã Cũ", code="61101", parent=district)
    UnitSuccession.objects.create(predecessor=old, successor=world.province, effective_date="2025-07-01")
    return district, commune


def post_cell(client, form, unit, period, value, version=0):
    return client.post(
        reverse("indicators:entry-cell", args=[form.dataset.code, unit.pk, period]),
        {"element": "W.people", "cell": "female", "value": value, "version": version},
    )


def test_the_successor_coordinator_backfills_and_corrects_with_history(client, form, world, former):
    _, commune = former
    client.force_login(world.province_coordinator)
    assert post_cell(client, form, commune, "2024", "1.200").status_code == 200
    assert post_cell(client, form, commune, "2024", "1.250", version=1).status_code == 200
    value = DataValue.objects.get(org_unit=commune)
    assert value.value == 1250 and value.history.count() == 2
    assert value.entered_by == world.province_coordinator


def test_a_former_unit_takes_no_value_from_the_reorganisation_on(client, form, world, former):
    _, commune = former
    client.force_login(world.province_coordinator)
    response = post_cell(client, form, commune, "2025", "10")  # the year 2025 ends after 1 July 2025
    assert 'data-state="locked"' in response.content.decode() or response.status_code != 200
    assert commune.name in response.content.decode() and "30/06/2025" in response.content.decode()
    assert not DataValue.objects.exists()


@pytest.mark.parametrize(
    "who", ["province_admin", "legacy_coordinator", "legacy_focal", "district_a_coordinator"]
)
def test_nobody_else_enters_a_former_units_values(client, form, world, former, who):
    district, commune = former
    if who.startswith("legacy_"):
        agency = make_agency(district, "Phòng Lao động - Thương binh và Xã hội huyện Cũ")
        person = make_user(who, agency, Role.COORDINATOR if who == "legacy_coordinator" else Role.FOCAL_POINT)
    else:
        person = getattr(world, who)
    client.force_login(person)
    assert post_cell(client, form, commune, "2024", "10").status_code == 404
    assert not permissions.may_grant_exception(person, commune)
    assert not DataValue.objects.exists()


def test_the_successor_coordinator_may_reopen_a_former_units_period(world, former):
    """Periods of former units ended long ago: backfilling needs the lock exceptions of the entry screen."""
    district, commune = former
    assert permissions.may_grant_exception(world.province_coordinator, commune)
    assert permissions.may_grant_exception(world.province_coordinator, district)
    assert not permissions.may_grant_exception(world.district_a_coordinator, commune)


def test_the_excel_upload_refuses_a_former_units_later_periods(client, form, world, former):
    district, _ = former
    client.force_login(world.province_coordinator)
    args = [form.dataset.code, district.pk, "2025"]
    book = load_workbook(io.BytesIO(client.get(reverse("indicators:excel-template", args=args)).content))
    sheet = book.worksheets[0]
    codes = {sheet.cell(excel.CODE_ROW, c).value: c for c in range(1, sheet.max_column + 1)}
    for row in range(excel.FIRST_ROW, sheet.max_row + 1):
        if sheet.cell(row, 3).value == "W.households":
            sheet.cell(row, codes["default"]).value = 7
    buffer = io.BytesIO()
    book.save(buffer)
    response = client.post(
        reverse("indicators:excel-upload", args=args),
        {"file": SimpleUploadedFile("bieu.xlsx", buffer.getvalue())},
    )
    report = client.get(response["Location"]).context["report"]
    messages = [message for _row, _column, message in report.errors]
    assert any("30/06/2025" in message for message in messages)
    assert not report.valid_units
