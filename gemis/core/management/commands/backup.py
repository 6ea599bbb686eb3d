"""``gemis backup PATH``: one archive with the database, the uploaded files and a checked manifest."""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import DEFAULT_DB_ALIAS, connections
from django.template.defaultfilters import filesizeformat
from django.utils import translation
from django.utils.translation import gettext as _

from gemis.core.backup import BackupError, backup


class Command(BaseCommand):
    # A backup or a restore must run even when another check fails (a restore starts from an empty database).
    requires_system_checks: list[str] = []
    help = _(
        "Write one archive (.tar.gz) with the database (pg_dump on PostgreSQL, the online backup API on "
        "SQLite), the uploaded files and a manifest with checksums and row counts."
    )

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("path", help=_("The archive to write, e.g. /srv/backups/gemis-2026-05-01.tar.gz"))
        parser.add_argument(
            "--database", default=DEFAULT_DB_ALIAS, help=_("Database alias (default: default).")
        )

    def handle(self, *args: Any, **options: Any) -> None:
        translation.activate(settings.LANGUAGE_CODE)
        started = time.monotonic()
        path = Path(options["path"])
        try:
            manifest = backup(
                path,
                database=connections[options["database"]].settings_dict,
                media_root=Path(settings.MEDIA_ROOT),
                say=self.stdout.write,
            )
        except BackupError as error:
            raise CommandError(str(error)) from error
        tables = manifest["tables"]
        media = [n for n in manifest["files"] if n.startswith("media/")]
        self.stdout.write(
            self.style.SUCCESS(
                _(
                    "Backup written: %(path)s (%(size)s) — %(tables)d tables, %(rows)d rows, "
                    "%(files)d files, in %(s).1f s."
                )
                % {
                    "path": path,
                    "size": filesizeformat(path.stat().st_size),
                    "tables": len(tables),
                    "rows": sum(t["rows"] for t in tables.values()),
                    "files": len(media),
                    "s": time.monotonic() - started,
                }
            )
        )
