"""Vietnamese text normalisation, free of Django so the document parser can use it.

Vietnamese text reaches GEMIS in NFC and NFD, with the tone mark placed the old
way ("hoá", "uỷ") or the new way ("hóa", "ủy"), with "Đ" typed as "Ð" (Icelandic
eth) and with odd spaces. Everything that compares names goes through here.
"""

from __future__ import annotations

import re
import unicodedata

# Old-style tone placement → new-style (Quy định chính tả 1984/2018 variants).
# Only the pairs that differ are listed; applied after NFC on lower-case text.
_TONE_PLACEMENT = {
    "oà": "òa",
    "oá": "óa",
    "oả": "ỏa",
    "oã": "õa",
    "oạ": "ọa",
    "oè": "òe",
    "oé": "óe",
    "oẻ": "ỏe",
    "oẽ": "õe",
    "oẹ": "ọe",
    "uỳ": "ùy",
    "uý": "úy",
    "uỷ": "ủy",
    "uỹ": "ũy",
    "uỵ": "ụy",
}
# "qu" + vowel keeps the mark on the vowel after "u": "quý", "quả" are already right,
# and "qu" + "ỳ/ý" must not move; guard with a negative look-behind on "q".
_OLD_TONE_RE = re.compile(
    r"(?<!q)("
    + "|".join(map(re.escape, _TONE_PLACEMENT))
    + r")(?![a-zàáảãạăằắẳẵặâầấẩẫậèéẻẽẹêềếểễệìíỉĩịòóỏõọôồốổỗộơờớởỡợùúủũụưừứửữựỳýỷỹỵđ])"
)

_SPACE_RE = re.compile(r"[\s\u00a0\u200b\u2009\u202f\ufeff]+")
_NON_WORD_RE = re.compile(r"[^0-9a-z]+")


def nfc(text: str) -> str:
    """NFC with the look-alike characters Vietnamese files carry replaced."""
    text = unicodedata.normalize("NFC", text)
    return text.replace("Ð", "Đ").replace("ð", "đ").replace("\u0110", "Đ")


def normalize_spaces(text: str) -> str:
    return _SPACE_RE.sub(" ", text).strip()


def normalize_tone_placement(text: str) -> str:
    """Move tone marks to the modern position: "hoá" → "hóa", "uỷ" → "ủy".

    Works on lower-case or mixed text; only lower-case sequences are rewritten,
    which is where the variants occur in practice (word-final "oá", "uỷ").
    """
    return _OLD_TONE_RE.sub(lambda m: _TONE_PLACEMENT[m.group(1)], text)


def canonical(text: str) -> str:
    """Lower-case NFC text with modern tone placement and single spaces."""
    return normalize_tone_placement(normalize_spaces(nfc(text)).lower())


def fold(text: str) -> str:
    """Accent-free lower-case ASCII key: "Sở Y tế" → "so y te".

    Used for search boxes (people type without diacritics) and as a last resort
    when matching names.
    """
    text = unicodedata.normalize("NFD", nfc(text).lower()).replace("đ", "d")
    text = "".join(ch for ch in text if unicodedata.category(ch) != "Mn")
    return normalize_spaces(_NON_WORD_RE.sub(" ", text))
