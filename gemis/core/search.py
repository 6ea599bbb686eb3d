"""The one search of GEMIS: accent-insensitive, every word typed must appear.

"bao luc gia dinh" finds "Bạo lực gia đình", "hoá" finds "hóa", NFC or NFD alike
(:func:`gemis.vn.text.fold`). Where a table keeps a folded column (``search_name``,
``search_text``) the database filters on it; otherwise the folding runs over the
rows in Python (a few thousand short texts at most).
"""

from __future__ import annotations

import functools
from collections.abc import Hashable, Iterable
from typing import TypeVar

from django.db.models import Model, QuerySet

from gemis.vn.text import fold

# Rows repeat their texts (cascaded plans keep their parent's subject): fold each once.
_fold_row = functools.lru_cache(maxsize=20_000)(fold)

M = TypeVar("M", bound=Model)
K = TypeVar("K", bound=Hashable)


def words(text: str | None) -> list[str]:
    """The folded words of what the person typed ("1889/KH" is one word, as typed)."""
    return fold(text or "").split()


def filter_words(queryset: QuerySet[M], folded_field: str, text: str | None) -> QuerySet[M]:
    """The rows whose folded column holds every word of ``text`` (all rows for an empty search)."""
    for word in words(text):
        queryset = queryset.filter(**{f"{folded_field}__contains": word})
    return queryset


def matching(rows: Iterable[tuple[K, str]], text: str | None, *, word_start: bool = False) -> list[K]:
    """The keys of the ``(key, text)`` rows whose folded text holds every word of ``text``.

    ``word_start``: a word must begin a word of the text ("an" finds "An Bình", not "đẳng").
    """
    wanted = words(text)
    if word_start:
        wanted = [f" {word}" for word in wanted]
    found = []
    for key, row_text in rows:
        folded = f" {_fold_row(row_text)}" if word_start else _fold_row(row_text)
        if all(word in folded for word in wanted):
            found.append(key)
    return found
