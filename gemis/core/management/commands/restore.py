"""``gemis restore PATH``: a backup into an empty database and media folder, then verified."""

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

from gemis.core.backup import BackupError, restore


class Command(BaseCommand):
    # A backup or a restore must run even when another check fails (a restore starts from an empty database).
    requires_system_checks: list[str] = []
    help = _(
        "Restore a backup written by gemis backup into an empty database and media folder, and check every "
        "table's row count and content and every file's checksum against its manifest."
    )

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("path", help=_("The archive written by gemis backup."))
        parser.add_argument(
            "--force",
            action="store_true",
            help=_("Drop the tables already in the target database and overwrite files of the same name."),
        )
        parser.add_argument(
            "--database", default=DEFAULT_DB_ALIAS, help=_("Database alias (default: default).")
        )

    def handle(self, *args: Any, **options: Any) -> None:
        translation.activate(settings.LANGUAGE_CODE)
        started = time.monotonic()
        connection = connections[options["database"]]
        connection.close()  # the restore writes through its own connection
        try:
            summary = restore(
                Path(options["path"]),
                database=connection.settings_dict,
                media_root=Path(settings.MEDIA_ROOT),
                force=options["force"],
                say=self.stdout.write,
            )
        except BackupError as error:
            raise CommandError(str(error)) from error
        self.stdout.write(
            _("Backup of %(when)s (GEMIS %(version)s, %(engine)s).")
            % {"when": summary.created_at, "version": summary.gemis_version, "engine": summary.engine}
        )
        if summary.unapplied_migrations:
            self.stdout.write(
                self.style.WARNING(
                    _("This GEMIS has %(n)d migrations the backup had not applied; run gemis migrate.")
                    % {"n": len(summary.unapplied_migrations)}
                )
            )
        if not summary.ok:
            for line in summary.mismatches[:50]:
                self.stderr.write(f"  {line}")
            raise CommandError(
                _("The restore does not match the backup in %(n)d places (listed above).")
                % {"n": len(summary.mismatches)}
            )
        self.stdout.write(
            self.style.SUCCESS(
                _(
                    "Restored and verified: %(tables)d tables, %(rows)d rows, %(files)d files (%(size)s), "
                    "in %(s).1f s."
                )
                % {
                    "tables": summary.tables,
                    "rows": summary.rows,
                    "files": summary.files,
                    "size": filesizeformat(summary.file_bytes),
                    "s": time.monotonic() - started,
                }
            )
        )
