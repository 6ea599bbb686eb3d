"""Reading an indicator set from the annexes of its circular (``gemis.indicators.annex``)."""

from __future__ import annotations

import subprocess
import sys
import tomllib
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from gemis.indicators import annex
from gemis.indicators.tests import annex_samples
from gemis.indicators.tests.test_catalog_files import DISAGGREGATIONS, INDICATOR_KEYS, KINDS, PERIODICITIES
from gemis.vn.parser import ParseError

ROOT = Path(__file__).resolve().parents[3]


def by_code(reading: annex.AnnexReading) -> dict[str, dict]:
    return {item["code"]: item for item in reading.indicators}


@pytest.fixture(scope="module")
def reading() -> annex.AnnexReading:
    return annex.read_annex_bytes(annex_samples.sample_text().encode(), "thong-tu.txt")


def test_reads_the_document_it_comes_from(reading: annex.AnnexReading) -> None:
    assert reading.document["document"] == "Thông tư số 99/2031/TT-BTC"
    assert reading.document["issuer"] == "Bộ Tài chính"
    assert reading.document["date"].isoformat() == "2031-03-15"
    assert reading.document["title"].startswith("Quy định Bộ chỉ tiêu")


def test_reads_groups_and_indicators_in_order(reading: annex.AnnexReading) -> None:
    assert [(g["code"], g["name_vi"]) for g in reading.groups] == [
        ("01", "Dân số"),
        ("02", "Lãnh đạo, quản lý"),
    ]
    assert [(i["code"], i["group"], i["name_vi"]) for i in reading.indicators] == [
        ("0101", "01", "Dân số theo giới tính"),
        ("0102", "01", "Tỷ số giới tính khi sinh"),
        ("0201", "02", "Tỷ lệ nữ đại biểu Hội đồng nhân dân"),
        ("0202", "02", "Số giờ làm công việc nội trợ trung bình một ngày"),
    ]


def test_sections_go_to_their_fields(reading: annex.AnnexReading) -> None:
    population = by_code(reading)["0101"]
    assert population["definition_vi"] == "Dân số là số người thường trú trên địa bàn tại thời điểm thống kê."
    assert population["formula_vi"] == ""
    assert population["disaggregation_vi"] == "Giới tính; Nhóm tuổi; Thành thị/nông thôn; Xã/phường"
    assert population["disaggregations"] == ["sex", "age_group", "urban_rural", "other"]
    assert (population["periodicity"], population["periodicity_vi"]) == ("year", "Năm")
    assert population["source_vi"] == "Điều tra biến động dân số"
    assert population["responsible_agency_vi"] == "Chủ trì: Cơ quan thống kê tỉnh; Phối hợp: Công an tỉnh"
    assert population["citation"] == "Thông tư số 99/2031/TT-BTC, Phụ lục II, chỉ tiêu 0101"


def test_formula_is_split_from_the_concept(reading: annex.AnnexReading) -> None:
    ratio = by_code(reading)["0102"]
    assert ratio["definition_vi"].startswith("Tỷ số giới tính khi sinh là số bé trai")
    assert "Công thức" not in ratio["definition_vi"]
    assert ratio["formula_vi"] == annex_samples.FORMULA_TEXT
    # The formula on the heading's own line ("Công thức tính: …").
    share = by_code(reading)["0201"]
    assert share["formula_vi"].startswith("Tỷ lệ nữ đại biểu (%) =")


def test_kind_and_unit_are_read_from_name_and_formula(reading: annex.AnnexReading) -> None:
    found = {code: (item["kind"], item["unit_vi"]) for code, item in by_code(reading).items()}
    assert found == {
        "0101": ("count", ""),
        "0102": ("ratio_per_100", ""),
        "0201": ("percentage", "%"),
        "0202": ("mean", ""),
    }


def test_what_the_text_lacks_is_said_not_filled(reading: annex.AnnexReading) -> None:
    hours = by_code(reading)["0202"]
    assert hours["source_vi"] == "" and hours["responsible_agency_vi"] == ""
    assert "Văn bản không có mục: nguồn số liệu, cơ quan chịu trách nhiệm" in hours["note"]
    assert reading.problems == [
        annex.Problem("missing_section", "0202", "source"),
        annex.Problem("missing_section", "0202", "agency"),
    ]
    assert all("suy từ tên, công thức" in item["note"] for item in reading.indicators)


def test_word_file_with_tables_reads_the_same(reading: annex.AnnexReading) -> None:
    from_word = annex.read_annex_bytes(annex_samples.sample_docx(), "thong-tu.docx")
    assert from_word.groups == reading.groups
    assert from_word.document == reading.document
    assert from_word.problems == reading.problems
    for word_item, text_item in zip(from_word.indicators, reading.indicators, strict=True):
        differing = {key for key in text_item if word_item[key] != text_item[key]}
        assert differing <= {"formula_vi"}, differing
    # The formula table comes out cell by cell, every part of it kept.
    formula = by_code(from_word)["0102"]["formula_vi"]
    for part in (
        "Tỷ số giới tính khi sinh",
        "=",
        "Số bé trai sinh ra sống",
        "Số bé gái sinh ra sống",
        "× 100",
    ):
        assert part in formula.splitlines()


def test_pdf_with_a_text_layer_reads_the_same(reading: annex.AnnexReading) -> None:
    from gemis.vn.tests.samples.support import samples_module

    pdf = samples_module().text_pdf(annex_samples.sample_text().splitlines(), lines_per_page=30)
    from_pdf = annex.read_annex_bytes(pdf, "thong-tu.pdf")
    assert from_pdf.groups == reading.groups
    assert [(i["code"], i["name_vi"]) for i in from_pdf.indicators] == [
        (i["code"], i["name_vi"]) for i in reading.indicators
    ]
    assert (
        by_code(from_pdf)["0101"]["responsible_agency_vi"]
        == by_code(reading)["0101"]["responsible_agency_vi"]
    )
    assert from_pdf.problems == reading.problems


def test_page_wrapped_lines_are_joined_where_they_go_on() -> None:
    assert annex.unwrap(
        "0203. Tỷ lệ nữ giữ chức vụ\nlãnh đạo chủ chốt\n1. Khái niệm\nDân số là\nsố người."
    ) == ("0203. Tỷ lệ nữ giữ chức vụ lãnh đạo chủ chốt\n1. Khái niệm\nDân số là số người.")
    assert annex.unwrap("Chủ trì:\nphối hợp") == "Chủ trì:\nphối hợp"


def test_group_rows_of_the_list_name_the_groups_on_their_own() -> None:
    # Annex II without its Roman group headings: the names come from annex I's group rows.
    text = annex_samples.sample_text().replace("I. DÂN SỐ\n", "").replace("II. LÃNH ĐẠO, QUẢN LÝ\n", "")
    found = annex.read_annex(text)
    assert [(g["code"], g["name_vi"]) for g in found.groups] == [
        ("01", "Dân số"),
        ("02", "Lãnh đạo, quản lý"),
    ]
    assert not [p for p in found.problems if p.kind == "no_group_name"]
    assert len(found.indicators) == 4


def test_annex_two_alone_is_enough() -> None:
    text = "\n".join(annex_samples.annex_two_lines())
    found = annex.read_annex(text)
    assert [item["code"] for item in found.indicators] == ["0101", "0102", "0201", "0202"]
    assert [g["name_vi"] for g in found.groups] == ["Dân số", "Lãnh đạo, quản lý"]


def test_a_group_heading_right_under_the_first_indicator_names_its_group() -> None:
    # Some layouts print the group's heading after the code of its first indicator.
    text = "\n".join(annex_samples.annex_two_lines()).replace(
        "I. DÂN SỐ\n0101. Dân số theo giới tính", "0101. Dân số theo giới tính\nI. DÂN SỐ"
    )
    found = annex.read_annex(text)
    assert found.groups[0] == {"code": "01", "name_vi": "Dân số", "name_en": ""}
    assert by_code(found)["0101"]["definition_vi"].startswith("Dân số là số người")
    assert not [p for p in found.problems if p.code == "0101"]


def test_listed_without_content_and_content_not_listed() -> None:
    text = annex_samples.sample_text(skip=("0201",))
    text = text.replace(
        "0202. Số giờ",
        "0203. Tỷ lệ nữ giữ chức vụ lãnh đạo\n1. Khái niệm, phương pháp tính\nLà số phần trăm.\n0202. Số giờ",
    )
    found = annex.read_annex(text)
    assert annex.Problem("no_content", "0201") in found.problems
    assert annex.Problem("not_listed", "0203") in found.problems
    assert "0201" in by_code(found)
    assert "Văn bản không có nội dung (Phụ lục II)" in by_code(found)["0201"]["note"]


def test_a_year_at_the_start_of_a_line_is_not_an_indicator() -> None:
    text = annex_samples.sample_text().replace(
        "Dân số là số người", "Dân số là số người\n2019 là năm của Tổng điều tra dân số.\nDân số là số người"
    )
    found = annex.read_annex(text)
    assert "2019" not in by_code(found)
    assert "2019 là năm" in by_code(found)["0101"]["definition_vi"]


def test_names_that_differ_between_the_annexes_are_reported() -> None:
    text = annex_samples.sample_text().replace(
        "0101. Dân số theo giới tính", "0101. Dân số chia theo giới tính"
    )
    found = annex.read_annex(text)
    assert annex.Problem("name_mismatch", "0101", "Dân số chia theo giới tính") in found.problems
    assert by_code(found)["0101"]["name_vi"] == "Dân số theo giới tính"  # the list's name is kept


def test_text_without_indicators_says_so() -> None:
    found = annex.read_annex("KẾ HOẠCH\nThực hiện công tác bình đẳng giới năm 2026\n1. Mục đích")
    assert not found.usable
    assert found.problems == [annex.Problem("no_indicators")]


def test_unreadable_file_raises_the_parser_error() -> None:
    with pytest.raises(ParseError) as error:
        annex.read_annex_bytes(b"PK\x03\x04 not really a zip", "thong-tu.docx")
    assert error.value.code == "corrupt_docx"


@pytest.mark.parametrize(
    ("text", "code"),
    [
        ("Năm", "year"),
        ("Hằng năm", "year"),
        ("5 năm", "five_years"),
        ("10 năm; năm có tổng điều tra", "ten_years"),
        ("2 năm", "two_years"),
        ("Đầu mỗi nhiệm kỳ", "other"),
        ("", "other"),
    ],
)
def test_periodicity_codes(text: str, code: str) -> None:
    assert annex.periodicity_code(text) == code


@pytest.mark.parametrize(
    ("name", "formula", "expected"),
    [
        ("Tỷ lệ nữ đại biểu Quốc hội", "… × 100", ("percentage", "%")),
        ("Cơ cấu lao động theo ngành", "", ("percentage", "%")),
        ("Tỷ suất chết thô", "Số người chết / dân số trung bình × 1000", ("rate_per_1000", "‰")),
        ("Tỷ suất tử vong mẹ", "Số bà mẹ tử vong / số trẻ đẻ sống × 100.000", ("other", "")),
        ("Tỷ số giới tính khi sinh", "", ("ratio_per_100", "")),
        ("Dân số trung bình", "", ("count", "")),
        ("Tuổi kết hôn trung bình lần đầu", "", ("mean", "")),
        ("Tuổi thọ trung bình tính từ lúc sinh", "", ("other", "")),
        ("Số vụ bạo lực gia đình", "", ("count", "")),
        ("Chỉ số bất bình đẳng giới", "", ("index", "")),
    ],
)
def test_kinds(name: str, formula: str, expected: tuple[str, str]) -> None:
    assert annex.kind_of(name, formula) == expected


def test_disaggregation_codes() -> None:
    assert annex.disaggregation_codes(
        ["Giới tính", "Dân tộc (Kinh/khác)", "Tỉnh/thành phố trực thuộc Trung ương", "Trình độ chuyên môn"]
    ) == ["sex", "ethnicity", "province", "education_level"]
    assert annex.disaggregation_codes(["Cấp ủy", "Cấp hành chính"]) == ["other"]


def test_toml_is_a_catalog_file_the_structure_tests_accept(reading: annex.AnnexReading) -> None:
    text = reading.to_toml("thong-tu.txt")
    assert text.startswith("# Đọc tự động từ văn bản Thông tư số 99/2031/TT-BTC (tệp thong-tu.txt)")
    data = tomllib.loads(text)
    assert data["source"]["document"] == "Thông tư số 99/2031/TT-BTC"
    for item in data["indicator"]:
        assert INDICATOR_KEYS <= item.keys()
        assert item["kind"] in KINDS and item["periodicity"] in PERIODICITIES
        assert set(item["disaggregations"]) <= DISAGGREGATIONS
    assert data["indicator"] == reading.indicators


@given(st.text(alphabet=st.sampled_from("0123456789 .:-\nIVXPhụlcKáiệmpđổ;ab"), max_size=400))
def test_never_raises_on_text(text: str) -> None:
    found = annex.read_annex(text)
    assert found.usable or found.problems


def test_module_does_not_import_django() -> None:
    code = "import sys, gemis.indicators.annex; assert 'django' not in sys.modules"
    subprocess.run([sys.executable, "-c", code], check=True, cwd=ROOT)


def test_a_scan_is_read_through_ocr(monkeypatch, reading: annex.AnnexReading) -> None:
    from gemis.vn.parser.readers import pdf as pdf_reader
    from gemis.vn.tests.samples.support import samples_module

    scan = samples_module().image_pdf(bytes([255]) * (200 * 100), 200, 100)
    # What tesseract gives back: the page's lines, a long name broken where the line ended.
    ocr_text = annex_samples.sample_text().replace(
        "0202. Số giờ làm công việc nội trợ trung bình một ngày",
        "0202. Số giờ làm công việc nội trợ\ntrung bình một ngày",
    )
    monkeypatch.setattr(pdf_reader, "ocr_pdf", lambda data: ocr_text)
    from_scan = annex.read_annex_bytes(scan, "thong-tu-scan.pdf")
    assert [(i["code"], i["name_vi"]) for i in from_scan.indicators] == [
        (i["code"], i["name_vi"]) for i in reading.indicators
    ]


def test_a_scan_without_ocr_says_so(monkeypatch) -> None:
    from gemis.vn.tests.samples.support import samples_module

    monkeypatch.setenv("GEMIS_NO_OCR", "1")
    scan = samples_module().image_pdf(bytes([255]) * (200 * 100), 200, 100)
    with pytest.raises(ParseError) as error:
        annex.read_annex_bytes(scan, "thong-tu-scan.pdf")
    assert error.value.code == "scanned_pdf" and "bản quét" in error.value.message_vi
