"""Structural rules of the two catalog data files (TT10/2019 indicators, NQ28/2021 targets).

Plain file checks, no database: the files are facts taken from legal texts and are edited by
hand, so these tests catch a typo before the loader does.
"""

from __future__ import annotations

import tomllib
import unicodedata
from collections import Counter
from pathlib import Path
from typing import Any

import pytest

DATA_DIR = Path(__file__).resolve().parent.parent / "data"
CATALOG = DATA_DIR / "catalog_tt10_2019.toml"
TARGETS = DATA_DIR / "targets_nq28_2021.toml"

KINDS = {"count", "percentage", "ratio_per_100", "rate_per_1000", "mean", "index", "other"}
DISAGGREGATIONS = {
    "sex",
    "age_group",
    "ethnicity",
    "urban_rural",
    "province",
    "region",
    "economic_sector",
    "occupation",
    "education_level",
    "school_level",
    "marital_status",
    "other",
}
PERIODICITIES = {"year", "two_years", "five_years", "ten_years", "other"}
COMPARATORS = {">=", "<=", "range", "about"}

INDICATOR_KEYS = {
    "code",
    "group",
    "name_vi",
    "name_en",
    "definition_vi",
    "formula_vi",
    "unit_vi",
    "kind",
    "disaggregations",
    "disaggregation_vi",
    "periodicity",
    "periodicity_vi",
    "source_vi",
    "responsible_agency_vi",
    "citation",
    "note",
}


def load(path: Path) -> dict[str, Any]:
    with path.open("rb") as handle:
        return tomllib.load(handle)


@pytest.fixture(scope="module")
def catalog() -> dict[str, Any]:
    return load(CATALOG)


@pytest.fixture(scope="module")
def targets() -> dict[str, Any]:
    return load(TARGETS)


def duplicates(values: list[Any]) -> list[Any]:
    return [value for value, count in Counter(values).items() if count > 1]


def strings(node: Any, where: str = ""):
    """Every string in a parsed TOML document, with where it sits."""
    if isinstance(node, str):
        yield where, node
    elif isinstance(node, dict):
        for key, value in node.items():
            yield from strings(key, f"{where}.{key}(key)")
            yield from strings(value, f"{where}.{key}")
    elif isinstance(node, list):
        for index, value in enumerate(node):
            yield from strings(value, f"{where}[{index}]")


# --------------------------------------------------------------------------- both files


@pytest.mark.parametrize("path", [CATALOG, TARGETS], ids=lambda p: p.name)
def test_text_is_nfc(path: Path) -> None:
    raw = path.read_text(encoding="utf-8")
    assert unicodedata.is_normalized("NFC", raw), f"{path.name} is not in NFC"
    for where, text in strings(load(path)):
        assert unicodedata.is_normalized("NFC", text), f"{path.name}{where} is not in NFC"


@pytest.mark.parametrize("path", [CATALOG, TARGETS], ids=lambda p: p.name)
def test_source_names_the_document(path: Path) -> None:
    source = load(path)["source"]
    for key in ("document", "date", "issuer", "title", "citation"):
        assert source.get(key), f"{path.name}: [source] lacks {key}"


# --------------------------------------------------------------------------- indicators


def test_group_codes_are_unique(catalog: dict[str, Any]) -> None:
    codes = [group["code"] for group in catalog["group"]]
    assert not duplicates(codes)
    assert all(len(code) == 2 and code.isdigit() for code in codes), codes


def test_indicator_codes_are_unique_and_four_digits(catalog: dict[str, Any]) -> None:
    codes = [indicator["code"] for indicator in catalog["indicator"]]
    assert not duplicates(codes)
    assert all(len(code) == 4 and code.isdigit() for code in codes), codes


def test_every_indicator_is_in_an_existing_group(catalog: dict[str, Any]) -> None:
    groups = {group["code"] for group in catalog["group"]}
    for indicator in catalog["indicator"]:
        assert indicator["group"] in groups, indicator["code"]
        assert indicator["code"].startswith(indicator["group"]), indicator["code"]


def test_indicators_have_the_agreed_keys(catalog: dict[str, Any]) -> None:
    for indicator in catalog["indicator"]:
        missing = INDICATOR_KEYS - indicator.keys()
        assert not missing, f"{indicator['code']} lacks {sorted(missing)}"
        assert indicator["name_vi"], indicator["code"]


def test_indicator_values_are_from_the_allowed_lists(catalog: dict[str, Any]) -> None:
    for indicator in catalog["indicator"]:
        code = indicator["code"]
        assert indicator["kind"] in KINDS, code
        assert indicator["periodicity"] in PERIODICITIES, code
        assert isinstance(indicator["disaggregations"], list), code
        unknown = set(indicator["disaggregations"]) - DISAGGREGATIONS
        assert not unknown, f"{code}: {sorted(unknown)}"
        assert not duplicates(indicator["disaggregations"]), code


# --------------------------------------------------------------------------- targets


def test_objective_numbers_are_unique(targets: dict[str, Any]) -> None:
    numbers = [objective["number"] for objective in targets["objective"]]
    assert not duplicates(numbers)


def test_target_codes_are_unique(targets: dict[str, Any]) -> None:
    codes = [target["code"] for target in targets["target"]]
    assert not duplicates(codes)
    assert all(code.startswith("NQ28-") for code in codes), codes


def test_every_target_is_under_an_existing_objective(targets: dict[str, Any]) -> None:
    numbers = {objective["number"] for objective in targets["objective"]}
    for target in targets["target"]:
        assert target["objective"] in numbers, target["code"]
        assert target["code"].startswith(f"NQ28-{target['objective']}."), target["code"]


def test_target_comparators_are_allowed(targets: dict[str, Any]) -> None:
    for target in targets["target"]:
        assert target["comparator"] in COMPARATORS, target["code"]


def test_every_target_has_a_2030_value(targets: dict[str, Any]) -> None:
    for target in targets["target"]:
        code = target["code"]
        if target["comparator"] == "range":
            assert isinstance(target.get("low_2030"), int | float), code
            assert isinstance(target.get("high_2030"), int | float), code
            assert target["low_2030"] <= target["high_2030"], code
        else:
            assert isinstance(target.get("value_2030"), int | float), code


def test_target_indicators_exist_in_the_catalog(catalog: dict[str, Any], targets: dict[str, Any]) -> None:
    codes = {indicator["code"] for indicator in catalog["indicator"]}
    for target in targets["target"]:
        if target.get("indicator"):
            assert target["indicator"] in codes, target["code"]
