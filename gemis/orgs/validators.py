"""Password rules with messages GEMIS translates itself (Django's Vietnamese catalog lacks some)."""

from __future__ import annotations

from django.contrib.auth import password_validation
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from django.utils.translation import ngettext


class MinimumLengthValidator(password_validation.MinimumLengthValidator):
    def validate(self, password: str, user: object = None) -> None:
        if len(password) < self.min_length:
            raise ValidationError(
                ngettext(
                    "This password is too short: it must contain at least %(min_length)d character.",
                    "This password is too short: it must contain at least %(min_length)d characters.",
                    self.min_length,
                ),
                code="password_too_short",
                params={"min_length": self.min_length},
            )


class CommonPasswordValidator(password_validation.CommonPasswordValidator):
    def validate(self, password: str, user: object = None) -> None:
        try:
            super().validate(password, user)
        except ValidationError:
            raise ValidationError(
                _("This password is among the most common ones and is guessed first. Choose another one."),
                code="password_too_common",
            ) from None


class NumericPasswordValidator(password_validation.NumericPasswordValidator):
    def validate(self, password: str, user: object = None) -> None:
        try:
            super().validate(password, user)
        except ValidationError:
            raise ValidationError(
                _("This password is only digits. Add letters or signs."), code="password_entirely_numeric"
            ) from None


class UserAttributeSimilarityValidator(password_validation.UserAttributeSimilarityValidator):
    def validate(self, password: str, user: object = None) -> None:
        try:
            super().validate(password, user)
        except ValidationError as error:
            raise ValidationError(
                _("This password is too close to your %(verbose_name)s. Choose a password unrelated to it."),
                code="password_too_similar",
                params=error.error_list[0].params,
            ) from None


class VarietyValidator:
    """Refuse passwords that are mostly one short chunk repeated ("phunuphunu1") or use few characters.

    Such passwords pass a length rule but are among the first an attacker tries: a name
    typed twice, a keyboard key held down, "aaaa1111aaaa".
    """

    def __init__(self, min_distinct: int = 6, max_repeated_share: float = 0.6) -> None:
        self.min_distinct = min_distinct
        self.max_repeated_share = max_repeated_share

    def validate(self, password: str, user: object = None) -> None:
        text = password.lower()
        # The repetition first: its message says best what is wrong with "phunuphunu1".
        if text and longest_repetition(text) / len(text) > self.max_repeated_share:
            raise ValidationError(
                _(
                    "This password is mostly the same group of characters repeated (like “phunuphunu”). "
                    "Choose a password that does not repeat itself, e.g. a short sentence."
                ),
                code="password_repetitive",
            )
        if len(set(text)) < self.min_distinct:
            raise ValidationError(
                ngettext(
                    "This password uses too few different characters: use at least %(min_distinct)d "
                    "different letters, digits or signs.",
                    "This password uses too few different characters: use at least %(min_distinct)d "
                    "different letters, digits or signs.",
                    self.min_distinct,
                ),
                code="password_too_uniform",
                params={"min_distinct": self.min_distinct},
            )

    def get_help_text(self) -> str:
        return _("Your password must not be a word or group of characters repeated.")


def longest_repetition(text: str) -> int:
    """Length of the longest run of one chunk repeated back to back ("abcabcab" → 8)."""
    text = text[:200]  # bounded work whatever is posted
    best = 0
    for start in range(len(text)):
        for size in range(1, (len(text) - start) // 2 + 1):
            chunk = text[start : start + size]
            end = start + size
            while text[end : end + size] == chunk:
                end += size
            # A partial chunk at the end still belongs to the repetition ("phunuphun").
            tail = 0
            while end + tail < len(text) and tail < size and text[end + tail] == chunk[tail]:
                tail += 1
            if end - start >= 2 * size:
                best = max(best, end + tail - start)
    return best
