"""``gemis rebuild-rollups``: recompute the unit totals from the values (after a raw load, a tree change)."""

from __future__ import annotations

import time
from typing import Any

from django.core.management.base import BaseCommand
from django.utils.translation import gettext as _

from gemis.indicators.aggregate import rebuild_rollups


class Command(BaseCommand):
    help = (
        "Recompute the sums of the values below every unit (ValueRollup) from the values themselves. "
        "Saving a value keeps them up to date; run this after a raw bulk load (copy_values) or after "
        "units were moved in the tree."
    )

    def handle(self, *args: Any, **options: Any) -> None:
        started = time.perf_counter()
        rows = rebuild_rollups()
        self.stdout.write(
            _("%(rows)d rollup rows in %(seconds).1f s.")
            % {"rows": rows, "seconds": time.perf_counter() - started}
        )
