from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class OrgsConfig(AppConfig):
    name = "gemis.orgs"
    label = "orgs"
    verbose_name = _("Units, agencies and people")

    def ready(self) -> None:
        from gemis.orgs import security, twofactor

        security.connect_signals()
        twofactor.route_admin_login()
