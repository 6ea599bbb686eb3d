# ruff: noqa: E501 - sample texts are Vietnamese prose, kept one sentence a line
"""Build the binary samples of the parser tests (run: python make_samples.py in this folder).

The texts are GEMIS's own, written for the tests in the style of provincial
plans. Outputs: plan_with_table.docx (numbering, a task table, a letterhead
table), text_layer.pdf (a text PDF with Vietnamese through a ToUnicode map),
portal_page.html is written by hand, the legacy-encoding .txt files are made
from district_plan.txt by the encoders below.
"""

from __future__ import annotations

import unicodedata
import zlib
from pathlib import Path

HERE = Path(__file__).parent

# --------------------------------------------------------------------------- legacy encoders

_TCVN3_PAIRS = (
    "µà ¸á ¶ả ·ã ¹ạ ¨ă »ằ ¾ắ ¼ẳ ½ẵ Æặ ©â Çầ Êấ Èẩ Éẫ Ëậ ®đ Ìè Ðé Îẻ Ïẽ Ñẹ ªê Òề Õế Óể Ôễ Öệ "
    "×ì Ýí Øỉ Üĩ Þị ßò ãó áỏ âõ äọ «ô åồ èố æổ çỗ éộ ¬ơ êờ íớ ëở ìỡ îợ ïù óú ñủ òũ ôụ "
    "\u00adư õừ øứ öử ÷ữ ùự úỳ ýý ûỷ üỹ þỵ ¡Ă ¢Â §Đ £Ê ¤Ô ¥Ơ ¦Ư"
)


def to_tcvn3(text: str) -> bytes:
    """Unicode → TCVN3 bytes; capitals with tone marks become small letters (as .VnTime does)."""
    table = {pair[1]: pair[0] for pair in _TCVN3_PAIRS.split(" ")}
    out = []
    for ch in unicodedata.normalize("NFC", text):
        if ch in table:
            out.append(table[ch])
        elif ch.lower() in table and ch.lower() != ch:
            out.append(table[ch.lower()])
        else:
            out.append(ch)
    return "".join(out).encode("latin-1", errors="replace")


_VNI_TONES = {"\u0301": "ù", "\u0300": "ø", "\u0309": "û", "\u0303": "õ", "\u0323": "ï"}
_VNI_CIRCUMFLEX = {"": "â", "\u0301": "á", "\u0300": "à", "\u0309": "å", "\u0303": "ã", "\u0323": "ä"}
_VNI_BREVE = {"": "ê", "\u0301": "é", "\u0300": "è", "\u0309": "ú", "\u0303": "ü", "\u0323": "ë"}
_VNI_I = {"\u0301": "í", "\u0300": "ì", "\u0309": "æ", "\u0303": "ó", "\u0323": "ò"}


def to_vni(text: str) -> bytes:
    """Unicode → VNI-Windows bytes (Windows-1252)."""
    out = []
    for ch in unicodedata.normalize("NFC", text):
        upper = ch.isupper()
        decomposed = unicodedata.normalize("NFD", ch.lower())
        base, marks = decomposed[0], decomposed[1:]
        if ch.lower() == "đ":
            out.append("Ñ" if upper else "ñ")
            continue
        if not marks or base not in "aeiouy":
            out.append(ch)
            continue
        tone = next((m for m in marks if m in _VNI_TONES), "")
        shape = (
            "\u0302"
            if "\u0302" in marks
            else "\u0306"
            if "\u0306" in marks
            else "\u031b"
            if "\u031b" in marks
            else ""
        )
        if base == "i":
            seq = _VNI_I.get(tone, "i")
        elif shape == "\u0302":
            seq = base + _VNI_CIRCUMFLEX[tone]
        elif shape == "\u0306":
            seq = base + _VNI_BREVE[tone]
        elif shape == "\u031b":
            seq = ("ô" if base == "o" else "ö") + _VNI_TONES.get(tone, "")
        elif base == "y" and tone == "\u0323":
            seq = "yî"
        else:
            seq = base + _VNI_TONES.get(tone, "")
        out.append(seq.upper() if upper else seq)
    return "".join(out).encode("cp1252", errors="replace")


_TONE_MARKS = "\u0301\u0300\u0309\u0303\u0323"


def to_cp1258(text: str) -> bytes:
    """Unicode → Windows-1258: a letter it lacks is its base letter (â, ơ …) and a combining tone."""
    out = bytearray()
    for ch in unicodedata.normalize("NFC", text):
        try:
            out += ch.encode("cp1258")
            continue
        except UnicodeEncodeError:
            pass
        decomposed = unicodedata.normalize("NFD", ch)
        tones = "".join(m for m in decomposed if m in _TONE_MARKS)
        base = unicodedata.normalize("NFC", "".join(m for m in decomposed if m not in _TONE_MARKS))
        try:
            out += base.encode("cp1258") + tones.encode("cp1258")
        except UnicodeEncodeError:
            out += b"?"
    return bytes(out)


# --------------------------------------------------------------------------- pdf


def _pdf(objects: list[bytes]) -> bytes:
    out = bytearray(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += f"{number} 0 obj\n".encode() + body + b"\nendobj\n"
    xref = len(out)
    out += f"xref\n0 {len(objects) + 1}\n0000000000 65535 f \n".encode()
    for offset in offsets:
        out += f"{offset:010d} 00000 n \n".encode()
    out += f"trailer\n<< /Size {len(objects) + 1} /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n".encode()
    return bytes(out)


def _stream(data: bytes, extra: str = "") -> bytes:
    return f"<< /Length {len(data)} {extra}>>\nstream\n".encode() + data + b"\nendstream"


def text_pdf(lines: list[str], lines_per_page: int = 48, ascii_identity: bool = False) -> bytes:
    """A PDF with a real text layer: Helvetica with a ToUnicode map, one byte code per character.

    ``ascii_identity``: ASCII text keeps its own codes, so that the page also renders right
    (the OCR test draws it into an image).
    """
    chars = sorted({ch for line in lines for ch in line} - {" "})
    if len(chars) > 200:
        raise ValueError("too many distinct characters for one simple font")
    codes = {" ": 32}
    next_code = 33
    for ch in chars:
        if ascii_identity:
            codes[ch] = ord(ch)
            continue
        while next_code in (40, 41, 92):  # ( ) \ need escapes; just skip them
            next_code += 1
        codes[ch] = next_code
        next_code += 1
    cmap_lines = [f"<{code:02X}> <{ord(ch):04X}>" for ch, code in codes.items()]
    cmap = (
        "/CIDInit /ProcSet findresource begin 12 dict begin begincmap /CMapName /GEMIS def "
        "/CIDSystemInfo << /Registry (Adobe) /Ordering (UCS) /Supplement 0 >> def "
        "1 begincodespacerange <00> <FF> endcodespacerange\n"
        + "".join(
            f"{len(chunk)} beginbfchar\n" + "\n".join(chunk) + "\nendbfchar\n"
            for chunk in (cmap_lines[i : i + 100] for i in range(0, len(cmap_lines), 100))
        )
        + "endcmap CMapName currentdict /CMap defineresource pop end end"
    ).encode()
    pages = [lines[i : i + lines_per_page] for i in range(0, len(lines), lines_per_page)] or [[]]
    n_pages = len(pages)
    # objects: 1 catalog, 2 pages, 3 font, 4 cmap, then (page, content) pairs
    kids = " ".join(f"{5 + 2 * i} 0 R" for i in range(n_pages))
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        f"<< /Type /Pages /Kids [{kids}] /Count {n_pages} >>".encode(),
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /ToUnicode 4 0 R >>",
        _stream(cmap),
    ]
    for i, page in enumerate(pages):
        content = bytearray(b"BT /F1 10 Tf 40 800 Td 15 TL\n")
        for line in page:
            encoded = "".join(f"\\{codes[ch]:03o}" for ch in line)
            content += f"({encoded}) Tj T*\n".encode()
        content += b"ET"
        objects.append(
            f"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Resources << /Font << /F1 3 0 R >> >> "
            f"/Contents {6 + 2 * i} 0 R >>".encode()
        )
        objects.append(_stream(bytes(content)))
    return _pdf(objects)


def image_pdf(gray: bytes, width: int, height: int) -> bytes:
    """A PDF whose only page is a grey image: what a scanner produces."""
    data = zlib.compress(gray)
    image = _stream(
        data,
        f"/Type /XObject /Subtype /Image /Width {width} /Height {height} /ColorSpace /DeviceGray "
        f"/BitsPerComponent 8 /Filter /FlateDecode ",
    )
    scale = min(595 / width, 842 / height)
    shown_w, shown_h = width * scale, height * scale
    content = f"q {shown_w:.2f} 0 0 {shown_h:.2f} 0 {842 - shown_h:.2f} cm /Im1 Do Q".encode()
    return _pdf(
        [
            b"<< /Type /Catalog /Pages 2 0 R >>",
            b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
            b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Resources << /XObject << /Im1 4 0 R >> >> "
            b"/Contents 5 0 R >>",
            image,
            _stream(content),
        ]
    )


# --------------------------------------------------------------------------- docx


def plan_docx(path: Path) -> None:
    import docx

    document = docx.Document()
    header = document.add_table(rows=1, cols=2)
    header.cell(0, 0).text = "ỦY BAN NHÂN DÂN\nHUYỆN MINH LONG\nSố: 56/KH-UBND"
    header.cell(
        0, 1
    ).text = "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM\nĐộc lập - Tự do - Hạnh phúc\nMinh Long, ngày 14 tháng 02 năm 2025"
    document.add_paragraph("KẾ HOẠCH")
    document.add_paragraph(
        "Triển khai Chương trình truyền thông về bình đẳng giới trên địa bàn huyện năm 2025"
    )
    document.add_paragraph(
        "Căn cứ Kế hoạch số 21/KH-UBND ngày 20/01/2025 của UBND tỉnh Quảng Ngãi, Ủy ban nhân dân huyện ban hành "
        "Kế hoạch như sau:"
    )
    document.add_paragraph("I. MỤC ĐÍCH, YÊU CẦU")
    document.add_paragraph("Đưa thông tin về bình đẳng giới đến từng thôn, tổ dân phố.", style="List Bullet")
    document.add_paragraph("II. NHIỆM VỤ CỤ THỂ")
    document.add_paragraph("Các hoạt động truyền thông", style="List Number")
    table = document.add_table(rows=1, cols=5)
    for cell, title in zip(
        table.rows[0].cells,
        ("STT", "Nội dung", "Cơ quan chủ trì", "Cơ quan phối hợp", "Thời gian hoàn thành"),
        strict=True,
    ):
        cell.text = title
    rows = [
        (
            "1",
            "Xây dựng chuyên mục bình đẳng giới trên Đài Truyền thanh huyện",
            "Trung tâm Văn hóa - Thể thao và Truyền thanh huyện",
            "Phòng Văn hóa và Thông tin",
            "Hằng tháng",
        ),
        (
            "2",
            "Tập huấn kỹ năng truyền thông cho báo cáo viên cấp xã",
            "Phòng Nội vụ",
            "Hội Liên hiệp Phụ nữ huyện",
            "Trước ngày 30/6/2025",
        ),
        (
            "3",
            "Tổ chức hội thi tìm hiểu pháp luật về bình đẳng giới",
            "Huyện đoàn",
            "Phòng Giáo dục và Đào tạo; UBND các xã",
            "Quý III/2025",
        ),
        (
            "4",
            "Hưởng ứng Tháng hành động vì bình đẳng giới",
            "UBND các xã",
            "",
            "Từ 15/11/2025 đến 15/12/2025",
        ),
    ]
    for row in rows:
        cells = table.add_row().cells
        for cell, value in zip(cells, row, strict=True):
            cell.text = value
    document.add_paragraph("Công tác kiểm tra", style="List Number")
    document.add_paragraph(
        "Kiểm tra việc thực hiện Kế hoạch tại 03 xã trong tháng 10/2025.", style="List Bullet"
    )
    document.add_paragraph("III. TỔ CHỨC THỰC HIỆN")
    document.add_paragraph(
        "Giao Phòng Nội vụ theo dõi, tổng hợp; các cơ quan gửi báo cáo kết quả về Phòng Nội vụ trước ngày 05/12/2025./."
    )
    document.save(path)


def commune_docx(path: Path) -> None:
    """A commune's Action Month plan (2025 scheme) whose activities are a table with group rows."""
    import docx

    document = docx.Document()
    for line in (
        "UBND XÃ BA TƠ",
        "Số: 48/KH-UBND",
        "Ba Tơ, ngày 05 tháng 11 năm 2025",
        "KẾ HOẠCH",
        "Hưởng ứng Tháng hành động vì bình đẳng giới và phòng ngừa, ứng phó với bạo lực trên cơ sở giới năm 2025",
        "Căn cứ Kế hoạch số 301/KH-UBND ngày 24/10/2025 của UBND tỉnh Quảng Ngãi, UBND xã xây dựng Kế hoạch như sau:",
        "I. MỤC ĐÍCH, YÊU CẦU",
        "Nâng cao nhận thức của Nhân dân về bình đẳng giới, phấn đấu 100% thôn tổ chức ít nhất 01 buổi sinh hoạt chuyên đề.",
        "II. CÁC HOẠT ĐỘNG CỤ THỂ",
    ):
        document.add_paragraph(line)
    table = document.add_table(rows=1, cols=5)
    for cell, title in zip(
        table.rows[0].cells,
        ("TT", "Nội dung hoạt động", "Đơn vị thực hiện", "Thời gian thực hiện", "Ghi chú"),
        strict=True,
    ):
        cell.text = title
    rows = [
        ("I", "Công tác truyền thông", "", "", ""),
        (
            "1",
            "Treo băng rôn, khẩu hiệu hưởng ứng Tháng hành động tại trụ sở và các thôn",
            "Phòng Văn hóa - Xã hội",
            "Trước ngày 15/11/2025",
            "",
        ),
        (
            "2",
            "Phát thanh tin, bài về phòng, chống bạo lực gia đình trên loa truyền thanh",
            "Phòng Văn hóa - Xã hội",
            "Thường xuyên trong Tháng hành động",
            "02 lần/tuần",
        ),
        ("II", "Các hoạt động hỗ trợ", "", "", ""),
        (
            "1",
            "Thăm hỏi, tặng quà cho nạn nhân bị bạo lực gia đình có hoàn cảnh khó khăn",
            "Hội Liên hiệp Phụ nữ xã",
            "Tháng 12/2025",
            "",
        ),
        (
            "2",
            "Tổng hợp kết quả, báo cáo UBND tỉnh",
            "Văn phòng HĐND và UBND xã",
            "Trước ngày 18/12/2025",
            "",
        ),
    ]
    for row in rows:
        cells = table.add_row().cells
        for cell, value in zip(cells, row, strict=True):
            cell.text = value
    document.add_paragraph("III. TỔ CHỨC THỰC HIỆN")
    document.add_paragraph(
        "Các thôn căn cứ Kế hoạch này tổ chức các hoạt động phù hợp; báo cáo kết quả về UBND xã (qua Phòng Văn hóa - Xã hội) trước ngày 16/12/2025."
    )
    document.add_paragraph("Trên đây là Kế hoạch hưởng ứng Tháng hành động năm 2025 của UBND xã Ba Tơ./.")
    document.save(path)


def main() -> None:
    district = (HERE / "district_plan.txt").read_text(encoding="utf-8")
    (HERE / "district_plan.tcvn3.txt").write_bytes(to_tcvn3(district))
    (HERE / "district_plan.vni.txt").write_bytes(to_vni(district))
    (HERE / "district_plan.cp1258.txt").write_bytes(to_cp1258(district))
    (HERE / "district_plan.utf16.txt").write_bytes(district.encode("utf-16"))
    commune = (HERE / "commune_plan.txt").read_text(encoding="utf-8")
    (HERE / "text_layer.pdf").write_bytes(text_pdf(commune.split("\n")))
    plan_docx(HERE / "plan_with_table.docx")
    commune_docx(HERE / "commune_action_month.docx")


if __name__ == "__main__":
    main()
