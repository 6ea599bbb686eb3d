"""``gemis read-indicator-annex``: from the circular's file to the catalog TOML or the database."""

from __future__ import annotations

import tomllib
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command

from gemis.indicators import loader
from gemis.indicators.annex import read_annex
from gemis.indicators.models import DataElement, Indicator, IndicatorKind
from gemis.indicators.tests import annex_samples


@pytest.fixture
def circular(tmp_path: Path) -> Path:
    path = tmp_path / "thong-tu.docx"
    path.write_bytes(annex_samples.sample_docx())
    return path


def run(*args: str) -> tuple[str, str]:
    out, err = StringIO(), StringIO()
    call_command("read_indicator_annex", *args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def test_writes_the_catalog_file(circular: Path, tmp_path: Path, capsys) -> None:
    target = tmp_path / "catalog.toml"
    run(str(circular), "--out", str(target))
    data = tomllib.loads(target.read_text(encoding="utf-8"))
    assert [item["code"] for item in data["indicator"]] == ["0101", "0102", "0201", "0202"]
    said = capsys.readouterr().err
    assert "Đọc được 2 nhóm và 4 chỉ tiêu từ Thông tư số 99/2031/TT-BTC." in said
    assert "0202: Phụ lục II không có mục “nguồn số liệu”." in said


def test_prints_the_toml_without_out(circular: Path) -> None:
    out, _err = run(str(circular))
    assert tomllib.loads(out)["source"]["document"] == "Thông tư số 99/2031/TT-BTC"


def test_load_creates_the_indicators_with_their_formulas(db, circular: Path) -> None:
    out, _err = run(str(circular), "--load")
    assert "Chỉ tiêu: 4 tạo mới" in out
    ratio = Indicator.objects.get(code="0102")
    assert ratio.kind == IndicatorKind.PER_100 and ratio.is_national
    assert ratio.responsible_agency == "Sở Y tế"
    assert ratio.numerator == [{"element": "0102.numerator"}]
    assert DataElement.objects.filter(code__startswith="0101.").count() == 1
    # The population is broken down by sex, age group and urban/rural: the categories GEMIS collects.
    population = DataElement.objects.get(code="0101.value")
    assert set(population.category_combo.categories.values_list("code", flat=True)) == {
        "sex",
        "age_group",
        "urban_rural",
    }
    again, _err = run(str(circular), "--load")
    assert "Chỉ tiêu: 0 tạo mới, 0 cập nhật, 4 không đổi" in again


def test_compare_with_catalog(db) -> None:
    reading = read_annex(annex_samples.sample_text())
    assert set(loader.compare_with_catalog(reading.indicators).values()) == {"new"}
    loader.load_catalog_data(reading.catalog())
    changed = read_annex(annex_samples.sample_text().replace("Sở Y tế.", "Sở Y tế; Công an tỉnh."))
    assert loader.compare_with_catalog(changed.indicators) == {
        "0101": "unchanged",
        "0102": "changed",
        "0201": "unchanged",
        "0202": "unchanged",
    }


@pytest.mark.parametrize(
    ("content", "name", "message"),
    [
        (b"", "trong.txt", "Lỗi: tệp rỗng."),
        (b"KE HOACH\nnam 2026\n", "kehoach.txt", "Không tìm thấy chỉ tiêu nào"),
        (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 600, "cu.doc", "Lỗi:"),
    ],
)
def test_bad_files_exit_2_with_a_message(
    tmp_path: Path, capsys, content: bytes, name: str, message: str
) -> None:
    path = tmp_path / name
    path.write_bytes(content)
    with pytest.raises(SystemExit) as exit_:
        run(str(path))
    assert exit_.value.code == 2
    assert message in capsys.readouterr().err


def test_missing_file(tmp_path: Path, capsys) -> None:
    with pytest.raises(SystemExit):
        run(str(tmp_path / "khong-co.docx"))
    assert "Lỗi:" in capsys.readouterr().err
