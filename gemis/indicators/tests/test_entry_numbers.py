"""Numbers entering through the grid: huge and non-finite ones refused before they reach a total,
read by the page's language, shown back in its format, and a tenfold jump confirmed first."""

from __future__ import annotations

import datetime as dt
import io
import math

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.db import connection
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook
from openpyxl.utils import get_column_letter

from gemis.core import numbers
from gemis.indicators import excel
from gemis.indicators.aggregate import indicator_value
from gemis.indicators.models import DataValue, Period, ValueRollup
from gemis.indicators.rollups import RollupError, apply_change, load_values
from gemis.indicators.testing import cell, make_indicator, put
from gemis.indicators.tests.screens import make_form
from gemis.orgs.models import Role, Scheme
from gemis.orgs.testing import make_agency, make_unit, make_user

pytestmark = pytest.mark.django_db

HUGE = "1" + "0" * 400


@pytest.fixture
def place(db):
    """A province of the 2025 scheme with two communes, and its coordinator."""
    province = make_unit("Tỉnh Số Liệu", code="93", scheme=Scheme.CURRENT, valid_from=dt.date(2025, 7, 1))
    commune = make_unit("Xã Một", code="93001", parent=province)
    other = make_unit("Xã Hai", code="93002", parent=province)
    agency = make_agency(province, "Sở Nội vụ", "SNV")
    coordinator = make_user("dieu.phoi.so", agency, role=Role.COORDINATOR)
    return province, commune, other, coordinator


@pytest.fixture
def form(place):
    return make_form()


def post_cell(client, form, unit, value, version=0, element="W.households", cell="default", **extra):
    return client.post(
        reverse("indicators:entry-cell", args=[form.dataset.code, unit.pk, form.open_period]),
        {"element": element, "cell": cell, "value": value, "version": version, **extra},
    )


def total(form, unit):
    households = make_indicator("HH", numerator=["W.households"])
    return indicator_value(households, unit, form.open_period).value


# --- defect 1: huge and non-finite numbers ------------------------------------------------------------


def test_a_huge_number_is_refused_and_no_total_changes(client, form, place):
    province, commune, other, coordinator = place
    put(form.households, other, form.open_period, 100)
    client.force_login(coordinator)
    response = post_cell(client, form, commune, HUGE)
    assert response.status_code == 400  # was 500, with infinity committed
    html = response.content.decode()
    assert "Số quá lớn" in html and "1.000.000.000.000.000" in html
    assert not DataValue.objects.filter(org_unit=commune).exists()
    assert total(form, province) == 100
    assert all(math.isfinite(v) for v in ValueRollup.objects.values_list("value", flat=True))
    grid = client.get(
        reverse("indicators:entry-grid", args=[form.dataset.code, commune.pk, form.open_period])
    )
    assert grid.status_code == 200


def test_a_huge_number_does_not_replace_a_value(client, form, place):
    province, commune, _other, coordinator = place
    client.force_login(coordinator)
    assert post_cell(client, form, commune, "250").status_code == 200
    response = post_cell(client, form, commune, "-" + HUGE, version=1)
    assert response.status_code == 400 and "Số quá nhỏ" in response.content.decode()
    assert DataValue.objects.get(org_unit=commune).value == 250
    assert total(form, province) == 250


@pytest.mark.parametrize("value", [math.inf, -math.inf, math.nan, 1e16])
def test_the_domain_never_stores_what_is_not_a_number(form, place, value):
    province, commune, _other, _coordinator = place
    period = Period.get(form.open_period)
    key = (commune.pk, period.pk, form.households.pk, cell(form.households).pk)
    with pytest.raises(numbers.NumberError):
        load_values([(*key, value)])
    with pytest.raises(numbers.NumberError):
        put(form.households, commune, form.open_period, value)
    with pytest.raises(numbers.NumberError):
        apply_change(None, (*key, value))
    assert not DataValue.objects.exists() and not ValueRollup.objects.exists()


def plant(dv: DataValue, value: float) -> None:
    """What an old version let through: a raw update, past every check."""
    table = connection.ops.quote_name(DataValue._meta.db_table)
    with connection.cursor() as cursor:
        cursor.execute(f"UPDATE {table} SET value = %s WHERE id = %s", [value, dv.pk])


def test_a_total_never_becomes_infinite(client, form, place):
    province, commune, other, coordinator = place
    put(form.households, other, form.open_period, 100)
    ValueRollup.objects.filter(org_unit=province).update(value=math.inf)  # damaged before this version
    with pytest.raises(RollupError):
        put(form.households, commune, form.open_period, 5)
    client.force_login(coordinator)
    response = post_cell(client, form, commune, "5")
    assert response.status_code == 400 and "rebuild-rollups" in response.content.decode()
    assert not DataValue.objects.filter(org_unit=commune).exists()


def test_rebuild_rollups_finds_a_planted_infinity_and_leaves_it_out(form, place, capsys):
    province, commune, other, _coordinator = place
    put(form.households, other, form.open_period, 100)
    damaged = put(form.households, commune, form.open_period, 7)
    plant(damaged, math.inf)
    ValueRollup.objects.filter(org_unit=province).update(value=math.inf)

    with pytest.raises(CommandError) as found:
        call_command("rebuild_rollups", "--check")
    assert "1 số đã lưu không hữu hạn hoặc quá lớn" in str(found.value)
    err = capsys.readouterr().err
    assert "Xã Một" in err and "W.households" in err and "inf" in err
    assert "Tỉnh Số Liệu" in err  # the damaged total too

    call_command("rebuild_rollups")
    assert ValueRollup.objects.get(org_unit=province).value == 100  # rebuilt without the infinity
    assert total(form, province) == 100  # and reads leave it out too
    # Correcting the damaged value moves the total by the new value only.
    damaged.refresh_from_db()
    load_values([(commune.pk, damaged.period_id, damaged.data_element_id, damaged.option_combo_id, 9)])
    assert ValueRollup.objects.get(org_unit=province).value == 109
    call_command("rebuild_rollups", "--check")
    assert "Không tìm thấy số bị hỏng" in capsys.readouterr().out


def test_a_grid_with_a_damaged_value_still_opens(client, form, place):
    _province, commune, _other, coordinator = place
    plant(put(form.households, commune, form.open_period, 7), math.inf)
    client.force_login(coordinator)
    response = client.get(
        reverse("indicators:entry-grid", args=[form.dataset.code, commune.pk, form.open_period])
    )
    assert response.status_code == 200 and "∞" in response.content.decode()


# --- defect 9: the page's language ----------------------------------------------------------------


def test_mixed_separators_are_refused_with_the_expected_format(client, form, place):
    _province, commune, _other, coordinator = place
    client.force_login(coordinator)
    response = post_cell(client, form, commune, "1,234.5")  # was read as 1.2345 in Vietnamese
    assert response.status_code == 400
    assert "Nhập một số, viết theo dạng 1.234,5" in response.content.decode()
    assert not DataValue.objects.exists()


def test_english_page_reads_english_numbers_and_refuses_ambiguous_ones(client, form, place):
    _province, commune, _other, coordinator = place
    client.force_login(coordinator)
    client.cookies["gemis_language"] = "en"
    response = post_cell(client, form, commune, "1.950")  # was saved as 1.95; 1950 in Vietnamese
    assert response.status_code == 400
    assert "1,234.5" in response.content.decode()
    assert not DataValue.objects.exists()
    response = post_cell(client, form, commune, "1,950")
    assert response.status_code == 200 and 'value="1,950"' in response.content.decode()
    assert DataValue.objects.get().value == 1950
    client.cookies["gemis_language"] = "vi"
    grid = client.get(
        reverse("indicators:entry-grid", args=[form.dataset.code, commune.pk, form.open_period])
    )
    assert 'value="1.950"' in grid.content.decode()  # shown back in the page's format


def test_vietnamese_page_shows_the_saved_value_its_way(client, form, place):
    _province, commune, _other, coordinator = place
    client.force_login(coordinator)
    response = post_cell(client, form, commune, "1234")
    assert response.status_code == 200 and 'value="1.234"' in response.content.decode()


# --- defect 9: ten times the last value --------------------------------------------------------------


def test_ten_times_the_last_value_asks_for_confirmation(client, form, place):
    _province, commune, _other, coordinator = place
    put(form.households, commune, form.last_period, 120)
    client.force_login(coordinator)
    response = post_cell(client, form, commune, "12.000")
    assert response.status_code == 200
    html = response.content.decode()
    assert 'data-state="confirm"' in html and 'data-testid="cell-confirm"' in html
    assert "lớn hơn mười lần" in html and "120" in html and 'value="12.000"' in html
    assert '"confirm": "1"' in html
    assert not DataValue.objects.filter(period__code=form.open_period).exists()

    response = post_cell(client, form, commune, "12.000", confirm="1")
    assert response.status_code == 200 and 'data-state="saved"' in response.content.decode()
    assert DataValue.objects.get(period__code=form.open_period).value == 12000


def test_up_to_ten_times_is_saved_at_once(client, form, place):
    _province, commune, _other, coordinator = place
    put(form.households, commune, form.last_period, 120)
    put(form.households, commune, str(timezone.localdate().year - 5), 1)  # older: not the last value
    client.force_login(coordinator)
    response = post_cell(client, form, commune, "1.200")
    assert response.status_code == 200 and 'data-state="saved"' in response.content.decode()


# --- defect 1: the Excel upload ------------------------------------------------------------------------


@pytest.mark.parametrize(("text", "message"), [(HUGE, "Số quá lớn"), ("1,234.5", "Không phải là số")])
def test_an_upload_with_a_huge_number_flags_the_line(client, form, place, settings, tmp_path, text, message):
    settings.MEDIA_ROOT = tmp_path / "media"
    _province, commune, _other, coordinator = place
    client.force_login(coordinator)
    args = [form.dataset.code, commune.pk, form.open_period]
    book = load_workbook(io.BytesIO(client.get(reverse("indicators:excel-template", args=args)).content))
    sheet = book.worksheets[0]
    columns = {sheet.cell(excel.CODE_ROW, c).value: c for c in range(1, sheet.max_column + 1)}
    row = next(
        r for r in range(excel.FIRST_ROW, sheet.max_row + 1) if sheet.cell(r, 3).value == "W.households"
    )
    sheet.cell(row, columns["default"]).value = text
    buffer = io.BytesIO()
    book.save(buffer)
    response = client.post(
        reverse("indicators:excel-upload", args=args),
        {"file": SimpleUploadedFile("bieu.xlsx", buffer.getvalue())},
    )
    assert response.status_code == 302
    preview = client.get(response["Location"])
    assert preview.status_code == 200  # was 500
    errors = {(r, c): m for r, c, m in preview.context["report"].errors}
    assert message in errors[(row, get_column_letter(columns["default"]))]
    assert client.post(response["Location"]).status_code == 302
    assert not DataValue.objects.exists()


def test_a_numeric_excel_cell_that_is_infinite_is_refused():
    with pytest.raises(numbers.NumberError):
        excel._number(math.inf)
    with pytest.raises(numbers.NumberError):
        excel._number(1e300)
    assert excel._number(12.5) == 12.5


# --- defect 1: targets ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "message"), [("1e300", "Số quá lớn"), ("-1e300", "Số quá nhỏ"), ("inf", "")]
)
def test_a_target_too_large_or_infinite_is_refused(place, text, message):
    from gemis.indicators.forms import LocalTargetForm
    from gemis.indicators.models import IndicatorKind, Target
    from gemis.orgs.models import OrgUnit

    province, _commune, _other, _coordinator = place
    indicator = make_indicator("L-HH", IndicatorKind.COUNT, ["W.households"], owner_unit=province)
    data = {"org_unit": province.pk, "year": 2030, "comparator": ">=", "value": text, "baseline_value": text}
    form = LocalTargetForm(data, units=OrgUnit.objects.all(), indicator=indicator)
    assert not form.is_valid()
    assert message in form.errors["value"][0] and message in form.errors["baseline_value"][0]
    assert not Target.objects.exists()


# --- fuzz findings: NUL characters (PostgreSQL refuses them in a text) -----------------------------------


def test_nul_characters_in_a_cell_post_are_refused_not_a_500(client, form, place):
    _province, commune, _other, coordinator = place
    client.force_login(coordinator)
    args = [form.dataset.code, commune.pk, form.open_period]
    response = post_cell(client, form, commune, "x\x00y", element="x\x00y", cell="x\x00y", version="x\x00y")
    assert response.status_code == 400
    detail = reverse("indicators:entry-cell-detail", args=args)
    assert client.post(detail, {"element": "x\x00y", "cell": "x\x00y", "comment": "x"}).status_code == 404
    assert post_cell(client, form, commune, "5").status_code == 200
    response = client.post(detail, {"element": "W.households", "cell": "default", "comment": "ước\x00 tính"})
    assert response.status_code == 200
    assert DataValue.objects.get().comment == "ước tính"
