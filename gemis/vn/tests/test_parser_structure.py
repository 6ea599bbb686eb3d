"""The section tree: markers, nesting, paths, parts."""

from __future__ import annotations

import pytest

from gemis.vn.parser.structure import build_tree, classify, part_of


@pytest.mark.parametrize(
    ("line", "kind", "label"),
    [
        ("I. MỤC ĐÍCH, YÊU CẦU", "roman", "I"),
        ("IV. TỔ CHỨC THỰC HIỆN", "roman", "IV"),
        ("1. Sở Nội vụ:", "number", "1"),
        ("3.1. Chương trình truyền thông", "decimal", "3.1"),
        ("(2) Tập huấn cho cán bộ", "item", "2"),
        ("b) Chủ trì, phối hợp", "letter", "b"),
        ("đ) Hướng dẫn các đơn vị", "letter", "đ"),
        ("- Tăng cường tuyên truyền", "dash", "-"),
        ("+ Thời gian: hằng tháng", "plus", "+"),
        ("II/ NỘI DUNG", "roman", "II"),
        ("1/ Tuyên truyền", "number", "1"),
        ("a/ Sở Y tế:", "letter", "a"),
        ("– Tổ chức hội nghị", "dash", "-"),
        ("V/v triển khai công tác", "para", ""),
        ("15/11/2020 là ngày", "para", ""),
        ("2020 là năm", "para", ""),
    ],
)
def test_classify(line, kind, label):
    assert classify(line)[:2] == (kind, label)


def test_nesting_and_paths():
    text = "\n".join(
        [
            "Căn cứ Kế hoạch số 1/KH-UBND",
            "II. NỘI DUNG",
            "1. Tuyên truyền",
            "- Tổ chức hội nghị",
            "3.1. Chương trình truyền thông",
            "Các cơ quan căn cứ nhiệm vụ",
            "IV. TỔ CHỨC THỰC HIỆN",
            "1. Sở Lao động - Thương binh và Xã hội:",
            "a) Là cơ quan thường trực",
            "b) Chủ trì tổ chức",
        ]
    )
    root = build_tree(text)
    preamble, content, implementation = root.children
    assert preamble.kind == "para"
    assert [n.path() for n in content.walk() if n.kind != "para"] == ["II.1", "II.1", "II.3.1"]
    assert [n.path() for n in implementation.walk()] == ["IV.1", "IV.1.a", "IV.1.b"]
    paragraph = content.children[1].children[0]
    assert paragraph.text == "Các cơ quan căn cứ nhiệm vụ" and paragraph.parent.label == "3.1"
    assert text[content.start : content.start + 12] == "II. NỘI DUNG"


def test_parts_from_titles():
    assert part_of("MỤC ĐÍCH, YÊU CẦU") == "purpose"
    assert part_of("CHỈ TIÊU") == "purpose"
    assert part_of("KINH PHÍ THỰC HIỆN") == "budget"
    assert part_of("TỔ CHỨC THỰC HIỆN") == "implementation"
    assert part_of("NHIỆM VỤ VÀ GIẢI PHÁP") == "content"
    assert (
        part_of("Tổ chức thực hiện các hoạt động truyền thông về bình đẳng giới trong lĩnh vực chính trị")
        == "content"
    )


def test_section_tree_in_the_json():
    from gemis.vn.parser import parse_text

    sections = parse_text(
        "II. NHIỆM VỤ\n1. Truyền thông\n- Tổ chức\nIII. TỔ CHỨC THỰC HIỆN\n1. Sở Y tế:"
    ).to_dict()["sections"]
    assert [(s["path"], s["part"]) for s in sections] == [("II", "content"), ("III", "implementation")]
    assert sections[0]["children"][0]["title"] == "Truyền thông"


def test_a_title_that_names_tasks_is_content():
    assert part_of("MỤC TIÊU, NHIỆM VỤ VÀ GIẢI PHÁP") == "content"
    assert part_of("CHỈ TIÊU VÀ NỘI DUNG HOẠT ĐỘNG") == "content"
    assert part_of("MỤC ĐÍCH, YÊU CẦU") == "purpose"
