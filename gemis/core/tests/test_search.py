"""The one search: accent-insensitive, every word typed must appear, in the database or in Python."""

from __future__ import annotations

import unicodedata

import pytest

from gemis.core import search
from gemis.orgs.models import OrgUnit


def test_words_are_folded():
    assert search.words("  Bạo lực  GIA đình ") == ["bao", "luc", "gia", "dinh"]
    assert search.words(None) == []


def test_every_word_must_appear_whatever_the_marks_and_the_form():
    rows = [
        (1, "Phòng chống bạo lực gia đình"),
        (2, unicodedata.normalize("NFD", "Hoá học")),
        (3, "Gia đình"),
    ]
    assert search.matching(rows, "bao luc gia dinh") == [1]
    assert search.matching(rows, "hóa") == [2]  # "hoá" and "hóa", NFD and NFC
    assert search.matching(rows, "gia") == [1, 3]
    assert search.matching(rows, "") == [1, 2, 3]


def test_word_start_matches_the_beginning_of_words_only():
    rows = [(1, "Huyện An Bình"), (2, "Bình đẳng giới")]
    assert search.matching(rows, "an", word_start=True) == [1]
    assert search.matching(rows, "an") == [1, 2]  # "đẳng" holds "ang"… and "an"


@pytest.mark.django_db
def test_the_database_filters_on_the_folded_column(world):
    found = search.filter_words(OrgUnit.objects.all(), "search_name", "an binh")
    assert list(found) == [world.district_a]
    assert search.filter_words(OrgUnit.objects.all(), "search_name", "").count() == OrgUnit.objects.count()
