"""Local indicators (``gemis.indicators.local``): elements and the unit's form made for them, what
may change once values exist, deletion, aggregation, and who reads the unit's form."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError

from gemis.indicators import local
from gemis.indicators.aggregate import indicator_value
from gemis.indicators.catalog import ensure_categories
from gemis.indicators.models import DataElement, Dataset, IndicatorKind, Periodicity, Target
from gemis.indicators.testing import put
from gemis.orgs import access

pytestmark = pytest.mark.django_db

WORDS = {"name": "Tỷ lệ nữ tổ trưởng tổ dân phố", "periodicity": Periodicity.YEAR}


@pytest.fixture(autouse=True)
def categories(db):
    ensure_categories()


def make(world, code="51-01", kind=IndicatorKind.PERCENTAGE, categories=("sex",), **words):
    return local.create_local_indicator(world.province, code, kind, list(categories), {**WORDS, **words})


def test_a_percentage_gets_numerator_and_denominator_broken_down_by_sex(world):
    indicator = make(world)
    assert not indicator.is_national and indicator.owner_unit == world.province
    assert indicator.numerator == [{"element": "51-01.numerator"}]
    assert indicator.denominator == [{"element": "51-01.denominator"}]
    numerator = DataElement.objects.get(code="51-01.numerator")
    assert set(numerator.category_combo.option_combos.values_list("code", flat=True)) >= {"male", "female"}
    dataset = Dataset.objects.get(owner_unit=world.province)
    assert set(dataset.data_elements.values_list("code", flat=True)) == {
        "51-01.numerator",
        "51-01.denominator",
    }
    assert dataset.name == "Chỉ tiêu riêng — Tỉnh Thử Nghiệm"


def test_a_quarterly_count_goes_to_the_units_quarterly_form(world):
    indicator = make(world, "51-02", IndicatorKind.COUNT, (), periodicity=Periodicity.QUARTER)
    quarterly = Dataset.objects.get(owner_unit=world.province, period_type="quarter")
    assert list(quarterly.data_elements.values_list("code", flat=True)) == ["51-02.value"]
    # Made yearly before any value: it moves to the yearly form, the empty quarterly one goes.
    local.update_local_indicator(
        indicator, IndicatorKind.COUNT, [], {**WORDS, "periodicity": Periodicity.YEAR}
    )
    assert [d.period_type for d in Dataset.objects.filter(owner_unit=world.province)] == ["year"]


def test_codes_are_unique(world):
    make(world)
    with pytest.raises(ValidationError) as error:
        make(world)
    assert "51-01" in str(error.value.message_dict["code"])


def test_values_of_the_units_below_add_up_and_the_ratio_is_recomputed(world):
    indicator = make(world)
    numerator, denominator = (
        DataElement.objects.get(code=f"51-01.{r}") for r in ("numerator", "denominator")
    )
    put(numerator, world.commune_a, "2025", 3, "female")
    put(denominator, world.commune_a, "2025", 10, "female")
    put(numerator, world.district_b, "2025", 1, "female")
    put(denominator, world.district_b, "2025", 10, "female")
    for element, unit in ((numerator, world.commune_a), (denominator, world.commune_a)):
        put(element, unit, "2025", 0, "male")  # a ratio takes a unit only with every cell of both sides
    for element in (numerator, denominator):
        put(element, world.district_b, "2025", 0, "male")
    assert indicator_value(indicator, world.province, "2025").value == pytest.approx(
        20.0
    )  # 4 / 20, not (30+10)/2


def test_words_change_any_time_but_not_the_shape_once_values_exist(world):
    indicator = make(world)
    changed = local.update_local_indicator(
        indicator, IndicatorKind.PERCENTAGE, ["sex"], {**WORDS, "name": "Tỷ lệ nữ tổ trưởng"}
    )
    assert changed.name == "Tỷ lệ nữ tổ trưởng" and changed.version == indicator.version + 1
    # Before any value: a new breakdown makes new elements.
    reshaped = local.update_local_indicator(changed, IndicatorKind.PERCENTAGE, ["sex", "ethnicity"], WORDS)
    combo = DataElement.objects.get(code="51-01.numerator").category_combo
    assert set(combo.categories.values_list("code", flat=True)) == {"sex", "ethnicity"}
    put(DataElement.objects.get(code="51-01.numerator"), world.commune_a, "2025", 1, "female|kinh")
    with pytest.raises(ValidationError, match="không thể thay đổi"):
        local.update_local_indicator(reshaped, IndicatorKind.COUNT, ["sex"], WORDS)
    with pytest.raises(ValidationError):
        local.update_local_indicator(
            reshaped, reshaped.kind, ["sex", "ethnicity"], {**WORDS, "periodicity": "quarter"}
        )


def test_delete_only_without_values(world):
    indicator = make(world)
    Target.objects.create(indicator=indicator, org_unit=world.province, year=2030, comparator=">=", value=30)
    local.delete_local_indicator(indicator)
    assert not DataElement.objects.filter(code__startswith="51-01.").exists()
    assert not Target.objects.exists()
    assert not Dataset.objects.filter(owner_unit=world.province).exists()  # an empty form is not offered
    kept = make(world, "51-03", IndicatorKind.COUNT, ())
    put(DataElement.objects.get(code="51-03.value"), world.commune_a, "2025", 5, "default")
    with pytest.raises(ValidationError):
        local.delete_local_indicator(kept)


def test_the_units_form_is_read_by_its_units_and_those_below_not_by_another_province(world):
    make(world)
    dataset = Dataset.objects.get(owner_unit=world.province)
    readable = lambda user: access.filter_for(user, Dataset.objects.all()).filter(pk=dataset.pk).exists()  # noqa: E731
    assert readable(world.province_coordinator)
    assert readable(world.district_a_coordinator)  # the district reports into the province's form
    assert not readable(world.other_coordinator)


def test_suggested_codes_follow_the_unit(world):
    assert local.suggested_code(world.province) == "91-01"
    make(world, "91-01", IndicatorKind.COUNT, ())
    assert local.suggested_code(world.province) == "91-02"
