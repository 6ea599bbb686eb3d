"""``gemis load-agencies``: create the standard agencies of a province, district or commune tree."""

from __future__ import annotations

import time
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.translation import gettext as _

from gemis.orgs.agencies import format_result, load_standard_agencies
from gemis.orgs.models import OrgUnit, Scheme, Tier


class Command(BaseCommand):
    help = (
        "Create the standard agencies (departments, offices, organisations) of a province of the chosen "
        "scheme, or of one of its districts, from gemis/orgs/data/agencies.toml, with their aliases, their "
        "old -> new links and the standing agency for gender equality. Load the units first "
        "(gemis load-units). Running it again creates nothing; names changed in the data file are updated."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--scheme",
            required=True,
            choices=[Scheme.CURRENT.value, Scheme.LEGACY.value],
            help="2025: since 1 July 2025; legacy: before it.",
        )
        parser.add_argument("--province", required=True, metavar="CODE", help="Province code in that scheme.")
        parser.add_argument(
            "--district", metavar="CODE", help="A district of the province (legacy scheme only)."
        )
        parser.add_argument(
            "--with-descendants",
            action="store_true",
            help="Also every unit below the province or district (districts, communes).",
        )

    def handle(
        self,
        *args: Any,
        scheme: str,
        province: str,
        district: str | None,
        with_descendants: bool,
        **options: Any,
    ) -> None:
        started = time.perf_counter()
        unit = self._unit(Scheme(scheme), province, district)
        result = load_standard_agencies(unit, include_descendants=with_descendants)
        self.stdout.write(f"{unit.name} ({unit.scheme}/{unit.code})")
        for line in format_result(result):
            self.stdout.write(line)
        self.stdout.write(_("Done in %(seconds).1f s.") % {"seconds": time.perf_counter() - started})

    def _unit(self, scheme: Scheme, province: str, district: str | None) -> OrgUnit:
        try:
            unit = OrgUnit.objects.get(scheme=scheme, tier=Tier.PROVINCE, code=province)
        except OrgUnit.DoesNotExist:
            raise CommandError(
                _("No province with code %(code)s in scheme %(scheme)s is loaded. Load it first: %(command)s")
                % {
                    "code": province,
                    "scheme": scheme.value,
                    "command": f"gemis load-units --scheme {scheme.value} --province {province}",
                }
            ) from None
        if district is None:
            return unit
        if scheme != Scheme.LEGACY:
            raise CommandError(_("--district only applies to --scheme legacy: 2025 units have no districts."))
        try:
            return OrgUnit.objects.get(scheme=scheme, tier=Tier.DISTRICT, code=district, parent=unit)
        except OrgUnit.DoesNotExist:
            raise CommandError(
                _("Province %(province)s has no district with code %(code)s.")
                % {"province": province, "code": district}
            ) from None
