"""``gemis purge-trash``: remove evidence files whose rows have been in the trash past the retention period.

Deleting a plan, task, progress update or evidence keeps its files so that the
trash (Thùng rác) can restore them; this command is the only thing that removes
them, once their rows have been deleted for longer than
``GEMIS_TRASH_RETENTION_DAYS`` (default 90). The history rows stay: who deleted
what and when remains on record. Run it daily, e.g. with cron::

    15 3 * * *  cd /srv/gemis && GEMIS_ENV=production .venv/bin/gemis purge-trash --verbosity 0
"""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from gemis.plans import trash


class Command(BaseCommand):
    help = "Remove evidence files whose rows have been in the trash longer than the retention period."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--dry-run", action="store_true", help="List the files, remove nothing.")

    def handle(self, *args: Any, dry_run: bool = False, **options: Any) -> None:
        removed = trash.purge_files(dry_run=dry_run)
        if options["verbosity"] >= 2 or (dry_run and options["verbosity"] >= 1):
            for name in removed:
                self.stdout.write(name)
        if options["verbosity"] >= 1:
            verb = "would remove" if dry_run else "removed"
            self.stdout.write(
                f"{verb} {len(removed)} file(s) deleted more than {trash.retention_days()} days ago"
            )
