"""Vietnamese is the default: every message GEMIS shows must have a Vietnamese translation."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from django.utils import translation
from django.utils.formats import date_format

CATALOG = Path(__file__).resolve().parents[2] / "locale" / "vi" / "LC_MESSAGES" / "django.po"


def _entries(text: str):
    for block in text.split("\n\n")[1:]:
        if block.lstrip().startswith("#~"):
            continue
        msgid = "".join(re.findall(r'"(.*)"', re.search(r"^msgid ((?:\".*\"\n?)+)", block, re.M).group(1)))
        strs = re.findall(r"^msgstr(?:\[\d\])? ((?:\".*\"\n?)+)", block, re.M)
        yield msgid, ["".join(re.findall(r'"(.*)"', s)) for s in strs], "#, fuzzy" in block


def test_every_message_has_a_vietnamese_translation():
    untranslated = [
        msgid for msgid, strs, fuzzy in _entries(CATALOG.read_text("utf-8")) if fuzzy or not all(strs)
    ]
    assert untranslated == [], "Run makemessages and translate these in gemis/locale/vi: " + repr(
        untranslated
    )


def test_compiled_catalog_is_not_older_than_the_source():
    compiled = CATALOG.with_suffix(".mo")
    assert compiled.exists(), "compile the messages (scripts/bootstrap does)"
    assert compiled.stat().st_mtime >= CATALOG.stat().st_mtime - 1


@pytest.mark.parametrize("language", ["vi", "en"])
def test_dates_are_day_first(language):
    import datetime as dt

    with translation.override(language):
        assert date_format(dt.date(2026, 3, 8), "SHORT_DATE_FORMAT") == "08/03/2026"
        assert date_format(dt.date(2026, 3, 8)) == "08/03/2026"
