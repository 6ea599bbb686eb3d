from django.contrib import admin
from django.urls import include, path
from django.views.i18n import JavaScriptCatalog

urlpatterns = [
    path("i18n/", include("django.conf.urls.i18n")),
    path("jsi18n/", JavaScriptCatalog.as_view(), name="javascript-catalog"),
    path("admin/", admin.site.urls),
    path("", include("gemis.orgs.urls")),
    path("", include("gemis.plans.urls")),
    path("", include("gemis.documents.urls")),
    path("", include("gemis.indicators.urls")),
]
