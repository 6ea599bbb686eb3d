"""The catalog loader on a small file of its own; the real files are checked if present."""

from __future__ import annotations

from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command

from gemis.indicators import loader
from gemis.indicators.catalog import combo_for, ensure_categories
from gemis.indicators.models import (
    Comparator,
    DataElement,
    DataValue,
    Indicator,
    IndicatorGroup,
    IndicatorKind,
    NationalTarget,
    Period,
    Periodicity,
    Target,
)
from gemis.orgs.models import Scheme
from gemis.orgs.testing import make_unit

CATALOG = """
[source]
document = "Thông tư số 10/2019/TT-BKHĐT"
date = 2019-07-30
citation = "Phụ lục II"

[[group]]
code = "01"
name_vi = "Dân số"
name_en = "Population"

[[group]]
code = "02"
name_vi = ""
name_en = ""

[[indicator]]
code = "0101"
group = "01"
name_vi = "Dân số"
name_en = "Population"
definition_vi = "Tổng số người"
formula_vi = "Tổng số người"
unit_vi = "người"
kind = "count"
disaggregations = ["sex", "province"]
disaggregation_vi = "Giới tính; tỉnh"
periodicity = "year"
periodicity_vi = "Năm"
source_vi = "Điều tra"
responsible_agency_vi = "Tổng cục Thống kê"
citation = "Phụ lục II, 0101"
note = ""

[[indicator]]
code = "0102"
group = "01"
name_vi = "Tỷ số giới tính khi sinh"
name_en = "Sex ratio at birth"
definition_vi = ""
formula_vi = "Số bé trai / số bé gái × 100"
unit_vi = "bé trai/100 bé gái"
kind = "ratio_per_100"
disaggregations = ["urban_rural"]
disaggregation_vi = ""
periodicity = "year"
periodicity_vi = ""
source_vi = ""
responsible_agency_vi = ""
citation = ""
note = ""

[[indicator]]
code = "0201"
group = "02"
name_vi = "Tỷ lệ biết chữ"
name_en = "Literacy rate"
definition_vi = ""
formula_vi = ""
unit_vi = "%"
kind = "percentage"
disaggregations = ["sex", "age_group"]
disaggregation_vi = ""
periodicity = "five_years"
periodicity_vi = ""
source_vi = ""
responsible_agency_vi = ""
citation = ""
note = ""

[[indicator]]
code = "0107"
group = "01"
name_vi = "Tuổi kết hôn trung bình lần đầu"
name_en = "Average age at first marriage"
definition_vi = ""
formula_vi = ""
unit_vi = "năm"
kind = "mean"
disaggregations = []
disaggregation_vi = ""
periodicity = "other"
periodicity_vi = ""
source_vi = ""
responsible_agency_vi = ""
citation = ""
note = ""

[[indicator]]
code = "0301"
group = "02"
name_vi = "Chỉ số phát triển giới"
name_en = "Gender development index"
definition_vi = ""
formula_vi = ""
unit_vi = ""
kind = "index"
disaggregations = []
disaggregation_vi = ""
periodicity = "year"
periodicity_vi = ""
source_vi = ""
responsible_agency_vi = ""
citation = ""
note = ""
"""

TARGETS = """
[source]
document = "Nghị quyết số 28/NQ-CP"
date = 2021-03-03

[[objective]]
number = 2
name_vi = "Trong lĩnh vực kinh tế, lao động"
name_en = "In the economic and labour field"

[[target]]
code = "NQ28-2.3"
objective = 2
text_vi = "Tỷ lệ nữ giám đốc/chủ doanh nghiệp, hợp tác xã đạt ít nhất 27% vào năm 2025 và 30% vào năm 2030."
name_en = "Share of women among directors"
indicator = ""
comparator = ">="
value_2025 = 27.0
value_2030 = 30.0
unit_vi = "%"
citation = "Nghị quyết 28/NQ-CP, mục I.2.b"
note = ""

[[target]]
code = "NQ28-4.2"
objective = 4
text_vi = "Tỷ số giới tính khi sinh khoảng 111 bé trai/100 bé gái vào năm 2025 và 109 vào năm 2030."
name_en = "Sex ratio at birth"
indicator = "0102"
comparator = "about"
value_2025 = 111.0
value_2030 = 109.0
unit_vi = "bé trai/100 bé gái"
citation = ""
note = ""

[[target]]
code = "NQ28-3.1"
objective = 3
text_vi = "Số giờ làm việc nhà của phụ nữ còn 1,7 lần so với nam giới."
name_en = "Unpaid care"
indicator = ""
comparator = "range"
value_2025 = 1.7
low_2030 = 1.3
high_2030 = 1.5
unit_vi = "lần"
citation = ""
note = ""
"""


@pytest.fixture
def data_dir(tmp_path: Path) -> Path:
    (tmp_path / loader.CATALOG_FILE).write_text(CATALOG, encoding="utf-8")
    (tmp_path / loader.TARGETS_FILE).write_text(TARGETS, encoding="utf-8")
    return tmp_path


def test_catalog_kinds_get_default_formulas(db, data_dir):
    result = loader.load_all(data_dir)
    assert result.indicators.created == 5 + 2  # two targets without a catalog indicator get their own
    population = Indicator.objects.get(code="0101")
    assert population.kind == IndicatorKind.COUNT and population.is_national
    assert population.numerator == [{"element": "0101.value"}] and population.denominator == []
    assert population.group.name == "Dân số"
    assert population.disaggregations == ["sex", "province"]
    srb = Indicator.objects.get(code="0102")
    assert srb.kind == IndicatorKind.PER_100 and srb.multiplier == 100
    assert srb.numerator == [{"element": "0102.numerator"}]
    assert srb.denominator == [{"element": "0102.denominator"}]
    assert Indicator.objects.get(code="0107").kind == IndicatorKind.RATIO
    assert Indicator.objects.get(code="0301").kind == IndicatorKind.VALUE
    assert Indicator.objects.get(code="0201").periodicity == Periodicity.FIVE_YEARS
    assert IndicatorGroup.objects.get(code="02").name == "Nhóm 02"  # no name in the file


def test_data_elements_follow_the_disaggregations(db, data_dir):
    loader.load_all(data_dir)
    cells = lambda code: sorted(  # noqa: E731
        DataElement.objects.get(code=code).category_combo.option_combos.values_list("code", flat=True)
    )
    assert cells("0101.value") == ["female", "male"]  # "province" is the unit tree, not a category
    assert cells("0102.numerator") == ["rural", "urban"]
    assert len(cells("0201.numerator")) == 2 * 4  # sex × age group
    assert cells("0107.denominator") == ["default"]
    assert DataElement.objects.get(code="0301.value").min_value is None  # an index may be negative


def test_targets(db, data_dir):
    loader.load_all(data_dir)
    directors = Indicator.objects.get(code="NQ28-2.3")
    assert directors.kind == IndicatorKind.PERCENTAGE and directors.group.code == "NQ28-2"
    t2025, t2030 = NationalTarget.objects.filter(indicator=directors).order_by("year")
    assert (t2025.year, t2025.comparator, t2025.value) == (2025, Comparator.AT_LEAST, 27.0)
    assert t2030.value == 30.0 and t2030.is_national and t2030.code == "NQ28-2.3"
    srb = Target.objects.get(code="NQ28-4.2", year=2030)
    assert srb.indicator.code == "0102" and srb.comparator == Comparator.ABOUT
    care = Indicator.objects.get(code="NQ28-3.1")
    assert care.kind == IndicatorKind.RATIO
    care_2030 = Target.objects.get(indicator=care, year=2030)
    assert (care_2030.comparator, care_2030.low, care_2030.high) == (Comparator.RANGE, 1.3, 1.5)
    # 2025 gives only a value: a "range" without bounds reads as "about"
    assert Target.objects.get(indicator=care, year=2025).comparator == Comparator.ABOUT


def test_loading_twice_changes_nothing(db, data_dir):
    loader.load_all(data_dir)
    versions = dict(Indicator.objects.values_list("code", "version"))
    again = loader.load_all(data_dir)
    assert again.indicators.created == again.indicators.updated == 0
    assert again.data_elements.created == again.data_elements.updated == 0
    assert again.targets.created == again.targets.updated == 0
    assert again.targets.unchanged == 6
    assert dict(Indicator.objects.values_list("code", "version")) == versions


def test_a_changed_file_updates_with_history_and_keeps_the_formula(db, data_dir):
    loader.load_all(data_dir)
    population = Indicator.objects.get(code="0101")
    population.numerator = [{"element": "0101.value", "options": {}}]  # refined by an administrator
    population.save()
    path = data_dir / loader.CATALOG_FILE
    path.write_text(CATALOG.replace('definition_vi = "Tổng số người"', 'definition_vi = "Số người"'), "utf-8")
    result = loader.load_all(data_dir)
    assert result.indicators.updated == 1
    population.refresh_from_db()
    assert population.definition == "Số người" and population.version == 2
    assert population.numerator == [{"element": "0101.value", "options": {}}]
    assert population.history.count() == 3


def test_command_prints_counts(db, data_dir):
    out = StringIO()
    call_command("load_indicators", data_dir=data_dir, stdout=out)
    text = out.getvalue()
    assert " 7 " in text.splitlines()[1]  # indicators: 7 created


def test_kind_from_the_unit():
    assert loader._kind_from_unit("ca/100.000 trẻ đẻ sống") == IndicatorKind.PER_100000
    assert loader._kind_from_unit("số bé trai/100 bé gái sinh ra sống") == IndicatorKind.PER_100
    assert loader._kind_from_unit("‰ (/1.000)") == IndicatorKind.PER_1000
    assert loader._kind_from_unit("%") == IndicatorKind.PERCENTAGE
    assert loader._kind_from_unit("lần (so với nam giới)") == IndicatorKind.RATIO
    assert loader._kind_from_unit("mốc (1 = đã thực hiện)") == IndicatorKind.VALUE


def test_missing_files_are_reported(db, tmp_path):
    result = loader.load_all(tmp_path)
    assert len(result.warnings) == 2 and result.indicators.created == 0


def test_the_bundled_files_load(db):
    if (
        not (loader.DATA_DIR / loader.CATALOG_FILE).exists()
        or not (loader.DATA_DIR / loader.TARGETS_FILE).exists()
    ):
        pytest.skip("the bundled data files are not there yet")
    result = loader.load_all()
    assert result.indicators.created > 0 and result.targets.created > 0
    targets = loader.read_toml(loader.DATA_DIR / loader.TARGETS_FILE)["target"]
    assert NationalTarget.objects.values("code").distinct().count() == len({t["code"] for t in targets})
    assert loader.load_all().indicators.updated == 0


def test_violence_indicators_are_marked_sensitive_once():
    from gemis.indicators.loader import is_about_violence

    assert is_about_violence("Tỷ lệ người bị bạo lực gia đình được hỗ trợ")
    assert is_about_violence("TỶ LỆ NGƯỜI GÂY BẠO LỰC được tư vấn")
    assert not is_about_violence("Tỷ lệ nữ đại biểu Quốc hội")


# --------------------------------------------------------------------------- the words of the form

# What a commune officer must never read in a row of the form: the formula's roles, in English or in
# Vietnamese, or a target's sentence.
JARGON = ("numerator", "denominator", "tử số", "mẫu số", "%", "năm 2025", "năm 2030")


def test_every_bundled_element_says_in_plain_words_what_to_count_and_in_what(db):
    loader.load_all()
    elements = list(DataElement.objects.all())
    assert len(elements) >= 2 * 16  # every target and indicator of the files has its elements
    for element in elements:
        name = element.name.lower()
        assert not [word for word in JARGON if word in name], (element.code, element.name)
        assert element.code.rsplit(".", 1)[0].lower() not in name, element.code
        assert name.startswith(("số ", "tổng số ", "đã ")), (element.code, element.name)
        assert element.unit_label, element.code
    srb = {e.code: e for e in elements if e.code.startswith("NQ28-4.1.")}
    assert srb["NQ28-4.1.numerator"].name == "Số trẻ em trai sinh ra trong năm"
    assert srb["NQ28-4.1.denominator"].name == "Số trẻ em gái sinh ra trong năm"
    assert srb["NQ28-4.1.numerator"].unit_label == "trẻ"
    leaders = DataElement.objects.get(code="NQ28-1.1.numerator")
    assert (leaders.name, leaders.unit_label) == ("Số cơ quan có lãnh đạo chủ chốt là nữ", "cơ quan")
    assert DataElement.objects.get(code="NQ28-1.1.denominator").name == "Tổng số cơ quan"


def test_elements_that_count_people_of_both_sexes_are_entered_by_sex(db):
    loader.load_all()
    targets = loader.read_toml(loader.DATA_DIR / loader.TARGETS_FILE)["target"]
    by_sex = {
        f"{t['code']}.{role}" for t in targets for role in loader.ROLES if t.get(role, {}).get("by_sex")
    }
    assert {"NQ28-6.1.numerator", "NQ28-6.1.denominator", "NQ28-3.2a.denominator"} <= by_sex
    for element in DataElement.objects.filter(code__startswith="NQ28-"):
        cells = sorted(element.category_combo.option_combos.values_list("code", flat=True))
        assert cells == (["female", "male"] if element.code in by_sex else ["default"]), element.code
    # A figure of the indicator is still the whole population (both sexes), not one of them.
    assert Indicator.objects.get(code="NQ28-6.1").numerator == [{"element": "NQ28-6.1.numerator"}]


def test_indicators_of_targets_have_short_names_and_the_sentence_is_the_targets(db):
    loader.load_all()
    srb = Indicator.objects.get(code="NQ28-4.1")
    assert srb.name == "Tỷ số giới tính khi sinh"
    target = NationalTarget.objects.get(indicator=srb, year=2030)
    assert target.text.startswith("Tỷ số giới tính khi sinh ở mức 111 bé trai")
    for target in NationalTarget.objects.select_related("indicator"):
        assert len(target.indicator.name) < len(target.text), target.code
        assert target.indicator.definition == target.text


def test_an_element_with_values_keeps_its_cells_and_values_when_the_file_splits_it(db):
    """An older database holds one number (no breakdown) for an element the file now splits by sex:
    the number stays where it is, the element takes its new words, the load says what it kept."""
    ensure_categories()
    element = DataElement.objects.create(
        code="NQ28-6.1.numerator", name="Tỷ lệ … (tử số)", category_combo=combo_for([])
    )
    unit = make_unit("Tỉnh Thử", code="99", scheme=Scheme.CURRENT)
    cell = element.category_combo.option_combos.get(code="default")
    value = DataValue.objects.create(
        data_element=element, option_combo=cell, org_unit=unit, period=Period.get("2024"), value=512
    )
    result = loader.load_all()
    element.refresh_from_db()
    value.refresh_from_db()
    assert element.name == "Số người được tiếp cận kiến thức cơ bản về bình đẳng giới"
    assert element.category_combo.code == "default" and value.option_combo == cell and value.value == 512
    assert any("NQ28-6.1.numerator" in warning for warning in result.warnings)


def test_an_element_the_file_does_not_describe_is_named_after_its_indicator_in_vietnamese(db, tmp_path):
    path = tmp_path / "catalog.toml"
    path.write_text(
        '[[indicator]]\ncode = "0999"\nname_vi = "Tỷ lệ thử"\nkind = "percentage"\n'
        '[[indicator]]\ncode = "0998"\nname_vi = "Số thử"\nkind = "count"\n',
        encoding="utf-8",
    )
    loader.load_catalog(path)
    names = dict(DataElement.objects.filter(code__startswith="09").values_list("code", "name"))
    assert names == {
        "0999.numerator": "Tỷ lệ thử (số đếm ở tử số)",
        "0999.denominator": "Tỷ lệ thử (số đếm ở mẫu số)",
        "0998.value": "Số thử",
    }
