"""The standard agencies of each kind of unit (``data/agencies.toml``) and their loader.

Every province, district and commune has the same set of agencies for its
scheme and tier, named after the unit: "Sở Y tế tỉnh Đắk Lắk", "Phòng
Lao động - Thương binh và Xã hội huyện Tân Yên". :func:`load_standard_agencies`
creates them (in bulk: one province with its districts and communes is
thousands of rows), with their aliases, their old → new links and the unit's
standing agency for gender equality. Running it again creates nothing.

Old → new links (``Agency.successors``) are made

* within a legacy unit, for the March 2025 mergers (Sở KH&ĐT → Sở Tài chính of
  the same legacy province; ``replaced_by`` in the data file);
* from a legacy province's agencies to those of the 2025 province it became
  part of (``successors``), through :class:`~gemis.orgs.models.UnitSuccession`,
  whichever of the two provinces is loaded last.

Districts were abolished on 1 July 2025 and a legacy commune may be split over
several new ones, so there is no standard old → new agency link below province
level: those are left to people who know where the work went.
"""

from __future__ import annotations

import datetime as dt
import functools
import tomllib
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from django.db import transaction
from django.db.models import Q
from django.utils.translation import gettext as _
from simple_history.utils import bulk_create_with_history, bulk_update_with_history

from gemis.orgs.models import Agency, AgencyAlias, AgencyKind, OrgUnit, Scheme, Tier, UnitSuccession
from gemis.vn.agency_names import agency_key
from gemis.vn.text import canonical, fold, nfc

__all__ = [
    "AgencySpec",
    "AgencySet",
    "LoadResult",
    "agency_sets",
    "format_result",
    "load_standard_agencies",
    "set_for",
    "unit_kind",
]

DATA_FILE = Path(__file__).resolve().parent / "data" / "agencies.toml"
BATCH_SIZE = 500
CHANGE_REASON = "load-agencies"

# Unit kinds as the data file writes them, longest first so "thị xã" is not read as "xã".
KINDS = ("thành phố", "thị trấn", "thị xã", "đặc khu", "tỉnh", "huyện", "quận", "phường", "xã")
_DEFAULT_KIND = {Tier.PROVINCE: "tỉnh", Tier.DISTRICT: "huyện", Tier.COMMUNE: "xã"}
# "{party}": the Party committee; "{youth}": the Youth Union, named after the kind of unit.
_PARTY = {
    "tỉnh": "Tỉnh ủy",
    "thành phố": "Thành ủy",
    "huyện": "Huyện ủy",
    "quận": "Quận ủy",
    "thị xã": "Thị ủy",
}
_YOUTH = {
    "tỉnh": "Tỉnh đoàn",
    "thành phố": "Thành đoàn",
    "huyện": "Huyện đoàn",
    "quận": "Quận đoàn",
    "thị xã": "Thị đoàn",
}
_SPEC_FIELDS = {
    "code", "name", "short_name", "kind", "aliases", "valid_from", "valid_to",
    "successors", "replaced_by", "kinds", "note",
}  # fmt: skip
_OWNED_FIELDS = ("name", "short_name", "kind", "valid_from", "valid_to")


class AgencyDataError(ValueError):
    """The data file is inconsistent (unknown code, kind or field)."""


# --------------------------------------------------------------------------- the data file


@dataclass(frozen=True, slots=True)
class AgencySpec:
    """One agency of a set, with placeholders still in its names."""

    code: str
    name: str
    short_name: str
    kind: str
    aliases: tuple[str, ...] = ()
    valid_from: dt.date | None = None
    valid_to: dt.date | None = None
    successors: tuple[str, ...] | None = None  # None: the same code in the successor set, if any
    replaced_by: tuple[str, ...] = ()
    kinds: tuple[str, ...] = ()
    note: str = ""

    def applies_to(self, kind: str) -> bool:
        return not self.kinds or kind in self.kinds


@dataclass(frozen=True, slots=True)
class AgencySet:
    name: str
    scheme: str
    tier: str
    standing: str
    agencies: tuple[AgencySpec, ...]
    successor_set: str | None = None

    def codes(self) -> set[str]:
        return {a.code for a in self.agencies}

    def successor_codes(self, spec: AgencySpec, successor: AgencySet) -> tuple[str, ...]:
        if spec.successors is not None:
            return spec.successors
        return (spec.code,) if spec.code in successor.codes() else ()


def _spec(raw: dict[str, Any], where: str) -> AgencySpec:
    unknown = set(raw) - _SPEC_FIELDS
    if unknown:
        raise AgencyDataError(f"{where}: unknown fields {sorted(unknown)}")
    kind = raw.get("kind", AgencyKind.OTHER)
    if kind not in AgencyKind.values:
        raise AgencyDataError(f"{where}: unknown agency kind {kind!r}")
    kinds = tuple(raw.get("kinds", ()))
    if set(kinds) - set(KINDS):
        raise AgencyDataError(f"{where}: unknown unit kinds {sorted(set(kinds) - set(KINDS))}")
    successors = raw.get("successors")
    return AgencySpec(
        code=raw["code"],
        name=nfc(raw["name"]),
        short_name=nfc(raw.get("short_name", "")),
        kind=kind,
        aliases=tuple(nfc(a) for a in raw.get("aliases", ())),
        valid_from=raw.get("valid_from"),
        valid_to=raw.get("valid_to"),
        successors=None if successors is None else tuple(successors),
        replaced_by=tuple(raw.get("replaced_by", ())),
        kinds=kinds,
        note=raw.get("note", ""),
    )


@functools.cache
def agency_sets(path: Path = DATA_FILE) -> dict[str, AgencySet]:
    """The sets of the data file, checked: codes unique, links pointing at known codes."""
    with open(path, "rb") as fh:
        data = tomllib.load(fh)
    sets: dict[str, AgencySet] = {}
    for name, raw in data["sets"].items():
        specs = tuple(_spec(a, f"{name}[{i}]") for i, a in enumerate(raw["agencies"]))
        codes = [s.code for s in specs]
        if len(codes) != len(set(codes)):
            raise AgencyDataError(f"{name}: duplicate codes")
        sets[name] = AgencySet(
            name=name,
            scheme=Scheme(raw["scheme"]),
            tier=Tier(raw["tier"]),
            standing=raw["standing"],
            agencies=specs,
            successor_set=raw.get("successor_set"),
        )
    for agency_set in sets.values():
        codes = agency_set.codes()
        if agency_set.standing not in codes:
            raise AgencyDataError(f"{agency_set.name}: unknown standing agency {agency_set.standing}")
        successor = sets.get(agency_set.successor_set) if agency_set.successor_set else None
        if agency_set.successor_set and successor is None:
            raise AgencyDataError(f"{agency_set.name}: unknown successor set {agency_set.successor_set}")
        for spec in agency_set.agencies:
            if set(spec.replaced_by) - codes:
                raise AgencyDataError(f"{agency_set.name}.{spec.code}: unknown replaced_by codes")
            if spec.successors and (successor is None or set(spec.successors) - successor.codes()):
                raise AgencyDataError(f"{agency_set.name}.{spec.code}: unknown successor codes")
    by_place = [(s.scheme, s.tier) for s in sets.values()]
    if len(by_place) != len(set(by_place)):
        raise AgencyDataError("two sets for the same scheme and tier")
    return sets


def set_for(unit: OrgUnit) -> AgencySet | None:
    """The set of agencies for a unit's scheme and tier."""
    for agency_set in agency_sets().values():
        if agency_set.scheme == unit.scheme and agency_set.tier == unit.tier:
            return agency_set
    return None


# --------------------------------------------------------------------------- names


def unit_kind(unit: OrgUnit) -> tuple[str, str]:
    """(kind, short name) of a unit in lower case kind: ("tỉnh", "Đắk Lắk"), ("quận", "Quận 1").

    The kind is read from the start of the full name, where it is reliable, else from
    ``kind``; numbered units keep their full name as short name.
    """
    name = nfc(unit.name).strip()
    lowered = canonical(name)
    for kind in KINDS:
        if lowered.startswith(kind + " "):
            rest = name[len(kind) + 1 :].strip()
            return kind, (name if rest.isdigit() else rest)
    kind = canonical(unit.kind)
    if kind not in KINDS:
        kind = _DEFAULT_KIND.get(unit.tier, "")
    return kind, nfc(unit.short_name or name)


def _placeholders(unit: OrgUnit) -> dict[str, str]:
    kind, short = unit_kind(unit)
    place = short if short.lower().startswith(kind) else f"{kind} {short}"
    party = _PARTY.get(kind, f"Đảng ủy {kind}")
    youth = _YOUTH.get(kind, f"Đoàn {kind}")
    return {"unit": place, "kind": kind, "short": short, "party": party, "youth": youth}


def _render(template: str, values: dict[str, str]) -> str:
    text = template.format_map(values)
    return " ".join(text.split())


@dataclass(frozen=True, slots=True)
class _Wanted:
    spec: AgencySpec
    name: str
    short_name: str
    aliases: tuple[str, ...]
    valid_from: dt.date | None
    valid_to: dt.date | None


def _wanted(unit: OrgUnit, agency_set: AgencySet) -> list[_Wanted]:
    values = _placeholders(unit)
    out = []
    for spec in agency_set.agencies:
        if not spec.applies_to(values["kind"]):
            continue
        valid_from = spec.valid_from or unit.valid_from
        valid_to = spec.valid_to or unit.valid_to  # an agency does not outlive its unit
        out.append(
            _Wanted(
                spec=spec,
                name=_render(spec.name, values),
                short_name=_render(spec.short_name, values),
                aliases=tuple(_render(a, values) for a in spec.aliases),
                valid_from=valid_from,
                valid_to=valid_to,
            )
        )
    return out


# --------------------------------------------------------------------------- loading


@dataclass
class LoadResult:
    """What a load did; every count is zero on a second run except ``unchanged``."""

    units: int = 0
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    aliases_created: int = 0
    links_created: int = 0
    standing_set: int = 0
    by_set: dict[str, int] = field(default_factory=dict)

    @property
    def changed(self) -> bool:
        return bool(
            self.created or self.updated or self.aliases_created or self.links_created or self.standing_set
        )


def format_result(result: LoadResult) -> list[str]:
    """Count lines for the command and the demo."""
    return [
        _("%(units)d units: %(created)d agencies created, %(updated)d updated, %(unchanged)d unchanged.")
        % {
            "units": result.units,
            "created": result.created,
            "updated": result.updated,
            "unchanged": result.unchanged,
        },
        _("%(count)d aliases created.") % {"count": result.aliases_created},
        _("%(count)d links from old to new agencies created.") % {"count": result.links_created},
        _("%(count)d standing agencies set.") % {"count": result.standing_set},
    ]


def _alias_keys(wanted: _Wanted) -> list[tuple[str, str]]:
    """(alias text, key) for every distinct key the agency is known by, its names included."""
    seen: dict[str, str] = {}
    for text in (wanted.name, wanted.short_name, *wanted.aliases):
        key = agency_key(text) if text else ""
        if key and key not in seen and len(key) <= 255:
            seen[key] = text[:255]
    return [(text, key) for key, text in seen.items()]


def load_standard_agencies(unit: OrgUnit, include_descendants: bool = False) -> LoadResult:
    """Create or update the standard agencies of ``unit`` (and of every unit below it).

    Creates missing agencies and aliases, updates names and dates that changed,
    links old agencies to new ones and sets each unit's standing agency where
    none is set. Never deletes: an agency no longer in the data file stays.
    """
    result = LoadResult()
    with transaction.atomic():
        # Fresh rows: the caller's object may not show a standing agency set meanwhile.
        if include_descendants:
            units = list(OrgUnit.objects.filter(path__startswith=unit.path).order_by("depth", "path"))
        else:
            units = list(OrgUnit.objects.filter(pk=unit.pk))
        result.units = len(units)
        agencies = _load_agencies(units, result)
        _load_aliases(units, agencies, result)
        _link_within_units(units, agencies, result)
        _link_across_schemes(units, result)
        _set_standing(units, agencies, result)
    root = next(u for u in units if u.pk == unit.pk)
    unit.standing_agency_id, unit.version = root.standing_agency_id, root.version
    return result


def _agencies_of(units: list[OrgUnit]) -> dict[tuple[int, str], Agency]:
    ids = [u.pk for u in units]
    found: dict[tuple[int, str], Agency] = {}
    for start in range(0, len(ids), BATCH_SIZE):
        for agency in Agency.objects.filter(org_unit_id__in=ids[start : start + BATCH_SIZE]):
            found[(agency.org_unit_id, agency.code)] = agency
    return found


def _load_agencies(units: list[OrgUnit], result: LoadResult) -> dict[tuple[int, str], Agency]:
    existing = _agencies_of(units)
    to_create: list[Agency] = []
    to_update: list[Agency] = []
    changed_fields: set[str] = set()
    for unit in units:
        agency_set = set_for(unit)
        if agency_set is None:
            continue
        for wanted in _wanted(unit, agency_set):
            values = {
                "name": wanted.name,
                "short_name": wanted.short_name,
                "kind": wanted.spec.kind,
                "valid_from": wanted.valid_from,
                "valid_to": wanted.valid_to,
            }
            agency = existing.get((unit.pk, wanted.spec.code))
            if agency is None:
                agency = Agency(org_unit=unit, code=wanted.spec.code, **values)
                agency.search_name = fold(f"{agency.name} {agency.short_name}")  # as Agency.save() does
                to_create.append(agency)
                result.by_set[agency_set.name] = result.by_set.get(agency_set.name, 0) + 1
                continue
            changed = [f for f in _OWNED_FIELDS if getattr(agency, f) != values[f]]
            if not changed:
                result.unchanged += 1
                continue
            for f in changed:
                setattr(agency, f, values[f])
            agency.search_name = fold(f"{agency.name} {agency.short_name}")
            agency.version += 1
            changed_fields.update(changed)
            to_update.append(agency)
    if to_create:
        created = bulk_create_with_history(
            to_create, Agency, batch_size=BATCH_SIZE, default_change_reason=CHANGE_REASON
        )
        if any(a.pk is None for a in created):  # a backend that does not return ids
            created = list(_agencies_of(units).values())
        existing.update(((a.org_unit_id, a.code), a) for a in created)
        result.created = len(to_create)
    if to_update:
        fields = sorted(changed_fields | {"search_name", "version"})
        bulk_update_with_history(
            to_update, Agency, fields, batch_size=BATCH_SIZE, default_change_reason=CHANGE_REASON
        )
        result.updated = len(to_update)
    return existing


def _load_aliases(units: list[OrgUnit], agencies: dict[tuple[int, str], Agency], result: LoadResult) -> None:
    agency_ids = [a.pk for a in agencies.values()]
    have: set[tuple[int, str]] = set()
    for start in range(0, len(agency_ids), BATCH_SIZE):
        have.update(
            AgencyAlias.objects.filter(agency_id__in=agency_ids[start : start + BATCH_SIZE]).values_list(
                "agency_id", "key"
            )
        )
    to_create: list[AgencyAlias] = []
    for unit in units:
        agency_set = set_for(unit)
        if agency_set is None:
            continue
        for wanted in _wanted(unit, agency_set):
            agency = agencies[(unit.pk, wanted.spec.code)]
            for text, key in _alias_keys(wanted):
                if (agency.pk, key) not in have:
                    have.add((agency.pk, key))
                    # AgencyAlias.save() computes the key; bulk_create does not call it.
                    to_create.append(AgencyAlias(agency=agency, alias=text, key=key))
    AgencyAlias.objects.bulk_create(to_create, batch_size=BATCH_SIZE)
    result.aliases_created = len(to_create)


def _create_links(pairs: set[tuple[int, int]], result: LoadResult) -> None:
    """Create the old → new links of ``pairs`` (from id, to id) that do not exist yet."""
    if not pairs:
        return
    through = Agency.successors.through
    from_ids = sorted({a for a, _b in pairs})
    have: set[tuple[int, int]] = set()
    for start in range(0, len(from_ids), BATCH_SIZE):
        have.update(
            through.objects.filter(from_agency_id__in=from_ids[start : start + BATCH_SIZE]).values_list(
                "from_agency_id", "to_agency_id"
            )
        )
    missing = sorted(pairs - have)
    through.objects.bulk_create(
        [through(from_agency_id=a, to_agency_id=b) for a, b in missing], batch_size=BATCH_SIZE
    )
    result.links_created += len(missing)


def _link_within_units(
    units: list[OrgUnit], agencies: dict[tuple[int, str], Agency], result: LoadResult
) -> None:
    pairs: set[tuple[int, int]] = set()
    for unit in units:
        agency_set = set_for(unit)
        if agency_set is None:
            continue
        for spec in agency_set.agencies:
            old = agencies.get((unit.pk, spec.code))
            for code in spec.replaced_by:
                new = agencies.get((unit.pk, code))
                if old is not None and new is not None:
                    pairs.add((old.pk, new.pk))
    _create_links(pairs, result)


def _link_across_schemes(units: list[OrgUnit], result: LoadResult) -> None:
    """Link legacy agencies to those of the 2025 units that succeed their unit."""
    ids = [u.pk for u in units if set_for(u) is not None]
    if not ids:
        return
    rows = UnitSuccession.objects.filter(Q(predecessor_id__in=ids) | Q(successor_id__in=ids)).select_related(
        "predecessor", "successor"
    )
    unit_pairs = []
    for row in rows:
        old_set, new_set = set_for(row.predecessor), set_for(row.successor)
        if old_set is None or new_set is None or old_set.successor_set != new_set.name:
            continue
        unit_pairs.append((row.predecessor, row.successor, old_set, new_set))
    if not unit_pairs:
        return
    involved = {u.pk for p in unit_pairs for u in p[:2]}
    by_unit: dict[int, dict[str, int]] = defaultdict(dict)
    for agency_id, unit_id, code in Agency.objects.filter(org_unit_id__in=involved).values_list(
        "pk", "org_unit_id", "code"
    ):
        by_unit[unit_id][code] = agency_id
    pairs: set[tuple[int, int]] = set()
    for old_unit, new_unit, old_set, new_set in unit_pairs:
        old_agencies, new_agencies = by_unit[old_unit.pk], by_unit[new_unit.pk]
        for spec in old_set.agencies:
            old_id = old_agencies.get(spec.code)
            if old_id is None:
                continue
            for code in old_set.successor_codes(spec, new_set):
                new_id = new_agencies.get(code)
                if new_id is not None:
                    pairs.add((old_id, new_id))
    _create_links(pairs, result)


def _set_standing(units: list[OrgUnit], agencies: dict[tuple[int, str], Agency], result: LoadResult) -> None:
    to_update = []
    for unit in units:
        agency_set = set_for(unit)
        if agency_set is None or unit.standing_agency_id is not None:
            continue
        agency = agencies.get((unit.pk, agency_set.standing))
        if agency is None:
            continue
        unit.standing_agency = agency
        unit.version += 1
        to_update.append(unit)
    if to_update:
        bulk_update_with_history(
            to_update,
            OrgUnit,
            ["standing_agency", "version"],
            batch_size=BATCH_SIZE,
            default_change_reason=CHANGE_REASON,
        )
    result.standing_set = len(to_update)
