"""``gemis send-reminders``: today's digests to focal points and summaries to coordinators.

Run it once a day, early in the morning (Asia/Ho_Chi_Minh). Running it again the
same day sends nothing new, except the e-mails that failed the first time, so it
is safe to schedule it more than once or to re-run it by hand.

With cron (``crontab -e`` as the user that runs GEMIS)::

    # m h dom mon dow  command
    30 6 * * *  cd /srv/gemis && GEMIS_ENV=production .venv/bin/gemis send-reminders --verbosity 0

With a systemd timer, ``/etc/systemd/system/gemis-reminders.service``::

    [Unit]
    Description=GEMIS daily reminders
    [Service]
    Type=oneshot
    User=gemis
    WorkingDirectory=/srv/gemis
    EnvironmentFile=/etc/gemis.env
    ExecStart=/srv/gemis/.venv/bin/gemis send-reminders

and ``/etc/systemd/system/gemis-reminders.timer``::

    [Unit]
    Description=Run GEMIS reminders every morning
    [Timer]
    OnCalendar=*-*-* 06:30:00 Asia/Ho_Chi_Minh
    Persistent=true
    [Install]
    WantedBy=timers.target

then ``systemctl enable --now gemis-reminders.timer``. ``Persistent=true`` runs a
missed morning at the next boot. The command exits with status 1 when an e-mail
failed, so cron's MAILTO or systemd's ``OnFailure=`` can tell someone; the next
run retries those e-mails only.
"""

from __future__ import annotations

import argparse
import datetime as dt
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from gemis.plans import reminders


def _day(value: str) -> dt.date:
    try:
        return dt.date.fromisoformat(value)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(_("Give the date as YYYY-MM-DD, e.g. 2026-11-22.")) from exc


class Command(BaseCommand):
    help = _(
        "E-mail each focal point one digest of its agencies' overdue and due-soon tasks, and each "
        "coordinator one summary per agency, with the same in the notifications. Run it daily; a second "
        "run on the same day sends nothing new."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--days",
            type=int,
            default=reminders.DEFAULT_DAYS,
            help=_("Tasks due within this many days count as due soon (default 7)."),
        )
        parser.add_argument(
            "--date", type=_day, default=None, help=_("The day to send for, YYYY-MM-DD (default: today).")
        )
        parser.add_argument(
            "--dry-run", action="store_true", help=_("Count what would be sent; write and send nothing.")
        )
        parser.add_argument(
            "--progress-every",
            type=int,
            default=100,
            help=_("Print a progress line every this many people (default 100)."),
        )

    def handle(self, *args: Any, **options: Any) -> None:
        translation.activate(settings.LANGUAGE_CODE)
        if options["days"] < 0:
            raise CommandError(_("The number of days cannot be negative."))
        verbosity = options["verbosity"]

        def progress(done: int, total: int) -> None:
            if verbosity >= 1:
                self.stdout.write("  " + _("%(done)d/%(total)d people…") % {"done": done, "total": total})

        run = reminders.send_reminders(
            options["date"],
            options["days"],
            dry_run=options["dry_run"],
            progress=progress,
            progress_every=max(1, options["progress_every"]),
        )
        if verbosity >= 1:
            self._report(run)
        if run.emails_failed:
            raise CommandError(
                ngettext(
                    "%(n)d e-mail could not be sent; run the command again to retry it.",
                    "%(n)d e-mails could not be sent; run the command again to retry them.",
                    run.emails_failed,
                )
                % {"n": run.emails_failed},
                returncode=1,
            )

    def _report(self, run: reminders.ReminderRun) -> None:
        day = run.on.strftime("%d/%m/%Y")
        if run.dry_run:
            self.stdout.write(
                self.style.WARNING(_("Dry run for %(day)s: nothing was written or sent.") % {"day": day})
            )
        lines = [
            (_("Due dates refreshed"), run.due_dates_refreshed),
            (_("Focal-point digests"), run.digests),
            (_("Coordinator summaries"), run.summaries),
            (_("Notifications created"), run.notifications_created),
            (_("E-mails sent") if not run.dry_run else _("E-mails to send"), run.emails_sent),
            (_("of which retries of failed e-mails"), run.emails_retried),
            (_("E-mails failed"), run.emails_failed),
            (_("People without an e-mail address (notification only)"), run.without_email),
            (_("Skipped, already sent today"), run.skipped),
        ]
        width = max(len(label) for label, _value in lines)
        self.stdout.write(
            _("Reminders for %(day)s (due within %(days)d days):") % {"day": day, "days": run.days}
        )
        for label, value in lines:
            self.stdout.write(f"  {label.ljust(width)}  {value}")
        style = self.style.ERROR if run.emails_failed else self.style.SUCCESS
        self.stdout.write(style(_("Done in %(s).2f s.") % {"s": run.elapsed}))
