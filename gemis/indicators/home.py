"""What the home page (``core.home_page``) shows of the indicators: the forms open for data entry
with their deadline and state, and, for those who follow a unit's figures, the targets still far off."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.urls import reverse
from django.utils.translation import gettext as _

from gemis.core.home_page import HomeItem, HomeSection
from gemis.indicators import completion, grid, permissions, validation
from gemis.indicators.models import Dataset, Period
from gemis.indicators.target_rules import far_off_targets
from gemis.orgs import access
from gemis.orgs.models import Role

FORMS_SHOWN = 6
TARGETS_SHOWN = 5


def home_sections(user: Any, today: dt.date) -> list[HomeSection]:
    return [section for section in (_forms(user, today), _far_targets(user, today)) if section is not None]


def _forms(user: Any, today: dt.date) -> HomeSection | None:
    """The forms of the person's own units (not every commune below a province) for the period now entered."""
    top = list(access.top_units(user).filter(access.current_q()).order_by("path")[:3])
    units = [u for u in top if permissions.may_enter(user, u)]
    if not units:
        return None
    items = []
    for dataset in access.filter_for(user, Dataset.objects.all()).order_by("name"):
        code = grid.default_period(dataset, today)
        period = Period.get(code)
        filled = validation.completeness(dataset, period, units)
        for unit in units:
            state = grid.lock_state(dataset, period, unit, today)
            done = completion.completion_of(dataset, period, unit) is not None
            got = filled[unit.pk]
            if done:
                detail, tone = _("marked as entered in full"), ""
            elif state.locked:
                detail, tone = _("locked since %(date)s") % {"date": f"{state.deadline:%d/%m/%Y}"}, "danger"
            else:
                deadline = state.exception.until if state.exception else state.deadline
                detail = _("%(filled)s of %(expected)s cells filled") % {
                    "filled": got.filled,
                    "expected": got.expected,
                }
                if deadline is not None:
                    detail += " · " + _("enter by %(date)s") % {"date": f"{deadline:%d/%m/%Y}"}
                soon = deadline is not None and (deadline - today).days <= 14
                tone = "warning" if soon else ""
            items.append(
                HomeItem(
                    f"{dataset.name} — {grid.period_label(code)}",
                    reverse("indicators:entry-grid", args=[dataset.code, unit.pk, code]),
                    f"{unit.name}: {detail}",
                    tone,
                )
            )
    if not items:
        return None
    return HomeSection(
        "forms",
        _("Forms open for data entry"),
        items[:FORMS_SHOWN],
        len(items),
        reverse("indicators:entry-start"),
        _("All forms"),
        order=30,
    )


def _far_targets(user: Any, today: dt.date) -> HomeSection | None:
    """For leaders and coordinators: the targets of their unit still far off, worst first."""
    roles = set(access.scope_for(user).prefixes_by_role) & {Role.LEADER, Role.COORDINATOR, Role.ADMIN}
    unit = access.top_units(user).filter(access.current_q()).order_by("depth", "path").first()
    if not roles or unit is None:
        return None
    reports = far_off_targets(user, unit, today=today)
    items = [
        HomeItem(
            f"{r.target.code or r.target.indicator.code} — {r.target.indicator.name}",
            reverse("indicators:indicator-detail", args=[r.target.indicator.code]) + f"?unit={unit.pk}",
            f"{r.status_label}: {r.reason_text}",
            "danger" if r.status == "off_track" else "warning",
        )
        for r in reports[:TARGETS_SHOWN]
    ]
    return HomeSection(
        "targets",
        _("Targets still far off — %(unit)s") % {"unit": unit.name},
        items,
        len(reports),
        reverse("indicators:target-list") + f"?unit={unit.pk}&far=1",
        _("All far-off targets"),
        empty=_("No target is off track or at risk.") if not items else "",
        order=60,
    )
