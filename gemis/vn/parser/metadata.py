"""The document's own metadata: kind, number, issuer, date, subject.

Read from the letterhead (Nghị định 30/2020/NĐ-CP): "Số: 1889/KH-UBND" (a blank
number, "Số: /UBND-LĐTBXH", is a draft: ``number`` is None), the place-date
line "Kon Tum, ngày 12 tháng 4 năm 2021" ("ngày  tháng 4 năm 2024": the month
only), the title in capitals ("KẾ HOẠCH", "CHƯƠNG TRÌNH") with the subject on
the next line, or "V/v …" for a letter (công văn). A news page that reports a
document ("Ngày 09/3/2020, UBND tỉnh ban hành Kế hoạch số 1889/KH-UBND về việc
…") gives the same facts in a sentence.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass

from gemis.vn.text import fold

from .dates import _DATE_RE, date_at, parse_date_match
from .references import NUMBER_RE, kind_from_symbol, normalise_number

__all__ = ["DocumentMeta", "extract_metadata"]

_TITLE_KINDS = {
    "ke hoach": "Kế hoạch", "chuong trinh": "Chương trình", "quyet dinh": "Quyết định",
    "bao cao": "Báo cáo", "thong bao": "Thông báo", "huong dan": "Hướng dẫn", "cong van": "Công văn",
    "nghi quyet": "Nghị quyết", "chi thi": "Chỉ thị", "de an": "Đề án", "to trinh": "Tờ trình",
    "cong dien": "Công điện", "ke hoach lien tich": "Kế hoạch", "thong tu": "Thông tư",
}  # fmt: skip
_NUMBER_LINE_RE = re.compile(r"(?:^|\s)Số\s*:\s*(?P<rest>[^\n]*)", re.IGNORECASE)
_BLANK_SYMBOL_RE = re.compile(r"^[\s.…_]*/\s*(?P<sym>[A-ZĐ][A-Za-zĐđ&\-/ ]*)")
_PLACE_DATE_RE = re.compile(
    r"(?P<place>[A-ZĐÀ-Ỹ][^\n,;:]{1,40}),\s*ngày\b(?P<rest>[^\n]{0,40})", re.IGNORECASE
)
# On a line of its own: "Tân Yên, ngày 12 tháng 4 năm 2024" (a place of capitalised words, no digits).
_LATE_PLACE_DATE_RE = re.compile(
    r"(?m)^\s*(?P<place>[A-ZĐÀ-Ỹ][^\W\d_]*(?:[ -][A-ZĐÀ-Ỹ][^\W\d_]*){0,3}),\s*ngày\b(?P<rest>[^\n]{0,40})"
)
_VV_RE = re.compile(r"(?:^|\n)\s*(?:V/v|V/V|Về việc)\s*:?\s*(?P<subject>[^\n]+)")
_NEWS_RE = re.compile(
    r"\bban hành\s+(?P<kind>Kế hoạch|Chương trình|Quyết định|Công văn|Hướng dẫn|"
    r"Nghị quyết|Chỉ thị|Thông báo|Đề án|Báo cáo|Văn bản)\s+(?:số\s*)?(?P<num>\d[^\s,;]*(?:\s?/\s?\S+)?)"
    r"(?:[^\n.]*?\b(?:về việc|về|v/v)\s+(?P<subject>[^\n]+?)(?:\.\s|\.$|\n|$))?",
    re.IGNORECASE,
)
_ISSUER_HEAD_RE = re.compile(r"^(?:ỦY BAN|UỶ BAN|UBND|SỞ|BAN|HỘI|PHÒNG|BỘ|CÔNG AN|TRUNG TÂM|HĐND|HỘI ĐỒNG)\b")
_NEWS_ISSUER_RE = re.compile(
    r"(Ủy ban nhân dân|UBND|Ban|Sở|Hội đồng nhân dân|HĐND)\s+(tỉnh|huyện|thành phố|xã)?"
)
_LEVEL_RE = re.compile(
    r"\b(?:UBND|Ủy ban nhân dân)\s+(tỉnh|huyện|thành phố|thị xã|quận|xã|phường|thị trấn)\b"
)
_PLACE_WORDS = ("tỉnh", "huyện", "xã", "thành phố", "thị xã", "thị trấn", "phường", "quận")


@dataclass
class DocumentMeta:
    kind: str | None = None
    number: str | None = None
    issuer: str | None = None
    date: str | None = None
    subject: str | None = None
    symbol: str | None = None
    place: str | None = None  # of the place-date line ("Hòa Phú, ngày …"); not in to_dict's schema

    @property
    def year(self) -> int | None:
        return int(self.date[:4]) if self.date else None

    def to_dict(self) -> dict:
        return {
            "kind": self.kind,
            "number": self.number,
            "issuer": self.issuer,
            "date": self.date,
            "subject": self.subject,
        }


_KEEP_CAPS = frozenset("UBND HĐND MTTQ UBMTTQ LĐTBXH VHTTDL GDĐT KHĐT TNMT NNPTNT BCH VSTBPN VSTBCPN".split())


def _title_case(caps: str) -> str:
    """ "ỦY BAN NHÂN DÂN TỈNH KON TUM" → "Ủy ban nhân dân tỉnh Kon Tum"."""
    words = caps.lower().split()
    originals = caps.split()
    out = []
    capital_next = True
    for i, word in enumerate(words):
        if originals[i].strip(",.") in _KEEP_CAPS:
            out.append(originals[i])
            capital_next = False
            continue
        after_place = i > 0 and (words[i - 1] in _PLACE_WORDS or " ".join(words[i - 2 : i]) in _PLACE_WORDS)
        out.append(word.capitalize() if capital_next or after_place else word)
        # "SỞ Y TẾ" → "Sở Y tế": the word after the head of a name is capitalised too.
        capital_next = i == 0 and word in ("sở", "phòng", "ban", "hội", "bộ", "cục", "chi", "trung")
        if after_place:
            capital_next = True
    return " ".join(out)


def _place_name(written: str) -> str | None:
    """The place's own words: "Số: 12/KH-SYT Quảng Ngãi" on one line gives "Quảng Ngãi"."""
    words: list[str] = []
    for word in reversed(written.split()):
        if not word[:1].isupper() or any(ch.isdigit() or ch in "/-:" for ch in word):
            break
        words.insert(0, word)
    return " ".join(words) or None


def _header_lines(text: str, limit: int) -> list[str]:
    return [line.strip() for line in text[:limit].split("\n") if line.strip()]


def extract_metadata(text: str, header_end: int) -> DocumentMeta:
    meta = DocumentMeta()
    header = text[: max(header_end, 0)] if header_end > 0 else text[:3000]
    head_lines = _header_lines(header, len(header))

    # -- number and symbol
    for match in _NUMBER_LINE_RE.finditer(header):
        rest = match.group("rest")
        number = NUMBER_RE.match(rest.lstrip())
        if number:
            meta.number = normalise_number(number.group())
            meta.symbol = number.group("sym")
            break
        blank = _BLANK_SYMBOL_RE.match(rest)
        if blank:
            meta.symbol = blank.group("sym").strip()
            break

    # -- title in capitals
    title_index = None
    for i, line in enumerate(head_lines):
        if line.upper() != line or len(line) > 60:
            continue
        key = fold(line)
        kind = _TITLE_KINDS.get(key) or next(
            (v for k, v in _TITLE_KINDS.items() if key.startswith(k + " ") and len(key.split()) <= 5), None
        )
        if kind:
            meta.kind = kind
            title_index = i
            break
    if title_index is not None:
        subject_lines = []
        for line in head_lines[title_index + 1 : title_index + 4]:
            if fold(line).startswith(("can cu", "kinh gui")) or _NUMBER_LINE_RE.search(line):
                break
            subject_lines.append(line)
            if line.endswith((".", ":")) or len(" ".join(subject_lines)) > 200:
                break
        if subject_lines:
            meta.subject = " ".join(subject_lines).strip(" .")
    if meta.kind is None and meta.symbol:
        meta.kind = kind_from_symbol(meta.symbol) or "Công văn"
    vv = _VV_RE.search(header)
    if vv:
        meta.subject = meta.subject or vv.group("subject").strip(" .")
        meta.kind = meta.kind or "Công văn"

    # -- place and date
    for match in _PLACE_DATE_RE.finditer(header):
        rest = match.group("rest")
        found = _DATE_RE.search(rest)
        if found is None:
            continue
        date = parse_date_match(found, None)
        if date is not None and (date.has_year or len(date.iso) == 7):
            meta.date = date.iso
            place = match.group("place").strip()
            meta.place = _place_name(place)
            meta.issuer = meta.issuer or None
            _issuer_from_place = place
            break
    else:
        _issuer_from_place = None

    # -- a news page reporting the document
    news = _NEWS_RE.search(text, 0, 4000) if meta.number is None and meta.symbol is None else None
    if news:
        line_start = text.rfind("\n", 0, news.start()) + 1
        before_text = text[max(line_start, news.start() - 120) : news.start()]
        num = NUMBER_RE.match(news.group("num"))
        if num:
            meta.number = normalise_number(num.group())
            meta.symbol = num.group("sym")
        meta.kind = meta.kind or news.group("kind")[0].upper() + news.group("kind")[1:].lower()
        if news.group("subject"):
            meta.subject = meta.subject or news.group("subject").strip(" .")
        if meta.date is None:
            found = _DATE_RE.search(before_text)
            if found:
                date = parse_date_match(found, None)
                if date is not None and date.has_year:
                    meta.date = date.iso
        if meta.date is None:
            # "… ban hành Kế hoạch số 123/KH-UBND ngày 09/3/2020 về …"
            after = date_at(text, news.end("num"), None, reach=8)
            if after is not None and after.has_year:
                meta.date = after.iso
        subject_of = _NEWS_ISSUER_RE.search(before_text)
        if subject_of and meta.issuer is None:
            place = text[: text.find(":")].strip() if 0 < text.find(":") < 40 else ""
            meta.issuer = (subject_of.group(0).strip() + (" " + place if place else "")).replace(
                "Ủy ban nhân dân", "UBND"
            )

    # -- a place-date line below the letterhead proper (some letters put it under "Kính gửi")
    if meta.date is None:
        for match in _LATE_PLACE_DATE_RE.finditer(text, 0, 6000):
            found = _DATE_RE.search(match.group("rest"))
            date = parse_date_match(found, None) if found else None
            if date is not None and (date.has_year or len(date.iso) == 7):
                meta.date = date.iso
                meta.place = meta.place or _place_name(match.group("place"))
                _issuer_from_place = _issuer_from_place or match.group("place").strip()
                break

    # -- issuer from the letterhead capitals
    if meta.issuer is None:
        caps: list[str] = []
        for line in head_lines[:12]:
            if (
                line.upper() == line
                and _ISSUER_HEAD_RE.match(line)
                or (
                    caps and line.upper() == line and len(line) < 40 and not fold(line).startswith("cong hoa")
                )
            ):
                if fold(line).startswith(("cong hoa", "doc lap")) or re.match(r"(?i)số\s*:", line):
                    break
                caps.append(line)
            elif caps:
                break
        if (
            len(caps) > 1
            and _ISSUER_HEAD_RE.match(caps[-1])
            and not fold(caps[-1]).startswith(
                ("tinh", "huyen", "xa ", "thanh pho", "thi xa", "quan", "phuong")
            )
        ):
            # "UBND TỈNH QUẢNG NGÃI / SỞ Y TẾ": the body under the superior one issues the document.
            caps = caps[-1:]
        if caps:
            meta.issuer = _title_case(" ".join(caps))
    if meta.issuer is None and meta.subject:
        of = re.search(r"\bcủa\s+((?:Ban|Sở|Ủy ban|UBND|Hội|Phòng)\b.*)$", meta.subject)
        if of:
            meta.issuer = of.group(1).strip(" .")
    if meta.issuer is None and _issuer_from_place:
        level = _LEVEL_RE.search(text[:6000])
        if level:
            meta.issuer = f"UBND {level.group(1)} {_issuer_from_place}"
    if meta.kind is None:
        first = fold(head_lines[0]) if head_lines else ""
        for key, value in _TITLE_KINDS.items():
            if key in first:
                meta.kind = value
                break
    return meta


def document_year(meta: DocumentMeta, text: str) -> int | None:
    """The document's year: its date, else the year its subject or first lines name most."""
    if meta.year:
        return meta.year
    subject_years = re.findall(r"(?<!\d)(20\d{2})(?!\d)", meta.subject or "")
    if subject_years:
        return int(Counter(subject_years).most_common(1)[0][0])
    # Cited documents are older than the one citing them: the latest year named is the document's.
    years = [int(y) for y in re.findall(r"(?<!\d)(20\d{2}|19\d{2})(?!\d)", text[:3000])]
    return max(years) if years else None
