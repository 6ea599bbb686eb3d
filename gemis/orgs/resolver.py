"""Resolve a free-text agency name ("Sở LĐTB&XH", "Giám đốc Sở Y tế") to an :class:`Agency`.

Documents write the same agency in many ways: abbreviated ("Sở LĐTBXH",
"Sở LĐ-TB&XH", "UBND tỉnh"), with other punctuation ("Sở Lao động, Thương binh
và Xã hội"), in NFD, with old tone placement ("hoá", "uỷ"), in capitals, with a
place qualifier ("Hội Liên hiệp Phụ nữ tỉnh", "... tỉnh Bắc Giang") and behind a
role ("Phó Trưởng Ban VSTBCPN tỉnh là Giám đốc Sở Nội vụ").

Two layers:

* :func:`agency_key` turns a name into a comparison key without any database:
  canonical text, abbreviations expanded, punctuation and the words "và",
  "của" dropped, trailing place qualifiers ("tỉnh", "huyện Tân Yên", "cấp
  tỉnh") removed. :func:`parse_name` returns the key and the qualifiers it
  removed, which tell the resolver which level (and which place) is meant.
* :class:`AgencyResolver` looks the key up in scope: the unit's own agencies,
  then its ancestors' (a district document's "Sở Y tế" is the province's), then,
  for exact keys only, the units below it; agencies valid on the document's
  date are preferred, and a date outside the unit's scheme also looks at the
  units before or after the 2025 reorganisation. Exact keys first, then the
  accent-free key, then a fuzzy match (difflib ratio ≥ 0.88 on keys with the
  same first word, never for national bodies) strict enough that a wrong agency
  is rare: it answers ``None`` rather than guess, and ``None`` for plurals
  ("UBND các huyện") and ties.

Keys of stored names come from the agencies' names, short names and
:class:`~gemis.orgs.models.AgencyAlias` rows (whose ``key`` is :func:`agency_key`
of the alias); the standard loader stores one alias row per distinct key.
"""

from __future__ import annotations

import datetime as dt
import difflib
import re
from collections import defaultdict
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from gemis.core.text import canonical, fold, nfc

if TYPE_CHECKING:  # Django stays out of import time: the document parser imports agency_key.
    from gemis.orgs.models import Agency, OrgUnit

__all__ = [
    "AgencyResolver",
    "Mention",
    "ParsedName",
    "Qualifier",
    "agency_key",
    "parse_mention",
    "parse_name",
    "resolve_agency",
    "resolve_candidates",
]

# --------------------------------------------------------------------------- keys

# Abbreviations, by their letters without separators ("LĐ-TB&XH" → "lđtbxh").
# "và" and "của" are left out of expansions: keys drop them anyway.
_ABBREVIATIONS: dict[str, str] = {
    "ubnd": "ủy ban nhân dân",
    "hđnd": "hội đồng nhân dân",
    "lđtbxh": "lao động thương binh xã hội",
    "lđtbvxh": "lao động thương binh xã hội",
    "lđtđxh": "lao động thương binh xã hội",  # "LĐTĐ&XH": a typo found in real documents
    "lđtđbxh": "lao động thương binh xã hội",
    "vhttdl": "văn hóa thể thao du lịch",
    "vhttvdl": "văn hóa thể thao du lịch",
    "vhtt": "văn hóa thông tin",
    "vhkhtt": "văn hóa khoa học thông tin",
    "vhtttt": "văn hóa thông tin thể thao",
    "vhxh": "văn hóa xã hội",
    "gdđt": "giáo dục đào tạo",
    "gdvđt": "giáo dục đào tạo",
    "khđt": "kế hoạch đầu tư",
    "khvđt": "kế hoạch đầu tư",
    "tttt": "thông tin truyền thông",
    "ttvtt": "thông tin truyền thông",
    "nnptnt": "nông nghiệp phát triển nông thôn",
    "nnvptnt": "nông nghiệp phát triển nông thôn",
    "ptnt": "phát triển nông thôn",
    "tnmt": "tài nguyên môi trường",
    "tnvmt": "tài nguyên môi trường",
    "khcn": "khoa học công nghệ",
    "khvcn": "khoa học công nghệ",
    "nnmt": "nông nghiệp môi trường",
    "nnvmt": "nông nghiệp môi trường",
    "gtvt": "giao thông vận tải",
    "tckh": "tài chính kế hoạch",
    "ktht": "kinh tế hạ tầng",
    "kthtđt": "kinh tế hạ tầng đô thị",
    "qlđt": "quản lý đô thị",
    "dttg": "dân tộc tôn giáo",
    "tgdv": "tuyên giáo dân vận",
    "mttq": "mặt trận tổ quốc",
    "mttqvn": "mặt trận tổ quốc việt nam",
    "ubmt": "ủy ban mặt trận tổ quốc",
    "ubmttq": "ủy ban mặt trận tổ quốc",
    "ubmttqvn": "ủy ban mặt trận tổ quốc việt nam",
    "lhpn": "liên hiệp phụ nữ",
    "hlhpn": "hội liên hiệp phụ nữ",
    "vstbcpn": "vì sự tiến bộ phụ nữ",
    "vstbpn": "vì sự tiến bộ phụ nữ",
    "bvstbcpn": "ban vì sự tiến bộ phụ nữ",  # also "Ban BVSTBCPN", a typo found in real documents
    "bvstbpn": "ban vì sự tiến bộ phụ nữ",
    "ptth": "phát thanh truyền hình",
    "nhcsxh": "ngân hàng chính sách xã hội",
    "csxh": "chính sách xã hội",
    "pgd": "phòng giao dịch",
    "bch": "ban chỉ huy",
    "chqs": "chỉ huy quân sự",
    "bchqs": "ban chỉ huy quân sự",
    "qs": "quân sự",
    "lđlđ": "liên đoàn lao động",
    "tand": "tòa án nhân dân",
    "vksnd": "viện kiểm sát nhân dân",
    "tncshcm": "thanh niên cộng sản hồ chí minh",
    "tncs": "thanh niên cộng sản",
    "đtncshcm": "đoàn thanh niên cộng sản hồ chí minh",
    "hccb": "hội cựu chiến binh",
    "ccb": "cựu chiến binh",
    "hnd": "hội nông dân",
    "ctk": "cục thống kê",
    "cctk": "chi cục thống kê",
    "pvhcc": "phục vụ hành chính công",
    "snv": "sở nội vụ",
    "vp": "văn phòng",
    "tp": "thành phố",
    "tx": "thị xã",
    "ttr": "thị trấn",
    "ctxh": "chính trị xã hội",
    "cvp": "chánh văn phòng",
    "pcvp": "phó chánh văn phòng",
    "pct": "phó chủ tịch",
    "gđ": "giám đốc",
    "pgđ": "phó giám đốc",
}
# Abbreviations that are also ordinary words: expanded only when written in capitals.
# "CA" is also a word ("ca"): expanded only when written in capitals.
_UPPER_ABBREVIATIONS = {"CA": "công an"}
_UPPER_RE = re.compile(r"\b(" + "|".join(_UPPER_ABBREVIATIONS) + r")\b")

_INNER_SEPARATORS = "&\\-–—,./+'’"
_INNER_SEPARATOR_RE = re.compile(f"[{_INNER_SEPARATORS}]+")
_SPLIT_PIECES_RE = re.compile(f"(&)|[{_INNER_SEPARATORS.replace('&', '')}]+")
_DROP_RE = re.compile(f"[^\\w\\s{_INNER_SEPARATORS}]|_")
_AMPERSAND_RE = re.compile(r"\s*&\s*")
_STOPWORDS = frozenset({"và", "của"})
_WORDS_RE = re.compile(r"[^\W_]+")

# Place kinds as token tuples, and the tiers each may name.
_KINDS: dict[tuple[str, ...], str] = {
    ("tỉnh",): "tỉnh",
    ("thành", "phố"): "thành phố",
    ("huyện",): "huyện",
    ("quận",): "quận",
    ("thị", "xã"): "thị xã",
    ("xã",): "xã",
    ("phường",): "phường",
    ("thị", "trấn"): "thị trấn",
    ("đặc", "khu"): "đặc khu",
}
_ONE_WORD_KINDS = {k[0]: k for k in _KINDS if len(k) == 1}
_TWO_WORD_KINDS = {k for k in _KINDS if len(k) == 2}
# A kind word followed by one of these is part of a name, not a place: "xã hội", "Tỉnh ủy",
# "Tỉnh đoàn", "Xã đội". Per kind, because places may start with them ("thành phố Hội An").
_NOT_A_PLACE_AFTER: dict[str, frozenset[str]] = {
    "tỉnh": frozenset({"ủy", "đoàn", "đội", "lộ", "trưởng"}),
    "huyện": frozenset({"ủy", "đoàn", "đội", "lộ", "trưởng"}),
    "quận": frozenset({"ủy", "đoàn", "đội", "trưởng"}),
    "thị xã": frozenset({"ủy", "đoàn", "đội", "hội"}),
    "xã": frozenset({"hội", "viên", "đội"}),
    "phường": frozenset({"đội"}),
    "thị trấn": frozenset({"đội"}),
}
# ... or preceded by one of these: "hợp tác xã".
_NOT_A_PLACE_BEFORE = frozenset({"tác"})
_MAX_PLACE_WORDS = 4
# Trailing words that only say where the agency sits: "... chi nhánh tỉnh".
_TRAILING_FILLERS: tuple[tuple[str, ...], ...] = (
    ("chi", "nhánh"),
    ("trên", "địa", "bàn"),
    ("cấp",),
)
# ... and one dropped only before a place: "Ủy ban MTTQ Việt Nam tỉnh" is the province's,
# "Hội Liên hiệp Phụ nữ Việt Nam" alone is the national body.
_FILLERS_BEFORE_PLACE: tuple[tuple[str, ...], ...] = (("việt", "nam"),)


@dataclass(frozen=True, slots=True)
class Qualifier:
    """A place qualifier removed from a name: ("tỉnh", "bắc giang") or ("huyện", "")."""

    kind: str
    place: str


@dataclass(frozen=True, slots=True)
class ParsedName:
    """A name's comparison key and the place qualifiers removed from its end, innermost first."""

    key: str
    qualifiers: tuple[Qualifier, ...] = ()
    tokens: tuple[str, ...] = field(default=(), repr=False)


def _expand_token(token: str) -> list[str]:
    squashed = _INNER_SEPARATOR_RE.sub("", token)
    if not squashed:
        return []
    expansion = _ABBREVIATIONS.get(squashed)
    if expansion is not None:
        return expansion.split()
    if squashed == token:
        return [token]
    out: list[str] = []
    for piece in _SPLIT_PIECES_RE.split(token):
        if piece == "&":
            out.append("và")
        elif piece:
            out.extend(_ABBREVIATIONS.get(piece, piece).split())
    return out


def _tokens(text: str) -> list[str]:
    """Canonical words of ``text`` with abbreviations expanded and punctuation dropped."""
    text = nfc(text)
    text = _UPPER_RE.sub(lambda m: " " + _UPPER_ABBREVIATIONS[m.group(1)] + " ", text)
    text = canonical(text)
    text = _AMPERSAND_RE.sub("&", text)
    text = _DROP_RE.sub(" ", text)
    words: list[str] = []
    for token in text.split():
        words.extend(_expand_token(token))
    out: list[str] = []
    for word in words:
        if word in _STOPWORDS or (out and out[-1] == word):
            continue
        out.append(word)
    return out


def _kind_at_end(tokens: list[str]) -> tuple[int, int] | None:
    """(start, end) of the right-most place kind within reach of the end, or None."""
    lowest = max(0, len(tokens) - _MAX_PLACE_WORDS - 2)
    for i in range(len(tokens) - 1, lowest - 1, -1):
        if i >= 1 and (tokens[i - 1], tokens[i]) in _TWO_WORD_KINDS:
            return i - 1, i + 1
        if tokens[i] in _ONE_WORD_KINDS:
            return i, i + 1
    return None


def _names_not_a_place(kind: str, rest: list[str]) -> bool:
    """Whether the words after a kind word continue a name ("xã hội") instead of naming a place."""
    words = _NOT_A_PLACE_AFTER.get(kind, frozenset())
    if rest[0] in words:
        return True
    # A lone last word that differs only in its marks is a typo ("Xã hôi"), not a place.
    return len(rest) == 1 and fold(rest[0]) in {fold(w) for w in words}


def _strip_tail(tokens: list[str]) -> tuple[list[str], list[Qualifier]]:
    """Remove trailing fillers and place qualifiers; qualifiers come out outermost first."""
    qualifiers: list[Qualifier] = []
    while True:
        fillers = _TRAILING_FILLERS + (_FILLERS_BEFORE_PLACE if qualifiers else ())
        for filler in fillers:
            n = len(filler)
            if len(tokens) > n and tuple(tokens[-n:]) == filler:
                tokens = tokens[:-n]
                break
        else:
            found = _kind_at_end(tokens)
            if found is None:
                break
            start, end = found
            rest = tokens[end:]
            kind = _KINDS[tuple(tokens[start:end])]
            begin = start - 1 if start >= 2 and tokens[start - 1] == "cấp" else start
            if begin == 0 or len(rest) > _MAX_PLACE_WORDS or tokens[start - 1] in _NOT_A_PLACE_BEFORE:
                break
            if rest and _names_not_a_place(kind, rest):
                break
            qualifiers.append(Qualifier(kind, " ".join(rest)))
            tokens = tokens[:begin]
    return tokens, qualifiers


def parse_name(text: str) -> ParsedName:
    """The key of an agency name and the place qualifiers that followed it."""
    tokens, qualifiers = _strip_tail(_tokens(text))
    return ParsedName(" ".join(tokens), tuple(reversed(qualifiers)), tuple(tokens))


def agency_key(text: str) -> str:
    """The normalised comparison key of an agency name.

    >>> agency_key("Sở LĐ-TB&XH tỉnh Bắc Giang") == agency_key("Sở Lao động, Thương binh và Xã hội")
    True
    """
    return parse_name(text).key


# --------------------------------------------------------------------------- mentions

_PARENTHESES_RE = re.compile(r"\([^()]*\)|\[[^\[\]]*\]")
_IS_RE = re.compile(r"\s+là\s+", re.IGNORECASE)
# Words before the agency that name a person or an action, as key tokens; longest first.
_ROLES = (
    "phó|trưởng|giám đốc|lãnh đạo|chủ tịch|thường trực|ban thường vụ|thủ trưởng|người đứng đầu|"
    "đại diện|ủy viên|thành viên|cán bộ|công chức|chuyên viên|đồng chí|đ c|đc|chánh án|chánh|"
    "viện trưởng|bí thư|chỉ huy trưởng|tổng biên tập|cục trưởng|chi cục trưởng|cơ quan thường trực|"
    "đề nghị|giao|phân công|kính gửi|gửi|ký thay|thay mặt|kt|tm|tl"
)
_ROLE_WORDS = tuple(sorted((tuple(r.split()) for r in _ROLES.split("|")), key=len, reverse=True))
# Marks of a national body: never matched fuzzily to a local one.
_NATIONAL_WORDS = frozenset(
    {"trung ương", "quốc gia", "chính phủ", "quốc hội", "thủ tướng", "bộ trưởng", "việt nam"}
)
_NATIONAL_HEADS = frozenset({"bộ", "tổng"})
# "các" before these makes a mention plural ("UBND các huyện", "các sở, ngành").
_PLURAL_HEADS = frozenset(
    {
        "tỉnh", "thành", "huyện", "quận", "thị", "xã", "phường", "đặc",
        "sở", "ban", "ngành", "phòng", "cơ", "đơn", "địa", "cấp", "đoàn", "phó", "pct", "đồng",
    }
)  # fmt: skip


@dataclass(frozen=True, slots=True)
class Mention:
    """A mention cleaned for lookup: its parsed name, or why it cannot name one agency."""

    parsed: ParsedName
    plural: bool = False

    @property
    def key(self) -> str:
        return self.parsed.key


def _strip_roles(tokens: list[str]) -> list[str]:
    changed = True
    while changed:
        changed = False
        for role in _ROLE_WORDS:
            n = len(role)
            if len(tokens) > n and tuple(tokens[:n]) == role:
                tokens = tokens[n:]
                changed = True
                break
    return tokens


def _is_plural(words: list[str]) -> bool:
    """Whether raw (stop words kept) mention words name several agencies."""
    for i, word in enumerate(words):
        if word not in {"các", "những"}:
            continue
        if i == 0 or (i + 1 < len(words) and words[i + 1] in _PLURAL_HEADS) or words[i - 1] == "và":
            return True
    return False


def parse_mention(text: str) -> Mention:
    """Clean a mention as found in a document: roles, "X là Y", parentheses, plurals."""
    text = nfc(text)
    without = _PARENTHESES_RE.sub(" ", text)
    if without.strip():
        text = without
    parts = _IS_RE.split(text)
    text = parts[-1]
    raw_words = _WORDS_RE.findall(canonical(text))
    tokens = _strip_roles(_tokens(text))
    if _is_plural(_strip_roles(raw_words)):
        return Mention(ParsedName(""), plural=True)
    tokens, qualifiers = _strip_tail(tokens)
    return Mention(ParsedName(" ".join(tokens), tuple(reversed(qualifiers)), tuple(tokens)))


def _is_national(key: str) -> bool:
    words = key.split()
    if words and words[0] in _NATIONAL_HEADS and words[1:3] != ["chỉ", "huy"]:  # Bộ Chỉ huy Quân sự tỉnh
        return True
    padded = f" {key} "
    return any(f" {w} " in padded for w in _NATIONAL_WORDS)


def _squash(text: str) -> str:
    return fold(text).replace(" ", "")


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
        words = tuple(_tokens(text))
        if words:
            found.add(words)
        for kind in _KINDS:
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
    return _squash(f"{qualifier.kind} {qualifier.place}") == _squash(unit.name) or (
        _squash(qualifier.place) == _squash(unit.short_name) and _unit_kind(unit) in {qualifier.kind, None}
    )


def _unit_kind(unit: OrgUnit) -> str | None:
    """The kind a unit's name starts with ("thành phố" for "Thành phố Huế"), if any."""
    words = tuple(_tokens(unit.name))
    for kind_words, kind in _KINDS.items():
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
            tokens = _tokens(text)
            keys.add(" ".join(_strip_tail(tokens)[0]))
            for words in places:
                stripped = _remove_words(tokens, words)
                if stripped and stripped != tokens:
                    keys.add(" ".join(_strip_tail(stripped)[0]))
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
        if not fuzzy or _is_national(key):
            return []
        head = key.split()[0]
        matcher = difflib.SequenceMatcher(autojunk=False)
        matcher.set_seq2(key)
        best: dict[int, tuple[Agency, float]] = {}
        for candidate, agency in index.keys:
            if candidate.split()[0] != head or _is_national(candidate):
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
