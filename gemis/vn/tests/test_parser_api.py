"""The parser's public API: Django-free import, the JSON contract, errors with both languages."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from gemis.vn.parser import MAX_BYTES, ParseError, parse_bytes, parse_file, parse_text

SAMPLES = Path(__file__).parent / "samples"
ROOT = Path(__file__).resolve().parents[3]


def test_parse_text_gives_every_schema_key():
    data = parse_text(
        "KẾ HOẠCH\nTriển khai công tác bình đẳng giới\nI. NỘI DUNG\n- Tổ chức tập huấn."
    ).to_dict()
    for key in ("document", "references", "tasks", "reports", "targets", "sections", "text"):
        assert key in data
    for key in ("kind", "number", "issuer", "date", "subject"):
        assert key in data["document"]
    json.dumps(data, ensure_ascii=False)


def test_task_offsets_point_into_the_text():
    data = parse_text(
        "II. NHIỆM VỤ\n1. Tuyên truyền\n- Sở Y tế tổ chức tập huấn trước ngày 15/5/2025."
    ).to_dict()
    task = data["tasks"][0]
    start, end = task["span"]
    assert data["text"][start:end] == task["text"]
    lead_start, lead_end = task["lead_spans"][0]
    assert data["text"][lead_start:lead_end] == "Sở Y tế"
    d_start, d_end = task["deadline_span"]
    assert "15/5/2025" in data["text"][d_start:d_end]


def test_parse_error_has_both_languages_and_a_code():
    with pytest.raises(ParseError) as info:
        parse_bytes(b"", "empty.txt")
    error = info.value
    assert error.code == "empty"
    assert str(error) == "Lỗi: tệp rỗng. / Error: the file is empty."
    assert error.to_dict()["message_en"] == "The file is empty."


def test_missing_file(tmp_path):
    with pytest.raises(ParseError) as info:
        parse_file(tmp_path / "nothing.txt")
    assert info.value.code == "not_found"


def test_size_limit_is_named(tmp_path):
    big = tmp_path / "big.txt"
    with big.open("wb") as handle:
        handle.truncate(MAX_BYTES + 1)
    with pytest.raises(ParseError) as info:
        parse_file(big)
    assert info.value.code == "too_large"
    assert "50 MB" in info.value.message_vi
