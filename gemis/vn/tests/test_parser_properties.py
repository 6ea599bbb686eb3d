"""Property-based tests: the parser never raises on text, and what it reports stays inside the text."""

from __future__ import annotations

import json

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from gemis.vn.parser import parse_text
from gemis.vn.parser.normalise import normalise

# Pieces of real plan lines, so that generated text reaches every extractor, not only the fallbacks.
FRAGMENTS = [
    "I. MỤC ĐÍCH, YÊU CẦU", "II. NỘI DUNG", "IV. TỔ CHỨC THỰC HIỆN", "1. Sở Y tế:", "2.", "3.1.", "a)", "đ)",
    "- ", "+ ", "(1) ", "Thực hiện:", "Thời gian:", "Chủ trì:", "Phối hợp:", "Số: 12/KH-UBND", "Số: /UBND",
    "Kon Tum, ngày 12 tháng 4 năm 2021", "ngày  tháng 4 năm", "KẾ HOẠCH", "V/v", "Kính gửi:", "Nơi nhận:",
    "Trên đây là", "./.", "Căn cứ Nghị quyết số 28/NQ-CP ngày 03/3/2021 của Chính phủ", "11- NQ/TW",
    "1170 /CTr-BVSTBPN", "2792/LĐT BXH-BĐG", "từ ngày 15/11 đến ngày 15/12/2020", "trước ngày 31/2",
    "trong tháng 13/2021", "quý IV/2024", "thường xuyên", "hằng năm", "khi có", "nhân dịp", "báo cáo",
    "gửi về Phòng LĐTBXH", "ít nhất 35%", "109 bé trai/100 bé gái", "Đề nghị", "Giao", "là Giám đốc",
    "phối hợp với các sở, ban, ngành", "UBND các huyện, thị xã", "(gọi tắt là", ")", "(", "¹", "²",
    "Ủy ban nhân dân", "Hội Liên hiệp Phụ nữ tỉnh", "\n", "\n\n", ", ", "; ", ". ", ":", " và ", "các",
]  # fmt: skip

plan_like = st.lists(st.one_of(st.sampled_from(FRAGMENTS), st.text(max_size=12)), max_size=80).map("".join)


def check(text: str) -> None:
    result = parse_text(text)
    data = result.to_dict()
    json.dumps(data, ensure_ascii=False)
    n = len(data["text"])
    for task in data["tasks"]:
        start, end = task["span"]
        assert 0 <= start <= end <= n
        assert data["text"][start:end] == task["full_text"]
        for span in task["lead_spans"] + task["partner_spans"]:
            assert 0 <= span[0] <= span[1] <= n
        assert task["deadline"]["kind"] in ("date", "month", "range", "recurring", "event", "unspecified")
    for item in data["references"] + data["reports"] + data["targets"]:
        assert 0 <= item["span"][0] <= item["span"][1] <= n


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.text())
def test_never_raises_on_arbitrary_text(text):
    check(text)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(plan_like)
def test_never_raises_on_plan_like_text(text):
    check(text)


@settings(max_examples=200, deadline=None)
@given(plan_like)
def test_normalising_twice_changes_nothing_more(text):
    once = normalise(text).text
    # footnotes move, so only text without footnote markers is expected to stay as it is
    if not any(mark in once for mark in "⁰¹²³⁴⁵⁶⁷⁸⁹"):
        assert normalise(once).text == once
