"""Resolve a free-text agency name ("Sở LĐTB&XH", "Giám đốc Sở Y tế") to an :class:`Agency`.

The names are keyed by :mod:`gemis.vn.agency_names` (no database there).
:class:`AgencyResolver` looks the key up in scope: the unit's own agencies,
then its ancestors' (a district document's "Sở Y tế" is the province's), then,
for exact keys only, the units below it; agencies valid on the document's
date are preferred, and a date outside the unit's scheme also looks at the
units before or after the 2025 reorganisation. Exact keys first, then the
accent-free key, then a fuzzy match (difflib ratio ≥ 0.88 on keys with the
same first word, never for national bodies) strict enough that a wrong agency
is rare: it answers ``None`` rather than guess, and ``None`` for plurals
("UBND các huyện") and ties.

Keys of stored names come from the agencies' names, short names and
:class:`~gemis.orgs.models.AgencyAlias` rows (whose ``key`` is ``agency_key``
of the alias); the standard loader stores one alias row per distinct key.
"""

from __future__ import annotations

import datetime as dt
import difflib
from collections import defaultdict
from dataclasses import dataclass
from typing import TYPE_CHECKING

from gemis.vn.agency_names import (
    UNIT_KINDS,
    Mention,
    Qualifier,
    is_national_key,
    name_tokens,
    parse_mention,
    squashed_key,
    strip_tail,
)
from gemis.vn.text import fold

if TYPE_CHECKING:
    from gemis.orgs.models import Agency, OrgUnit

__all__ = ["AgencyResolver", "resolve_agency", "resolve_candidates"]

# --------------------------------------------------------------------------- resolution

# Scores: exact key 1.0, accent-free key 0.95, fuzzy ≤ 0.94; minus a penalty for
# distance of the scope and for an agency not valid on the date.
FUZZY_MIN_RATIO = 0.88
_FOLD_SCORE = 0.95
_FUZZY_WEIGHT = 0.94
_ANCESTOR_PENALTY = 0.02
_BELOW_PENALTY = 0.05
_SUCCESSION_PENALTY = 0.1
_DATE_PENALTY = 0.2
_AMBIGUITY_MARGIN = 0.015
_TIERS_BY_KIND = {
    "tỉnh": {"province"},
    "thành phố": {"province", "district"},
    "huyện": {"district"},
    "quận": {"district"},
    "thị xã": {"district"},
    "xã": {"commune"},
    "phường": {"commune"},
    "thị trấn": {"commune"},
    "đặc khu": {"commune", "district"},
}
_CURRENT_FROM = dt.date(2025, 7, 1)


@dataclass
class _UnitIndex:
    """The keys of one unit's agencies."""

    exact: dict[str, list[Agency]]
    folded: dict[str, list[Agency]]
    keys: list[tuple[str, Agency]]


@dataclass(frozen=True)
class _Scope:
    unit: OrgUnit
    penalty: float
    fuzzy: bool


def _valid_on(agency: Agency, on_date: dt.date | None) -> bool:
    if on_date is None:
        return True
    return (agency.valid_from is None or agency.valid_from <= on_date) and (
        agency.valid_to is None or on_date <= agency.valid_to
    )


def _place_words(unit: OrgUnit) -> list[tuple[str, ...]]:
    """Token sequences naming ``unit`` inside an agency name: ("đắk", "lắk"), ("tỉnh", "đắk", "lắk")."""
    found: set[tuple[str, ...]] = set()
    for text in (unit.short_name, unit.name):
        words = tuple(name_tokens(text))
        if words:
            found.add(words)
        for kind in UNIT_KINDS:
            if len(words) > len(kind) and words[: len(kind)] == kind:
                found.add(words[len(kind) :])
    return sorted(found, key=len, reverse=True)


def _remove_words(tokens: list[str], words: tuple[str, ...]) -> list[str]:
    n = len(words)
    out: list[str] = []
    i = 0
    while i < len(tokens):
        if tuple(tokens[i : i + n]) == words:
            i += n
        else:
            out.append(tokens[i])
            i += 1
    return out


def _unit_matches(unit: OrgUnit, qualifier: Qualifier) -> bool:
    tiers = _TIERS_BY_KIND.get(qualifier.kind, set())
    if unit.tier not in tiers:
        return False
    if not qualifier.place:
        return True
    # With a place, the kind must be the unit's own: "thành phố Bắc Giang" is not "tỉnh Bắc Giang".
    return squashed_key(f"{qualifier.kind} {qualifier.place}") == squashed_key(unit.name) or (
        squashed_key(qualifier.place) == squashed_key(unit.short_name)
        and _unit_kind(unit) in {qualifier.kind, None}
    )


def _unit_kind(unit: OrgUnit) -> str | None:
    """The kind a unit's name starts with ("thành phố" for "Thành phố Huế"), if any."""
    words = tuple(name_tokens(unit.name))
    for kind_words, kind in UNIT_KINDS.items():
        if words[: len(kind_words)] == kind_words and len(words) > len(kind_words):
            return kind
    return None


class AgencyResolver:
    """Resolves many mentions against one unit (and date), caching each unit's keys.

    >>> resolver = AgencyResolver(district, on_date=date(2024, 4, 15))  # doctest: +SKIP
    >>> resolver.resolve("Sở LĐTĐ&XH tỉnh Bắc Giang")  # doctest: +SKIP
    <Agency: Sở Lao động - Thương binh và Xã hội tỉnh Bắc Giang>
    """

    def __init__(self, unit: OrgUnit | None = None, on_date: dt.date | None = None) -> None:
        self.unit = unit
        self.on_date = on_date
        self._indexes: dict[int, _UnitIndex] = {}
        self._places: dict[int, list[tuple[str, ...]]] = {}
        self._base_scopes: list[_Scope] | None = None
        self._place_units: dict[tuple[str, str, str | None], list[OrgUnit]] = {}
        self._below: dict[str, list[Agency]] = {}

    # ---------------------------------------------------------------- public

    def resolve(self, text: str) -> Agency | None:
        """The agency ``text`` names, or None when unknown, plural or ambiguous."""
        found = self.candidates(text, limit=2)
        if not found:
            return None
        if len(found) > 1 and found[0][1] - found[1][1] < _AMBIGUITY_MARGIN:
            return None
        return found[0][0]

    def candidates(self, text: str, limit: int = 5) -> list[tuple[Agency, float]]:
        """Agencies ``text`` may name, best first, with scores in (0, 1]."""
        mention = parse_mention(text)
        if mention.plural or not mention.key:
            return []
        scores: dict[int, tuple[Agency, float]] = {}

        def offer(agency: Agency, score: float) -> None:
            if not _valid_on(agency, self.on_date):
                score -= _DATE_PENALTY
            best = scores.get(agency.pk)
            if best is None or score > best[1]:
                scores[agency.pk] = (agency, score)

        for scope in self._scopes_for(mention):
            index = self._index(scope.unit)
            for agency, score in self._match(index, mention.key, fuzzy=scope.fuzzy):
                offer(agency, score - scope.penalty)
        if not scores:
            for agency, penalty in self._below_exact(mention):
                offer(agency, 1.0 - penalty)
        ranked = sorted(scores.values(), key=lambda pair: (-pair[1], pair[0].pk))
        return [(agency, round(score, 4)) for agency, score in ranked[:limit] if score > 0]

    # ---------------------------------------------------------------- scopes

    def _base(self) -> list[_Scope]:
        """The unit, its ancestors, and units related by the 2025 succession when the date asks."""
        if self._base_scopes is not None:
            return self._base_scopes
        from gemis.orgs.models import Scheme, UnitSuccession

        scopes: list[_Scope] = []
        unit = self.unit
        if unit is not None:
            scopes.append(_Scope(unit, 0.0, True))
            for level, ancestor in enumerate(reversed(unit.ancestors()), start=1):
                scopes.append(_Scope(ancestor, _ANCESTOR_PENALTY * level, True))
            related: list[OrgUnit] = []
            if self.on_date is not None:
                rows = UnitSuccession.objects.select_related("predecessor", "successor")
                if unit.scheme == Scheme.CURRENT and self.on_date < (unit.valid_from or _CURRENT_FROM):
                    related = [row.predecessor for row in rows.filter(successor=unit)]
                elif unit.scheme == Scheme.LEGACY and unit.valid_to and self.on_date > unit.valid_to:
                    related = [row.successor for row in rows.filter(predecessor=unit)]
            seen = {s.unit.pk for s in scopes}
            for other in related:
                for level, each in enumerate([other, *reversed(other.ancestors())]):
                    if each.pk not in seen:
                        seen.add(each.pk)
                        scopes.append(_Scope(each, _SUCCESSION_PENALTY + _ANCESTOR_PENALTY * level, False))
        self._base_scopes = scopes
        return scopes

    def _scopes_for(self, mention: Mention) -> list[_Scope]:
        base = self._base()
        if not mention.parsed.qualifiers:
            return base
        qualifier = mention.parsed.qualifiers[0]
        matching = [s for s in base if _unit_matches(s.unit, qualifier)]
        if matching:
            return matching
        if qualifier.place:
            return [_Scope(u, _BELOW_PENALTY, True) for u in self._units_named(qualifier)]
        return []

    def _units_named(self, qualifier: Qualifier) -> list[OrgUnit]:
        """Units a place qualifier names: below the unit, else anywhere in the likely scheme."""
        from gemis.orgs.models import OrgUnit, Scheme

        cache_key = (qualifier.kind, qualifier.place, self.unit.path if self.unit else None)
        if cache_key in self._place_units:
            return self._place_units[cache_key]
        tiers = _TIERS_BY_KIND.get(qualifier.kind, set())
        qs = OrgUnit.objects.filter(tier__in=tiers)
        if self.unit is not None:
            qs = qs.filter(scheme=self.unit.scheme)
        elif self.on_date is not None:
            qs = qs.filter(scheme=Scheme.CURRENT if self.on_date >= _CURRENT_FROM else Scheme.LEGACY)
        # search_name is fold(name): "tinh bac giang"; the place words are its tail.
        tail = fold(qualifier.place)
        candidates = [u for u in qs.filter(search_name__endswith=tail)[:50] if _unit_matches(u, qualifier)]
        if self.unit is not None:
            below = [u for u in candidates if u.path.startswith(self.unit.path)]
            candidates = below or candidates
        self._place_units[cache_key] = candidates
        return candidates

    def _below_exact(self, mention: Mention) -> list[tuple[Agency, float]]:
        """Exact alias-key matches below the unit (or anywhere without one)."""
        from gemis.orgs.models import Agency, AgencyAlias

        cached = self._below.get(mention.key)
        if cached is None:
            aliases = AgencyAlias.objects.filter(key=mention.key).select_related("agency", "agency__org_unit")
            if self.unit is not None:
                aliases = aliases.filter(agency__org_unit__path__startswith=self.unit.path).exclude(
                    agency__org_unit=self.unit
                )
            found: dict[int, Agency] = {alias.agency_id: alias.agency for alias in aliases[:200]}
            if self.unit is None and not found:
                # Agencies entered by hand may have no alias rows: compare their names.
                named = Agency.objects.filter(search_name__startswith=fold(mention.key)).select_related(
                    "org_unit"
                )
                for agency in named[:200]:
                    if mention.key in self._agency_keys(agency):
                        found[agency.pk] = agency
            cached = self._below[mention.key] = list(found.values())
        qualifier = mention.parsed.qualifiers[0] if mention.parsed.qualifiers else None
        return [
            (agency, _BELOW_PENALTY)
            for agency in cached
            if qualifier is None or _unit_matches(agency.org_unit, qualifier)
        ]

    # ---------------------------------------------------------------- indexes

    def _agency_keys(self, agency: Agency) -> set[str]:
        """Keys of the agency's name and short name, also without its unit's name in them."""
        keys = set()
        unit = agency.org_unit
        places = self._places.get(unit.pk)
        if places is None:
            places = self._places[unit.pk] = _place_words(unit)
        for text in (agency.name, agency.short_name):
            if not text:
                continue
            tokens = name_tokens(text)
            keys.add(" ".join(strip_tail(tokens)[0]))
            for words in places:
                stripped = _remove_words(tokens, words)
                if stripped and stripped != tokens:
                    keys.add(" ".join(strip_tail(stripped)[0]))
        keys.discard("")
        return keys

    def _index(self, unit: OrgUnit) -> _UnitIndex:
        index = self._indexes.get(unit.pk)
        if index is not None:
            return index
        exact: dict[str, list[Agency]] = defaultdict(list)
        for agency in unit.agencies.all().prefetch_related("aliases"):
            agency.org_unit = unit  # spare a query per agency in _agency_keys
            keys = self._agency_keys(agency) | {a.key for a in agency.aliases.all() if a.key}
            for key in keys:
                exact[key].append(agency)
        folded: dict[str, list[Agency]] = defaultdict(list)
        for key, agencies in exact.items():
            for agency in agencies:
                if agency not in folded[fold(key)]:
                    folded[fold(key)].append(agency)
        pairs = [(key, agency) for key, agencies in exact.items() for agency in agencies]
        index = _UnitIndex(dict(exact), dict(folded), pairs)
        self._indexes[unit.pk] = index
        return index

    @staticmethod
    def _match(index: _UnitIndex, key: str, *, fuzzy: bool) -> list[tuple[Agency, float]]:
        hits = index.exact.get(key)
        if hits:
            return [(a, 1.0) for a in hits]
        hits = index.folded.get(fold(key))
        if hits:
            return [(a, _FOLD_SCORE) for a in hits]
        if not fuzzy or is_national_key(key):
            return []
        head = key.split()[0]
        matcher = difflib.SequenceMatcher(autojunk=False)
        matcher.set_seq2(key)
        best: dict[int, tuple[Agency, float]] = {}
        for candidate, agency in index.keys:
            if candidate.split()[0] != head or is_national_key(candidate):
                continue
            matcher.set_seq1(candidate)
            if matcher.real_quick_ratio() < FUZZY_MIN_RATIO or matcher.quick_ratio() < FUZZY_MIN_RATIO:
                continue
            ratio = matcher.ratio()
            if ratio >= FUZZY_MIN_RATIO and ratio > best.get(agency.pk, (None, 0.0))[1]:
                best[agency.pk] = (agency, ratio)
        return [(agency, ratio * _FUZZY_WEIGHT) for agency, ratio in best.values()]


def resolve_agency(text: str, unit: OrgUnit | None = None, on_date: dt.date | None = None) -> Agency | None:
    """The agency ``text`` names, seen from ``unit`` on ``on_date``; None rather than a guess."""
    return AgencyResolver(unit, on_date).resolve(text)


def resolve_candidates(
    text: str, unit: OrgUnit | None = None, limit: int = 5, on_date: dt.date | None = None
) -> list[tuple[Agency, float]]:
    """Up to ``limit`` (agency, score) pairs for ``text``, best first."""
    return AgencyResolver(unit, on_date).candidates(text, limit=limit)
