"""``gemis load-indicators``: the national indicator catalog (TT10/2019) and targets (NQ28/2021)."""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandParser
from django.utils.translation import gettext as _

from gemis.indicators.loader import DATA_DIR, load_all


class Command(BaseCommand):
    help = (
        "Load the national gender statistics indicators (Thông tư 10/2019/TT-BKHĐT) and the targets of the "
        "National Strategy on Gender Equality (Nghị quyết 28/NQ-CP) from the TOML files in "
        "gemis/indicators/data/, with the data elements each indicator needs. "
        "Running it again changes nothing."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--data-dir",
            type=Path,
            default=DATA_DIR,
            help="Folder with catalog_tt10_2019.toml and targets_nq28_2021.toml (default: the bundled one).",
        )

    def handle(self, *args: Any, data_dir: Path, **options: Any) -> None:
        started = time.perf_counter()
        result = load_all(data_dir)
        for line in result.lines():
            self.stdout.write(line)
        self.stdout.write(_("Done in %(seconds).1f s.") % {"seconds": time.perf_counter() - started})
