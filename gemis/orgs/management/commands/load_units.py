"""``gemis load-units``: load administrative units from the bundled ``vietnamadminunits`` data."""

from __future__ import annotations

import time
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import transaction
from django.utils.translation import gettext as _

from gemis.orgs.models import OrgUnit, Scheme, Tier
from gemis.orgs.units import (
    UnknownProvinceError,
    current_province_for,
    format_result,
    format_successions,
    legacy_provinces_for,
    load_successions,
    load_units,
    unit_specs,
)


class Command(BaseCommand):
    help = (
        "Load Vietnam's administrative units offline from the vietnamadminunits package: the scheme "
        "in force since 1 July 2025 (34 provinces, communes) or the legacy one (63 provinces, "
        "districts, communes). Running it again changes nothing; renamed units are updated. "
        "Successions (legacy unit -> 2025 unit) need no separate step: every load refreshes them "
        "for the area loaded, wherever the units of both schemes are present, so load both schemes "
        "(in any order) to get them."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--scheme",
            required=True,
            choices=[Scheme.CURRENT.value, Scheme.LEGACY.value],
            help="2025: since 1 July 2025; legacy: before it.",
        )
        parser.add_argument(
            "--province",
            metavar="CODE",
            help="Load one province and its units only; a code of the chosen scheme "
            "(e.g. 51 Quảng Ngãi in both; 62 Kon Tum is legacy only).",
        )
        parser.add_argument(
            "--with-legacy",
            action="store_true",
            help="With --scheme 2025: also load the legacy provinces merged into the 2025 province(s) "
            "loaded (with --province 51: legacy 51 Quảng Ngãi and 62 Kon Tum).",
        )

    def handle(
        self, *args: Any, scheme: str, province: str | None, with_legacy: bool, **options: Any
    ) -> None:
        if with_legacy and scheme != Scheme.CURRENT:
            raise CommandError(_("--with-legacy only applies to --scheme 2025."))
        started = time.perf_counter()
        try:
            with transaction.atomic():
                if with_legacy:
                    self._load(Scheme.CURRENT, province, successions=False)
                    legacy_codes = legacy_provinces_for(province) if province else [None]
                    for code in legacy_codes:
                        self._load(Scheme.LEGACY, code, successions=False)
                    for line in format_successions(load_successions(province)):
                        self.stdout.write(line)
                else:
                    self._load(Scheme(scheme), province, successions=True)
        except UnknownProvinceError as exc:
            raise CommandError(str(exc)) from exc
        if province and not with_legacy:
            self._hint_missing_counterpart(Scheme(scheme), province)
        self.stdout.write(_("Done in %(seconds).1f s.") % {"seconds": time.perf_counter() - started})

    def _load(self, scheme: Scheme, province: str | None, *, successions: bool) -> None:
        names = {s.code: s.name for s in unit_specs(scheme) if s.tier == Tier.PROVINCE}
        self.stdout.write(
            str(scheme.label) + (f" — {names.get(province, province)} ({province})" if province else "")
        )
        for line in format_result(load_units(scheme, province, successions=successions)):
            self.stdout.write(line)

    def _hint_missing_counterpart(self, scheme: Scheme, province: str) -> None:
        """Say how to load the other scheme's units of the same area when they are missing."""
        if scheme == Scheme.CURRENT:
            wanted, other = legacy_provinces_for(province), Scheme.LEGACY
        else:
            wanted, other = [current_province_for(province)], Scheme.CURRENT
        loaded = set(
            OrgUnit.objects.filter(scheme=other, tier=Tier.PROVINCE, code__in=wanted).values_list(
                "code", flat=True
            )
        )
        missing = [code for code in wanted if code not in loaded]
        if not missing:
            return
        if scheme == Scheme.CURRENT:
            command = f"gemis load-units --scheme 2025 --province {province} --with-legacy"
        else:
            command = f"gemis load-units --scheme 2025 --province {wanted[0]}"
        self.stdout.write(
            _(
                "The units of the same area in the other scheme (provinces %(codes)s) are not loaded, "
                "so their successions could not be made. To load them: %(command)s"
            )
            % {"codes": ", ".join(missing), "command": command}
        )
