"""Local indicators: what a province or district measures beyond the national catalog.

A coordinator defines one for their unit; GEMIS gives it the data elements of
its formula (as the catalog loader does for national indicators, broken down by
the categories chosen) and puts them in the unit's own form ("Chỉ tiêu riêng —
<unit>", one per period type), which the unit and the units below it fill in.
Its kind and breakdown are fixed once values exist (they would no longer match
what was entered); the words can change at any time.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from gemis.indicators.loader import LoadResult, sync_indicator
from gemis.indicators.models import (
    DataElement,
    Dataset,
    DataValue,
    Indicator,
    IndicatorKind,
    Periodicity,
    PeriodType,
)
from gemis.orgs.models import OrgUnit

# The kinds a coordinator chooses from (a sum of reported values is the count's formula).
LOCAL_KINDS = (
    IndicatorKind.COUNT,
    IndicatorKind.PERCENTAGE,
    IndicatorKind.PER_100,
    IndicatorKind.PER_1000,
    IndicatorKind.PER_100000,
    IndicatorKind.RATIO,
    IndicatorKind.VALUE,
)
CATEGORIES = ("sex", "age_group", "ethnicity", "urban_rural")
PERIOD_TYPE_OF = {
    Periodicity.MONTH: PeriodType.MONTH,
    Periodicity.QUARTER: PeriodType.QUARTER,
    Periodicity.HALF_YEAR: PeriodType.HALF_YEAR,
}


def local_dataset(unit: OrgUnit, period_type: str = PeriodType.YEAR) -> Dataset:
    """The unit's own form for one period type (created on first use)."""
    suffix = "" if period_type == PeriodType.YEAR else f"-{period_type.replace('_', '-')}"
    dataset, _created = Dataset.objects.get_or_create(
        code=f"local-{unit.pk}{suffix}",
        defaults={
            "name": _("Local indicators — %(unit)s") % {"unit": unit.name}
            + ("" if period_type == PeriodType.YEAR else f" ({PeriodType(period_type).label})"),
            "period_type": period_type,
            "owner_unit": unit,
        },
    )
    return dataset


def has_values(indicator: Indicator) -> bool:
    return DataValue.objects.filter(data_element__code__in=indicator.element_codes()).exists()


def _check_code(code: str) -> None:
    taken = (
        Indicator.objects.filter(code=code).exists()
        or DataElement.objects.filter(code__startswith=f"{code}.").exists()
    )
    if taken:
        raise ValidationError(
            {"code": _("The code %(code)s is already used; choose another one.") % {"code": code}}
        )


@transaction.atomic
def create_local_indicator(
    owner_unit: OrgUnit, code: str, kind: str, categories: list[str], fields: dict[str, Any]
) -> Indicator:
    """A new local indicator with its data elements, in its unit's form."""
    _check_code(code)
    wanted = {
        **fields,
        "kind": kind,
        "catalog_kind": "",
        "disaggregations": [c for c in CATEGORIES if c in categories],
    }
    indicator = sync_indicator(code, wanted, wanted["disaggregations"], LoadResult(), owner_unit=owner_unit)
    _place_elements(indicator)
    return indicator


def _place_elements(indicator: Indicator) -> None:
    period_type = PERIOD_TYPE_OF.get(indicator.periodicity, PeriodType.YEAR)
    dataset = local_dataset(indicator.owner_unit, period_type)
    elements = list(DataElement.objects.filter(code__in=indicator.element_codes()))
    for other in Dataset.objects.filter(owner_unit=indicator.owner_unit).exclude(pk=dataset.pk):
        other.data_elements.remove(*elements)
    dataset.data_elements.add(*elements)
    _drop_empty_forms(indicator.owner_unit)


def _drop_empty_forms(unit: OrgUnit) -> None:
    """A unit's form left without elements (its last indicator gone or moved) is no longer offered."""
    for dataset in Dataset.objects.filter(owner_unit=unit, data_elements__isnull=True):
        if not dataset.locks.exists() and not dataset.lock_exceptions.exists():
            dataset.delete()


@transaction.atomic
def update_local_indicator(
    indicator: Indicator, kind: str, categories: list[str], fields: dict[str, Any]
) -> Indicator:
    """New words at any time; a new kind, breakdown or period only while no value is entered."""
    categories = [c for c in CATEGORIES if c in categories]
    reshaped = kind != indicator.kind or categories != list(indicator.disaggregations)
    moved = PERIOD_TYPE_OF.get(fields.get("periodicity", indicator.periodicity), PeriodType.YEAR) != (
        PERIOD_TYPE_OF.get(indicator.periodicity, PeriodType.YEAR)
    )
    if (reshaped or moved) and has_values(indicator):
        raise ValidationError(
            _(
                "Values have been entered for this indicator: its kind, breakdown and period can no "
                "longer change. Create a new indicator instead."
            )
        )
    if reshaped:
        old = list(DataElement.objects.filter(code__in=indicator.element_codes()))
        for dataset in Dataset.objects.filter(data_elements__in=old).distinct():
            dataset.data_elements.remove(*old)
            dataset.required_elements.remove(*old)
        indicator.numerator, indicator.denominator = [], []  # the loader writes the new formula
        indicator.save(update_fields=["numerator", "denominator"])
        DataElement.objects.filter(pk__in=[e.pk for e in old]).delete()
    wanted = {**fields, "kind": kind, "catalog_kind": "", "disaggregations": categories}
    updated = sync_indicator(
        indicator.code, wanted, categories, LoadResult(), owner_unit=indicator.owner_unit
    )
    _place_elements(updated)
    return updated


@transaction.atomic
def delete_local_indicator(indicator: Indicator) -> None:
    """Remove an indicator nobody has entered values for, with its elements and targets."""
    if has_values(indicator):
        raise ValidationError(_("Values have been entered for this indicator: it cannot be deleted."))
    elements = list(DataElement.objects.filter(code__in=indicator.element_codes()))
    unit = indicator.owner_unit
    indicator.targets.all().delete()
    indicator.delete()
    DataElement.objects.filter(pk__in=[e.pk for e in elements]).delete()
    if unit is not None:
        _drop_empty_forms(unit)


def suggested_code(unit: OrgUnit) -> str:
    """ "51-01", "51-02"…: the unit's code and the next free number."""
    number = Indicator.objects.filter(owner_unit=unit).count() + 1
    while Indicator.objects.filter(code=f"{unit.code}-{number:02d}").exists():
        number += 1
    return f"{unit.code}-{number:02d}"
