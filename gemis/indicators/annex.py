"""Read a statistical indicator set from the text of the legal document that issues it.

Vietnamese indicator sets (Thông tư 10/2019/TT-BKHĐT, and the others issued
under the Statistics Law) share one layout:

* **Phụ lục I — Danh mục**: a table "STT | Mã số | Nhóm, tên chỉ tiêu"; group
  rows carry a two-digit code ("01") or a Roman numeral ("I. DÂN SỐ"),
  indicator rows a four-digit code (group + sequence: "0107").
* **Phụ lục II — Nội dung**: each indicator under a heading "0107. Tuổi kết hôn
  trung bình lần đầu", followed by numbered sections: "1. Khái niệm, phương pháp
  tính" (with "Công thức tính"), "2. Phân tổ chủ yếu", "3. Kỳ công bố", "4.
  Nguồn số liệu", "5. Cơ quan chịu trách nhiệm thu thập, tổng hợp".

:func:`read_annex` turns that text into the entries of the catalog file
(``data/catalog_tt10_2019.toml``, the keys the loader reads), so that the
catalog is taken from the official text a unit holds instead of being typed.
Every field comes from the text except ``kind``, ``unit_vi`` and the coded
``disaggregations``/``periodicity``, which are read from the words of the name,
formula and sections; each entry's ``note`` says so, and says what the text
lacked. Nothing is guessed beyond that: a section the text does not have stays
empty and is listed in :attr:`AnnexReading.problems`.

Pure Python (no Django), like the document parser it reads files with.
"""

from __future__ import annotations

import datetime
import re
from dataclasses import dataclass, field
from typing import Any

import tomli_w

from gemis.vn.parser import parse_text, read_text
from gemis.vn.text import fold, nfc

SECTION_KEYS = ("concept", "disaggregation", "periodicity", "source", "agency")

# Folded openings of the section headings of annex II, in the order the documents use.
_SECTION_WORDS: tuple[tuple[str, str], ...] = (
    ("khai niem", "concept"),
    ("phuong phap tinh", "concept"),
    ("muc dich", "purpose"),
    ("phan to", "disaggregation"),
    ("ky cong bo", "periodicity"),
    ("nguon so lieu", "source"),
    ("co quan chiu trach nhiem", "agency"),
    ("trach nhiem thu thap", "agency"),
)
_SECTION_NUMBER_RE = re.compile(r"^\s*(\d{1,2})\s*[.)]\s*")
_ANNEX_RE = re.compile(r"^\s*PH[ỤU]\s*L[ỤU]C\s*(?:S[ỐO]\s*)?(?P<number>[IVX]{1,4}|\d{1,2})\b", re.IGNORECASE)
# "0107. Tên", "0107 Tên", "12 0107 Tên" (a flattened table row: STT, code, name), "0107 - Tên".
_INDICATOR_RE = re.compile(r"^(?:\d{1,3}[.)]?\s+)?(?P<code>\d{4})\s*(?:[.:–-]\s*|\s+)(?P<name>[^\d\s].*)$")
_CODE_ONLY_RE = re.compile(r"^(?P<code>\d{4})\.?$")
_GROUP_RE = re.compile(r"^(?:Nhóm\s+)?(?P<code>\d{2})\s*(?:[.:–-]\s*|\s+)(?P<name>[^\d\s].*)$", re.IGNORECASE)
_GROUP_CODE_ONLY_RE = re.compile(r"^(?:Nhóm\s+)?(?P<code>\d{2})\.?$", re.IGNORECASE)
_ROMAN_GROUP_RE = re.compile(r"^(?:Nhóm\s+)?(?P<roman>[IVXL]{1,6})\s*[.:)–-]\s*(?P<name>\S.*)$")
_ROW_NUMBER_RE = re.compile(r"^\d{1,3}[.)]?$")
_BULLET_RE = re.compile(r"^[\s\-–—•+*]+")
_HEADER_WORDS = ("stt", "ma so", "nhom ten chi tieu", "ten chi tieu", "nhom chi tieu", "so thu tu")

DISAGGREGATION_WORDS: tuple[tuple[str, str], ...] = (
    ("gioi tinh", "sex"),
    ("nhom tuoi", "age_group"),
    ("do tuoi", "age_group"),
    ("dan toc", "ethnicity"),
    ("thanh thi nong thon", "urban_rural"),
    ("thanh thi", "urban_rural"),
    ("tinh thanh pho", "province"),
    ("vung", "region"),
    ("loai hinh kinh te", "economic_sector"),
    ("thanh phan kinh te", "economic_sector"),
    ("nganh kinh te", "economic_sector"),
    ("nghe nghiep", "occupation"),
    ("trinh do", "education_level"),
    ("cap hoc", "school_level"),
    ("bac hoc", "school_level"),
    ("tinh trang hon nhan", "marital_status"),
)


@dataclass(frozen=True)
class Problem:
    """Something the text lacks or contradicts; ``kind`` is one of :data:`PROBLEM_KINDS`."""

    kind: str
    code: str = ""
    detail: str = ""


PROBLEM_KINDS = (
    "no_indicators",  # nothing that looks like an indicator set
    "no_content",  # listed in annex I, no section in annex II
    "not_listed",  # a section in annex II, not in the list of annex I
    "missing_section",  # an annex II entry without one of the five sections (detail: which)
    "name_mismatch",  # annex I and annex II name it differently (detail: the annex II name)
    "duplicate",  # the same code twice
    "no_group_name",  # a group whose name the text does not give
)


@dataclass
class AnnexReading:
    """What :func:`read_annex` found: groups and indicators in the catalog file's shape."""

    groups: list[dict[str, Any]] = field(default_factory=list)
    indicators: list[dict[str, Any]] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    document: dict[str, Any] = field(default_factory=dict)

    @property
    def usable(self) -> bool:
        return bool(self.indicators)

    def catalog(self) -> dict[str, Any]:
        """The catalog document (``[source]``, ``[[group]]``, ``[[indicator]]``) the loader reads."""
        source = {**self.document, "indicator_count": len(self.indicators)}
        return {"source": source, "group": self.groups, "indicator": self.indicators}

    def to_json(self) -> dict[str, Any]:
        document = {
            key: value.isoformat() if isinstance(value, datetime.date) else value
            for key, value in self.document.items()
        }
        problems = [[p.kind, p.code, p.detail] for p in self.problems]
        return {
            "document": document,
            "groups": self.groups,
            "indicators": self.indicators,
            "problems": problems,
        }

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> AnnexReading:
        document = dict(data.get("document", {}))
        if isinstance(document.get("date"), str):
            document["date"] = datetime.date.fromisoformat(document["date"])
        return cls(
            groups=data.get("groups", []),
            indicators=data.get("indicators", []),
            problems=[Problem(*item) for item in data.get("problems", [])],
            document=document,
        )

    def to_toml(self, origin: str = "") -> str:
        """The catalog as a TOML file, with a header saying where it was read from."""
        header = [
            f"# Đọc tự động từ văn bản {self.document.get('document', '')}"
            + (f" (tệp {origin})" if origin else "")
            + " bằng `gemis read-indicator-annex`.",
            "# Các khóa kind, unit_vi, disaggregations, periodicity là suy từ câu chữ của văn bản (xem",
            "# note của từng chỉ tiêu); đối chiếu với văn bản trước khi dùng. Văn bản không có: để trống.",
        ]
        if self.problems:
            header.append(
                f"# Văn bản còn {len(self.problems)} điểm cần kiểm tra (xem note của các chỉ tiêu)."
            )
        return "\n".join(header) + "\n\n" + tomli_w.dumps(self.catalog(), multiline_strings=True)


# --------------------------------------------------------------------------- reading


def _clean(line: str) -> str:
    return " ".join(nfc(line).split())


def _sentence_case(name: str) -> str:
    """ "DÂN SỐ" → "Dân số": group rows are often in capitals."""
    name = name.strip(" .:;")
    return name[:1] + name[1:].lower() if name.isupper() else name


def _annex_parts(lines: list[str]) -> tuple[list[str], list[str]]:
    """(annex I lines, annex II lines). Without the headings, the whole text is both."""
    first = second = None
    for index, line in enumerate(lines):
        match = _ANNEX_RE.match(line)
        if not match or len(line) > 120:
            continue
        number = match["number"].upper()
        number = {1: "I", 2: "II"}.get(int(number), number) if number.isdigit() else number
        if number == "I" and first is None:
            first = index
        elif number == "II" and second is None and (first is None or index > first):
            second = index
    if first is not None and second is not None and first < second:
        return lines[first + 1 : second], lines[second + 1 :]
    if second is not None:
        return [], lines[second + 1 :]
    return lines, lines


def _is_header(line: str) -> bool:
    key = fold(line)
    return key in _HEADER_WORDS or key.startswith(("ban hanh kem theo", "kem theo thong tu"))


def _read_list(lines: list[str]) -> tuple[dict[str, str], dict[str, str], list[str]]:
    """Annex I: ({indicator code: name}, {group code: name}, codes in order)."""
    names: dict[str, str] = {}
    group_names: dict[str, str] = {}
    order: list[str] = []
    pending_group = ""  # a group row without a code: it names the group of the next indicator
    pending_code = ""  # a code alone on its line: the name is on the next one
    pending_group_code = ""
    cleaned = [line for line in (_clean(raw) for raw in lines) if line and not _is_header(line)]
    for index, line in enumerate(cleaned):
        following = cleaned[index + 1] if index + 1 < len(cleaned) else ""
        if (
            not pending_code
            and _GROUP_CODE_ONLY_RE.match(line)
            and following
            and not _ROW_NUMBER_RE.match(following)
            and not _CODE_ONLY_RE.match(following)
        ):
            # "01" over "DÂN SỐ": a group row (a row number is followed by an indicator's code).
            pending_group_code = _GROUP_CODE_ONLY_RE.match(line)["code"]
            continue
        if _ROW_NUMBER_RE.match(line) and not pending_code:
            continue
        if pending_code:
            if not _ROW_NUMBER_RE.match(line):
                _add_listed(pending_code, line, names, order, group_names, pending_group)
                pending_group = ""
            pending_code = ""
            continue
        if pending_group_code:
            group_names.setdefault(pending_group_code, _sentence_case(line))
            pending_group_code = ""
            continue
        if match := _CODE_ONLY_RE.match(line):
            pending_code = match["code"]
        elif match := _INDICATOR_RE.match(line):
            _add_listed(match["code"], match["name"], names, order, group_names, pending_group)
            pending_group = ""
        elif match := _GROUP_RE.match(line):
            group_names.setdefault(match["code"], _sentence_case(match["name"]))
        elif match := _ROMAN_GROUP_RE.match(line):
            pending_group = _sentence_case(match["name"])
    return names, group_names, order


def _add_listed(
    code: str, name: str, names: dict[str, str], order: list[str], groups: dict[str, str], pending: str
) -> None:
    if code in names:
        order.append(code)  # seen twice: reported as a duplicate
        return
    names[code] = name.strip(" .;")
    order.append(code)
    if pending:
        groups.setdefault(code[:2], pending)


def _section_of(line: str) -> tuple[str, str] | None:
    """(section key, the text after the heading on the same line), or None for a content line."""
    numbered = _SECTION_NUMBER_RE.match(line)
    rest = line[numbered.end() :] if numbered else line
    head, colon, after = rest.partition(":")
    key = fold(head)
    for words, section in _SECTION_WORDS:
        if key.startswith(words):
            # An unnumbered line is a heading only when short: "Phân tổ chủ yếu: giới tính", not prose.
            if not numbered and not colon and len(rest) > 60:
                return None
            return section, after.strip() if colon else ""
    return None


def _opens_entry(following: list[str]) -> bool:
    """Do the next lines open an entry ("1. Khái niệm, phương pháp tính")? Then a code not in the
    list is an indicator of annex II, not a year or a number that starts a line of prose."""
    return any((found := _section_of(line)) is not None and found[0] == "concept" for line in following)


def _read_contents(lines: list[str], listed: set[str]) -> tuple[dict[str, dict[str, Any]], dict[str, str]]:
    """Annex II: ({code: {"name", sections…}}, {group code: name from a Roman heading})."""
    entries: dict[str, dict[str, Any]] = {}
    group_names: dict[str, str] = {}
    current: dict[str, Any] | None = None
    current_code = ""
    section = ""
    pending_group = ""
    duplicates: list[str] = []
    cleaned = [line for line in (_clean(raw) for raw in lines) if line]
    for index, line in enumerate(cleaned):
        heading = _INDICATOR_RE.match(line)
        if (
            heading
            and len(line) <= 250
            and (not listed or heading["code"] in listed or _opens_entry(cleaned[index + 1 : index + 4]))
        ):
            code = heading["code"]
            if code in entries:
                duplicates.append(code)
            current = entries.setdefault(code, {"name": heading["name"].strip(" .;"), "sections": {}})
            current_code = code
            section = ""
            if pending_group:
                group_names.setdefault(code[:2], pending_group)
                pending_group = ""
            continue
        # A group heading ends the indicator above it: "II. GIA ĐÌNH", "02. Gia đình".
        if len(line) <= 120 and _section_of(line) is None:
            roman = _ROMAN_GROUP_RE.match(line)
            group = _GROUP_RE.match(line)
            if group and not (
                group["name"].isupper() or any(code.startswith(group["code"]) for code in listed)
            ):
                group = None
            if (roman or group) and current is not None and not current["sections"]:
                # Right under an indicator's heading, before its sections: the group it opens.
                group_names.setdefault(current_code[:2], _sentence_case((roman or group)["name"]))
                continue
            if roman or group:
                name = _sentence_case((roman or group)["name"])
                if group:
                    group_names.setdefault(group["code"], name)
                else:
                    pending_group = name
                current, section = None, ""
                continue
        found = _section_of(line) if current is not None else None
        if found:
            section, rest = found
            current["sections"].setdefault(section, [])
            if rest:
                current["sections"][section].append(rest)
            continue
        if current is not None and section:
            if not _ROW_NUMBER_RE.match(line):  # a page number
                current["sections"][section].append(line)
        elif current is not None and not section:
            # A heading whose text runs over two lines: "0305. Tỷ lệ …" / "… theo giới tính".
            if not current["sections"] and len(current["name"]) < 200:
                current["name"] = f"{current['name']} {line.strip(' .;')}"
    for code in duplicates:
        entries[code]["duplicate"] = True
    return entries, group_names


# --------------------------------------------------------------------------- reading the words


def _items(lines: list[str]) -> list[str]:
    items: list[str] = []
    for line in lines:
        for part in re.split(r";", line):
            part = _BULLET_RE.sub("", part).strip(" .;,")
            if part:
                items.append(part)
    return items


def disaggregation_codes(items: list[str]) -> list[str]:
    """The catalog's codes for the breakdowns named (``other`` for any the list does not know)."""
    codes: list[str] = []
    for item in items:
        key = fold(item)
        code = next((c for words, c in DISAGGREGATION_WORDS if re.search(rf"\b{words}\b", key)), "other")
        if code not in codes:
            codes.append(code)
    return codes


def periodicity_code(text: str) -> str:
    key = fold(text.split(";")[0].split(",")[0])
    for pattern, code in (
        (r"\b10 nam\b|muoi nam", "ten_years"),
        (r"\b5 nam\b|nam nam", "five_years"),
        (r"\b2 nam\b|hai nam", "two_years"),
        (r"^(?:hang |moi )?nam\b|^nam$", "year"),
    ):
        if re.search(pattern, key):
            return code
    return "other"


def kind_of(name: str, formula: str) -> tuple[str, str]:
    """(catalog kind, unit) read from the indicator's name and formula."""
    key, formula_key = fold(name), fold(formula)
    per_100000 = "100 000" in formula_key or "100000" in formula_key
    if key.startswith("ty so gioi tinh") or key.startswith("ty so") and "100" in formula_key.split():
        return "ratio_per_100", ""
    if (
        key.startswith(("ty suat", "ty le"))
        and not per_100000
        and ("‰" in formula or re.search(r"\b1 ?000\b", formula_key))
    ):
        return "rate_per_1000", "‰"
    if per_100000:
        return "other", ""
    if key.startswith(("ty le", "ti le", "co cau", "phan tram")):
        return "percentage", "%"
    if key.startswith("dan so"):
        return "count", ""
    if ("trung binh" in key or "binh quan" in key) and "tuoi tho" not in key:
        return "mean", ""
    if key.startswith(("so ", "so luong", "tong so")):
        return "count", ""
    if key.startswith("chi so"):
        return "index", ""
    return "other", ""


def _join(items: list[str], separator: str = "; ") -> str:
    return separator.join(item.strip(" ;") for item in items if item.strip(" ;"))


def _concept_and_formula(lines: list[str]) -> tuple[str, str]:
    for index, line in enumerate(lines):
        if fold(line).startswith("cong thuc"):
            head, _colon, rest = line.partition(":")
            formula_lines = ([rest.strip()] if rest.strip() else []) + lines[index + 1 :]
            return "\n".join(lines[:index]), "\n".join(formula_lines)
    return "\n".join(lines), ""


def _indicator(code: str, name: str, entry: dict[str, Any] | None, document: str) -> dict[str, Any]:
    sections: dict[str, list[str]] = entry["sections"] if entry else {}
    definition, formula = _concept_and_formula(sections.get("concept", []))
    disaggregation_items = _items(sections.get("disaggregation", []))
    periodicity_text = _join(sections.get("periodicity", [])).rstrip(".")
    kind, unit = kind_of(name, formula)
    lacking = [key for key in SECTION_KEYS if not sections.get(key)]
    notes = [
        "Đọc tự động từ văn bản; kind, unit_vi, disaggregations và periodicity suy từ tên, công thức và "
        "câu chữ các mục của chỉ tiêu."
    ]
    if entry is None:
        notes.append("Văn bản không có nội dung (Phụ lục II) của chỉ tiêu này.")
    elif lacking:
        notes.append("Văn bản không có mục: " + ", ".join(SECTION_LABELS_VI[key] for key in lacking) + ".")
    return {
        "code": code,
        "group": code[:2],
        "name_vi": name,
        "name_en": "",
        "definition_vi": definition,
        "formula_vi": formula,
        "unit_vi": unit,
        "kind": kind,
        "disaggregations": disaggregation_codes(disaggregation_items),
        "disaggregation_vi": _join(disaggregation_items),
        "periodicity": periodicity_code(periodicity_text),
        "periodicity_vi": periodicity_text,
        "source_vi": _join(_items(sections.get("source", []))),
        "responsible_agency_vi": _join(_items(sections.get("agency", []))),
        "citation": f"{document}, Phụ lục II, chỉ tiêu {code}".strip(", "),
        "note": " ".join(notes),
    }


SECTION_LABELS_VI = {
    "concept": "khái niệm, phương pháp tính",
    "disaggregation": "phân tổ chủ yếu",
    "periodicity": "kỳ công bố",
    "source": "nguồn số liệu",
    "agency": "cơ quan chịu trách nhiệm thu thập, tổng hợp",
}


def read_annex(text: str, document: dict[str, Any] | None = None) -> AnnexReading:
    """Read annexes I and II from a document's (normalised) text. Never raises on text."""
    document = dict(document or {})
    lines = (text or "").splitlines()
    list_lines, content_lines = _annex_parts(lines)
    names, group_names, order = _read_list(list_lines) if list_lines is not content_lines else ({}, {}, [])
    entries, content_groups = _read_contents(content_lines, set(names))
    for code, group_name in content_groups.items():
        group_names.setdefault(code, group_name)
    reading = AnnexReading(document=document)
    citation = document.get("document", "")
    seen: set[str] = set()
    for code in order:
        if code in seen:
            reading.problems.append(Problem("duplicate", code))
            continue
        seen.add(code)
    codes = list(dict.fromkeys(order)) + [code for code in entries if code not in names]
    if not codes:
        reading.problems.append(Problem("no_indicators"))
        return reading
    for code in codes:
        entry = entries.get(code)
        listed_name = names.get(code)
        name = listed_name or (entry["name"] if entry else code)
        if entry is None:
            reading.problems.append(Problem("no_content", code))
        else:
            if names and listed_name is None:
                reading.problems.append(Problem("not_listed", code))
            if listed_name and fold(listed_name) != fold(entry["name"]):
                reading.problems.append(Problem("name_mismatch", code, entry["name"]))
            if entry.get("duplicate"):
                reading.problems.append(Problem("duplicate", code))
            for key in SECTION_KEYS:
                if not entry["sections"].get(key):
                    reading.problems.append(Problem("missing_section", code, key))
        reading.indicators.append(_indicator(code, name, entry, citation))
    for group_code in dict.fromkeys(code[:2] for code in codes):
        group_name = group_names.get(group_code, "")
        if not group_name:
            reading.problems.append(Problem("no_group_name", group_code))
        reading.groups.append({"code": group_code, "name_vi": group_name, "name_en": ""})
    return reading


def source_of(meta: Any) -> dict[str, Any]:
    """The ``[source]`` table from the document's metadata (number, issuer, date, subject)."""
    kinds = {"thong tu": "Thông tư", "nghi dinh": "Nghị định", "quyet dinh": "Quyết định"}
    kind = kinds.get(fold(meta.kind or ""), meta.kind or "")
    source: dict[str, Any] = {
        "document": f"{kind} số {meta.number}".strip() if meta.number else kind or "Văn bản",
        "issuer": meta.issuer or "",
        "title": meta.subject or "",
        "citation": "Phụ lục I (Danh mục), Phụ lục II (Nội dung)",
    }
    if meta.date and len(meta.date) == 10:
        source["date"] = datetime.date.fromisoformat(meta.date)
    return source


def read_annex_bytes(data: bytes, filename: str = "") -> AnnexReading:
    """Read a .docx/.pdf/.txt/.html file of the document; raises the parser's ``ParseError``."""
    source = read_text(data, filename)
    meta = parse_text(source.text, source).document
    text = unwrap(source.text) if source.hard_wrapped else source.text
    return read_annex(text, source_of(meta))


def unwrap(text: str) -> str:
    """A PDF's lines end where the page did: a line that starts in lower case goes on the one above.

    (The plan parser's paragraph joining is not used: a list of codes and names is all short lines,
    which it would run together.)"""
    lines: list[str] = []
    for raw in nfc(text).splitlines():
        line = raw.strip()
        if line and lines and lines[-1] and line[0].islower() and not lines[-1].endswith((":", ";")):
            lines[-1] = f"{lines[-1]} {line}"
        else:
            lines.append(line)
    return "\n".join(lines)


__all__ = [
    "PROBLEM_KINDS",
    "SECTION_LABELS_VI",
    "AnnexReading",
    "Problem",
    "disaggregation_codes",
    "kind_of",
    "periodicity_code",
    "read_annex",
    "read_annex_bytes",
    "source_of",
    "unwrap",
]
