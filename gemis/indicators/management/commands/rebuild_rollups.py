"""``gemis rebuild-rollups``: recompute the unit totals from the values (after a raw load, a tree change).

It first looks for stored numbers that are not storable (NaN, infinities,
beyond ``numbers.MAX_MAGNITUDE``, saved before numbers were checked) and lists
them; the rebuilt totals leave them out. ``--check`` only lists them and exits
with an error if there are any (for a cron job or a monitoring check). It also
lists split legacy units whose shares do not add up to 100 % (``indicators.shares``).
"""

from __future__ import annotations

import time
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.translation import gettext as _

from gemis.indicators.rollups import rebuild_rollups, unstorable_values
from gemis.indicators.shares import share_problems


class Command(BaseCommand):
    help = (
        "Recompute the sums of the values below every unit (ValueRollup) from the values themselves. "
        "Saving a value keeps them up to date; run this after a raw bulk load (copy_values) or after "
        "units were moved in the tree. Stored values that are not finite or too large are listed and "
        "left out of the totals; --check only lists them."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--check",
            action="store_true",
            help="Only list stored numbers that are NaN, infinite or too large; exit with an error if any.",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        found = unstorable_values()
        lines = self._describe(found)
        shares = [problem.describe() for problem in share_problems()]
        for line in lines + shares:
            self.stderr.write(line)
        if options["check"]:
            if shares and not lines:
                raise CommandError(
                    _("%(n)d split units have shares that do not add up to 100 %%: correct them.")
                    % {"n": len(shares)}
                )
            if lines:
                raise CommandError(
                    _(
                        "%(n)d stored numbers are not finite or too large: correct them in the grid, then "
                        "run gemis rebuild-rollups."
                    )
                    % {"n": len(found["values"]) + len(found["targets"])}
                    if found["values"] or found["targets"]
                    else _("Some totals are damaged: run gemis rebuild-rollups.")
                )
            self.stdout.write(_("No damaged numbers found."))
            return
        started = time.perf_counter()
        rows = rebuild_rollups()
        self.stdout.write(
            _("%(rows)d rollup rows in %(seconds).1f s.")
            % {"rows": rows, "seconds": time.perf_counter() - started}
        )
        if found["values"]:
            self.stdout.write(
                _("%(n)d damaged values were left out of the totals; correct them in the grid.")
                % {"n": len(found["values"])}
            )

    def _describe(self, found: dict[str, list[Any]]) -> list[str]:
        lines = []
        for dv in found["values"]:
            lines.append(
                _(
                    "Value %(value)s: unit %(unit)s (%(path)s), period %(period)s, "
                    "element %(element)s, cell %(cell)s"
                )
                % {
                    "value": dv.value,
                    "unit": dv.org_unit.name,
                    "path": dv.org_unit.path,
                    "period": dv.period.code,
                    "element": dv.data_element.code,
                    "cell": dv.option_combo.code,
                }
            )
        for target in found["targets"]:
            lines.append(
                _("Target %(code)s (%(indicator)s, %(year)s): a bound or value is not finite or too large")
                % {"code": target.code or target.pk, "indicator": target.indicator.code, "year": target.year}
            )
        for rollup in found["rollups"]:
            lines.append(
                _("Total %(value)s: unit %(unit)s (%(path)s), period %(period)s, element %(element)s")
                % {
                    "value": rollup.value,
                    "unit": rollup.org_unit.name,
                    "path": rollup.org_unit.path,
                    "period": rollup.period.code,
                    "element": rollup.data_element.code,
                }
            )
        return lines
