from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "gemis.core"
    label = "core"
    verbose_name = "GEMIS"

    def ready(self) -> None:
        # Each app registers the runners of its background jobs in its own ``jobs`` module.
        from django.utils.module_loading import autodiscover_modules

        autodiscover_modules("jobs")
