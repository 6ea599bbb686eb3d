from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class IndicatorsConfig(AppConfig):
    name = "gemis.indicators"
    label = "indicators"
    verbose_name = _("Indicators and targets")

    def ready(self) -> None:
        from gemis.indicators import rollups  # noqa: F401  (its receivers keep the unit totals right)
