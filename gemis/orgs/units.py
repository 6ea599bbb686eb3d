"""Load Vietnam's administrative units and the 2025 reorganisation from ``vietnamadminunits``.

The package (MIT) bundles a SQLite file with both schemes and a JSON file with
the legacy → 2025 mapping. Only those two files are read, through
``vietnamadminunits.database.get_data`` and ``json``; the package's parser,
converter and geocoder are never called (one of their paths goes online).

Two quirks of the data are smoothed here, and the name is trusted over the
type column because the names match the resolutions and the type column does
not in a handful of rows ("Phường 5" of quận Phú Nhuận typed "Xã"):

* the kind ("Xã", "Phường"…) is read from the start of the full name, whose
  capitalisation is normalised ("Thị Trấn Ái Tử" → "Thị trấn Ái Tử");
* the package's short names disambiguate twins with a suffix ("Kỳ Anh
  (Huyện)"); ``short_name`` drops it, except for numbered units whose short
  name is the full name ("Phường 1", "Quận 3").

Five island districts (Bạch Long Vĩ, Cồn Cỏ, Hoàng Sa, Lý Sơn, Côn Đảo) had no
commune level before 2025; they are loaded as districts and, as the mapping
has them, succeed directly to the special zone (đặc khu) of the same name.
These are the only district rows in ``UnitSuccession``: other districts were
abolished and their communes carry the mapping.

Everything is loaded in bulk (parents first, in batches) inside one
transaction, with historical records, bumping ``version`` on every changed
row; running a load twice changes nothing.
"""

from __future__ import annotations

import datetime as dt
import functools
import json
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from importlib import metadata
from operator import attrgetter
from pathlib import Path
from typing import Any, Protocol

from django.db import transaction
from django.db.models import Q
from django.utils.translation import gettext as _
from simple_history.utils import bulk_create_with_history, bulk_update_with_history

from gemis.orgs.models import OrgUnit, Scheme, Tier, UnitSuccession, unit_path
from gemis.vn.text import fold

__all__ = [
    "CURRENT_VALID_FROM",
    "LEGACY_VALID_TO",
    "LoadResult",
    "SuccessionCounts",
    "TierCounts",
    "UnitSpec",
    "UnknownProvinceError",
    "current_province_for",
    "format_result",
    "format_successions",
    "legacy_provinces_for",
    "load_successions",
    "load_units",
    "province_codes",
    "unit_specs",
]

PACKAGE = "vietnamadminunits"
CURRENT_VALID_FROM = dt.date(2025, 7, 1)
LEGACY_VALID_TO = dt.date(2025, 6, 30)
EFFECTIVE_DATE = CURRENT_VALID_FROM
BATCH_SIZE = 500

TIERS: dict[str, tuple[str, ...]] = {
    Scheme.CURRENT: (Tier.PROVINCE, Tier.COMMUNE),
    Scheme.LEGACY: (Tier.PROVINCE, Tier.DISTRICT, Tier.COMMUNE),
}
# Longest first so "Thành phố" is not read as something shorter.
KINDS_BY_TIER: dict[str, tuple[str, ...]] = {
    Tier.PROVINCE: ("Thành phố", "Tỉnh"),
    Tier.DISTRICT: ("Thành phố", "Thị xã", "Huyện", "Quận"),
    Tier.COMMUNE: ("Thị trấn", "Đặc khu", "Phường", "Xã"),
}
# Fields the loader owns; anything else on OrgUnit (standing agency…) is left alone.
_OWNED_FIELDS = (
    "name",
    "short_name",
    "kind",
    "tier",
    "depth",
    "parent_id",
    "path",
    "valid_from",
    "valid_to",
    "search_name",
)


class UnknownProvinceError(ValueError):
    """A province code that the scheme does not have."""

    def __init__(self, scheme: str, code: str) -> None:
        self.scheme, self.code = scheme, code
        super().__init__(
            _("Unknown province code %(code)s for scheme %(scheme)s. Known codes: %(codes)s.")
            % {"code": code, "scheme": scheme, "codes": ", ".join(province_codes(scheme))}
        )


class _Writer(Protocol):
    def write(self, text: str, /) -> Any: ...


# --------------------------------------------------------------------------- results


@dataclass
class TierCounts:
    created: int = 0
    updated: int = 0
    unchanged: int = 0

    @property
    def total(self) -> int:
        return self.created + self.updated + self.unchanged


@dataclass
class SuccessionCounts(TierCounts):
    #: Mapping entries whose unit key is ambiguous or not in the data (0 in 1.0.4).
    skipped: int = 0


@dataclass
class LoadResult:
    scheme: str
    province_code: str | None = None
    tiers: dict[str, TierCounts] = field(default_factory=dict)
    successions: SuccessionCounts | None = None

    @property
    def created(self) -> int:
        return sum(c.created for c in self.tiers.values())

    @property
    def updated(self) -> int:
        return sum(c.updated for c in self.tiers.values())

    @property
    def unchanged(self) -> int:
        return sum(c.unchanged for c in self.tiers.values())


def format_result(result: LoadResult) -> list[str]:
    """The lines a person reads after a load, in the active language."""
    labels = {Tier.PROVINCE: _("Provinces"), Tier.DISTRICT: _("Districts"), Tier.COMMUNE: _("Communes")}
    lines = [_counts_line(labels[tier], counts) for tier, counts in result.tiers.items()]
    if result.successions is not None:
        lines += format_successions(result.successions)
    return lines


def format_successions(counts: SuccessionCounts) -> list[str]:
    return [
        _counts_line(_("Successions (before → since 1 July 2025)"), counts),
        _("Mapping entries skipped (ambiguous or unknown unit key): %(count)d") % {"count": counts.skipped},
    ]


def _counts_line(label: str, counts: TierCounts) -> str:
    return _("%(label)s: %(created)d created, %(updated)d updated, %(unchanged)d unchanged") % {
        "label": label,
        "created": counts.created,
        "updated": counts.updated,
        "unchanged": counts.unchanged,
    }


# --------------------------------------------------------------------------- package data


@dataclass(frozen=True, slots=True)
class UnitSpec:
    """One unit as the package describes it, cleaned."""

    code: str
    name: str
    short_name: str
    kind: str
    tier: str
    depth: int
    parent_code: str | None
    province_code: str


@dataclass(frozen=True, slots=True)
class _Link:
    """One legacy unit → one 2025 unit, in codes."""

    old_code: str
    new_code: str
    is_default: bool
    new_province_code: str


@dataclass(frozen=True, slots=True)
class _Mapping:
    links: tuple[_Link, ...]
    #: new province code → number of mapping entries that could not be resolved
    skipped: dict[str, int]
    #: new province code → legacy province codes
    provinces: dict[str, tuple[str, ...]]


def _rows(table: str, fields: list[str]) -> list[dict[str, Any]]:
    from vietnamadminunits.database import get_data  # slow import (shapely, geopy): only when loading

    return get_data(fields=fields, table=table)


def _package_dir() -> Path:
    import vietnamadminunits

    return Path(vietnamadminunits.__file__).parent


@functools.cache
def package_version() -> str:
    return metadata.version(PACKAGE)


def _split_name(raw_name: str, tier: str) -> tuple[str, str, str]:
    """(name, short_name, kind) from a full name such as "Thị Trấn Ái Tử"."""
    raw_name = " ".join(raw_name.split())
    for kind in KINDS_BY_TIER[tier]:
        if raw_name.lower().startswith(kind.lower() + " "):
            rest = raw_name[len(kind) + 1 :]
            name = f"{kind} {rest}"
            return name, name if rest.isdigit() else rest, kind
    # Not in 1.0.4: a new kind of unit must be looked at, not guessed.
    raise ValueError(f"{PACKAGE}: no known kind of {tier} starts {raw_name!r}")


@functools.cache
def unit_specs(scheme: str) -> tuple[UnitSpec, ...]:
    """Every unit of a scheme, parents before children (provinces, districts, communes)."""
    by_tier: dict[str, dict[str, UnitSpec]] = {tier: {} for tier in TIERS[scheme]}

    def add(tier: str, code: str, raw: str, parent: str | None, province: str) -> None:
        if code in by_tier[tier]:
            return
        name, short_name, kind = _split_name(raw, tier)
        depth = TIERS[scheme].index(tier) + 1
        by_tier[tier][code] = UnitSpec(code, name, short_name, kind, tier, depth, parent, province)

    if scheme == Scheme.CURRENT:
        for r in _rows("admin_units", ["province", "provinceCode", "ward", "wardCode"]):
            p = r["provinceCode"]
            add(Tier.PROVINCE, p, r["province"], None, p)
            add(Tier.COMMUNE, r["wardCode"], r["ward"], p, p)
    elif scheme == Scheme.LEGACY:
        fields = ["province", "provinceCode", "district", "districtCode", "ward", "wardCode"]
        for r in _rows("admin_units_legacy", fields):
            p, d = r["provinceCode"], r["districtCode"]
            add(Tier.PROVINCE, p, r["province"], None, p)
            add(Tier.DISTRICT, d, r["district"], p, p)
            if r["wardCode"]:  # island districts without communes have a row with no ward
                add(Tier.COMMUNE, r["wardCode"], r["ward"], d, p)
    else:
        raise ValueError(f"unknown scheme {scheme!r}")
    return tuple(
        spec for tier in TIERS[scheme] for spec in sorted(by_tier[tier].values(), key=attrgetter("code"))
    )


def province_codes(scheme: str) -> list[str]:
    return [s.code for s in unit_specs(scheme) if s.tier == Tier.PROVINCE]


class _KeyIndex:
    """Package keys → codes; a key held by two units is ambiguous and resolves to nothing."""

    def __init__(self) -> None:
        self._codes: dict[str, set[str]] = defaultdict(set)

    def add(self, key: str, code: str) -> None:
        self._codes[key].add(code)

    def get(self, key: str) -> str | None:
        codes = self._codes.get(key, ())
        return next(iter(codes)) if len(codes) == 1 else None


@functools.cache
def _mapping() -> _Mapping:
    """The legacy → 2025 mapping of ``converter_2025.json``, resolved to unit codes."""
    new_provinces, new_wards = _KeyIndex(), _KeyIndex()
    for r in _rows("admin_units", ["provinceKey", "provinceCode", "wardKey", "wardCode"]):
        new_provinces.add(r["provinceKey"], r["provinceCode"])
        # wardKey keeps its diacritics where the plain key would be shared in a
        # province (wardKeyDuplicated); a key still shared is ambiguous → skipped.
        new_wards.add(f"{r['provinceKey']}_{r['wardKey']}", r["wardCode"])
    old_provinces, old_units = _KeyIndex(), _KeyIndex()
    keys = ["provinceKey", "provinceCode", "districtKey", "districtCode", "wardKey", "wardCode"]
    for r in _rows("admin_units_legacy", keys):
        old_provinces.add(r["provinceKey"], r["provinceCode"])
        # A district without communes appears in the JSON as "province_district_".
        code = r["wardCode"] or r["districtCode"]
        old_units.add(f"{r['provinceKey']}_{r['districtKey']}_{r['wardKey'] or ''}", code)

    data = json.loads((_package_dir() / "data" / "converter_2025.json").read_text(encoding="utf-8"))
    links: list[_Link] = []
    skipped: dict[str, int] = defaultdict(int)
    provinces: dict[str, tuple[str, ...]] = {}

    def link(old: str | None, new: str | None, is_default: bool, new_province: str) -> None:
        if old is None or new is None:
            skipped[new_province] += 1
        else:
            links.append(_Link(old, new, is_default, new_province))

    for new_key, old_keys in data["DICT_PROVINCE"].items():
        new_p = new_provinces.get(new_key)
        if new_p is None:
            skipped["?"] += len(old_keys)
            continue
        olds = [old_provinces.get(k) for k in old_keys]
        provinces[new_p] = tuple(sorted(c for c in olds if c))
        for old in olds:
            link(old, new_p, True, new_p)
    for new_key, wards in data["DICT_PROVINCE_WARD_NO_DIVIDED"].items():
        new_p = new_provinces.get(new_key) or "?"
        for ward_key, old_keys in wards.items():
            new = new_wards.get(f"{new_key}_{ward_key}")
            for old_key in old_keys:
                link(old_units.get(old_key), new, True, new_p)
    for new_key, olds in data["DICT_PROVINCE_WARD_DIVIDED"].items():
        new_p = new_provinces.get(new_key) or "?"
        for old_key, targets in olds.items():
            old = old_units.get(old_key)
            for target in targets:
                new = new_wards.get(f"{new_key}_{target['newWardKey']}")
                link(old, new, bool(target["isDefaultNewWard"]), new_p)
    return _Mapping(tuple(links), dict(skipped), provinces)


def legacy_provinces_for(new_province_code: str) -> list[str]:
    """Codes of the legacy provinces merged into a 2025 province: "51" → ["51", "62"]."""
    try:
        return list(_mapping().provinces[new_province_code])
    except KeyError:
        raise UnknownProvinceError(Scheme.CURRENT, new_province_code) from None


def current_province_for(legacy_province_code: str) -> str:
    """The 2025 province a legacy province was merged into: "62" (Kon Tum) → "51"."""
    for new, olds in _mapping().provinces.items():
        if legacy_province_code in olds:
            return new
    raise UnknownProvinceError(Scheme.LEGACY, legacy_province_code)


# --------------------------------------------------------------------------- loading


def load_units(
    scheme: str,
    province_code: str | None = None,
    stdout: _Writer | None = None,
    *,
    successions: bool = True,
) -> LoadResult:
    """Create or update the units of ``scheme`` (one province and its units if given).

    Then, unless ``successions`` is false, refresh the legacy → 2025 successions
    of the area loaded (only pairs whose two units are both loaded get a row).
    Writes the count lines to ``stdout`` if given.
    """
    scheme = Scheme(scheme)
    specs = unit_specs(scheme)
    if province_code is not None:
        specs = tuple(s for s in specs if s.province_code == province_code)
        if not specs:
            raise UnknownProvinceError(scheme, province_code)
    valid_from, valid_to = (CURRENT_VALID_FROM, None) if scheme == Scheme.CURRENT else (None, LEGACY_VALID_TO)
    reason = f"load-units ({PACKAGE} {package_version()})"
    result = LoadResult(scheme=scheme, province_code=province_code)

    with transaction.atomic():
        existing = {u.code: u for u in OrgUnit.objects.filter(scheme=scheme)}
        for tier in TIERS[scheme]:
            counts = result.tiers[tier] = TierCounts()
            to_create: list[OrgUnit] = []
            to_update: list[OrgUnit] = []
            changed_fields: set[str] = set()
            for spec in (s for s in specs if s.tier == tier):
                parent = existing[spec.parent_code] if spec.parent_code else None
                wanted = {
                    "name": spec.name,
                    "short_name": spec.short_name,
                    "kind": spec.kind,
                    "tier": spec.tier,
                    "depth": spec.depth,
                    "parent_id": parent.pk if parent else None,
                    "path": unit_path(scheme, spec.code, parent.path if parent else None),
                    "valid_from": valid_from,
                    "valid_to": valid_to,
                    "search_name": fold(spec.name),
                }
                unit = existing.get(spec.code)
                if unit is None:
                    to_create.append(OrgUnit(scheme=scheme, code=spec.code, **wanted))
                    continue
                changed = [f for f in _OWNED_FIELDS if getattr(unit, f) != wanted[f]]
                if not changed:
                    counts.unchanged += 1
                    continue
                for f in changed:
                    setattr(unit, f, wanted[f])
                unit.version += 1
                changed_fields.update(changed)
                to_update.append(unit)
            if to_create:
                created = bulk_create_with_history(
                    to_create, OrgUnit, batch_size=BATCH_SIZE, default_change_reason=reason
                )
                existing.update((u.code, u) for u in created)
                counts.created = len(created)
            if to_update:
                # parent_id is a column; bulk_update wants the field name.
                fields = sorted({"parent" if f == "parent_id" else f for f in changed_fields} | {"version"})
                bulk_update_with_history(
                    to_update, OrgUnit, fields, batch_size=BATCH_SIZE, default_change_reason=reason
                )
                counts.updated = len(to_update)

        if successions:
            if province_code is None:
                new_codes: list[str] | None = None
            elif scheme == Scheme.CURRENT:
                new_codes = [province_code]
            else:
                new_codes = [current_province_for(province_code)]
            result.successions = _load_successions(new_codes)

    if stdout is not None:
        for line in format_result(result):
            stdout.write(line + "\n")
    return result


def load_successions(new_province_code: str | None = None) -> SuccessionCounts:
    """Create or update the legacy → 2025 successions (of one 2025 province if given).

    A row is made only where both units are loaded; running it again changes
    nothing. Province rows are always default; a legacy commune split over
    several 2025 communes gets one row each, the package's default flagged.
    """
    if new_province_code is not None and new_province_code not in _mapping().provinces:
        raise UnknownProvinceError(Scheme.CURRENT, new_province_code)
    with transaction.atomic():
        return _load_successions(None if new_province_code is None else [new_province_code])


def _load_successions(new_province_codes: Iterable[str] | None) -> SuccessionCounts:
    mapping = _mapping()
    wanted_provinces = None if new_province_codes is None else set(new_province_codes)
    links = [k for k in mapping.links if wanted_provinces is None or k.new_province_code in wanted_provinces]
    counts = SuccessionCounts(
        skipped=sum(
            n for p, n in mapping.skipped.items() if wanted_provinces is None or p in wanted_provinces
        )
    )
    old_ids = dict(OrgUnit.objects.filter(scheme=Scheme.LEGACY).values_list("code", "pk"))
    new_ids = dict(OrgUnit.objects.filter(scheme=Scheme.CURRENT).values_list("code", "pk"))
    if not old_ids or not new_ids:
        return counts

    existing_qs = UnitSuccession.objects.filter(
        predecessor__scheme=Scheme.LEGACY, successor__scheme=Scheme.CURRENT
    )
    if wanted_provinces is not None:
        under = Q()
        for code in wanted_provinces:
            under |= Q(successor__path__startswith=unit_path(Scheme.CURRENT, code, None))
        existing_qs = existing_qs.filter(under)
    existing = {(s.predecessor_id, s.successor_id): s for s in existing_qs}

    to_create: list[UnitSuccession] = []
    to_update: list[UnitSuccession] = []
    for link in links:
        old_id, new_id = old_ids.get(link.old_code), new_ids.get(link.new_code)
        if old_id is None or new_id is None:
            continue
        row = existing.get((old_id, new_id))
        if row is None:
            row = UnitSuccession(
                predecessor_id=old_id,
                successor_id=new_id,
                is_default=link.is_default,
                effective_date=EFFECTIVE_DATE,
            )
            existing[(old_id, new_id)] = row
            to_create.append(row)
        elif row.is_default != link.is_default or row.effective_date != EFFECTIVE_DATE:
            row.is_default, row.effective_date = link.is_default, EFFECTIVE_DATE
            to_update.append(row)
        else:
            counts.unchanged += 1
    UnitSuccession.objects.bulk_create(to_create, batch_size=BATCH_SIZE)
    UnitSuccession.objects.bulk_update(to_update, ["is_default", "effective_date"], batch_size=BATCH_SIZE)
    counts.created, counts.updated = len(to_create), len(to_update)
    return counts
