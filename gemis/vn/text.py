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


# Characters that change how text *looks* without being seen: the bidirectional controls (embeddings
# and overrides U+202A–U+202E, isolates U+2066–U+2069, marks U+200E/U+200F/U+061C), with which
# "report<RLO>fdp.exe" shows as "reportexe.pdf", and the zero-width ones (U+200B–U+200D, word joiner
# and invisible operators U+2060–U+2064, U+FEFF, soft hyphen, U+180E), which make two names that look
# alike compare different. Vietnamese never needs them. The zero-width joiner goes too: it only
# glues emoji sequences (👩‍💻 then shows as 👩💻, still readable), and a name is no place for one.
INVISIBLE = frozenset(
    "\u061c\u200b\u200c\u200d\u200e\u200f\u202a\u202b\u202c\u202d\u202e"
    "\u2060\u2061\u2062\u2063\u2064\u2066\u2067\u2068\u2069\ufeff\u00ad\u180e"
)
_INVISIBLE_RE = re.compile("[" + "".join(sorted(INVISIBLE)) + "]")
# C0 and C1 controls; a single line keeps none, several lines keep their line breaks and tabs.
_CONTROL_RE = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")
_LINE_BREAK_RE = re.compile(r"[\t\n\r\u2028\u2029\x85]+")


def clean_multiline(text: str) -> str:
    """Text as a person meant it: NFC, without invisible direction or zero-width characters, nor
    control characters other than line breaks and tabs."""
    # NFC last: a mark after a removed character composes with the letter before it.
    return unicodedata.normalize("NFC", _CONTROL_RE.sub("", _INVISIBLE_RE.sub("", text)))


def clean_line(text: str) -> str:
    """A one-line value (a name, a subject, a title): :func:`clean_multiline`, line breaks → one space."""
    return _LINE_BREAK_RE.sub(" ", clean_multiline(text))


def clean_filename(name: str, default: str = "tệp") -> str:
    """The name of an uploaded file as it is stored and shown: the last path part, one clean line."""
    name = clean_line(name).replace("\\", "/").rsplit("/", 1)[-1].strip()
    return name or default
