from django.urls import path

from gemis.indicators import views_catalog, views_dashboards, views_entry, views_excel, views_local

GRID = "indicators/entry/<slug:dataset>/<int:unit>/<str:period>/"

app_name = "indicators"

urlpatterns = [
    path("indicators/", views_dashboards.indicator_dashboard, name="indicator-dashboard"),
    path("indicators/catalog/", views_catalog.catalog_list, name="catalog-list"),
    path("indicators/catalog/import/", views_catalog.catalog_import, name="catalog-import"),
    path(
        "indicators/catalog/import/<str:token>/",
        views_catalog.catalog_import_preview,
        name="catalog-import-preview",
    ),
    path(
        "indicators/catalog/import/<str:token>/catalog.toml",
        views_catalog.catalog_import_toml,
        name="catalog-import-toml",
    ),
    path("indicators/local/new/", views_local.indicator_new, name="indicator-new"),
    path("indicators/local/<str:code>/edit/", views_local.indicator_edit, name="indicator-edit"),
    path("indicators/local/<str:code>/delete/", views_local.indicator_delete, name="indicator-delete"),
    path("indicators/<str:code>/targets/new/", views_local.target_new, name="target-new"),
    path("indicators/targets/<int:pk>/edit/", views_local.target_edit, name="target-edit"),
    path("indicators/targets/<int:pk>/delete/", views_local.target_delete, name="target-delete"),
    path("indicators/targets/", views_dashboards.target_list, name="target-list"),
    path("indicators/units/<int:pk>/", views_dashboards.unit_profile, name="unit-profile"),
    path("indicators/data/<str:page>.<str:fmt>", views_dashboards.chart_data, name="chart-data"),
    path("indicators/entry/", views_entry.entry_start, name="entry-start"),
    path(GRID, views_entry.entry_grid, name="entry-grid"),
    path(GRID + "cell/", views_entry.entry_cell, name="entry-cell"),
    path(GRID + "cell/detail/", views_entry.entry_cell_detail, name="entry-cell-detail"),
    path(GRID + "exception/", views_entry.entry_exception, name="entry-exception"),
    path(GRID + "deadline/", views_entry.entry_deadline, name="entry-deadline"),
    path(GRID + "complete/", views_entry.entry_complete, name="entry-complete"),
    path(GRID + "template.xlsx", views_excel.excel_template, name="excel-template"),
    path(GRID + "upload/", views_excel.excel_upload, name="excel-upload"),
    path(GRID + "upload/<str:token>/", views_excel.excel_preview, name="excel-preview"),
    path(GRID + "upload/<str:token>/errors.xlsx", views_excel.excel_errors, name="excel-errors"),
    # Last: "indicators/<code>/" would otherwise read the words above as indicator codes.
    path("indicators/<str:code>/", views_dashboards.indicator_detail, name="indicator-detail"),
]
