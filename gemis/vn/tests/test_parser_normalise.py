# ruff: noqa: E501 - Vietnamese plan text is kept one sentence a line
"""Normalisation: NFC, spaces, broken lines, page numbers, footnote markers and texts."""

from __future__ import annotations

import unicodedata

from gemis.vn.parser.normalise import normalise


def test_nfc_and_spaces():
    text = unicodedata.normalize("NFD", "Kế  hoạch\u00a0số\t12/KH-UBND") + "\u200b"
    assert normalise(text).text == "Kế hoạch số 12/KH-UBND"


def test_line_broken_mid_sentence_is_joined_even_across_a_page_gap():
    text = (
        "- Nghiên cứu xây dựng Quy chế phối hợp trong phòng ngừa và ứng phó\n\nvới bạo lực trên cơ sở giới."
    )
    assert normalise(text).text == (
        "- Nghiên cứu xây dựng Quy chế phối hợp trong phòng ngừa và ứng phó với bạo lực trên cơ sở giới."
    )


def test_a_new_item_is_never_glued_to_the_line_before():
    text = "1. Tuyên truyền\n- Tổ chức hội nghị\na) Sở Y tế"
    assert normalise(text).text == text


def test_page_numbers_are_dropped():
    text = "- Tổ chức tập huấn cho cán bộ\n2\n- Kiểm tra việc thực hiện\n- 3 -\nTrang 4/5\n- Báo cáo kết quả"
    assert (
        normalise(text).text == "- Tổ chức tập huấn cho cán bộ\n- Kiểm tra việc thực hiện\n- Báo cáo kết quả"
    )


def test_footnote_texts_move_after_the_body_and_markers_leave_the_words():
    text = (
        "- Triển khai thi hành Luật¹. Thực hiện các nhiệm vụ đề\n\n"
        "¹ Nghị định 70/2008/NĐ-CP ngày 04/6/2008 của Chính phủ.\n\n"
        "ra trong Kế hoạch."
    )
    result = normalise(text)
    body, notes = result.text[: result.footnotes_start], result.text[result.footnotes_start :]
    assert body.strip() == "- Triển khai thi hành Luật. Thực hiện các nhiệm vụ đề ra trong Kế hoạch."
    assert notes == "¹ Nghị định 70/2008/NĐ-CP ngày 04/6/2008 của Chính phủ."
    assert result.markers == 1
    marker, start, end = result.footnotes[0]
    assert marker == "1" and result.text[start:end] == notes


def test_two_dash_items_on_one_line_are_split():
    text = "- Tổ chức gặp mặt nhân dịp 8/3; - Tăng cường phối hợp tổ chức giao lưu."
    assert normalise(text).text == "- Tổ chức gặp mặt nhân dịp 8/3;\n- Tăng cường phối hợp tổ chức giao lưu."


def test_markdown_emphasis_is_removed():
    assert normalise("gửi về Phòng **trước ngày 01/12/2024** (*Ban VSTBCPN tỉnh*)").text == (
        "gửi về Phòng trước ngày 01/12/2024 (Ban VSTBCPN tỉnh)"
    )


def test_hard_wrapped_lines_are_joined_but_short_lines_end_paragraphs():
    text = (
        "3. Tháng hành động\n"
        "Treo băng rôn, khẩu hiệu tại trụ sở Ủy ban nhân dân xã và\n"
        "Nhà văn hóa các thôn trong thời gian diễn ra Tháng hành động.\n"
        "- Tổ chức mít tinh"
    )
    assert normalise(text, hard_wrapped=True).text == (
        "3. Tháng hành động\n"
        "Treo băng rôn, khẩu hiệu tại trụ sở Ủy ban nhân dân xã và Nhà văn hóa các thôn trong thời gian diễn ra "
        "Tháng hành động.\n- Tổ chức mít tinh"
    )


def test_never_fails_on_odd_input():
    for text in ("", "\n\n\n", "¹", "-", "\x00\x01", "a\rb\r\nc\fd"):
        normalise(text)


def test_footnotes_whose_markers_are_plain_digits():
    text = (
        "- Tham mưu xây dựng Kế hoạch triển khai Chiến lược quốc gia về\n\n"
        "1 Nghị định 70/2008/NĐ-CP ngày 04/6/2008 của Chính phủ.\n\n"
        "2 Hội Liên hiệp Phụ nữ tỉnh thực hiện theo Kế hoạch 808/KH-ĐCT ngày 20/7/2020.\n\n"
        "bình đẳng giới giai đoạn 2021-2030.\n"
        "2 lớp tập huấn được tổ chức."
    )
    result = normalise(text)
    assert [marker for marker, _, _ in result.footnotes] == ["1", "2"]
    assert result.text.startswith(
        "- Tham mưu xây dựng Kế hoạch triển khai Chiến lược quốc gia về bình đẳng giới giai đoạn 2021-2030.\n"
        "2 lớp tập huấn được tổ chức."
    )


def test_hard_wrapped_footnotes_and_items_run_together():
    text = "\n".join(
        [
            "- Tổ chức gặp mặt cán bộ nữ lãnh đạo chủ chốt cấp tỉnh và các huyện, thành phố nhân dịp kỷ",
            "niệm ngày Quốc tế phụ nữ 8/3 và ngày Phụ nữ Việt Nam 20/10/2020; - Tăng cường phối hợp tổ",
            "chức các hoạt động giao lưu, học tập kinh nghiệm giữa các Ban vì sự tiến bộ của phụ nữ.",
        ]
    )
    assert normalise(text, hard_wrapped=True).text.split("\n") == [
        "- Tổ chức gặp mặt cán bộ nữ lãnh đạo chủ chốt cấp tỉnh và các huyện, thành phố nhân dịp kỷ niệm ngày "
        "Quốc tế phụ nữ 8/3 và ngày Phụ nữ Việt Nam 20/10/2020;",
        "- Tăng cường phối hợp tổ chức các hoạt động giao lưu, học tập kinh nghiệm giữa các Ban vì sự tiến bộ của "
        "phụ nữ.",
    ]
