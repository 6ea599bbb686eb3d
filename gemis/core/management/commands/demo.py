"""``gemis demo``: create the database, load the demo province and logins, then serve GEMIS.

Each installed GEMIS app may have a ``demo`` module; in INSTALLED_APPS order the command calls
``prepare(province=…, stdout=…)`` of the one that builds the ground (orgs: the units, agencies and
people every other demo stands on) and keeps what it returns as the context; then ``build(context)``
of every app; then prints the ``describe(context) -> (title, lines)`` of each (the logins).
"""

from __future__ import annotations

import signal
import subprocess
import sys
import time
from typing import Any

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand
from django.utils import translation
from django.utils.translation import gettext as _

from gemis.core.plugins import app_modules


class Command(BaseCommand):
    help = _(
        "Create or update the demo database (one province in both administrative schemes, its agencies and a "
        "login per role), print the logins and serve GEMIS on 127.0.0.1:8000."
    )

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument(
            "--province", default="51", help=_("Code of a 2025 province (default 51, Quảng Ngãi).")
        )
        parser.add_argument(
            "--no-serve", action="store_true", help=_("Load the data and print the logins only.")
        )
        parser.add_argument("--addrport", default="127.0.0.1:8000", help=_("Address and port to serve on."))

    def handle(self, *args: Any, **options: Any) -> None:
        translation.activate(settings.LANGUAGE_CODE)
        started = time.monotonic()
        self.stdout.write(_("Preparing the database…"))
        call_command("migrate", verbosity=0, interactive=False)
        demos = app_modules("demo")
        context: Any = None
        for _app, module in demos:
            if hasattr(module, "prepare"):
                context = module.prepare(province=options["province"], stdout=self.stdout)
        for app, module in demos:
            if hasattr(module, "build"):
                self.stdout.write(_("Demo data: %(app)s") % {"app": app.verbose_name})
                module.build(context)
        self.stdout.write(
            self.style.SUCCESS(_("Demo ready in %(s).1f s.") % {"s": time.monotonic() - started})
        )
        for _app, module in demos:
            if hasattr(module, "describe"):
                title, lines = module.describe(context)
                self.stdout.write("")
                self.stdout.write(self.style.MIGRATE_HEADING(title))
                for line in lines:
                    self.stdout.write(f"  {line}")
        self.stdout.write("")
        if not options["no_serve"]:
            self.stdout.write(
                _("Open http://%(addr)s/ in a browser. Ctrl+C stops the server.")
                % {"addr": options["addrport"]}
            )
            worker = self._start_worker()
            # A stop by SIGTERM or a closed terminal (not only Ctrl+C) still stops the worker below.
            for stop in (signal.SIGTERM, signal.SIGHUP):
                signal.signal(stop, _exit)
            try:
                call_command("runserver", options["addrport"], use_reloader=False)
            finally:
                if worker is not None:
                    worker.terminate()
                    worker.wait(timeout=10)

    def _start_worker(self) -> subprocess.Popen | None:
        """The background-task worker beside the server, so big exports and imports run in the demo too."""
        if "DatabaseBackend" not in settings.TASKS["default"]["BACKEND"]:
            return None
        self.stdout.write(_("Starting the background worker (gemis db_worker)…"))
        return subprocess.Popen(
            [sys.executable, "-m", "gemis.cli", "db_worker", "--no-reload", "--verbosity", "0"],
            preexec_fn=_die_with_parent,
        )


def _exit(signum: int, _frame: Any) -> None:
    raise SystemExit(128 + signum)


def _die_with_parent() -> None:
    """In the worker, before it starts: on Linux, be stopped when the demo process goes, however it goes."""
    try:
        import ctypes

        libc = ctypes.CDLL("libc.so.6", use_errno=True)
        libc.prctl(1, signal.SIGTERM)  # PR_SET_PDEATHSIG
    except OSError:
        pass  # not Linux: the finally clause of the demo command stops it
