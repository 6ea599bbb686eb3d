"""The home page is each person's work, gathered from the apps.

Every app that has work to show has a ``home`` module with
``home_sections(user, today) -> list[HomeSection]`` (found by
:func:`gemis.core.plugins.app_modules`, so core imports no app): my tasks
overdue and due soon and plans waiting to be issued (``plans``), forms open
for data entry and targets still far off (``indicators``)… A section with
nothing in it is not shown, unless it says why (``empty``).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from gemis.core.plugins import app_modules

__all__ = ["HomeItem", "HomeSection", "home_sections"]


@dataclass(frozen=True)
class HomeItem:
    """One line of a section: what, where to go, and the date or figure that makes it urgent."""

    text: str
    url: str
    detail: str = ""
    #: "danger" (late), "warning" (soon), "" (neither): how the line is marked
    tone: str = ""
    badge: str = ""


@dataclass
class HomeSection:
    key: str
    title: str
    items: list[HomeItem] = field(default_factory=list)
    #: how many there are in all (the items are the first few)
    count: int = 0
    more_url: str = ""
    more_label: str = ""
    empty: str = ""
    order: int = 50

    @property
    def more(self) -> int:
        return max(0, self.count - len(self.items))


def home_sections(user: Any, today: dt.date) -> list[HomeSection]:
    """Every app's sections for the person, in their order; those with nothing to say left out."""
    found: list[HomeSection] = []
    for _app, module in app_modules("home"):
        found += module.home_sections(user, today)
    return sorted((s for s in found if s.items or s.empty), key=lambda s: (s.order, s.key))
