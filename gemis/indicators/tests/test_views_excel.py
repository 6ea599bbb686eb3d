"""Excel: the template read back with openpyxl, an upload with bad rows (line-by-line report, preview,
valid units saved), broken and wrong files, a large file saved in the background, access."""

from __future__ import annotations

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from openpyxl import Workbook, load_workbook

from gemis.core.models import BackgroundJob, JobStatus
from gemis.indicators import excel, uploads, views_excel
from gemis.indicators.models import DataValue, Period, PeriodLock
from gemis.indicators.testing import put
from gemis.indicators.tests.screens import make_form, yesterday

pytestmark = pytest.mark.django_db


@pytest.fixture
def form(world, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return make_form()


def args(form, unit):
    return [form.dataset.code, unit.pk, form.open_period]


def template(client, form, unit):
    response = client.get(reverse("indicators:excel-template", args=args(form, unit)))
    assert response.status_code == 200
    return load_workbook(io.BytesIO(response.content))


def rows_by_key(sheet):
    """(unit name, element code) → row number."""
    return {
        (sheet.cell(r, 2).value, sheet.cell(r, 3).value): r
        for r in range(excel.FIRST_ROW, sheet.max_row + 1)
        if sheet.cell(r, 3).value
    }


def columns(sheet):
    """cell code → column number."""
    return {sheet.cell(excel.CODE_ROW, c).value: c for c in range(1, sheet.max_column + 1)}


def upload(client, form, unit, book_or_bytes, name="bieu.xlsx"):
    if isinstance(book_or_bytes, bytes):
        content = book_or_bytes
    else:
        buffer = io.BytesIO()
        book_or_bytes.save(buffer)
        content = buffer.getvalue()
    return client.post(
        reverse("indicators:excel-upload", args=args(form, unit)), {"file": SimpleUploadedFile(name, content)}
    )


# --- access -----------------------------------------------------------------------------------------


@pytest.mark.parametrize("name", ["excel-template", "excel-upload", "excel-preview", "excel-errors"])
def test_anonymous_is_sent_to_login(client, form, world, name):
    extra = ["abc"] if name in ("excel-preview", "excel-errors") else []
    response = client.get(reverse(f"indicators:{name}", args=args(form, world.province) + extra))
    assert response.status_code == 302 and response["Location"].startswith(reverse("orgs:login"))


@pytest.mark.parametrize("name", ["excel-template", "excel-upload", "excel-preview", "excel-errors"])
def test_another_province_gets_nothing(client, form, world, name):
    client.force_login(world.other_coordinator)
    extra = ["abc"] if name in ("excel-preview", "excel-errors") else []
    assert (
        client.get(reverse(f"indicators:{name}", args=args(form, world.province) + extra)).status_code == 404
    )


def test_a_viewer_may_download_but_not_upload(client, form, world):
    client.force_login(world.district_a_viewer)
    assert (
        client.get(reverse("indicators:excel-template", args=args(form, world.district_a))).status_code == 200
    )
    assert (
        client.get(reverse("indicators:excel-upload", args=args(form, world.district_a))).status_code == 404
    )


def test_someone_elses_upload_cannot_be_previewed(client, form, world):
    client.force_login(world.province_coordinator)
    book = template(client, form, world.province)
    response = upload(client, form, world.province, book)
    preview = response["Location"]
    client.force_login(world.district_a_coordinator)
    assert client.get(preview.replace(str(world.province.pk), str(world.district_a.pk))).status_code == 404


# --- the template -----------------------------------------------------------------------------------


def test_the_template_has_a_row_per_unit_and_element_with_hidden_codes(client, form, world):
    put(form.people, world.commune_a, form.open_period, 100, "male")
    put(form.people, world.commune_a, form.open_period, 90, "female")
    client.force_login(world.district_a_coordinator)
    book = template(client, form, world.district_a)
    sheet = book.worksheets[0]
    assert book["_gemis"].sheet_state == "hidden"
    assert sheet.column_dimensions["A"].hidden and sheet.column_dimensions["C"].hidden
    assert sheet.row_dimensions[excel.CODE_ROW].hidden
    assert "Biểu thử nghiệm" in sheet["A1"].value and form.open_period in sheet["A2"].value
    headers = [c.value for c in sheet[excel.HEADER_ROW]]
    assert headers == [
        "Đơn vị (mã)",
        "Đơn vị",
        "Phần tử dữ liệu (mã)",
        "Phần tử dữ liệu",
        "Nam",
        "Nữ",
        "Tổng số",
        "Giá trị (không phân tổ)",
    ]
    cols = columns(sheet)
    assert {"male", "female", "total", "default"} <= set(cols)
    rows = rows_by_key(sheet)
    # District A and its commune (not district B): 2 units × 3 elements.
    assert len(rows) == 6 and ("Huyện Bắc Sơn", "W.people") not in rows
    row = rows[("Xã Hòa Lạc", "W.people")]
    assert sheet.cell(row, 1).value == world.commune_a.path
    assert (sheet.cell(row, cols["male"]).value, sheet.cell(row, cols["female"]).value) == (100, 90)
    assert sheet.cell(row, cols["total"]).value == 190
    # A cell that does not apply is grey.
    assert sheet.cell(rows[("Xã Hòa Lạc", "W.households")], cols["male"]).fill.fgColor.rgb.endswith("D9D9D9")


# --- the round trip with bad rows -------------------------------------------------------------------


def test_round_trip_with_bad_rows(client, form, world):
    client.force_login(world.province_coordinator)
    book = template(client, form, world.province)
    sheet = book.worksheets[0]
    rows, cols = rows_by_key(sheet), columns(sheet)

    def fill(unit, element, **values):
        for code, value in values.items():
            sheet.cell(rows[(unit, element)], cols[code]).value = value

    # District B: all correct ("1.200" typed as text the Vietnamese way).
    fill("Huyện Bắc Sơn", "W.people", male="1.200", female=1100, total=2300)
    fill("Huyện Bắc Sơn", "W.literate", male=1000, female=950)
    fill("Huyện Bắc Sơn", "W.households", default=800)
    # Commune A: a negative value, a word, male + female ≠ total, a grey cell filled.
    fill("Xã Hòa Lạc", "W.people", male=-5, female=80, total=100)
    fill("Xã Hòa Lạc", "W.literate", male="nhiều", female=70)
    fill("Xã Hòa Lạc", "W.households", default=50, male=3)
    # District A: numerator above denominator.
    fill("Huyện An Bình", "W.people", male=10, female=10)
    fill("Huyện An Bình", "W.literate", male=12, female=5)

    response = upload(client, form, world.province, book)
    assert response.status_code == 302
    preview = client.get(response["Location"])
    assert preview.status_code == 200
    html = preview.content.decode()
    assert 'data-testid="error-report"' in html
    assert "Chỉ lưu các đơn vị có mọi dòng đều đúng" in html
    report = preview.context["report"]
    errors = {(row, column): message for row, column, message in report.errors}
    people_a, literate_a = rows[("Xã Hòa Lạc", "W.people")], rows[("Xã Hòa Lạc", "W.literate")]
    male, total = excel_column(cols["male"]), excel_column(cols["total"])
    assert errors[(people_a, male)] == "Giá trị không được âm."
    assert errors[(literate_a, male)] == "Không phải là số: nhiều."
    assert "phải bằng tổng số" in errors[(people_a, total)] or "Tổng" in errors[(people_a, total)]
    assert "không áp dụng" in errors[(rows[("Xã Hòa Lạc", "W.households")], male)]
    assert any(
        "lớn hơn mẫu số" in m for (r, _c), m in errors.items() if r == rows[("Huyện An Bình", "W.literate")]
    )
    assert [u.unit for u in report.valid_units] == [world.district_b]
    assert not DataValue.objects.exists()  # nothing saved before confirming

    # The error report as a workbook, read back.
    errors_url = response["Location"].rstrip("/") + "/errors.xlsx"
    report_book = load_workbook(io.BytesIO(client.get(errors_url).content))
    lines = list(report_book.active.iter_rows(values_only=True))
    assert lines[0] == ("Dòng", "Cột", "Đơn vị", "Phần tử dữ liệu", "Thông báo")
    assert (people_a, male, "Xã Hòa Lạc") == lines[1][:3] or any(
        line[:3] == (people_a, male, "Xã Hòa Lạc") for line in lines
    )

    # Confirm: district B is saved, the others not at all.
    saved = client.post(response["Location"])
    assert saved.status_code == 302
    assert set(DataValue.objects.values_list("org_unit_id", flat=True)) == {world.district_b.pk}
    assert DataValue.objects.get(option_combo__code="male", data_element=form.people).value == 1200
    assert DataValue.objects.count() == 5  # the total is checked, not stored
    message = [str(m) for m in client.get(saved["Location"]).context["messages"]]
    assert "Đã lưu: 1 đơn vị, 5 giá trị. Các đơn vị có lỗi chưa được lưu." in message
    # The stored upload is gone once saved.
    assert client.get(response["Location"]).status_code == 404


def excel_column(number):
    from openpyxl.utils import get_column_letter

    return get_column_letter(number)


def test_a_locked_unit_and_a_foreign_unit_are_refused_line_by_line(client, form, world):
    PeriodLock.objects.create(
        dataset=form.dataset,
        period=Period.get(form.open_period),
        org_unit=world.district_b,
        lock_after=yesterday(),
    )
    client.force_login(world.province_coordinator)
    book = template(client, form, world.province)
    sheet = book.worksheets[0]
    rows, cols = rows_by_key(sheet), columns(sheet)
    sheet.cell(rows[("Huyện Bắc Sơn", "W.households")], cols["default"]).value = 5
    # A row edited to point at another province's unit.
    sheet.cell(rows[("Huyện An Bình", "W.households")], 1).value = world.other_province.path
    report = client.get(upload(client, form, world.province, book)["Location"]).context["report"]
    messages = [m for _r, _c, m in report.errors]
    assert "Kỳ này đã khóa, không thể nhập số liệu." in messages
    assert "Bạn không được nhập số liệu cho Tỉnh Khác." in messages


# --- broken and wrong files -------------------------------------------------------------------------


def test_a_broken_file_gets_a_clear_message(client, form, world):
    client.force_login(world.province_coordinator)
    response = upload(client, form, world.province, b"PK\x03\x04 not really a zip")
    assert response.status_code == 400
    assert "bị hỏng" in response.content.decode()
    response = upload(client, form, world.province, b"plain text", name="bieu.txt")
    assert response.status_code == 400 and "không phải bảng tính Excel" in response.content.decode()
    response = upload(client, form, world.province, b"", name="bieu.xlsx")
    assert response.status_code == 400


def test_a_workbook_that_is_not_our_template_is_refused(client, form, world):
    client.force_login(world.province_coordinator)
    book = Workbook()
    book.active["A1"] = "Số liệu tự làm"
    response = upload(client, form, world.province, book)
    assert response.status_code == 400
    assert "không phải biểu mẫu nhập liệu của GEMIS" in response.content.decode()


def test_a_template_of_another_period_is_refused(client, form, world):
    client.force_login(world.province_coordinator)
    book = template(client, form, world.province)
    book["_gemis"]["B4"] = form.last_period
    response = upload(client, form, world.province, book)
    assert response.status_code == 400
    assert f"dành cho kỳ {form.last_period}" in response.content.decode()


def test_removed_hidden_codes_are_refused(client, form, world):
    client.force_login(world.province_coordinator)
    book = template(client, form, world.province)
    book.worksheets[0].delete_rows(excel.CODE_ROW)
    response = upload(client, form, world.province, book)
    assert response.status_code == 400 and "mã ẩn" in response.content.decode()


# --- a large file goes to the background ------------------------------------------------------------


def test_a_large_file_is_saved_by_a_background_job(client, form, world, monkeypatch):
    monkeypatch.setattr(views_excel, "INLINE_VALUES", 1)
    client.force_login(world.province_coordinator)
    book = template(client, form, world.province)
    sheet = book.worksheets[0]
    rows, cols = rows_by_key(sheet), columns(sheet)
    for unit in ("Huyện An Bình", "Huyện Bắc Sơn", "Xã Hòa Lạc"):
        sheet.cell(rows[(unit, "W.households")], cols["default"]).value = 7
        sheet.cell(rows[(unit, "W.people")], cols["male"]).value = 20
        sheet.cell(rows[(unit, "W.people")], cols["female"]).value = 20  # required
    sheet.cell(rows[("Xã Hòa Lạc", "W.people")], cols["male"]).value = -1  # one bad unit
    preview_url = upload(client, form, world.province, book)["Location"]
    assert "lưu ở chế độ nền" in client.get(preview_url).content.decode()
    response = client.post(preview_url)
    job = BackgroundJob.objects.get()
    assert response["Location"] == reverse("orgs:job-detail", args=[job.pk])
    assert job.status == JobStatus.DONE and job.owner == world.province_coordinator
    assert DataValue.objects.filter(data_element=form.households).count() == 2
    assert job.result_url == reverse("indicators:entry-grid", args=args(form, world.province))
    download = client.get(reverse("orgs:job-download", args=[job.pk]))
    errors = load_workbook(io.BytesIO(b"".join(download.streaming_content)))
    assert any(
        "Giá trị không được âm." in (line[4] or "") for line in errors.active.iter_rows(values_only=True)
    )
    # Only the owner sees the job.
    client.force_login(world.district_a_coordinator)
    assert client.get(reverse("orgs:job-detail", args=[job.pk])).status_code == 404


def test_files_checked_but_not_saved_do_not_pile_up(client, form, world, settings):
    client.force_login(world.province_coordinator)
    book = template(client, form, world.province)
    previews = [
        upload(client, form, world.province, book)["Location"] for _ in range(uploads.KEEP_UPLOADS + 2)
    ]
    stored = list((settings.MEDIA_ROOT / "indicator_uploads").iterdir())
    assert len(stored) == uploads.KEEP_UPLOADS
    assert client.get(previews[0]).status_code == 404 and client.get(previews[-1]).status_code == 200


def test_a_long_file_is_checked_in_the_background_then_previewed(client, form, world, monkeypatch):
    monkeypatch.setattr(views_excel, "INLINE_ROWS", 2)
    client.force_login(world.province_coordinator)
    book = template(client, form, world.province)
    sheet = book.worksheets[0]
    rows, cols = rows_by_key(sheet), columns(sheet)
    sheet.cell(rows[("Huyện Bắc Sơn", "W.people")], cols["male"]).value = 30
    sheet.cell(rows[("Huyện Bắc Sơn", "W.people")], cols["female"]).value = 40
    sheet.cell(rows[("Xã Hòa Lạc", "W.people")], cols["male"]).value = -2
    response = upload(client, form, world.province, book)
    job = BackgroundJob.objects.get()
    assert response["Location"] == reverse("orgs:job-detail", args=[job.pk])
    assert job.kind == "indicators.excel_check" and job.status == JobStatus.DONE
    preview = client.get(job.result_url)
    assert preview.status_code == 200
    report = preview.context["report"]
    assert (rows[("Xã Hòa Lạc", "W.people")], "E", "Giá trị không được âm.") in report.errors
    assert world.district_b in [u.unit for u in report.valid_units]
    assert not DataValue.objects.exists()
    # Saving a long file is background work too.
    saved = client.post(job.result_url)
    save_job = BackgroundJob.objects.get(kind="indicators.excel_import")
    assert (
        saved["Location"] == reverse("orgs:job-detail", args=[save_job.pk])
        and save_job.status == JobStatus.DONE
    )
    assert set(DataValue.objects.values_list("org_unit_id", flat=True)) == {world.district_b.pk}


def test_a_long_wrong_file_fails_its_job_with_the_reason(client, form, world, monkeypatch):
    monkeypatch.setattr(views_excel, "INLINE_ROWS", 2)
    client.force_login(world.province_coordinator)
    book = template(client, form, world.province)
    book["_gemis"]["B3"] = "bieu-khac"
    upload(client, form, world.province, book)
    job = BackgroundJob.objects.get()
    assert job.status == JobStatus.FAILED and "thuộc biểu nhập khác (bieu-khac)" in job.error
