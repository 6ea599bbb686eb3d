from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "gemis.core"
    label = "core"
    verbose_name = "GEMIS"
