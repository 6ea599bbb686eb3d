"""Numeric targets."""

from __future__ import annotations

from gemis.vn.parser import parse_text


def targets(text: str) -> list[tuple[float, str, str]]:
    return [(t["value"], t["unit"], t["text"]) for t in parse_text(text).to_dict()["targets"]]


def test_percentages_after_a_cue():
    assert targets(
        "nhằm bảo đảm có ít nhất 35% tổng số người trong danh sách ứng cử là phụ nữ. Phấn đấu tỷ lệ nữ "
        "tham gia cấp ủy đạt từ 20% trở lên; giảm ít nhất 10,5% số vụ bạo lực."
    ) == [
        (35, "%", "ít nhất 35% tổng số người trong danh sách ứng cử là phụ nữ"),
        (20, "%", "Phấn đấu tỷ lệ nữ tham gia cấp ủy đạt từ 20% trở lên"),
        (10.5, "%", "giảm ít nhất 10,5% số vụ bạo lực"),
    ]


def test_sex_ratio_at_birth():
    assert targets("Tỷ số giới tính khi sinh không vượt quá 109 bé trai/100 bé gái.") == [
        (109, "bé trai/100 bé gái", "không vượt quá 109 bé trai/100 bé gái")
    ]


def test_a_percentage_that_is_not_a_target():
    assert targets("Năm 2023, số vụ việc được phát hiện chiếm 3% tổng số vụ của năm trước đó") == []
