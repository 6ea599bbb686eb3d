# ruff: noqa: E501 - Vietnamese plan text is kept one sentence a line
"""What surrounds the body: grounds without a number, the signature block, the place; requests in a news item's prose."""

from __future__ import annotations

from pathlib import Path

import pytest

from gemis.vn.parser import parse_bytes, parse_text

SEEDS = Path(__file__).resolve().parents[3].parent / "shared" / "seeds"

COMMUNE_PLAN = """ỦY BAN NHÂN DÂN
XÃ HÒA PHÚ
Số: 45/KH-UBND
Hòa Phú, ngày 05 tháng 3 năm 2026
KẾ HOẠCH
Thực hiện công tác bình đẳng giới trên địa bàn xã năm 2026
Căn cứ Luật Bình đẳng giới năm 2006;
Căn cứ Luật Tổ chức chính quyền địa phương ngày 19 tháng 6 năm 2025;
Căn cứ Kế hoạch số 120/KH-UBND ngày 20/01/2026 của UBND tỉnh về công tác bình đẳng giới năm 2026;
Căn cứ tình hình thực tế của địa phương, Ủy ban nhân dân xã ban hành Kế hoạch như sau:
I. MỤC ĐÍCH, YÊU CẦU
Nâng cao nhận thức của cán bộ và người dân về bình đẳng giới.
II. NỘI DUNG
1. Tổ chức tuyên truyền Luật Bình đẳng giới trên loa truyền thanh xã. Phòng Văn hóa - Xã hội chủ trì, phối hợp với Đoàn Thanh niên xã thực hiện; thời gian: trong quý II/2026.
Nơi nhận:
- UBND tỉnh;
- Lưu: VT.
TM. ỦY BAN NHÂN DÂN
KT. CHỦ TỊCH
PHÓ CHỦ TỊCH
Nguyễn Thị Lan
"""

NEWS = """Bình Phước: Triển khai Tháng hành động vì bình đẳng giới năm 2026
Thứ hai - 12/10/2026 08:30
Ngày 08/10/2026, UBND tỉnh ban hành Công văn số 3456/UBND-KGVX về việc tổ chức Tháng hành động vì bình đẳng giới năm 2026.
Theo đó, UBND tỉnh yêu cầu các sở, ban, ngành, đoàn thể tỉnh và UBND các huyện, thị xã, thành phố xây dựng kế hoạch hưởng ứng Tháng hành động, hoàn thành trước ngày 10/11/2026. UBND tỉnh giao Sở Nội vụ chủ trì, phối hợp với Hội Liên hiệp Phụ nữ tỉnh tổ chức lễ phát động cấp tỉnh trước ngày 15/11/2026. Đồng thời, đề nghị Báo và Phát thanh, Truyền hình Bình Phước mở chuyên mục đưa tin về các hoạt động của Tháng hành động.
Tác giả: Minh Anh
Tin liên quan
"""


def test_grounds_without_a_number_are_kept_with_their_kind_and_date():
    data = parse_text(COMMUNE_PLAN).to_dict()
    bases = [(b["kind"], b["title"], b["date"]) for b in data["bases"]]
    assert bases == [
        ("Luật", "Bình đẳng giới năm 2006", None),
        ("Luật", "Tổ chức chính quyền địa phương", "2025-06-19"),
        (None, "tình hình thực tế của địa phương", None),
    ]
    start, end = data["bases"][0]["span"]
    assert data["text"][start:end] == "Luật Bình đẳng giới năm 2006"
    # The numbered one stays a reference, not a second basis.
    assert [r["number"] for r in data["references"]] == ["120/KH-UBND"]


def test_a_subject_line_starting_with_thuc_hien_is_no_ground():
    data = parse_text(
        "KẾ HOẠCH\nThực hiện Chương trình phòng ngừa bạo lực trên cơ sở giới năm 2024\nI. MỤC TIÊU\n- Giảm bạo lực."
    ).to_dict()
    assert data["bases"] == []


def test_signature_block_after_the_recipients():
    data = parse_text(COMMUNE_PLAN).to_dict()
    assert data["signature"]["title"] == "TM. ỦY BAN NHÂN DÂN / KT. CHỦ TỊCH / PHÓ CHỦ TỊCH"
    assert data["signature"]["name"] == "Nguyễn Thị Lan"
    assert data["place"] == "Hòa Phú"


def test_no_signature_in_a_news_item():
    data = parse_text(NEWS).to_dict()
    assert data["signature"] is None


def test_news_item_requests_in_prose_become_tasks_with_lead_and_deadline():
    data = parse_text(NEWS).to_dict()
    tasks = [(t["lead"], t["partners"], t["deadline"]["kind"], t["deadline"]["date"]) for t in data["tasks"]]
    assert tasks == [
        (
            ["các sở, ban, ngành, đoàn thể tỉnh", "UBND các huyện, thị xã, thành phố"],
            [],
            "date",
            "2026-11-10",
        ),
        (["Sở Nội vụ"], ["Hội Liên hiệp Phụ nữ tỉnh"], "date", "2026-11-15"),
        (["Báo và Phát thanh, Truyền hình Bình Phước"], [], "unspecified", None),
    ]
    second = data["tasks"][1]
    assert second["full_text"].startswith("giao Sở Nội vụ chủ trì") and second["full_text"].endswith(
        "15/11/2026."
    )
    start, end = second["span"]
    assert data["text"][start:end] == second["full_text"]
    assert "no_tasks" not in data["warnings"]


def test_prose_without_requests_gives_no_task():
    data = parse_text(
        "Tin tức\nNgày 08/10/2026, UBND tỉnh tổ chức hội nghị tổng kết công tác bình đẳng giới."
    ).to_dict()
    assert data["tasks"] == [] and "no_tasks" in data["warnings"]


@pytest.mark.parametrize("name", ["002_ff45fee6b7a866cd.txt", "003_12824c9fd75b554e.txt"])
def test_real_letters_give_their_signer(name):
    path = SEEDS / name
    if not path.exists():
        pytest.skip(f"{path} is not here (shared/seeds holds real documents, not part of the project)")
    data = parse_bytes(path.read_bytes(), name).to_dict()
    assert data["signature"] is not None and data["signature"]["name"]
