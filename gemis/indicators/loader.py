"""Load the national catalog from the TOML data files of ``gemis/indicators/data/``.

* ``catalog_tt10_2019.toml``: the indicators of Thông tư 10/2019/TT-BKHĐT
  (``[source]``, ``[[group]]``, ``[[indicator]]``);
* ``targets_nq28_2021.toml``: the targets of Nghị quyết 28/NQ-CP
  (``[source]``, ``[[objective]]``, ``[[target]]``), one :class:`Target` per
  year given (2025, 2030).

Each indicator gets a default formula from its ``kind`` and the data elements
the formula needs, broken down by the categories among its disaggregations
(sex, age group, ethnicity, urban/rural; the others — province, sector… — are
the unit tree or are not collected here):

=================  ====================  =========================================
catalog ``kind``   GEMIS kind            data elements
=================  ====================  =========================================
count              count                 ``<code>.value``
percentage         percentage (× 100)    ``<code>.numerator``, ``<code>.denominator``
ratio_per_100      per 100               ``<code>.numerator``, ``<code>.denominator``
rate_per_1000      per 1,000             ``<code>.numerator``, ``<code>.denominator``
mean               ratio (× 1)           ``<code>.numerator`` (the sum, e.g. of ages),
                                         ``<code>.denominator`` (the people)
index, other       reported value        ``<code>.value`` (not added up)
=================  ====================  =========================================

A target that names no TT10 indicator gets an indicator of its own, coded like
the target ("NQ28-2.3"), so that it can be measured and forecast; its kind is
read from the unit ("%" → percentage, "…/100…" → per 100, "lần" → ratio).

The formula is written when an indicator is created and left alone afterwards
(an administrator may refine it, e.g. the sex ratio at birth as boys / girls of
one element); the other fields follow the file. Running the load again changes
nothing; every change bumps the version and leaves a history record.
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from django.db import models, transaction
from django.utils.translation import gettext as _

from gemis.indicators.catalog import combo_for, ensure_categories
from gemis.indicators.models import (
    Comparator,
    DataElement,
    DataValue,
    Indicator,
    IndicatorGroup,
    IndicatorKind,
    NationalTarget,
    Periodicity,
    Target,
    TimeAggregation,
)
from gemis.vn.text import fold

DATA_DIR = Path(__file__).resolve().parent / "data"
CATALOG_FILE = "catalog_tt10_2019.toml"
TARGETS_FILE = "targets_nq28_2021.toml"
CATEGORY_DISAGGREGATIONS = ("sex", "age_group", "ethnicity", "urban_rural")
TARGET_YEARS = (2025, 2030)

KIND_MAP: dict[str, str] = {
    "count": IndicatorKind.COUNT,
    "percentage": IndicatorKind.PERCENTAGE,
    "ratio_per_100": IndicatorKind.PER_100,
    "rate_per_1000": IndicatorKind.PER_1000,
    "mean": IndicatorKind.RATIO,
    "index": IndicatorKind.VALUE,
    "other": IndicatorKind.VALUE,
}
PERIODICITY_MAP = {
    "year": Periodicity.YEAR,
    "two_years": Periodicity.TWO_YEARS,
    "five_years": Periodicity.FIVE_YEARS,
    "ten_years": Periodicity.TEN_YEARS,
    "other": Periodicity.OTHER,
}
COMPARATOR_MAP = {
    ">=": Comparator.AT_LEAST,
    "<=": Comparator.AT_MOST,
    "range": Comparator.RANGE,
    "about": Comparator.ABOUT,
}


@dataclass
class Counts:
    created: int = 0
    updated: int = 0
    unchanged: int = 0

    def add(self, outcome: str) -> None:
        setattr(self, outcome, getattr(self, outcome) + 1)


@dataclass
class LoadResult:
    groups: Counts = field(default_factory=Counts)
    indicators: Counts = field(default_factory=Counts)
    data_elements: Counts = field(default_factory=Counts)
    targets: Counts = field(default_factory=Counts)
    warnings: list[str] = field(default_factory=list)

    def lines(self) -> list[str]:
        labels = [
            (_("Indicator groups"), self.groups),
            (_("Indicators"), self.indicators),
            (_("Data elements"), self.data_elements),
            (_("Targets"), self.targets),
        ]
        lines = [
            _("%(label)s: %(created)d created, %(updated)d updated, %(unchanged)d unchanged")
            % {"label": label, "created": c.created, "updated": c.updated, "unchanged": c.unchanged}
            for label, c in labels
        ]
        return lines + self.warnings


def read_toml(path: Path) -> dict[str, Any]:
    with path.open("rb") as handle:
        return tomllib.load(handle)


def _sync(model: type[models.Model], lookup: dict[str, Any], wanted: dict[str, Any]) -> tuple[Any, str]:
    """Create the row or update the fields that differ, bumping the version; returns the outcome."""
    obj = model._default_manager.filter(**lookup).first()
    if obj is None:
        obj = model(**lookup, **wanted)
        obj.save()
        return obj, "created"
    changed = [name for name, value in wanted.items() if getattr(obj, name) != value]
    if not changed:
        return obj, "unchanged"
    for name in changed:
        setattr(obj, name, wanted[name])
    obj.version += 1
    obj.save()
    return obj, "updated"


def _elements_for(kind: str, code: str) -> tuple[list[str], list[str]]:
    """(numerator element codes, denominator element codes) of the default formula."""
    if kind in (IndicatorKind.COUNT, IndicatorKind.SUM, IndicatorKind.VALUE):
        return [f"{code}.value"], []
    return [f"{code}.numerator"], [f"{code}.denominator"]


ROLES = ("value", "numerator", "denominator")
# Said after the indicator's name when the file gives an element no words of its own (an annex read
# from a text): Vietnamese, as the data is, never the English role.
ROLE_SUFFIX = {"numerator": "số đếm ở tử số", "denominator": "số đếm ở mẫu số"}


def _element_name(indicator_name: str, code: str, role: str) -> str:
    """The fallback name of an element the file does not describe."""
    base = indicator_name or code
    return f"{base} ({ROLE_SUFFIX[role]})" if role in ROLE_SUFFIX else base


def element_specs(item: dict[str, Any]) -> dict[str, dict[str, Any]]:
    """What the file says of each element of an indicator or target: ``numerator = { name_vi = "Số
    trẻ em trai sinh ra trong năm", unit_vi = "trẻ", by_sex = false }`` (also ``denominator``,
    ``value``), by role; a role the file leaves out gets the fallback name."""
    return {role: dict(item[role]) for role in ROLES if isinstance(item.get(role), dict)}


def _ensure_elements(
    code: str,
    kind: str,
    names: tuple[str, str],
    categories: list[str],
    result: LoadResult,
    specs: dict[str, dict[str, Any]] | None = None,
) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    name, name_en = names
    numerator_codes, denominator_codes = _elements_for(kind, code)
    for element_code in [*numerator_codes, *denominator_codes]:
        role = element_code.rsplit(".", 1)[1]
        spec = (specs or {}).get(role, {})
        # An element that counts people of both sexes is entered by sex even where the indicator's
        # figure is not (victims, population): the form asks for men and women, the total is theirs.
        element_categories = [*categories, "sex"] if spec.get("by_sex") else categories
        combo = combo_for(element_categories)
        wanted: dict[str, Any] = {
            "name": (spec.get("name_vi") or _element_name(name, code, role))[:500],
            "name_en": (spec.get("name_en") or (f"{name_en} ({role})" if name_en else ""))[:500],
            "unit_label": str(spec.get("unit_vi", ""))[:60],
            "category_combo": combo,
            "time_aggregation": TimeAggregation.SUM,
            # People and cases are whole numbers; sums of ages or hours and reported values are not.
            "is_integer": kind not in (IndicatorKind.RATIO, IndicatorKind.VALUE),
            "min_value": None if kind == IndicatorKind.VALUE else 0.0,
        }
        if "description_vi" in spec:
            wanted["description"] = spec["description_vi"]
        existing = DataElement.objects.filter(code=element_code).first()
        if (
            existing is not None
            and existing.category_combo_id != combo.pk
            and DataValue.objects.filter(data_element=existing).exists()
        ):
            # Values are stored per cell of the old breakdown: changing it would orphan them.
            wanted["category_combo"] = existing.category_combo
            result.warnings.append(
                _("%(code)s: the disaggregation changed in the catalog but values exist; kept as it was.")
                % {"code": element_code}
            )
        _element, outcome = _sync(DataElement, {"code": element_code}, wanted)
        result.data_elements.add(outcome)
    return [{"element": c} for c in numerator_codes], [{"element": c} for c in denominator_codes]


def is_about_violence(text: str) -> bool:
    """Does an indicator speak of (gender-based, domestic) violence? Its small counts are sensitive."""
    return "bao luc" in fold(text)


def sync_indicator(
    code: str,
    wanted: dict[str, Any],
    categories: list[str],
    result: LoadResult,
    owner_unit: Any = None,
    elements: dict[str, dict[str, Any]] | None = None,
) -> Indicator:
    """Create or update an indicator and the data elements of its default formula (national unless
    ``owner_unit`` is given: a unit's local indicator); ``elements`` gives the elements' own words
    and breakdown (:func:`element_specs`)."""
    numerator, denominator = _ensure_elements(
        code, wanted["kind"], (wanted["name"], wanted.get("name_en", "")), categories, result, elements
    )
    existing = Indicator.objects.filter(code=code).first()
    wanted = {**wanted, "is_national": owner_unit is None, "owner_unit": owner_unit}
    if existing is None:
        # Set once from the text; an administrator's later choice is kept on reload.
        wanted["sensitive"] = is_about_violence(f"{wanted['name']} {wanted.get('definition', '')}")
    if existing is None or not existing.numerator:
        # The default formula is written once; a refined one is left alone.
        wanted.update(numerator=numerator, denominator=denominator)
    indicator, outcome = _sync(Indicator, {"code": code}, wanted)
    result.indicators.add(outcome)
    return indicator


def load_catalog(path: Path | None = None, result: LoadResult | None = None) -> LoadResult:
    """Load ``catalog_tt10_2019.toml`` (or ``path``): groups, indicators, their data elements."""
    return load_catalog_data(read_toml(path or DATA_DIR / CATALOG_FILE), result)


@transaction.atomic
def load_catalog_data(data: dict[str, Any], result: LoadResult | None = None) -> LoadResult:
    """Load a catalog document already read (a TOML file, or an annex read by ``annex.read_annex``)."""
    result = result or LoadResult()
    ensure_categories()
    groups: dict[str, IndicatorGroup] = {}
    for group in data.get("group", []):
        code = str(group["code"])
        name = group.get("name_vi") or f"Nhóm {code}"
        groups[code], outcome = _sync(
            IndicatorGroup, {"code": code}, {"name": name, "name_en": group.get("name_en", "")}
        )
        result.groups.add(outcome)
    for item in data.get("indicator", []):
        code = str(item["code"])
        group_code = str(item.get("group", ""))
        if group_code and group_code not in groups:
            groups[group_code], outcome = _sync(
                IndicatorGroup, {"code": group_code}, {"name": f"Nhóm {group_code}"}
            )
            result.groups.add(outcome)
        catalog_kind = item.get("kind", "other")
        disaggregations = list(item.get("disaggregations", []))
        wanted = {
            "group": groups.get(group_code),
            "name": item.get("name_vi", "")[:500] or code,
            "name_en": item.get("name_en", "")[:500],
            "definition": item.get("definition_vi", ""),
            "formula_text": item.get("formula_vi", ""),
            "unit_label": item.get("unit_vi", "")[:120],
            "kind": KIND_MAP.get(catalog_kind, IndicatorKind.VALUE),
            "catalog_kind": catalog_kind,
            "periodicity": PERIODICITY_MAP.get(item.get("periodicity", "other"), Periodicity.OTHER),
            "periodicity_text": item.get("periodicity_vi", "")[:200],
            "disaggregations": disaggregations,
            "disaggregation_text": item.get("disaggregation_vi", ""),
            "source": item.get("source_vi", ""),
            "responsible_agency": item.get("responsible_agency_vi", ""),
            "citation": item.get("citation", "")[:300],
            "note": item.get("note", ""),
        }
        categories = [d for d in disaggregations if d in CATEGORY_DISAGGREGATIONS]
        sync_indicator(code, wanted, categories, result, elements=element_specs(item))
    return result


def _kind_from_unit(unit_label: str) -> str:
    label = unit_label.lower()
    if "%" in label:
        return IndicatorKind.PERCENTAGE
    # Vietnamese writes thousands with dots: "100.000".
    if re.search(r"/\s*100[.,]?000\b", label):
        return IndicatorKind.PER_100000
    if re.search(r"/\s*1[.,]?000\b", label):
        return IndicatorKind.PER_1000
    if re.search(r"/\s*100\b", label):
        return IndicatorKind.PER_100
    if "lần" in label:
        return IndicatorKind.RATIO
    return IndicatorKind.VALUE


def _number(value: Any) -> float | None:
    return None if value is None or value == "" else float(value)


@transaction.atomic
def load_targets(path: Path | None = None, result: LoadResult | None = None) -> LoadResult:
    """Load ``targets_nq28_2021.toml`` (or ``path``): one national target per indicator and year."""
    result = result or LoadResult()
    data = read_toml(path or DATA_DIR / TARGETS_FILE)
    document = data.get("source", {}).get("document", "Nghị quyết số 28/NQ-CP")
    ensure_categories()
    objectives: dict[int, IndicatorGroup] = {}
    for objective in data.get("objective", []):
        number = int(objective["number"])
        objectives[number], outcome = _sync(
            IndicatorGroup,
            {"code": f"NQ28-{number}"},
            {
                "name": f"{document} — Mục tiêu {number}: {objective.get('name_vi', '')}"[:300],
                "name_en": f"Objective {number}: {objective.get('name_en', '')}"[:300],
            },
        )
        result.groups.add(outcome)
    for item in data.get("target", []):
        code = str(item["code"])
        indicator = None
        if item.get("indicator"):
            indicator = Indicator.objects.filter(code=str(item["indicator"])).first()
            if indicator is None:
                result.warnings.append(
                    _("%(code)s: indicator %(indicator)s is not in the catalog; the target gets its own.")
                    % {"code": code, "indicator": item["indicator"]}
                )
        if indicator is None:
            unit_label = item.get("unit_vi", "")
            indicator = sync_indicator(
                code,
                {
                    "group": objectives.get(int(item.get("objective", 0))),
                    # The indicator is named shortly ("Tỷ số giới tính khi sinh"); the sentence
                    # with its levels and years is the target's text, kept as its definition.
                    "name": (item.get("short_name_vi") or item.get("text_vi", ""))[:500] or code,
                    "name_en": item.get("name_en", "")[:500],
                    "definition": item.get("text_vi", ""),
                    "unit_label": unit_label[:120],
                    "kind": _kind_from_unit(unit_label),
                    "catalog_kind": "",
                    "periodicity": Periodicity.YEAR,
                    "source": "",
                    "citation": item.get("citation", "")[:300],
                    "note": item.get("note", ""),
                },
                [],
                result,
                elements=element_specs(item),
            )
        comparator = COMPARATOR_MAP[item["comparator"]]
        for year in TARGET_YEARS:
            value = _number(item.get(f"value_{year}"))
            low, high = _number(item.get(f"low_{year}")), _number(item.get(f"high_{year}"))
            if value is None and (low is None or high is None):
                continue
            wanted = {
                "code": code,
                "comparator": comparator,
                "value": value,
                "low": low,
                "high": high,
                "text": item.get("text_vi", ""),
                "name_en": item.get("name_en", ""),
                "unit_label": item.get("unit_vi", "")[:120],
                "citation": item.get("citation", "")[:300],
                "note": item.get("note", ""),
            }
            if comparator == Comparator.RANGE and (low is None or high is None):
                wanted["comparator"] = Comparator.ABOUT  # a range without bounds is read as "about"
            _target, outcome = _sync(NationalTarget, {"indicator": indicator, "year": year}, wanted)
            result.targets.add(outcome)
    return result


def describe_problem(problem: Any) -> str:
    """One line, in the person's language, for a :class:`gemis.indicators.annex.Problem`."""
    section = {
        "concept": _("concept and method"),
        "disaggregation": _("main disaggregations"),
        "periodicity": _("publication period"),
        "source": _("data source"),
        "agency": _("agency responsible for collecting and compiling"),
    }
    texts = {
        "no_indicators": _(
            "No indicator was found: the file should hold annex I (codes and names) or annex II "
            "(headings such as “0101. Name” followed by “1. Khái niệm, phương pháp tính”)."
        ),
        "no_content": _("%(code)s is listed in annex I but annex II has no content for it."),
        "not_listed": _("%(code)s has content in annex II but is not in the list of annex I."),
        "missing_section": _("%(code)s: annex II has no section “%(section)s”."),
        "name_mismatch": _("%(code)s is named differently in annex II: “%(detail)s”."),
        "duplicate": _("%(code)s appears twice; the first one is kept."),
        "no_group_name": _("Group %(code)s: the text does not give its name."),
    }
    label = section.get(problem.detail, problem.detail)
    return texts.get(problem.kind, problem.kind) % {
        "code": problem.code,
        "section": label,
        "detail": problem.detail,
    }


def compare_with_catalog(indicators: list[dict[str, Any]]) -> dict[str, str]:
    """{code: "new" | "changed" | "unchanged"} of indicators read from a text against the database."""
    existing = {
        row.code: row for row in Indicator.objects.filter(code__in=[item["code"] for item in indicators])
    }
    outcome: dict[str, str] = {}
    for item in indicators:
        row = existing.get(item["code"])
        if row is None:
            outcome[item["code"]] = "new"
            continue
        same = (
            row.name == item.get("name_vi", "")[:500]
            and row.definition == item.get("definition_vi", "")
            and row.formula_text == item.get("formula_vi", "")
            and row.disaggregation_text == item.get("disaggregation_vi", "")
            and row.periodicity_text == item.get("periodicity_vi", "")[:200]
            and row.source == item.get("source_vi", "")
            and row.responsible_agency == item.get("responsible_agency_vi", "")
        )
        outcome[item["code"]] = "unchanged" if same else "changed"
    return outcome


def load_all(data_dir: Path | None = None) -> LoadResult:
    """Both files of ``data_dir`` that exist, the catalog first (targets refer to its indicators)."""
    directory = data_dir or DATA_DIR
    result = LoadResult()
    catalog, targets = directory / CATALOG_FILE, directory / TARGETS_FILE
    if catalog.exists():
        load_catalog(catalog, result)
    else:
        result.warnings.append(_("%(file)s not found: no catalog loaded.") % {"file": catalog})
    if targets.exists():
        load_targets(targets, result)
    else:
        result.warnings.append(_("%(file)s not found: no targets loaded.") % {"file": targets})
    return result


__all__ = [
    "Counts",
    "LoadResult",
    "Target",
    "compare_with_catalog",
    "describe_problem",
    "element_specs",
    "load_all",
    "load_catalog",
    "load_catalog_data",
    "load_targets",
    "sync_indicator",
]
