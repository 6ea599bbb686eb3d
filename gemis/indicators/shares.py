"""How a split legacy unit's values are divided among its 2025 successors (``SuccessionShare``).

A legacy commune split over several new communes gives each of them a share of
its values. The shares of one legacy unit must add up to 1 (100 %): 0.7 and 0.5
would count 120 % of its values in the new communes while the province, which
counts the legacy province whole, shows 100 % — the parts would no longer add up
to the whole. :func:`set_shares` is the one way shares are written and refuses
such a set; :func:`share_problems` finds sets stored before (``gemis
rebuild-rollups --check`` lists them).
"""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Mapping
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from gemis.core import numbers
from gemis.indicators.models import SuccessionShare
from gemis.orgs.models import OrgUnit, UnitSuccession

#: How far from 1 the sum may be: shares typed as 0.333 + 0.333 + 0.334 are fine.
TOLERANCE = 1e-6


def _percent(value: float) -> str:
    return numbers.format_for_page(round(value * 100, 4)) + " %"


def set_shares(predecessor: OrgUnit, *, shares: Mapping[int, float], note: str = "") -> list[SuccessionShare]:
    """Divide ``predecessor``'s values among its successors: ``{successor id: share}``, adding up to 1.

    All or nothing: the legacy unit's previous shares are replaced in one transaction. An empty
    mapping removes the shares (the values go wholly to the default successor again).
    """
    with transaction.atomic():
        successions = {
            s.successor_id: s
            for s in UnitSuccession.objects.select_for_update().filter(predecessor=predecessor)
        }
        unknown = [pk for pk in shares if pk not in successions]
        if unknown:
            raise ValidationError(
                _("Only the units that took over %(unit)s can receive a share of its values.")
                % {"unit": predecessor.name},
                code="not_a_successor",
            )
        for value in shares.values():
            if not (math.isfinite(value) and 0 <= value <= 1):
                raise ValidationError(
                    _("A share is between 0 and 1 (0 %% and 100 %%); %(value)s is not.") % {"value": value},
                    code="share_out_of_range",
                )
        total = sum(shares.values())
        if shares and abs(total - 1) > TOLERANCE:
            raise ValidationError(
                _(
                    "The shares of %(unit)s add up to %(total)s; they must add up to 100 %% so that the "
                    "new units together count exactly its values."
                )
                % {"unit": predecessor.name, "total": _percent(total)},
                code="shares_do_not_add_up",
            )
        SuccessionShare.objects.filter(succession__predecessor=predecessor).delete()
        return [
            SuccessionShare.objects.create(succession=successions[pk], share=value, note=note)
            for pk, value in shares.items()
        ]


@dataclass(frozen=True)
class ShareProblem:
    predecessor: OrgUnit
    total: float

    def describe(self) -> str:
        return _("The shares of %(unit)s (%(path)s) add up to %(total)s instead of 100 %%.") % {
            "unit": self.predecessor.name,
            "path": self.predecessor.path,
            "total": _percent(self.total),
        }


def share_problems() -> list[ShareProblem]:
    """The legacy units whose stored shares do not add up to 1."""
    totals: dict[int, float] = defaultdict(float)
    for predecessor_id, share in SuccessionShare.objects.values_list("succession__predecessor_id", "share"):
        totals[predecessor_id] += share
    wrong = {pk: total for pk, total in totals.items() if abs(total - 1) > TOLERANCE}
    units = OrgUnit.objects.in_bulk(list(wrong))
    return [ShareProblem(units[pk], total) for pk, total in sorted(wrong.items())]
