"""The system administrator's view of the indicator catalog: indicators, data elements, forms, targets.

Superusers only (see ``orgs/admin.py``). The national catalog is loaded and kept by
``gemis load-indicators``; a province's own indicators are made on the indicator pages.
Values are entered in the grid, never here: their totals are kept by ``indicators.rollups``.
"""

from __future__ import annotations

from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from gemis.indicators.models import DataElement, Dataset, Indicator, IndicatorGroup, Target


@admin.register(IndicatorGroup)
class IndicatorGroupAdmin(SimpleHistoryAdmin):
    list_display = ("code", "name")
    search_fields = ("code", "name", "name_en")


@admin.register(Indicator)
class IndicatorAdmin(SimpleHistoryAdmin):
    list_display = ("code", "name", "kind", "group", "is_national", "sensitive", "owner_unit")
    list_filter = ("kind", "is_national", "sensitive", "group")
    search_fields = ("code", "name", "name_en")
    raw_id_fields = ("owner_unit",)


@admin.register(DataElement)
class DataElementAdmin(SimpleHistoryAdmin):
    list_display = ("code", "name", "category_combo", "time_aggregation", "is_integer")
    list_filter = ("time_aggregation", "is_integer")
    search_fields = ("code", "name", "name_en")


@admin.register(Dataset)
class DatasetAdmin(SimpleHistoryAdmin):
    list_display = ("code", "name", "period_type", "open_days_after_period", "owner_unit")
    search_fields = ("code", "name")
    filter_horizontal = ("data_elements", "required_elements")
    raw_id_fields = ("owner_unit",)


@admin.register(Target)
class TargetAdmin(SimpleHistoryAdmin):
    list_display = ("code", "indicator", "year", "comparator", "value", "org_unit")
    list_filter = ("year", "comparator")
    search_fields = ("code", "indicator__code", "indicator__name")
    raw_id_fields = ("indicator", "org_unit")
