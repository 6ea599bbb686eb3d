# ruff: noqa: E501 - Vietnamese plan text is kept one sentence a line
"""Readers: encodings of .txt files, .docx (numbering, tables, footnotes), .pdf, .html, and bad input."""

from __future__ import annotations

import io
import os
import random
import shutil
import subprocess
import zipfile

import pytest

from gemis.vn.parser import MAX_BYTES, ParseError, parse_bytes, parse_file
from gemis.vn.parser.legacy import tcvn3_to_unicode, vni_to_unicode
from gemis.vn.parser.readers import detect_format, ocr_available, read_text, table_lines

from .samples.support import NUMBERING, SAMPLES, paragraph, raw_docx, samples_module

DISTRICT = (SAMPLES / "district_plan.txt").read_text(encoding="utf-8")


# --------------------------------------------------------------------------- encodings


@pytest.mark.parametrize(
    ("name", "encoding"),
    [
        ("district_plan.txt", "utf-8"),
        ("district_plan.utf16.txt", "utf-16"),
        ("district_plan.cp1258.txt", "windows-1258"),
        ("district_plan.tcvn3.txt", "tcvn3"),
        ("district_plan.vni.txt", "vni"),
    ],
)
def test_txt_encodings_are_detected_and_converted(name, encoding):
    source = read_text((SAMPLES / name).read_bytes(), name)
    assert source.encoding == encoding
    assert "Phòng Lao động - Thương binh và Xã hội" in source.text
    assert "Tháng hành động vì bình đẳng giới" in source.text


@pytest.mark.parametrize(
    "name", ["district_plan.cp1258.txt", "district_plan.tcvn3.txt", "district_plan.vni.txt"]
)
def test_legacy_files_parse_like_the_unicode_one(name):
    unicode = parse_file(SAMPLES / "district_plan.txt")
    legacy = parse_file(SAMPLES / name)
    assert [r.number for r in legacy.references] == [r.number for r in unicode.references]
    assert [t.text.lower() for t in legacy.tasks] == [t.text.lower() for t in unicode.tasks]
    assert legacy.document.number == "87/KH-UBND"
    assert legacy.document.date == "2023-03-06"


def test_tcvn3_table_on_known_words():
    assert tcvn3_to_unicode("Céng hoµ x· héi chñ nghÜa ViÖt Nam") == "Cộng hoà xã hội chủ nghĩa Việt Nam"
    # capitals with tone marks come back in lines typed in capitals
    assert tcvn3_to_unicode("KÕ HO¹CH") == "KẾ HOẠCH"


def test_vni_table_on_known_words():
    assert vni_to_unicode("Coäng hoøa xaõ hoäi chuû nghóa Vieät Nam") == "Cộng hòa xã hội chủ nghĩa Việt Nam"
    assert (
        vni_to_unicode("bình ñaúng giôùi, Thöông binh, ÑAÉK LAÉK") == "bình đẳng giới, Thương binh, ĐẮK LẮK"
    )


def test_utf8_bom_and_utf16_without_bom():
    text = "Kế hoạch số 12/KH-UBND về bình đẳng giới"
    assert read_text(b"\xef\xbb\xbf" + text.encode(), "a.txt").text == text
    assert read_text(text.encode("utf-16-le"), "a.txt").text == text
    assert read_text(text.encode("utf-16-be"), "a.txt").text == text


def test_legacy_text_stored_as_unicode_is_converted():
    """A web page set in .VnTime keeps the TCVN3 characters as Unicode Latin-1 letters."""
    mojibake = "Së Lao ®éng - Th­¬ng binh vµ X· héi chñ tr× tæ chøc Th¸ng hµnh ®éng"
    source = read_text(mojibake.encode("utf-8"), "a.txt")
    assert source.text == "Sở Lao động - Thương binh và Xã hội chủ trì tổ chức Tháng hành động"
    assert source.encoding == "utf-8+tcvn3"


def test_plain_unicode_is_not_mistaken_for_legacy_text():
    source = read_text(DISTRICT.encode("utf-8"), "a.txt")
    assert source.encoding == "utf-8"
    assert source.text == DISTRICT


# --------------------------------------------------------------------------- formats


def test_format_from_magic_bytes_before_extension():
    assert detect_format(b"%PDF-1.4 ...", "plan.txt") == "pdf"
    assert detect_format(b"PK\x03\x04...", "plan.txt") == "docx"
    assert detect_format(b"\xd0\xcf\x11\xe0....", "plan.doc") == "doc"
    assert detect_format(b"<!DOCTYPE html><html>", "page") == "html"
    assert detect_format("Kế hoạch".encode(), "plan.txt") == "txt"


def test_docx_with_numbering_footnotes_and_a_task_table():
    result = parse_file(SAMPLES / "plan_with_table.docx")
    assert result.source.format == "docx"
    assert result.document.number == "56/KH-UBND"
    assert result.document.issuer == "Ủy ban nhân dân huyện Minh Long"
    rows = [t for t in result.tasks if t.section.startswith("II.1.")]
    assert [t.section for t in rows] == ["II.1.1", "II.1.2", "II.1.3", "II.1.4"]
    assert rows[1].lead[0].name == "Phòng Nội vụ"
    assert rows[1].partners[0].name == "Hội Liên hiệp Phụ nữ huyện"
    assert rows[1].deadline.date == "2025-06-30"
    assert rows[2].deadline.to_dict() == {
        "kind": "range", "date": "2025-07-01", "end": "2025-09-30", "text": "Quý III/2025"
    }  # fmt: skip
    assert [a.name for a in rows[2].partners] == ["Phòng Giáo dục và Đào tạo", "UBND các xã"]


def test_docx_numbering_and_footnotes_by_hand():
    data = raw_docx(
        [
            paragraph("KẾ HOẠCH"),
            paragraph("NHIỆM VỤ", num=(1, 0)),
            paragraph("Truyền thông", num=(1, 1)),
            paragraph("Tuyên truyền Luật Bình đẳng giới", num=(1, 3), footnote=1),
            paragraph("TỔ CHỨC THỰC HIỆN", num=(1, 0)),
            paragraph("Sở Y tế:", num=(1, 1)),
            paragraph("Chủ trì kiểm tra các cơ sở y tế.", num=(1, 2)),
        ],
        footnotes={1: "Luật số 73/2006/QH11 ngày 29/11/2006."},
        numbering=NUMBERING,
    )
    result = parse_bytes(data, "plan.docx")
    assert "I. NHIỆM VỤ\n1. Truyền thông\n- Tuyên truyền Luật Bình đẳng giới" in result.text
    assert "II. TỔ CHỨC THỰC HIỆN\n1. Sở Y tế:\na) Chủ trì" in result.text
    assert [r.number for r in result.references] == ["73/2006/QH11"]
    assert [(t.section, [a.name for a in t.lead]) for t in result.tasks] == [
        ("I.1", []),
        ("II.1.a", ["Sở Y tế"]),
    ]
    assert result.footnotes and result.footnotes[0][0] == "1"


def test_table_without_task_columns_is_written_cell_by_cell():
    assert table_lines([["ỦY BAN NHÂN DÂN\nTỈNH KON TUM", "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"]]) == [
        "ỦY BAN NHÂN DÂN",
        "TỈNH KON TUM",
        "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
    ]


def test_pdf_text_layer():
    result = parse_file(SAMPLES / "text_layer.pdf")
    assert result.source.format == "pdf"
    assert result.document.number == "12/KH-UBND"
    assert result.document.subject == "Hoạt động bình đẳng giới và phòng, chống bạo lực gia đình năm 2024"
    assert len(result.tasks) == 7


def test_pdf_lines_broken_by_the_page_width_are_joined():
    module = samples_module()
    words = ("- Tổ chức tập huấn cho cán bộ làm công tác bình đẳng giới của các xã và thị trấn trên địa bàn "
             "huyện trong quý II năm 2024 tại hội trường Ủy ban nhân dân huyện.").split()  # fmt: skip
    lines = ["II. NHIỆM VỤ", "1. Truyền thông"]
    current = ""
    for word in words:
        if len(current) + len(word) > 40:
            lines.append(current.strip())
            current = ""
        current += word + " "
    lines.append(current.strip())
    result = parse_bytes(module.text_pdf(lines), "wrapped.pdf")
    assert len(result.tasks) == 1
    assert result.tasks[0].text.startswith("Tổ chức tập huấn") and result.tasks[0].text.endswith("huyện.")


def test_html_portal_page_without_menus_and_counters():
    result = parse_file(SAMPLES / "portal_page.html")
    assert result.source.format == "html"
    for noise in ("Trang chủ", "Liên kết website", "Lượt truy cập", "Tin liên quan", "Chia sẻ", "Đánh giá"):
        assert noise not in result.text
    assert result.document.number == "33/KH-UBND"
    assert result.document.date == "2025-02-12"
    assert {r.number for r in result.references} == {"21/KH-UBND", "215/QĐ-UBND"}
    assert len(result.tasks) == 5


# --------------------------------------------------------------------------- bad input


def test_empty_file(tmp_path):
    path = tmp_path / "empty.txt"
    path.write_bytes(b"")
    with pytest.raises(ParseError) as info:
        parse_file(path)
    assert info.value.code == "empty"
    with pytest.raises(ParseError):
        parse_bytes(b"  \n\t \r\n", "blank.txt")


def test_binary_garbage():
    noise = random.Random(4).randbytes(20000)
    with pytest.raises(ParseError) as info:
        parse_bytes(noise, "noise.txt")
    assert info.value.code in ("binary", "unknown_format")
    assert "Error:" in str(info.value) and "Lỗi:" in str(info.value)


def test_zip_bomb_disguised_as_docx_is_refused_before_inflating():
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as archive:
        with archive.open("word/document.xml", "w") as handle:
            chunk = b"\0" * (1024 * 1024)
            for _ in range(40):
                handle.write(chunk)
    data = buffer.getvalue()
    assert len(data) < 200_000
    with pytest.raises(ParseError) as info:
        parse_bytes(data, "plan.docx")
    assert info.value.code == "zip_bomb"


def test_zip_with_too_much_declared_content(monkeypatch):
    from gemis.vn.parser.readers import docx as docx_reader

    monkeypatch.setattr(docx_reader, "MAX_UNZIPPED", 1000)
    data = raw_docx([paragraph("Kế hoạch " * 200)])
    with pytest.raises(ParseError) as info:
        parse_bytes(data, "plan.docx")
    assert info.value.code == "zip_bomb"


def test_damaged_docx_and_old_doc():
    with pytest.raises(ParseError) as info:
        parse_bytes(b"PK\x03\x04 not really a zip", "plan.docx")
    assert info.value.code == "corrupt_docx"
    with pytest.raises(ParseError) as info:
        parse_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 100, "plan.doc")
    assert info.value.code == "legacy_doc"


def test_encrypted_pdf():
    from pypdf import PdfReader, PdfWriter

    writer = PdfWriter()
    for page in PdfReader(SAMPLES / "text_layer.pdf").pages:
        writer.add_page(page)
    writer.encrypt(user_password="mat-khau", algorithm="RC4-128")
    buffer = io.BytesIO()
    writer.write(buffer)
    with pytest.raises(ParseError) as info:
        parse_bytes(buffer.getvalue(), "secret.pdf")
    assert info.value.code == "encrypted_pdf"
    assert "mật khẩu" in info.value.message_vi


def test_damaged_pdf():
    with pytest.raises(ParseError) as info:
        parse_bytes(b"%PDF-1.4\n garbage without objects", "broken.pdf")
    assert info.value.code in ("corrupt_pdf", "scanned_pdf", "ocr_failed")


def test_image_only_pdf_says_it_needs_ocr(monkeypatch):
    monkeypatch.setenv("GEMIS_NO_OCR", "1")
    module = samples_module()
    data = module.image_pdf(bytes([255]) * (200 * 100), 200, 100)
    with pytest.raises(ParseError) as info:
        parse_bytes(data, "scan.pdf")
    assert info.value.code == "scanned_pdf"
    assert "OCR" in info.value.message_vi and "OCR" in info.value.message_en
    assert "bản quét" in info.value.message_vi


@pytest.mark.skipif(not ocr_available(), reason="OCR is off (GEMIS_NO_OCR) or tesseract with Vietnamese data (tesseract-ocr-vie) and pdftoppm "
                    "(poppler-utils) are not installed")  # fmt: skip
def test_image_only_pdf_is_read_by_ocr(tmp_path):
    module = samples_module()
    lines = ["KE HOACH", "So: 15/KH-UBND", "II. NHIEM VU", "1. To chuc tap huan truoc ngay 15/5/2024."]
    (tmp_path / "text.pdf").write_bytes(module.text_pdf(lines, ascii_identity=True))
    subprocess.run(
        ["pdftoppm", "-r", "150", "-gray", "-singlefile", str(tmp_path / "text.pdf"), str(tmp_path / "page")],
        check=True, capture_output=True,
    )  # fmt: skip
    pgm = (tmp_path / "page.pgm").read_bytes()
    header, width, height, pixels = _read_pgm(pgm)
    scan = module.image_pdf(pixels, width, height)
    result = parse_bytes(scan, "scan.pdf")
    assert result.source.ocr
    assert "ocr" in result.warnings
    assert "15/KH-UBND" in result.text.replace(" ", "")


def _read_pgm(data: bytes) -> tuple[bytes, int, int, bytes]:
    parts = data.split(maxsplit=4)
    assert parts[0] == b"P5"
    width, height = int(parts[1]), int(parts[2])
    pixels = parts[4][: width * height] if len(parts) > 4 else b""
    return parts[0], width, height, pixels


def test_file_over_50_mb_is_refused_with_the_limit_named(tmp_path):
    path = tmp_path / "huge.txt"
    with path.open("wb") as handle:
        handle.truncate(MAX_BYTES + 1)
    with pytest.raises(ParseError) as info:
        parse_file(path)
    assert info.value.code == "too_large"
    assert "Tệp lớn hơn giới hạn 50 MB" in info.value.message_vi
    with pytest.raises(ParseError):
        parse_bytes(b"x" * (MAX_BYTES + 1), "huge.txt")


def test_ocr_is_skipped_when_disabled(monkeypatch):
    monkeypatch.setenv("GEMIS_NO_OCR", "1")
    from gemis.vn.parser.readers import ocr_pdf

    with pytest.raises(ParseError) as info:
        ocr_pdf(b"%PDF-1.4")
    assert info.value.code == "scanned_pdf"
    assert os.environ["GEMIS_NO_OCR"] == "1"
    assert shutil.which("python3") is not None


def test_markdown_export_with_a_pipe_table():
    text = (
        "### II. NHIỆM VỤ CỤ THỂ\n\n"
        "| STT | Nội dung | Cơ quan chủ trì | Cơ quan phối hợp | Thời gian |\n"
        "|-----|----------|-----------------|------------------|-----------|\n"
        "| 1 | Tổ chức tập huấn cho cán bộ xã | Phòng Nội vụ | Hội LHPN huyện | Quý II/2024 |\n"
        "| 2 | Phát hành tờ gấp | Phòng Văn hóa và Thông tin | | Trước ngày 30/9/2024 |\n"
    )
    result = parse_bytes(text.encode(), "plan.txt")
    assert result.text.startswith(
        "II. NHIỆM VỤ CỤ THỂ\n\n(1) Tổ chức tập huấn cho cán bộ xã\n- Chủ trì: Phòng Nội vụ"
    )
    assert [(t.section, t.lead[0].name, t.deadline.kind) for t in result.tasks] == [
        ("II.1", "Phòng Nội vụ", "range"),
        ("II.2", "Phòng Văn hóa và Thông tin", "date"),
    ]


def test_damaged_files_only_ever_raise_parse_error():
    """Bytes flipped at random in every sample: the reader answers ParseError or reads what is left."""
    rng = random.Random(7)
    for name in ("plan_with_table.docx", "text_layer.pdf", "portal_page.html", "district_plan.tcvn3.txt"):
        data = (SAMPLES / name).read_bytes()
        for _ in range(40):
            damaged = bytearray(data)
            for _ in range(rng.randint(1, 20)):
                damaged[rng.randrange(len(damaged))] = rng.randrange(256)
            if rng.random() < 0.3:
                damaged = damaged[: rng.randrange(1, len(damaged))]
            try:
                parse_bytes(bytes(damaged), name)
            except ParseError as error:
                assert error.code != "unreadable", error.detail


def test_docx_content_controls_and_text_box_copies():
    mc = 'xmlns:mc="http://schemas.openxmlformats.org/markup-compatibility/2006"'
    boxed = (
        f"<w:p><w:r><mc:AlternateContent {mc}><mc:Choice><w:t>ỦY BAN NHÂN DÂN TỈNH KON TUM</w:t></mc:Choice>"
        "<mc:Fallback><w:t>ỦY BAN NHÂN DÂN TỈNH KON TUM</w:t></mc:Fallback></mc:AlternateContent></w:r></w:p>"
    )
    controlled = f"<w:sdt><w:sdtContent>{paragraph('II. NỘI DUNG')}{paragraph('- Tổ chức tập huấn.')}</w:sdtContent></w:sdt>"
    result = parse_bytes(raw_docx([boxed, controlled]), "plan.docx")
    assert result.text.count("ỦY BAN NHÂN DÂN TỈNH KON TUM") == 1
    assert [t.text for t in result.tasks] == ["Tổ chức tập huấn."]


def test_task_table_with_a_two_row_header():
    rows = [
        ["TT", "Nội dung công việc", "Cơ quan thực hiện", "Cơ quan thực hiện", "Thời gian"],
        ["", "", "Chủ trì", "Phối hợp", ""],
        ["1", "Tổ chức tọa đàm về bình đẳng giới", "Hội LHPN tỉnh", "Sở Nội vụ", "Tháng 3/2024"],
    ]
    assert table_lines(rows) == [
        "(1) Tổ chức tọa đàm về bình đẳng giới",
        "- Chủ trì: Hội LHPN tỉnh",
        "- Phối hợp: Sở Nội vụ",
        "- Thời gian: Tháng 3/2024",
    ]


def test_html_task_table_with_spans():
    page = (
        '<html><head><meta charset="utf-8"></head><body><div class="content"><p>II. NHIỆM VỤ</p><table>'
        '<tr><th rowspan="2">TT</th><th rowspan="2">Nội dung</th><th colspan="2">Cơ quan thực hiện</th>'
        '<th rowspan="2">Thời gian</th></tr><tr><th>Chủ trì</th><th>Phối hợp</th></tr>'
        "<tr><td>1</td><td>Tổ chức tọa đàm về bình đẳng giới cho nữ công nhân</td><td>Liên đoàn Lao động tỉnh</td>"
        "<td>Sở Nội vụ</td><td>Tháng 3/2024</td></tr></table></div></body></html>"
    )
    task = parse_bytes(page.encode(), "page.html").tasks[0]
    assert (task.section, task.lead[0].name, task.partners[0].name, task.deadline.date) == (
        "II.1", "Liên đoàn Lao động tỉnh", "Sở Nội vụ", "2024-03"
    )  # fmt: skip


def test_docx_task_table_with_merged_header_cells():
    import docx

    document = docx.Document()
    document.add_paragraph("II. NHIỆM VỤ")
    table = document.add_table(rows=3, cols=5)
    header = table.rows[0].cells
    header[0].text, header[1].text, header[2].text, header[4].text = (
        "TT",
        "Nội dung",
        "Cơ quan thực hiện",
        "Thời gian",
    )
    header[2].merge(header[3])
    for column in (0, 1, 4):
        table.cell(0, column).merge(table.cell(1, column))
    table.cell(1, 2).text, table.cell(1, 3).text = "Chủ trì", "Phối hợp"
    for cell, value in zip(
        table.rows[2].cells,
        ["1", "Tổ chức tọa đàm", "Hội LHPN tỉnh", "Sở Nội vụ", "Tháng 3/2024"],
        strict=True,
    ):
        cell.text = value
    buffer = io.BytesIO()
    document.save(buffer)
    task = parse_bytes(buffer.getvalue(), "plan.docx").tasks[0]
    assert (task.lead[0].name, task.partners[0].name, task.deadline.date) == (
        "Hội LHPN tỉnh",
        "Sở Nội vụ",
        "2024-03",
    )


def test_other_zip_archives_are_an_unknown_format():
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("content.xml", "<office:document/>")
    with pytest.raises(ParseError) as info:
        parse_bytes(buffer.getvalue(), "plan.odt")
    assert info.value.code == "unknown_format"
