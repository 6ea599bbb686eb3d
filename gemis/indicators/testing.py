"""Small factories for the indicators tests (not imported by production code)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from gemis.indicators.catalog import combo_for, ensure_categories
from gemis.indicators.models import (
    CategoryOptionCombo,
    DataElement,
    DataValue,
    Indicator,
    IndicatorKind,
    Period,
    TimeAggregation,
)
from gemis.orgs.models import OrgUnit


def make_element(
    code: str,
    categories: Sequence[str] = ("sex",),
    time_aggregation: str = TimeAggregation.SUM,
    **fields: Any,
) -> DataElement:
    ensure_categories()
    return DataElement.objects.create(
        code=code,
        name=fields.pop("name", code),
        category_combo=combo_for(categories),
        time_aggregation=time_aggregation,
        **fields,
    )


def make_indicator(
    code: str,
    kind: str = IndicatorKind.COUNT,
    numerator: Sequence[Any] = (),
    denominator: Sequence[Any] = (),
    **fields: Any,
) -> Indicator:
    """Terms may be element codes or full term dicts."""

    def terms(items: Sequence[Any]) -> list[dict[str, Any]]:
        return [{"element": t} if isinstance(t, str) else t for t in items]

    fields.setdefault("is_national", fields.get("owner_unit") is None)
    return Indicator.objects.create(
        code=code,
        name=fields.pop("name", code),
        kind=kind,
        numerator=terms(numerator),
        denominator=terms(denominator),
        **fields,
    )


def cell(element: DataElement, code: str = "default") -> CategoryOptionCombo:
    return CategoryOptionCombo.objects.get(combo=element.category_combo, code=code)


def put(
    element: DataElement,
    unit: OrgUnit,
    period: str,
    value: float,
    cell_code: str | None = None,
    **fields: Any,
) -> DataValue:
    """Save one value the ordinary way (``save()``, so rollups and history follow)."""
    if cell_code is None:
        cell_code = "default" if not element.category_combo.categories.exists() else "female"
    dv = DataValue(
        data_element=element,
        option_combo=cell(element, cell_code),
        org_unit=unit,
        period=Period.get(period),
        value=value,
        **fields,
    )
    dv.save()
    return dv


def put_sexes(element: DataElement, unit: OrgUnit, period: str, male: float, female: float) -> None:
    put(element, unit, period, male, "male")
    put(element, unit, period, female, "female")
