"""Document numbers and the references a plan cites.

A number and symbol (số và ký hiệu, Nghị định 30/2020/NĐ-CP) is a sequence
number, the year for legal documents, the type letters and the issuer's letters:
"1889/KH-UBND", "70/2008/NĐ-CP", "11-NQ/TW", "5645/LĐTBXH-BĐG" (a letter: no
type letters). Typed documents add spaces ("1170 /CTr-BVSTBPN", "11- NQ/TW",
"2792/LĐT BXH-BĐG") or drop the hyphen ("107/KHUBND"). :data:`NUMBER_RE`
accepts those variants and :func:`normalise_number` writes them without spaces.

:func:`find_references` lists every numbered document cited, footnotes
included, one per number: its kind (the word before it, else the type
letters), its date ("ngày 12/02/2020" right after the number), its issuer
("của Bộ Lao động - Thương binh và Xã hội"), and the span that cites it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from .dates import date_at

__all__ = ["NUMBER_RE", "Reference", "find_references", "kind_from_symbol", "normalise_number"]

_UP = "A-ZĐ"
_SYMBOL_PART = rf"[{_UP}][A-Za-zĐđ&0-9]*"
# A space inside the symbol is accepted only before another capital group that continues
# with a separator ("LĐT BXH-BĐG"); "KH-UBND ngày" and "QĐ-UBND UBND tỉnh" stop where they should.
_SYMBOL = rf"{_SYMBOL_PART}(?:(?:\s?[-/&]\s?|\s(?=[{_UP}]{{2,}}[A-Za-zĐ&]*[-/]))[{_UP}][A-Za-zĐđ&0-9]*)*"
NUMBER_RE = re.compile(
    rf"(?<![\w/.\-])(?P<seq>\d{{1,5}})\s?(?P<sep>[/\-])\s?(?P<year>(?:19|20)\d{{2}}\s?/\s?)?(?P<sym>{_SYMBOL})"
)

_KINDS = (
    "Nghị quyết liên tịch", "Thông tư liên tịch", "Nghị quyết", "Nghị định", "Quyết định", "Thông tư",
    "Chỉ thị", "Công văn", "Văn bản", "Kế hoạch", "Chương trình", "Thông báo", "Hướng dẫn", "Báo cáo",
    "Luật", "Pháp lệnh", "Kết luận", "Đề án", "Công điện", "Quy định", "Quy chế", "Tờ trình", "Thông tri",
    "Điều lệ", "Chiến lược",
)  # fmt: skip
# The kind right before the number ("Quyết định số", "Kế hoạch 808/…"), or a few words before
# "số" ("Luật Bình đẳng giới số 73/2006/QH11").
_KIND_BEFORE_RE = re.compile(
    r"(?P<kind>" + "|".join(_KINDS) + r")(?:\s+(?:liên tịch|hợp nhất))?"
    r"(?:\s*(?:số\s*:?)?|(?:\s+[^\s,;.()]+){1,6}?\s+số\s*:?)\s*$",
    re.IGNORECASE,
)
_TYPE_CODES = {
    "NQ": "Nghị quyết", "NQLT": "Nghị quyết liên tịch", "NĐ": "Nghị định", "QĐ": "Quyết định",
    "TT": "Thông tư", "TTLT": "Thông tư liên tịch", "CT": "Chỉ thị", "KH": "Kế hoạch",
    "CTR": "Chương trình", "TB": "Thông báo", "HD": "Hướng dẫn", "BC": "Báo cáo", "KL": "Kết luận",
    "ĐA": "Đề án", "TTR": "Tờ trình", "CĐ": "Công điện", "QC": "Quy chế", "QYĐ": "Quy định",
    "QH": "Luật", "PL": "Pháp lệnh", "CV": "Công văn", "TTR-": "Tờ trình",
}  # fmt: skip
_ISSUER_RE = re.compile(
    r"\s*,?\s*(?:của|do)\s+(?P<issuer>[^,;:()\n]{2,120}?)"
    r"(?=\s+(?:về|v/v|phê duyệt|quy định|ban hành|hướng dẫn|triển khai|thực hiện|tổ chức|tại|đã|được|"
    r"thông qua|sửa đổi|bổ sung|nhằm|ngày)\b|\s+và\s+(?:các|những|" + "|".join(_KINDS) + r")\b"
    r"|\s*[,;:().\n]|$)",
    re.IGNORECASE,
)
_SPACES_RE = re.compile(r"\s+")
_FORM_BEFORE_RE = re.compile(r"(?i)(?:mẫu|biểu|biểu mẫu|phụ lục)\s*(?:số)?\s*:?\s*$")


def normalise_number(number: str) -> str:
    """ "1170 /CTr-BVSTBPN" → "1170/CTr-BVSTBPN" (letters kept as written)."""
    return _SPACES_RE.sub("", number.replace("–", "-").replace("—", "-"))


def number_key(number: str) -> str:
    return normalise_number(number).upper()


def kind_from_symbol(symbol: str) -> str | None:
    """The kind the type letters say ("KH-UBND" → Kế hoạch); None when the symbol has none."""
    first = re.split(r"[-/]", symbol.replace(" ", ""), maxsplit=1)[0].upper().rstrip("0123456789")
    if first in _TYPE_CODES:
        return _TYPE_CODES[first]
    # Glued symbols: "KHUBND"
    for code in ("CTR", "KH", "QĐ", "NQ", "BC", "TB", "HD"):
        if first.startswith(code) and first[len(code) :] in ("UBND", "HĐND", "BCĐ", "BTV", "TU", "HU"):
            return _TYPE_CODES[code]
    return None


@dataclass
class Reference:
    kind: str | None
    number: str
    date: str | None
    issuer: str | None
    start: int
    end: int
    mask_end: int  # end of the number and its date: what deadline search must ignore

    def to_dict(self) -> dict:
        return {
            "kind": self.kind,
            "number": self.number,
            "date": self.date,
            "issuer": self.issuer,
            "span": [self.start, self.end],
        }


def _clean_issuer(issuer: str) -> str | None:
    issuer = issuer.strip(" .,;")
    if not issuer or len(issuer.split()) > 16 or not issuer[0].isalpha():
        return None
    return issuer


def match_reference(text: str, match: re.Match[str], default_year: int | None = None) -> Reference:
    number = normalise_number(match.group())
    window = text[max(0, match.start() - 60) : match.start()]
    kind_match = _KIND_BEFORE_RE.search(window)
    symbol = match.group("sym")
    symbol_kind = kind_from_symbol(symbol)
    kind = None
    start = match.start()
    if kind_match:
        kind = kind_match.group("kind")
        kind = kind[0].upper() + kind[1:].lower()
        start = match.start() - (len(window) - kind_match.start())
        # "Nghị quyết định số 28/NQ-CP": trust the type letters when the words say both.
        if symbol_kind and symbol_kind != kind and symbol_kind.lower() in window.lower()[-40:]:
            kind = symbol_kind
    if kind is None:
        kind = symbol_kind or "Công văn"
    end = match.end()
    found = date_at(text, end, None)
    ref_date = None
    mask_end = end
    if found is not None:
        ref_date = found.iso if found.has_year else None
        end = mask_end = found.end
    issuer = None
    issuer_match = _ISSUER_RE.match(text, end)
    if issuer_match:
        issuer = _clean_issuer(issuer_match.group("issuer"))
        if issuer:
            end = issuer_match.end("issuer")
        if ref_date is None:  # "… của UBND tỉnh ngày 12/3/2021"
            later = date_at(text, end, None)
            if later is not None and later.has_year:
                ref_date = later.iso
                mask_end = end = later.end
    return Reference(kind, number, ref_date, issuer, start, end, mask_end)


def find_references(text: str, own_number: str | None = None) -> tuple[list[Reference], list[Reference]]:
    """(distinct references, every citation): one entry per number in the first list, in order."""
    own = number_key(own_number) if own_number else None
    distinct: dict[str, Reference] = {}
    every: list[Reference] = []
    for match in NUMBER_RE.finditer(text):
        symbol = match.group("sym")
        if sum(1 for ch in symbol if ch.isupper()) < 2:
            continue
        # "Mẫu số 02/BC-BĐG", "Biểu số 01/TKG": forms of the reporting outline, not documents
        if _FORM_BEFORE_RE.search(text, max(0, match.start() - 16), match.start()):
            continue
        ref = match_reference(text, match)
        every.append(ref)
        key = number_key(ref.number)
        if key == own:
            continue
        known = distinct.get(key)
        if known is None:
            distinct[key] = ref
        else:
            known.date = known.date or ref.date
            known.issuer = known.issuer or ref.issuer
    return list(distinct.values()), every
