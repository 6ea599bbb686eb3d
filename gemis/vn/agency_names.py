"""Comparison keys of Vietnamese agency names, without any database.

Documents write the same agency in many ways: abbreviated ("Sở LĐTBXH",
"Sở LĐ-TB&XH", "UBND tỉnh"), with other punctuation ("Sở Lao động, Thương binh
và Xã hội"), in NFD, with old tone placement ("hoá", "uỷ"), in capitals, with a
place qualifier ("Hội Liên hiệp Phụ nữ tỉnh", "... tỉnh Bắc Giang") and behind a
role ("Phó Trưởng Ban VSTBCPN tỉnh là Giám đốc Sở Nội vụ").

:func:`agency_key` turns a name into a comparison key: canonical text,
abbreviations expanded, punctuation and the words "và", "của" dropped, trailing
place qualifiers ("tỉnh", "huyện Tân Yên", "cấp tỉnh") removed.
:func:`parse_name` returns the key and the qualifiers it removed, which tell the
resolver (``gemis.orgs.resolver``) which level, and which place, is meant;
:func:`parse_mention` also takes off the role in front ("Giám đốc ...") and tells
a plural ("UBND các huyện") from one agency.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from gemis.vn.text import canonical, fold, nfc

__all__ = [
    "UNIT_KINDS",
    "Mention",
    "ParsedName",
    "Qualifier",
    "agency_key",
    "is_national_key",
    "name_tokens",
    "parse_mention",
    "parse_name",
    "squashed_key",
    "strip_tail",
]

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
UNIT_KINDS: dict[tuple[str, ...], str] = {
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
_ONE_WORD_KINDS = {k[0]: k for k in UNIT_KINDS if len(k) == 1}
_TWO_WORD_KINDS = {k for k in UNIT_KINDS if len(k) == 2}
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


def name_tokens(text: str) -> list[str]:
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


def strip_tail(tokens: list[str]) -> tuple[list[str], list[Qualifier]]:
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
            kind = UNIT_KINDS[tuple(tokens[start:end])]
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
    tokens, qualifiers = strip_tail(name_tokens(text))
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
    tokens = _strip_roles(name_tokens(text))
    if _is_plural(_strip_roles(raw_words)):
        return Mention(ParsedName(""), plural=True)
    tokens, qualifiers = strip_tail(tokens)
    return Mention(ParsedName(" ".join(tokens), tuple(reversed(qualifiers)), tuple(tokens)))


def is_national_key(key: str) -> bool:
    words = key.split()
    if words and words[0] in _NATIONAL_HEADS and words[1:3] != ["chỉ", "huy"]:  # Bộ Chỉ huy Quân sự tỉnh
        return True
    padded = f" {key} "
    return any(f" {w} " in padded for w in _NATIONAL_WORDS)


def squashed_key(text: str) -> str:
    return fold(text).replace(" ", "")
