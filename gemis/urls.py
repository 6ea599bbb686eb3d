from typing import Any

from django.contrib import admin
from django.contrib.auth.decorators import login_not_required
from django.templatetags.static import static
from django.urls import include, path
from django.views.generic import RedirectView
from django.views.i18n import JavaScriptCatalog, set_language


class FaviconRedirect(RedirectView):
    """To the icon's static address, looked up per request (the manifest exists only after collectstatic)."""

    permanent = True

    def get_redirect_url(self, *args: Any, **kwargs: Any) -> str:
        return static("gemis/favicon.svg")


urlpatterns = [
    # The language can be chosen before signing in.
    path("i18n/setlang/", login_not_required(set_language), name="set_language"),
    path("jsi18n/", login_not_required(JavaScriptCatalog.as_view()), name="javascript-catalog"),
    # Browsers ask for /favicon.ico whatever the page says: send them to the icon (no 404 in the logs).
    path("favicon.ico", login_not_required(FaviconRedirect.as_view())),
    path("admin/", admin.site.urls),
    path("", include("gemis.orgs.urls")),
    path("", include("gemis.plans.urls")),
    path("", include("gemis.documents.urls")),
    path("", include("gemis.indicators.urls")),
]
