"""How an app plugs into a shared command: by a module of a known name (``gemis.<app>.demo``, ``.bench``)."""

from __future__ import annotations

import importlib
from types import ModuleType

from django.apps import AppConfig, apps


def app_modules(name: str) -> list[tuple[AppConfig, ModuleType]]:
    """``(app, gemis.<app>.<name>)`` for every installed GEMIS app that has one, in INSTALLED_APPS order.

    An app without the module is skipped; an error *inside* the module is raised, not hidden.
    """
    found = []
    for app in apps.get_app_configs():
        if not app.name.startswith("gemis."):
            continue
        module_name = f"{app.name}.{name}"
        try:
            module = importlib.import_module(module_name)
        except ModuleNotFoundError as exc:
            if exc.name == module_name:
                continue
            raise
        found.append((app, module))
    return found
