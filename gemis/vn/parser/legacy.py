"""Legacy Vietnamese encodings: TCVN3 (ABC, the ".Vn" fonts) and VNI-Windows, and how to spot them.

Older provincial files were typed with font-based encodings. Saved as plain
text (or pasted into a web page) their bytes read as Latin-1 mojibake:
TCVN3 "Céng hoµ x· héi" is "Cộng hoà xã hội"; VNI "Coäng hoaø xaõ hoäi" is
the same words written as a base letter followed by mark characters. Neither
can be recognised from the bytes alone, so :func:`best_decoding` converts the
text every plausible way and keeps the candidate that reads most like
Vietnamese (:func:`vietnamese_score`).

TCVN3 has no separate codes for capital letters with tone marks (those were
typed in the capital ".VnTimeH" fonts with the small-letter codes), so they come
out in small letters; the seven capital base letters Ă Â Đ Ê Ô Ơ Ư have codes.
"""

from __future__ import annotations

import re
import unicodedata

__all__ = ["best_decoding", "tcvn3_to_unicode", "vietnamese_score", "vni_to_unicode"]

# TCVN3 byte (read as Latin-1) → letter. Order: a à á ả ã ạ style rows.
_TCVN3_PAIRS = (
    "µà ¸á ¶ả ·ã ¹ạ ¨ă »ằ ¾ắ ¼ẳ ½ẵ Æặ ©â Çầ Êấ Èẩ Éẫ Ëậ ®đ Ìè Ðé Îẻ Ïẽ Ñẹ ªê Òề Õế Óể Ôễ Öệ "
    "×ì Ýí Øỉ Üĩ Þị ßò ãó áỏ âõ äọ «ô åồ èố æổ çỗ éộ ¬ơ êờ íớ ëở ìỡ îợ ïù óú ñủ òũ ôụ "
    "\u00adư õừ øứ öử ÷ữ ùự úỳ ýý ûỷ üỹ þỵ ¡Ă ¢Â §Đ £Ê ¤Ô ¥Ơ ¦Ư"
)
_TCVN3 = {ord(pair[0]): pair[1] for pair in _TCVN3_PAIRS.split(" ")}


_MARKED_SMALL = frozenset(pair[1] for pair in _TCVN3_PAIRS.split(" ") if pair[1].islower())
_SENTENCE_START_RE = re.compile(r"(^|[.!?:]\s+|^[-+•]\s*|^\d{1,2}\.\s*|^[IVX]{1,4}\.\s*)(\w)", re.MULTILINE)


def _restore_capitals(line: str) -> str:
    # A line typed in a capital font ("HUYệN SƠN Hà"): every plain letter is a capital, so the
    # marked ones were too.
    plain = [ch for ch in line if ch.isalpha() and (ch.isascii() or ch in "ĂÂĐÊÔƠƯăâđêôơư")]
    if len(plain) >= 3 and all(ch.isupper() for ch in plain):
        return line.upper()
    return line


def _capital_start(match: re.Match[str]) -> str:
    letter = match.group(2)
    return match.group(1) + (letter.upper() if letter in _MARKED_SMALL else letter)


def tcvn3_to_unicode(text: str) -> str:
    """Convert TCVN3 text (its bytes read as Latin-1) to Unicode NFC.

    Capitals with tone marks have no codes of their own, so they are restored where the text
    shows them: lines in capitals and the first letter of a sentence.
    """
    converted = "\n".join(_restore_capitals(line) for line in text.translate(_TCVN3).split("\n"))
    return _SENTENCE_START_RE.sub(_capital_start, converted)


# VNI-Windows: a vowel followed by mark characters. Small letters; capitals use the
# upper-case mark characters. Tone marks in the order sắc, huyền, hỏi, ngã, nặng.
_TONES = "ù ø û õ ï".split()
_COMBINING_TONES = ("\u0301", "\u0300", "\u0309", "\u0303", "\u0323")
# base vowel → [(VNI mark characters after it, letter)]; the circumflex and breve rows combine
# with the tone in one mark character ("oä" is "ộ", "aú" is "ẳ").
_CIRCUMFLEX_TONES = ("á", "à", "å", "ã", "ä")
_BREVE_TONES = ("é", "è", "ú", "ü", "ë")


def _build_vni() -> dict[str, str]:
    rows: list[tuple[str, str, tuple[str, ...]]] = [
        # (VNI base sequence, Unicode letter, five tone marks)
        ("a", "a", tuple(_TONES)),
        ("e", "e", tuple(_TONES)),
        ("o", "o", tuple(_TONES)),
        ("u", "u", tuple(_TONES)),
        ("ô", "ơ", tuple(_TONES)),
        ("ö", "ư", tuple(_TONES)),
        ("y", "y", ("ù", "ø", "û", "õ", "î")),
    ]
    table: dict[str, str] = {"ô": "ơ", "ö": "ư"}
    for vowel, letter in (("a", "â"), ("e", "ê"), ("o", "ô")):
        table[vowel + "â"] = letter
        rows.append((vowel, letter, _CIRCUMFLEX_TONES))
    table["aê"] = "ă"
    rows.append(("a", "ă", _BREVE_TONES))
    for base, letter, marks in rows:
        for mark, combining in zip(marks, _COMBINING_TONES, strict=True):
            table[base + mark] = unicodedata.normalize("NFC", letter + combining)
    for vni, combining in zip(("í", "ì", "æ", "ó", "ò"), _COMBINING_TONES, strict=True):
        table[vni] = unicodedata.normalize("NFC", "i" + combining)
    table["ñ"] = "đ"
    # Capitals: the same sequences in upper case.
    for key, value in list(table.items()):
        table[key.upper()] = value.upper()
    return table


_VNI = _build_vni()
# Longest sequences first, so "aâù" style three-character sequences win over "aâ".
_VNI_RE = re.compile("|".join(sorted(map(re.escape, _VNI), key=len, reverse=True)))


def vni_to_unicode(text: str) -> str:
    """Convert VNI-Windows text (its bytes read as Windows-1252) to Unicode NFC."""
    return _VNI_RE.sub(lambda m: _VNI[m.group()], text)


# Frequent syllables of administrative Vietnamese; those with marks weigh more because
# they are what a wrong decoding destroys.
_COMMON = frozenset(
    "và của các được trong những người năm thực hiện công tác đến với cho tỉnh huyện xã này theo về "
    "có là một không đã phụ nữ bình đẳng giới kế hoạch quản lý nhà nước ban ngành sở ủy nhân dân "
    "tổ chức triển khai đơn vị cơ quan địa phương phòng chống bạo lực gia đình hội tiến bộ số ngày "
    "tháng báo cáo thời gian chủ trì phối hợp đề nghị nội dung trên tại việc hoạt động cấp xây dựng".split()
)
_WORD_RE = re.compile(r"[^\W\d_]+")
# Latin-1 characters that are not Vietnamese letters: the signature of undecoded TCVN3 ("µ", "¸",
# "«") or VNI ("ø", "û", "ï", "ñ") text. Capitals such as "Ê", "Ô", "Ý" are Vietnamese and not listed.
_LEGACY_SIGNS = frozenset("¸µ¶·¹¨»¾¼½Æ©ÇË®ÎÏÑªÖ×ØÜÞßäå«æç¬ëîïñöøûüþ¡¢§£¤¥¦÷\u00ad")
_LEGACY_SIGN_RE = re.compile("[" + re.escape("".join(sorted(_LEGACY_SIGNS))) + "]")


def vietnamese_score(text: str, sample: int = 20000) -> float:
    """How much ``text`` reads like Vietnamese: share of frequent syllables, minus legacy signs."""
    chunk = unicodedata.normalize("NFC", text[:sample])
    words = _WORD_RE.findall(chunk.lower())
    if not words:
        return 0.0
    hits = 0.0
    for word in words:
        if word in _COMMON:
            hits += 1.0 if word.isascii() else 2.0
    noise = len(_LEGACY_SIGN_RE.findall(chunk))
    return hits / len(words) - noise / max(1, len(chunk))


def looks_legacy(text: str) -> bool:
    """Whether decoded text still carries legacy-font mojibake worth converting."""
    chunk = text[:20000]
    signs = len(_LEGACY_SIGN_RE.findall(chunk))
    return signs > 3 and signs / max(1, len(chunk)) > 0.003


def best_decoding(candidates: dict[str, str]) -> tuple[str, str]:
    """The (name, text) among ``candidates`` that reads most like Vietnamese."""
    best_name, best_text, best_score = "", "", float("-inf")
    for name, text in candidates.items():
        score = vietnamese_score(text)
        if score > best_score:
            best_name, best_text, best_score = name, text, score
    return best_name, best_text
