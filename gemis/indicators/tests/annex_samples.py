"""An indicator set of our own, laid out like the annexes of a Vietnamese statistics circular.

The document is made up (a "Thông tư 99/2031/TT-BTC" with four indicators): it exercises the
layout — annex I as a table of codes and names, annex II as numbered sections under each code —
without copying any official text. :func:`sample_text` is the plain-text file, :func:`sample_docx`
the same document as Word with real tables (the list, and a formula laid out as a table).
"""

from __future__ import annotations

import io

LETTERHEAD = [
    "BỘ TÀI CHÍNH",
    "Số: 99/2031/TT-BTC",
    "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
    "Độc lập - Tự do - Hạnh phúc",
    "Hà Nội, ngày 15 tháng 3 năm 2031",
    "THÔNG TƯ",
    "Quy định Bộ chỉ tiêu thống kê thử nghiệm về giới của tỉnh",
    "Căn cứ Luật Thống kê ngày 23 tháng 11 năm 2015;",
    "Điều 1. Bộ chỉ tiêu gồm danh mục (Phụ lục I kèm theo) và nội dung chỉ tiêu (Phụ lục II kèm theo).",
    "Điều 2. Thông tư này có hiệu lực từ ngày 01 tháng 5 năm 2031.",
    "Nơi nhận:",
    "- Như Điều 2;",
    "BỘ TRƯỞNG",
    "Nguyễn Văn An",
]

# (group code, group row, [(code, name)])
LISTED = [
    ("01", "DÂN SỐ", [("0101", "Dân số theo giới tính"), ("0102", "Tỷ số giới tính khi sinh")]),
    (
        "02",
        "LÃNH ĐẠO, QUẢN LÝ",
        [
            ("0201", "Tỷ lệ nữ đại biểu Hội đồng nhân dân"),
            ("0202", "Số giờ làm công việc nội trợ trung bình một ngày"),
        ],
    ),
]

CONTENTS: dict[str, list[str]] = {
    "0101": [
        "1. Khái niệm, phương pháp tính",
        "Dân số là số người thường trú trên địa bàn tại thời điểm thống kê.",
        "2. Phân tổ chủ yếu",
        "- Giới tính;",
        "- Nhóm tuổi;",
        "- Thành thị/nông thôn;",
        "- Xã/phường.",
        "3. Kỳ công bố: Năm.",
        "4. Nguồn số liệu: Điều tra biến động dân số.",
        "5. Cơ quan chịu trách nhiệm thu thập, tổng hợp",
        "- Chủ trì: Cơ quan thống kê tỉnh;",
        "- Phối hợp: Công an tỉnh.",
    ],
    "0102": [
        "1. Khái niệm, phương pháp tính",
        "Tỷ số giới tính khi sinh là số bé trai sinh ra sống trên 100 bé gái sinh ra sống trong kỳ.",
        "Công thức tính:",
        "FORMULA",
        "2. Phân tổ chủ yếu: Thành thị/nông thôn.",
        "3. Kỳ công bố: Năm.",
        "4. Nguồn số liệu: Dữ liệu hành chính.",
        "5. Cơ quan chịu trách nhiệm thu thập, tổng hợp: Sở Y tế.",
    ],
    "0201": [
        "1. Khái niệm, phương pháp tính",
        "Là số phần trăm nữ đại biểu so với tổng số đại biểu cùng khóa.",
        "Công thức tính: Tỷ lệ nữ đại biểu (%) = Số nữ đại biểu / Tổng số đại biểu × 100",
        "2. Phân tổ chủ yếu: Cấp hành chính; dân tộc; nhóm tuổi.",
        "3. Kỳ công bố: Đầu mỗi nhiệm kỳ.",
        "4. Nguồn số liệu: Chế độ báo cáo thống kê.",
        "5. Cơ quan chịu trách nhiệm thu thập, tổng hợp: Sở Nội vụ.",
    ],
    "0202": [
        "1. Khái niệm, phương pháp tính",
        "Số giờ bình quân một người từ 15 tuổi trở lên dành cho việc nhà không được trả công trong một ngày.",
        "2. Phân tổ chủ yếu",
        "- Giới tính;",
        "- Thành thị/nông thôn.",
        "3. Kỳ công bố: 5 năm.",
    ],
}
# The formula of 0102 as Word lays it out: a small table, name | = | fraction | × 100.
FORMULA_CELLS = [
    ["Tỷ số giới tính khi sinh", "=", "Số bé trai sinh ra sống", "× 100"],
    ["", "", "Số bé gái sinh ra sống", ""],
]
FORMULA_TEXT = "Tỷ số giới tính khi sinh = Số bé trai sinh ra sống / Số bé gái sinh ra sống × 100"
ROMAN = {"01": "I", "02": "II"}


def annex_two_lines(formula: str = FORMULA_TEXT, skip: tuple[str, ...] = ()) -> list[str]:
    lines = ["PHỤ LỤC II", "NỘI DUNG CHỈ TIÊU THỐNG KÊ THỬ NGHIỆM VỀ GIỚI"]
    for group_code, group_row, rows in LISTED:
        lines.append(f"{ROMAN[group_code]}. {group_row}")
        for code, name in rows:
            if code in skip:
                continue
            lines.append(f"{code}. {name}")
            lines.extend(formula if line == "FORMULA" else line for line in CONTENTS[code])
    return lines


def annex_one_lines() -> list[str]:
    lines = [
        "PHỤ LỤC I",
        "DANH MỤC CHỈ TIÊU THỐNG KÊ THỬ NGHIỆM VỀ GIỚI",
        "STT",
        "Mã số",
        "Nhóm, tên chỉ tiêu",
    ]
    number = 0
    for group_code, group_row, rows in LISTED:
        lines += [group_code, group_row]
        for code, name in rows:
            number += 1
            lines += [str(number), code, name]
    return lines


def sample_text(**options) -> str:
    return "\n".join(LETTERHEAD + annex_one_lines() + annex_two_lines(**options)) + "\n"


def sample_docx() -> bytes:
    from docx import Document

    document = Document()
    for line in LETTERHEAD:
        document.add_paragraph(line)
    document.add_paragraph("PHỤ LỤC I")
    document.add_paragraph("DANH MỤC CHỈ TIÊU THỐNG KÊ THỬ NGHIỆM VỀ GIỚI")
    table = document.add_table(rows=1, cols=3)
    for cell, text in zip(table.rows[0].cells, ("STT", "Mã số", "Nhóm, tên chỉ tiêu"), strict=True):
        cell.text = text
    number = 0
    for group_code, group_row, rows in LISTED:
        cells = table.add_row().cells
        cells[1].text, cells[2].text = group_code, group_row
        for code, name in rows:
            number += 1
            cells = table.add_row().cells
            cells[0].text, cells[1].text, cells[2].text = str(number), code, name
    for line in annex_two_lines(formula="FORMULA-TABLE"):
        if line == "FORMULA-TABLE":
            formula = document.add_table(rows=2, cols=4)
            for row, texts in zip(formula.rows, FORMULA_CELLS, strict=True):
                for cell, text in zip(row.cells, texts, strict=True):
                    cell.text = text
        else:
            document.add_paragraph(line)
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()
