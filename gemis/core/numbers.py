"""Numbers as people type them, and the limits of what GEMIS stores: one module for every path.

Every path that stores a number (the data-entry grid, the Excel upload, targets,
and later registers and the API) reads it here, so that the same text means the
same number everywhere and nothing non-finite or absurdly large is ever stored
(a ``1`` followed by 400 zeros read as a float is infinity, and one infinity
turns every total above it into ``inf``, then ``NaN``).

The rules (README, "Numbers in data entry"):

* **The page's language decides.** Vietnamese writes ``1.234,5`` (a point
  groups thousands, a comma starts the decimals), English ``1,234.5``.
* The grouping mark is accepted only in groups of exactly three digits after a
  first group of one to three (``1.234.567``); both marks together only in that
  order (``1.234,5``), else the text is refused with the expected format.
* A lone mark that cannot group thousands is a decimal mark, whichever it is
  (``2.5`` and ``2,5`` are both two and a half): people type both.
* **Ambiguous** is the page's decimal mark followed by exactly three digits
  after a whole part of one to three digits (``1.950`` on an English page,
  ``1,950`` on a Vietnamese one): the other language reads a thousands group
  there, so it is refused and the person writes ``1950`` or ``1.95``.
  :func:`format_number` never writes such a text (it adds a fourth decimal).
* At most :data:`MAX_MAGNITUDE` either way, digits only (no exponent), at most
  :data:`MAX_LENGTH` characters; NaN and infinities are never numbers.

The parsing and formatting functions need no Django; the last section holds the
Django glue (the page's language, a form field).
"""

from __future__ import annotations

import math
import re
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from typing import Any

VI = "vi"
EN = "en"

#: The largest magnitude stored: 10^15 keeps every value and any sum of a country's values exact to
#: the unit in a double, and is far above any count, rate or amount in đồng a unit reports.
MAX_MAGNITUDE = 10**15
#: Longer texts are not numbers anybody typed.
MAX_LENGTH = 40
#: Decimals shown; what is stored keeps its full precision.
MAX_PLACES = 6

_MARKS = {VI: (".", ","), EN: (",", ".")}  # language → (grouping mark, decimal mark)
_SPACES = str.maketrans("", "", " \u00a0\u202f\u2009\t")
_MINUS = str.maketrans({"\u2212": "-"})  # the minus sign a word processor puts

# Reasons a text is refused (NumberError.code).
NOT_A_NUMBER = "not_a_number"
AMBIGUOUS = "ambiguous"
TOO_LARGE = "too_large"
TOO_SMALL = "too_small"
NOT_FINITE = "not_finite"


class NumberError(ValueError):
    """A text that is not a number GEMIS accepts, or a value it does not store; ``code`` says why."""

    def __init__(self, code: str, text: str = "", limit: float | None = None) -> None:
        super().__init__(f"{code}: {text[:MAX_LENGTH]!r}")
        self.code = code
        self.text = text
        self.limit = limit


def language_of(code: str | None) -> str:
    """``"en"``, ``"en-gb"`` → English; anything else (Vietnamese is the default) → Vietnamese."""
    return EN if (code or "").lower().startswith("en") else VI


def marks(language: str) -> tuple[str, str]:
    """(grouping mark, decimal mark) of a language."""
    return _MARKS[language_of(language)]


def example(language: str) -> str:
    """The expected format, shown in messages: ``1.234,5`` or ``1,234.5``."""
    group, decimal = marks(language)
    return f"1{group}234{decimal}5"


def parse_number(text: str | None, language: str = VI, *, limit: float = MAX_MAGNITUDE) -> float | None:
    """The number an officer typed on a page in ``language``; None for an empty text.

    Raises :class:`NumberError` for anything else (see the module's rules).
    """
    raw = (text or "").strip()
    if not raw:
        return None
    if len(raw) > MAX_LENGTH:
        if not re.fullmatch(r"[-+\u2212]?[0-9., ]+", raw):
            raise NumberError(NOT_A_NUMBER, raw)
        raise NumberError(TOO_SMALL if raw[0] in "-\u2212" else TOO_LARGE, raw, limit)
    plain = raw.translate(_SPACES).translate(_MINUS)
    group, decimal = marks(language)
    match = re.fullmatch(r"([-+]?)([0-9.,]+)", plain)
    if match is None:
        raise NumberError(NOT_A_NUMBER, raw)
    sign, body = match.groups()
    g, d = re.escape(group), re.escape(decimal)
    grouped = rf"[1-9][0-9]{{0,2}}(?:{g}[0-9]{{3}})+"  # "0.125" groups nothing
    if re.fullmatch(rf"(?:[0-9]+|{grouped})(?:{d}[0-9]+)?", body):
        whole, _sep, fraction = body.partition(decimal)
        if len(fraction) == 3 and re.fullmatch(r"[1-9][0-9]{0,2}", whole):
            raise NumberError(AMBIGUOUS, raw)
        canonical = whole.replace(group, "") + ("." + fraction if fraction else "")
    elif re.fullmatch(rf"[0-9]+{g}[0-9]+", body):
        # A lone grouping mark that groups nothing ("2.5" on a Vietnamese page): a decimal mark.
        canonical = body.replace(group, ".")
    else:
        raise NumberError(NOT_A_NUMBER, raw)
    return check_value(float(Decimal(sign + canonical)), limit=limit, text=raw)


def check_value(value: Any, *, limit: float = MAX_MAGNITUDE, text: str = "") -> float:
    """``value`` as a float if GEMIS may store it; raises :class:`NumberError` otherwise."""
    try:
        number = float(value)
    except (TypeError, ValueError, OverflowError, InvalidOperation) as exc:
        raise NumberError(NOT_A_NUMBER, text or str(value)) from exc
    if math.isnan(number):
        raise NumberError(NOT_FINITE, text or str(value), limit)
    if number > limit:
        raise NumberError(TOO_LARGE, text or str(value), limit)
    if number < -limit:
        raise NumberError(TOO_SMALL, text or str(value), limit)
    return number


def is_storable(value: Any, *, limit: float = MAX_MAGNITUDE) -> bool:
    """True for a finite number within ``±limit`` (a value found stored may be checked with this)."""
    try:
        check_value(value, limit=limit)
    except NumberError:
        return False
    return True


def format_number(value: float | None, language: str = VI, *, places: int = MAX_PLACES) -> str:
    """``1234.5`` → ``1.234,5`` (Vietnamese) or ``1,234.5`` (English); "" for None.

    Up to ``places`` decimals, trailing zeros dropped, except that a text the
    parser would find ambiguous gets a fourth decimal (``1,1250``), so what is
    shown can always be typed back. Non-finite values (found stored by an old
    version) are shown as ``∞``/``-∞``/``NaN`` rather than breaking the page.
    """
    if value is None:
        return ""
    if not math.isfinite(value):
        return "NaN" if math.isnan(value) else ("∞" if value > 0 else "-∞")
    group, decimal = marks(language)
    text = f"{abs(value):.{places}f}"
    whole, _point, fraction = text.partition(".")
    fraction = fraction.rstrip("0")
    sign = "-" if value < 0 and (whole.strip("0") or fraction) else ""
    grouped = f"{int(whole):,}".replace(",", group)
    if len(fraction) == 3 and group not in grouped and whole != "0":
        fraction += "0"
    return sign + grouped + (decimal + fraction if fraction else "")


# --------------------------------------------------------------------------- Django glue


def page_language() -> str:
    """The language of the page being answered (Django's active language)."""
    from django.utils.translation import get_language

    return language_of(get_language())


def parse_for_page(text: str | None, *, limit: float = MAX_MAGNITUDE) -> float | None:
    return parse_number(text, page_language(), limit=limit)


def format_for_page(value: float | None) -> str:
    """For inputs and tables: grouped thousands and the page's decimal mark; "" for nothing."""
    return format_number(value, page_language())


def show(value: Any, places: int | None = None) -> str:
    """A figure as a page shows it: 1234.5 → "1.234,5" (vi) or "1,234.5" (en); "—" for nothing.

    ``places`` rounds (a share to one decimal); without it the figure keeps its own decimals.
    """
    if value is None or value == "":
        return "—"
    try:
        number = float(value)
    except (TypeError, ValueError):
        return str(value)
    if places is None:
        return format_for_page(number)
    from django.utils import formats

    if not math.isfinite(number):
        return format_for_page(number)
    # Half up, as officers round by hand (66,25 % → 66,3 %; Python's round() would give 66,2), and
    # never "-0,0" for a small negative difference.
    rounded = Decimal(repr(number)).quantize(Decimal(1).scaleb(-int(places)), rounding=ROUND_HALF_UP)
    if rounded == 0:
        rounded = abs(rounded)
    return formats.number_format(rounded, int(places), use_l10n=True, force_grouping=True)


def message(error: NumberError, language: str | None = None) -> str:
    """What is wrong and what to do, in the page's language ("Số quá lớn: …")."""
    from django.utils.translation import gettext as _

    language = language or page_language()
    if error.code in (TOO_LARGE, TOO_SMALL, NOT_FINITE):
        limit = error.limit if error.limit is not None else MAX_MAGNITUDE
        if error.code == TOO_SMALL:
            return _("The number is too small: the smallest allowed is %(min)s.") % {
                "min": format_number(-limit, language)
            }
        return _("The number is too large: the largest allowed is %(max)s.") % {
            "max": format_number(limit, language)
        }
    group, decimal = marks(language)
    if error.code == AMBIGUOUS:
        return _(
            "“%(text)s” can be read two ways. Write numbers as %(example)s (“%(group)s” groups "
            "thousands, “%(decimal)s” starts the decimals), or type the number without grouping."
        ) % {
            "text": error.text[:MAX_LENGTH],
            "example": example(language),
            "group": group,
            "decimal": decimal,
        }
    return _("Type a number, written as %(example)s.") % {"example": example(language)}


def _number_field_class() -> type:
    from django import forms
    from django.core.exceptions import ValidationError

    class BoundedFloatField(forms.FloatField):
        """A float form field that refuses non-finite values and values beyond ``±MAX_MAGNITUDE``.

        The browser's number input sends machine format ("1234.5"); Django's own
        parsing reads it, this field adds the limits every stored number has.
        """

        def validate(self, value: Any) -> None:
            if value not in self.empty_values:
                try:
                    check_value(value)
                except NumberError as error:
                    raise ValidationError(message(error), code=error.code) from error
            super().validate(value)

    return BoundedFloatField


def __getattr__(name: str) -> Any:
    # The form field is built on first use, so that importing this module needs no Django.
    if name == "BoundedFloatField":
        cls = _number_field_class()
        globals()[name] = cls
        return cls
    raise AttributeError(name)
