"""``gemis bench <target>``: performance figures against their targets, on a throwaway database.

Targets are found in the installed GEMIS apps: ``gemis.<app>.bench`` defines
``run_<target>(options, out) -> list[Figure]`` and, if it takes options,
``add_<target>_arguments(parser)``. ``gemis bench tasks`` is the plans app's, ``analytics`` the indicators'
The command prints ``figure | measured | target | OK/MISSED`` and exits with
status 1 when a target is missed.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from gemis.core.bench import format_table
from gemis.core.plugins import app_modules

Runner = Callable[[dict[str, Any], Any], list]


def discover() -> dict[str, tuple[Any, Runner]]:
    """``target → (module, run_<target>)`` over the installed ``gemis.*`` apps."""
    found: dict[str, tuple[Any, Runner]] = {}
    for _app, module in app_modules("bench"):
        for name in sorted(vars(module)):
            if name.startswith("run_") and callable(getattr(module, name)):
                found[name.removeprefix("run_")] = (module, getattr(module, name))
    return found


class Command(BaseCommand):
    help = (
        "Measure a part of GEMIS at production scale on a throwaway database and compare with its target: "
        "gemis bench tasks [--tasks 20000] [--agencies 500] [--repeat 30]. Exits 1 if a target is missed."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        targets = parser.add_subparsers(dest="target", metavar="target", required=True)
        for target, (module, runner) in discover().items():
            doc = (runner.__doc__ or "").strip().splitlines()
            sub = targets.add_parser(target, help=doc[0] if doc else target)
            add_arguments = getattr(module, f"add_{target}_arguments", None)
            if add_arguments is not None:
                add_arguments(sub)

    def handle(self, *args: Any, **options: Any) -> None:
        target = options["target"]
        found = discover()
        if target not in found:
            raise CommandError(f"Unknown benchmark {target!r}; known: {', '.join(sorted(found))}")
        _module, runner = found[target]
        figures = runner(options, self.stdout)
        self.stdout.write("")
        self.stdout.write(format_table(figures))
        missed = [figure for figure in figures if figure.ok is False]
        if missed:
            raise CommandError("Target missed: " + "; ".join(figure.label for figure in missed), returncode=1)
        self.stdout.write(self.style.SUCCESS("All targets met."))
