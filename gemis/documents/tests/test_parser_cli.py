"""``gemis parse-doc`` and ``gemis bench parse``."""

from __future__ import annotations

import io
import json
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.management import call_command

from gemis.documents.bench import plan_document, run_parse
from gemis.vn.tests.samples.support import SAMPLES

ROOT = Path(__file__).resolve().parents[3]


def test_json_on_stdout():
    out = io.StringIO()
    call_command("parse_doc", str(SAMPLES / "district_plan.txt"), "--format", "json", stdout=out)
    data = json.loads(out.getvalue())
    assert data["document"]["number"] == "87/KH-UBND"
    assert data["tasks"] and data["references"]


def test_text_summary_in_vietnamese():
    out = io.StringIO()
    call_command("parse_doc", str(SAMPLES / "department_plan.txt"), "--format", "text", stdout=out)
    summary = out.getvalue()
    assert "Văn bản: Kế hoạch số 1520/KH-SYT" in summary
    assert "Nhiệm vụ (" in summary and "chủ trì: Chi cục Dân số - Kế hoạch hóa gia đình" in summary


@pytest.mark.parametrize(
    ("content", "message"),
    [(b"", "Lỗi: tệp rỗng. / Error: the file is empty.")],
)
def test_unreadable_file_exits_2_with_one_line(tmp_path, content, message):
    path = tmp_path / "bad.txt"
    path.write_bytes(content)
    proc = subprocess.run(
        [sys.executable, "-m", "gemis.cli", "parse-doc", str(path)], capture_output=True, text=True, cwd=ROOT
    )
    assert proc.returncode == 2
    assert proc.stdout == ""
    assert proc.stderr.strip().splitlines() == [message]


def test_missing_file_exits_2(tmp_path):
    proc = subprocess.run(
        [sys.executable, "-m", "gemis.cli", "parse-doc", str(tmp_path / "none.pdf")],
        capture_output=True, text=True, cwd=ROOT,
    )  # fmt: skip
    assert proc.returncode == 2
    assert (
        proc.stderr.startswith("Lỗi: không tìm thấy tệp") and "Error: the file does not exist" in proc.stderr
    )


def test_bench_document_has_the_asked_size_and_parses():
    data = plan_document(30 * 1024)
    assert 29 * 1024 < len(data) < 33 * 1024
    out = io.StringIO()
    figures = run_parse({"size": 10, "repeat": 3, "big": 60}, out)
    assert [f.unit for f in figures] == ["ms", "ms", "s", ""]
    assert "tasks" in out.getvalue()
