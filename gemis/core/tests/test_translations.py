"""Vietnamese is the default: every message GEMIS shows must have a Vietnamese translation."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from django.utils import translation
from django.utils.formats import date_format

GEMIS_DIR = Path(__file__).resolve().parents[2]
# The project catalog and each app's own (an app keeps its strings in gemis/<app>/locale/).
CATALOGS = sorted(GEMIS_DIR.glob("locale/vi/LC_MESSAGES/django.po")) + sorted(
    GEMIS_DIR.glob("*/locale/vi/LC_MESSAGES/django.po")
)
CATALOG_IDS = [str(path.relative_to(GEMIS_DIR)) for path in CATALOGS]


def _entries(text: str):
    for block in text.split("\n\n")[1:]:
        if block.lstrip().startswith("#~"):
            continue
        msgid = "".join(re.findall(r'"(.*)"', re.search(r"^msgid ((?:\".*\"\n?)+)", block, re.M).group(1)))
        strs = re.findall(r"^msgstr(?:\[\d\])? ((?:\".*\"\n?)+)", block, re.M)
        yield msgid, ["".join(re.findall(r'"(.*)"', s)) for s in strs], "#, fuzzy" in block


def test_the_project_catalog_is_found():
    assert GEMIS_DIR / "locale" / "vi" / "LC_MESSAGES" / "django.po" in CATALOGS


@pytest.mark.parametrize("catalog", CATALOGS, ids=CATALOG_IDS)
def test_every_message_has_a_vietnamese_translation(catalog):
    untranslated = [
        msgid for msgid, strs, fuzzy in _entries(catalog.read_text("utf-8")) if fuzzy or not all(strs)
    ]
    assert untranslated == [], f"Run scripts/messages and translate these in {catalog}: " + repr(untranslated)


@pytest.mark.parametrize("catalog", CATALOGS, ids=CATALOG_IDS)
def test_compiled_catalog_is_not_older_than_the_source(catalog):
    compiled = catalog.with_suffix(".mo")
    assert compiled.exists(), "compile the messages (scripts/bootstrap does)"
    assert compiled.stat().st_mtime >= catalog.stat().st_mtime - 1


@pytest.mark.parametrize("language", ["vi", "en"])
def test_dates_are_day_first(language):
    import datetime as dt

    with translation.override(language):
        assert date_format(dt.date(2026, 3, 8), "SHORT_DATE_FORMAT") == "08/03/2026"
        assert date_format(dt.date(2026, 3, 8)) == "08/03/2026"
