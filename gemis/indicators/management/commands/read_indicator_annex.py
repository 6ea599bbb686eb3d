"""``gemis read-indicator-annex FILE [--out catalog.toml] [--load]``: the catalog from the official text.

Reads annexes I and II of an indicator-set circular (Thông tư 10/2019/TT-BKHĐT, as
.docx, .pdf, .txt or .html) and writes the catalog file the loader reads
(``gemis/indicators/data/catalog_tt10_2019.toml``), or loads it straight away.
What it read and what the text lacks go to stderr; without ``--out`` or
``--load`` the TOML goes to stdout. A file that cannot be read, or holds no
indicator, prints one line on stderr and exits with status 2.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandParser
from django.utils.translation import gettext as _

from gemis.indicators.annex import read_annex_bytes
from gemis.indicators.loader import describe_problem, load_catalog_data
from gemis.vn.parser import MAX_BYTES, ParseError


class Command(BaseCommand):
    help = (
        "Read the indicator list (annex I) and contents (annex II) of an indicator-set circular and "
        "write the catalog TOML file, or load it with --load."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", type=Path, help="the circular (.docx, .pdf, .txt, .html)")
        parser.add_argument("--out", type=Path, help="write the catalog TOML here")
        parser.add_argument("--load", action="store_true", help="load the indicators into the database")

    def _fail(self, message: str) -> None:
        sys.stderr.write(f"{message}\n")
        sys.stderr.flush()
        raise SystemExit(2)

    def handle(self, *args: Any, file: Path, out: Path | None, load: bool, **options: Any) -> None:
        try:
            if file.stat().st_size > MAX_BYTES:
                raise ParseError("too_large")
            reading = read_annex_bytes(file.read_bytes(), file.name)
        except FileNotFoundError:
            self._fail(str(ParseError("not_found", str(file))))
        except ParseError as error:
            self._fail(str(error))
        if not reading.usable:
            self._fail(describe_problem(reading.problems[0]))
        sys.stderr.write(
            _("Read %(groups)d groups and %(indicators)d indicators from %(document)s.")
            % {
                "groups": len(reading.groups),
                "indicators": len(reading.indicators),
                "document": reading.document.get("document") or file.name,
            }
            + "\n"
        )
        for problem in reading.problems:
            sys.stderr.write(f"- {describe_problem(problem)}\n")
        if out:
            out.write_text(reading.to_toml(file.name), encoding="utf-8")
            sys.stderr.write(_("Written to %(file)s.") % {"file": out} + "\n")
        if load:
            for line in load_catalog_data(reading.catalog()).lines():
                self.stdout.write(line)
        if not out and not load:
            self.stdout.write(reading.to_toml(file.name), ending="")
