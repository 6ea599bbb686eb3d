# ruff: noqa: E501 - Vietnamese plan text is kept one sentence a line
"""Tasks: content items, agency headings, "Thực hiện:" / "Thời gian:" lines, what is not a task."""

from __future__ import annotations

from gemis.vn.parser import parse_text


def tasks(text: str) -> list[dict]:
    return parse_text(text).to_dict()["tasks"]


def test_content_dashes_and_paragraphs_under_headings():
    found = tasks(
        "I. MỤC ĐÍCH, YÊU CẦU\n1. Mục đích\n- Nâng cao nhận thức.\n"
        "II. NỘI DUNG\n1. Tuyên truyền về bình đẳng giới\n- Tổ chức hội nghị.\n- Phát hành tờ gấp.\n"
        "2. Thống kê\nCác cơ quan, đơn vị căn cứ nhiệm vụ được giao thu thập số liệu.\n"
        "III. KINH PHÍ\n- Ngân sách tỉnh.\n"
    )
    assert [(t["section"], t["text"]) for t in found] == [
        ("II.1", "Tổ chức hội nghị."),
        ("II.1", "Phát hành tờ gấp."),
        ("II.2", "Các cơ quan, đơn vị căn cứ nhiệm vụ được giao thu thập số liệu."),
    ]
    assert found[2]["lead"] == ["Các cơ quan, đơn vị"]


def test_program_items_with_their_execution_and_time_lines():
    found = tasks(
        "Ban hành Chương trình với các nhiệm vụ sau:\n"
        "1. Tổ chức tập huấn cho nữ ứng cử viên Hội đồng nhân dân các cấp nhiệm kỳ 2021-2026.\n"
        "- Thực hiện: Phân công Phó Trưởng Ban là Chủ tịch Hội Liên hiệp Phụ nữ tỉnh chủ trì phối hợp với các "
        "đơn vị có liên quan triển khai thực hiện.\n"
        "- Thời gian: Hoàn thành trong tháng 4/2021.\n"
        "2. Tham mưu xây dựng Kế hoạch giai đoạn 2021-2030.\n"
        "- Thực hiện: Giao Sở Lao động - Thương binh và Xã hội chủ trì.\n"
        "- Thời gian: Sau khi có hướng dẫn của Bộ.\n"
        "Căn cứ nhiệm vụ được giao, yêu cầu các thành viên triển khai thực hiện./.\n"
    )
    assert [t["section"] for t in found] == ["1", "2"]
    assert found[0]["lead"] == ["Hội Liên hiệp Phụ nữ tỉnh"]
    assert found[0]["partners"] == ["các đơn vị có liên quan"]
    assert found[0]["deadline"]["kind"] == "month" and found[0]["deadline"]["date"] == "2021-04"
    assert found[1]["lead"] == ["Sở Lao động - Thương binh và Xã hội"]
    assert found[1]["deadline"]["kind"] == "event"


def test_agency_headings_in_the_implementation_part():
    found = tasks(
        "IV. TỔ CHỨC THỰC HIỆN\n"
        "1. Sở Lao động - Thương binh và Xã hội:\n"
        "a) Là cơ quan thường trực, tham mưu UBND tỉnh.\n"
        "b) Chủ trì, phối hợp với các sở, ban, ngành tổ chức Tháng hành động từ ngày 15/11 đến ngày 15/12/2024.\n"
        "2. Sở Y tế:\n"
        "Thực hiện lồng ghép giới trong các chương trình của ngành.\n"
        "Kiểm soát mất cân bằng giới tính khi sinh.\n"
        "3. Sở Tư pháp: Chủ trì đánh giá việc lồng ghép giới trong văn bản quy phạm pháp luật.\n"
        "4. Đề nghị Ủy ban MTTQ Việt Nam tỉnh, Hội Liên hiệp Phụ nữ tỉnh trong phạm vi chức năng tham gia giám sát.\n"
        "Trên đây là Kế hoạch triển khai công tác bình đẳng giới năm 2024./.\n"
    )
    assert [(t["section"], t["lead"]) for t in found] == [
        ("IV.1.a", ["Sở Lao động - Thương binh và Xã hội"]),
        ("IV.1.b", ["Sở Lao động - Thương binh và Xã hội"]),
        ("IV.2", ["Sở Y tế"]),
        ("IV.2", ["Sở Y tế"]),
        ("IV.3", ["Sở Tư pháp"]),
        ("IV.4", ["Ủy ban MTTQ Việt Nam tỉnh", "Hội Liên hiệp Phụ nữ tỉnh"]),
    ]
    assert found[1]["partners"] == ["các sở, ban, ngành"]
    assert found[1]["deadline"] == {
        "kind": "range",
        "date": "2024-11-15",
        "end": "2024-12-15",
        "text": "từ ngày 15/11 đến ngày 15/12/2024",
    }
    assert found[4]["text"] == "Chủ trì đánh giá việc lồng ghép giới trong văn bản quy phạm pháp luật."


def test_sentence_headings_are_tasks_and_titles_are_not():
    found = tasks(
        "3. Triển khai các chương trình\n"
        "3.1. Chương trình truyền thông\n"
        "- Truyền thông các chủ trương, chính sách.\n"
        "3.2. Triển khai thực hiện các nội dung liên quan đến công tác bình đẳng giới trong các chương trình mục tiêu.\n"
        "Đề nghị các cơ quan được phân công chủ trì xây dựng kế hoạch.\n"
    )
    assert [t["section"] for t in found] == ["3.1", "3.2", "3.2"]
    assert found[2]["lead"] == ["các cơ quan"]


def test_a_letter_without_numbered_parts():
    found = tasks(
        "Kính gửi:\n- Các phòng, ban thuộc UBND huyện;\n- UBND các xã.\n"
        "UBND huyện đề nghị các cơ quan thực hiện một số nội dung sau:\n"
        "- Tổ chức tuyên truyền Luật Bình đẳng giới.\n- Báo cáo kết quả trước ngày 10/12/2024.\n"
    )
    assert [t["text"] for t in found] == [
        "Tổ chức tuyên truyền Luật Bình đẳng giới.",
        "Báo cáo kết quả trước ngày 10/12/2024.",
    ]


def test_long_task_text_is_shortened_but_kept_whole():
    body = "Tổ chức tuyên truyền " + "về bình đẳng giới " * 30
    task = tasks(f"II. NỘI DUNG\n1. Tuyên truyền\n- {body}")[0]
    assert len(task["text"]) <= 200 and task["full_text"] == body.strip()
    assert task["full_text"].startswith(task["text"])


def test_parts_above_the_roman_sections():
    found = tasks(
        "A. MỤC ĐÍCH, YÊU CẦU\nI. Mục đích\n- Nâng cao nhận thức.\n"
        "B. NỘI DUNG\nI. CÔNG TÁC TRUYỀN THÔNG\n1. Tuyên truyền\n- Tổ chức hội nghị.\n"
        "C. TỔ CHỨC THỰC HIỆN\nI. Sở Y tế\n- Khám sàng lọc trước ngày 30/6/2024.\n"
    )
    assert [(t["section"], t["lead"]) for t in found] == [("I.1", []), ("I", ["Sở Y tế"])]


def test_lead_named_inside_the_sentence():
    found = tasks("II. NỘI DUNG\n1. Tập huấn\n- Tổ chức tập huấn cho cán bộ cấp xã (Sở Nội vụ chủ trì).\n")
    assert found[0]["lead"] == ["Sở Nội vụ"]


def test_attributes_written_inside_the_item():
    found = tasks(
        "II. NHIỆM VỤ TRỌNG TÂM\n"
        "1. Tổ chức hội thi tìm hiểu Luật Bình đẳng giới. Đơn vị chủ trì: Hội Liên hiệp Phụ nữ huyện; "
        "đơn vị phối hợp: Phòng Văn hóa và Thông tin; thời gian: quý II/2024.\n"
        "2. Tập huấn kỹ năng cho cán bộ (chủ trì: Phòng Nội vụ; thời gian: trước ngày 30/6/2024).\n"
    )
    assert [(t["lead"], t["partners"], t["deadline"]["date"]) for t in found] == [
        (["Hội Liên hiệp Phụ nữ huyện"], ["Phòng Văn hóa và Thông tin"], "2024-04-01"),
        (["Phòng Nội vụ"], [], "2024-06-30"),
    ]


def test_heading_variants_in_the_implementation_part():
    found = tasks(
        "IV - TỔ CHỨC THỰC HIỆN\n1. Đối với Sở Y tế:\n- Khám sàng lọc.\n"
        "2. Sở Lao động - Thương binh và Xã hội: Là cơ quan thường trực, có trách nhiệm:\n- Hướng dẫn thực hiện.\n"
        "3. Trách nhiệm của UBND các huyện, thành phố:\n- Xây dựng kế hoạch.\n"
    )
    assert [(t["section"], t["text"], t["lead"]) for t in found] == [
        ("IV.1", "Khám sàng lọc.", ["Sở Y tế"]),
        ("IV.2", "Hướng dẫn thực hiện.", ["Sở Lao động - Thương binh và Xã hội"]),
        ("IV.3", "Xây dựng kế hoạch.", ["UBND các huyện, thành phố"]),
    ]


def test_signature_block_ends_the_body_without_a_distribution_list():
    found = tasks(
        "II. NỘI DUNG\n1. Tuyên truyền\n- Tổ chức hội nghị.\nKT. CHỦ TỊCH\nPHÓ CHỦ TỊCH\nNguyễn Văn An"
    )
    assert [t["text"] for t in found] == ["Tổ chức hội nghị."]


def test_agency_headings_in_a_part_titled_as_content():
    found = tasks(
        "IV. GIẢI PHÁP VÀ TỔ CHỨC THỰC HIỆN\n1. Sở Y tế\n- Khám sàng lọc cho phụ nữ.\n"
        "2. Công tác truyền thông\n- Tổ chức hội nghị.\n"
    )
    assert [(t["text"], t["lead"]) for t in found] == [
        ("Khám sàng lọc cho phụ nữ.", ["Sở Y tế"]),
        ("Tổ chức hội nghị.", []),
    ]


def test_another_body_named_as_chu_tri_leads_instead_of_the_heading():
    found = tasks(
        "IV. TỔ CHỨC THỰC HIỆN\n1. Sở Y tế:\n"
        "- Phối hợp tổ chức khám sàng lọc (Công an tỉnh chủ trì).\n"
        "- Chủ trì kiểm tra các cơ sở y tế.\n"
        "- Sở Tư pháp chủ trì, phối hợp với Sở Y tế rà soát văn bản.\n"
        "- UBND các huyện chủ động bố trí kinh phí.\n"
    )
    assert [t["lead"] for t in found] == [["Công an tỉnh"], ["Sở Y tế"], ["Sở Tư pháp"], ["Sở Y tế"]]
