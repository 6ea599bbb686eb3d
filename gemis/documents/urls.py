from django.urls import path

from gemis.documents import views

app_name = "documents"

urlpatterns = [
    path("documents/import/", views.import_start, name="import-start"),
    path("documents/import/<int:pk>/", views.import_review, name="import-review"),
    path("documents/import/<int:pk>/file/", views.import_file, name="import-file"),
    path("documents/import/<int:pk>/agency-options/", views.agency_options, name="import-agency-options"),
]
