"""Loading administrative units and the 2025 successions from ``vietnamadminunits``."""

from __future__ import annotations

import datetime as dt
import io
from collections import Counter

import pytest
from django.core.management import CommandError, call_command
from django.utils import translation

from gemis.orgs.models import OrgUnit, Scheme, Tier, UnitSuccession
from gemis.orgs.units import (
    UnknownProvinceError,
    _KeyIndex,
    _mapping,
    current_province_for,
    legacy_provinces_for,
    load_successions,
    load_units,
    unit_specs,
)
from gemis.vn.text import fold

LEGACY_COUNTS = {Tier.PROVINCE: 63, Tier.DISTRICT: 696, Tier.COMMUNE: 10_035}
CURRENT_COUNTS = {Tier.PROVINCE: 34, Tier.COMMUNE: 3_321}
# 63 provinces + 5 island districts + 9,564 unsplit communes + 1,033 rows for the 471 split ones.
SUCCESSION_COUNT = 10_665
ISLAND_DISTRICTS = {
    "318": "Bạch Long Vĩ",
    "471": "Cồn Cỏ",
    "498": "Hoàng Sa",
    "536": "Lý Sơn",
    "755": "Côn Đảo",
}


def tier_counts(scheme: str) -> dict[str, int]:
    return dict(Counter(OrgUnit.objects.filter(scheme=scheme).values_list("tier", flat=True)))


def kind_counts(scheme: str, tier: str) -> dict[str, int]:
    return dict(Counter(OrgUnit.objects.filter(scheme=scheme, tier=tier).values_list("kind", flat=True)))


def all_unchanged(result) -> bool:
    return all(c.created == 0 and c.updated == 0 for c in result.tiers.values())


# --------------------------------------------------------------------------- package data, no database


def test_specs_cover_both_schemes():
    assert Counter(s.tier for s in unit_specs(Scheme.LEGACY)) == LEGACY_COUNTS
    assert Counter(s.tier for s in unit_specs(Scheme.CURRENT)) == CURRENT_COUNTS
    current = Counter((s.tier, s.kind) for s in unit_specs(Scheme.CURRENT))
    assert current[Tier.PROVINCE, "Tỉnh"] == 28
    assert current[Tier.PROVINCE, "Thành phố"] == 6
    assert current[Tier.COMMUNE, "Xã"] == 2_621
    assert current[Tier.COMMUNE, "Phường"] == 687
    assert current[Tier.COMMUNE, "Đặc khu"] == 13


def test_specs_clean_names_and_kinds():
    legacy = {s.code: s for s in unit_specs(Scheme.LEGACY)}
    # The package types Phú Nhuận's "Phường 5" as a xã; the name wins.
    assert (legacy["27046"].name, legacy["27046"].short_name, legacy["27046"].kind) == (
        "Phường 5",
        "Phường 5",
        "Phường",
    )
    # "Kỳ Anh (Huyện)" is the package's disambiguated short name.
    assert (legacy["447"].name, legacy["447"].short_name, legacy["447"].kind) == (
        "Huyện Kỳ Anh",
        "Kỳ Anh",
        "Huyện",
    )
    assert all("(" not in s.short_name for s in legacy.values())
    # Capitalisation of the kind is normalised ("Thành Phố Đồng Hới").
    assert legacy["450"].name == "Thành phố Đồng Hới"
    assert all(s.name == f"{s.kind} {s.short_name}" or s.name == s.short_name for s in legacy.values())
    assert legacy["62"].kind == "Tỉnh" and legacy["01"].kind == "Thành phố"
    current = {s.code: s for s in unit_specs(Scheme.CURRENT)}
    assert (current["51"].name, current["51"].short_name, current["51"].kind) == (
        "Tỉnh Quảng Ngãi",
        "Quảng Ngãi",
        "Tỉnh",
    )


def test_predecessor_provinces():
    assert legacy_provinces_for("51") == ["51", "62"]  # Quảng Ngãi + Kon Tum
    assert legacy_provinces_for("79") == ["74", "77", "79"]  # Bình Dương, Bà Rịa - Vũng Tàu, TP HCM
    assert legacy_provinces_for("01") == ["01"]
    assert current_province_for("62") == "51"
    every_legacy = sorted(
        code
        for s in unit_specs(Scheme.CURRENT)
        if s.tier == Tier.PROVINCE
        for code in legacy_provinces_for(s.code)
    )
    assert every_legacy == sorted(s.code for s in unit_specs(Scheme.LEGACY) if s.tier == Tier.PROVINCE)
    with pytest.raises(UnknownProvinceError):
        legacy_provinces_for("62")  # not a 2025 code
    with pytest.raises(UnknownProvinceError):
        current_province_for("99")


def test_mapping_resolves_every_entry():
    mapping = _mapping()
    assert mapping.skipped == {}
    assert len(mapping.links) == SUCCESSION_COUNT
    # Twins whose plain keys would collide (xã Sơn Hà / Sơn Hạ) resolve to different communes.
    targets = {link.new_code for link in mapping.links if link.new_province_code == "51"}
    assert {"21289", "21292", "21484", "21523"} <= targets


def test_ambiguous_key_resolves_to_nothing():
    index = _KeyIndex()
    index.add("tinhx_xasonha", "1")
    index.add("tinhx_xasonha", "2")
    index.add("tinhx_xaother", "3")
    assert index.get("tinhx_xasonha") is None
    assert index.get("tinhx_xaother") == "3"
    assert index.get("missing") is None


# --------------------------------------------------------------------------- one province


@pytest.mark.django_db
def test_province_filter_loads_one_province():
    result = load_units(Scheme.CURRENT, "51")
    assert {t: c.created for t, c in result.tiers.items()} == {Tier.PROVINCE: 1, Tier.COMMUNE: 96}
    assert tier_counts(Scheme.CURRENT) == {Tier.PROVINCE: 1, Tier.COMMUNE: 96}
    assert not OrgUnit.objects.filter(scheme=Scheme.LEGACY).exists()

    result = load_units(Scheme.LEGACY, "62")
    assert {t: c.created for t, c in result.tiers.items()} == {
        Tier.PROVINCE: 1,
        Tier.DISTRICT: 10,
        Tier.COMMUNE: 102,
    }
    assert set(OrgUnit.objects.filter(tier=Tier.PROVINCE).values_list("scheme", "code")) == {
        (Scheme.CURRENT, "51"),
        (Scheme.LEGACY, "62"),
    }
    with pytest.raises(UnknownProvinceError):
        load_units(Scheme.CURRENT, "62")


@pytest.mark.django_db
def test_path_depth_parent_and_validity():
    load_units(Scheme.LEGACY, "62")
    load_units(Scheme.CURRENT, "51")

    province = OrgUnit.objects.get(scheme=Scheme.LEGACY, code="62")
    assert (province.name, province.kind, province.depth, province.parent) == (
        "Tỉnh Kon Tum",
        "Tỉnh",
        1,
        None,
    )
    assert province.path == "legacy/62/"
    district = OrgUnit.objects.get(scheme=Scheme.LEGACY, code="615")
    assert (district.name, district.kind, district.tier, district.depth) == (
        "Huyện Đăk Hà",
        "Huyện",
        Tier.DISTRICT,
        2,
    )
    assert district.parent == province and district.path == "legacy/62/615/"
    commune = OrgUnit.objects.get(scheme=Scheme.LEGACY, code="23512")
    assert (commune.name, commune.short_name, commune.kind, commune.depth) == (
        "Xã Đăk Mar",
        "Đăk Mar",
        "Xã",
        3,
    )
    assert commune.parent == district and commune.path == "legacy/62/615/23512/"
    assert [u.code for u in commune.ancestors()] == ["62", "615"]

    for unit in OrgUnit.objects.select_related("parent"):
        expected_path = f"{unit.parent.path}{unit.code}/" if unit.parent else f"{unit.scheme}/{unit.code}/"
        assert unit.path == expected_path
        assert unit.depth == (unit.parent.depth + 1 if unit.parent else 1)
        assert unit.search_name == fold(unit.name)
        if unit.scheme == Scheme.LEGACY:
            assert (unit.valid_from, unit.valid_to) == (None, dt.date(2025, 6, 30))
        else:
            assert (unit.valid_from, unit.valid_to) == (dt.date(2025, 7, 1), None)
            assert unit.depth == (1 if unit.tier == Tier.PROVINCE else 2)

    new_commune = OrgUnit.objects.get(scheme=Scheme.CURRENT, code="23512")
    assert new_commune.path == "2025/51/23512/" and new_commune.parent.code == "51"


@pytest.mark.django_db
def test_second_run_changes_nothing():
    load_units(Scheme.LEGACY, "62")
    first = load_units(Scheme.CURRENT, "51")
    history = OrgUnit.history.count()
    versions = dict(OrgUnit.objects.values_list("pk", "version"))

    again = load_units(Scheme.CURRENT, "51")
    assert all_unchanged(again)
    assert again.unchanged == first.created == 97
    assert again.successions.created == again.successions.updated == 0
    assert again.successions.unchanged == first.successions.created > 0
    again = load_units(Scheme.LEGACY, "62")
    assert all_unchanged(again) and again.unchanged == 113
    assert OrgUnit.history.count() == history
    assert dict(OrgUnit.objects.values_list("pk", "version")) == versions


@pytest.mark.django_db
def test_changed_name_is_updated():
    load_units(Scheme.CURRENT, "51")
    OrgUnit.objects.filter(scheme=Scheme.CURRENT, code="23512").update(name="Xã Đăk Mar cũ", search_name="x")
    OrgUnit.objects.filter(scheme=Scheme.CURRENT, code="51").update(path="2025/x/")  # repaired too
    before = OrgUnit.objects.get(scheme=Scheme.CURRENT, code="23512")

    result = load_units(Scheme.CURRENT, "51")
    assert (result.tiers[Tier.PROVINCE].updated, result.tiers[Tier.COMMUNE].updated) == (1, 1)
    assert result.tiers[Tier.COMMUNE].unchanged == 95
    after = OrgUnit.objects.get(pk=before.pk)
    assert (after.name, after.search_name, after.version) == ("Xã Đăk Mar", "xa dak mar", before.version + 1)
    assert OrgUnit.objects.get(scheme=Scheme.CURRENT, code="51").path == "2025/51/"
    last = after.history.first()
    assert last.history_type == "~" and last.name == "Xã Đăk Mar"
    assert last.history_change_reason.startswith("load-units")


# --------------------------------------------------------------------------- successions


@pytest.mark.django_db
def test_merged_province_successions():
    """Legacy Kon Tum (62) and Quảng Ngãi (51) → 2025 Quảng Ngãi (51)."""
    load_units(Scheme.LEGACY, "62")  # no 2025 units yet: nothing to link
    assert not UnitSuccession.objects.exists()
    load_units(Scheme.CURRENT, "51")
    load_units(Scheme.LEGACY, "51")

    new_province = OrgUnit.objects.get(scheme=Scheme.CURRENT, code="51")
    for old_code in ("51", "62"):
        (succession,) = UnitSuccession.objects.filter(
            predecessor__scheme=Scheme.LEGACY, predecessor__code=old_code
        )
        assert succession.successor == new_province
        assert succession.is_default and succession.effective_date == dt.date(2025, 7, 1)

    kon_tum_communes = OrgUnit.objects.filter(
        scheme=Scheme.LEGACY, path__startswith="legacy/62/", tier=Tier.COMMUNE
    )
    assert kon_tum_communes.count() == 102
    for commune in kon_tum_communes.prefetch_related("successions__successor"):
        successors = [s.successor for s in commune.successions.all()]
        assert successors, commune
        assert all(s.path.startswith("2025/51/") and s.tier == Tier.COMMUNE for s in successors)
        assert sum(s.is_default for s in commune.successions.all()) == 1

    # Xã Trà Bùi (huyện Trà Bồng) was split between xã Cà Đam (default) and xã Tây Trà Bồng.
    tra_bui = OrgUnit.objects.get(scheme=Scheme.LEGACY, code="21142")
    split = {s.successor.name: s.is_default for s in tra_bui.successions.select_related("successor")}
    assert split == {"Xã Cà Đam": True, "Xã Tây Trà Bồng": False}

    # Districts carry no succession, except Lý Sơn, which had no communes and became a đặc khu.
    district_rows = UnitSuccession.objects.filter(predecessor__tier=Tier.DISTRICT).select_related("successor")
    assert [(s.predecessor.code, s.successor.name) for s in district_rows] == [("536", "Đặc khu Lý Sơn")]

    # Every 2025 commune of Quảng Ngãi has a predecessor, twins such as Sơn Hà / Sơn Hạ included.
    new_communes = OrgUnit.objects.filter(scheme=Scheme.CURRENT, tier=Tier.COMMUNE)
    assert not new_communes.filter(predecessions__isnull=True).exists()
    son_ha = {s.predecessor.name for s in UnitSuccession.objects.filter(successor__code="21289")}
    son_ha_ = {s.predecessor.name for s in UnitSuccession.objects.filter(successor__code="21292")}
    assert "Xã Sơn Hạ" in son_ha_ and "Xã Sơn Hạ" not in son_ha

    counts = load_successions("51")
    assert counts.created == counts.updated == counts.skipped == 0
    assert counts.unchanged == UnitSuccession.objects.count()


@pytest.mark.django_db
def test_successions_only_for_the_area_loaded():
    load_units(Scheme.CURRENT, "51")
    load_units(Scheme.CURRENT, "01")
    load_units(Scheme.LEGACY, "62")  # refreshes 2025 51 only
    assert UnitSuccession.objects.exclude(successor__path__startswith="2025/51/").count() == 0
    load_units(Scheme.LEGACY, "01")
    hanoi = OrgUnit.objects.get(scheme=Scheme.LEGACY, code="01").successions.get()
    assert hanoi.successor.code == "01"
    with pytest.raises(UnknownProvinceError):
        load_successions("62")


@pytest.mark.django_db
def test_succession_flag_is_corrected():
    load_units(Scheme.CURRENT, "51")
    load_units(Scheme.LEGACY, "51")
    UnitSuccession.objects.filter(predecessor__code="21142", successor__code="21157").update(is_default=True)
    counts = load_successions("51")
    assert (counts.created, counts.updated) == (0, 1)
    assert not UnitSuccession.objects.get(predecessor__code="21142", successor__code="21157").is_default


# --------------------------------------------------------------------------- the command


def run(*args: str) -> str:
    out = io.StringIO()
    with translation.override("en"):
        call_command("load_units", *args, stdout=out)
    return out.getvalue()


@pytest.mark.django_db
def test_command_one_province_with_hint():
    out = run("--scheme", "2025", "--province", "51")
    assert "Provinces: 1 created, 0 updated, 0 unchanged" in out
    assert "Communes: 96 created, 0 updated, 0 unchanged" in out
    assert "Successions (before → since 1 July 2025): 0 created" in out
    assert "provinces 51, 62" in out and "--with-legacy" in out
    assert "Done in" in out

    out = run("--scheme", "2025", "--province", "51", "--with-legacy")
    assert "Communes: 0 created, 0 updated, 96 unchanged" in out
    assert "Districts: 13 created" in out and "Districts: 10 created" in out
    assert "Successions (before → since 1 July 2025): 276 created, 0 updated, 0 unchanged" in out
    assert "Mapping entries skipped (ambiguous or unknown unit key): 0" in out
    assert "are not loaded" not in out
    assert UnitSuccession.objects.count() == 276

    out = run("--scheme", "legacy", "--province", "62")
    assert "Communes: 0 created, 0 updated, 102 unchanged" in out
    assert "276 unchanged" in out and "are not loaded" not in out


@pytest.mark.django_db
def test_command_errors():
    with pytest.raises(CommandError, match="62"):
        run("--scheme", "2025", "--province", "62")
    with pytest.raises(CommandError, match="with-legacy"):
        run("--scheme", "legacy", "--with-legacy")
    assert not OrgUnit.objects.exists()


# --------------------------------------------------------------------------- whole country


@pytest.mark.slow
@pytest.mark.django_db
def test_whole_country_current():
    result = load_units(Scheme.CURRENT)
    assert {t: c.created for t, c in result.tiers.items()} == CURRENT_COUNTS
    assert tier_counts(Scheme.CURRENT) == CURRENT_COUNTS
    assert kind_counts(Scheme.CURRENT, Tier.PROVINCE) == {"Tỉnh": 28, "Thành phố": 6}
    assert kind_counts(Scheme.CURRENT, Tier.COMMUNE) == {"Xã": 2_621, "Phường": 687, "Đặc khu": 13}
    assert result.successions.created == 0  # no legacy units yet

    again = load_units(Scheme.CURRENT)
    assert all_unchanged(again) and again.unchanged == 3_355


@pytest.mark.slow
@pytest.mark.django_db
def test_whole_country_legacy_and_successions():
    result = load_units(Scheme.LEGACY)
    assert {t: c.created for t, c in result.tiers.items()} == LEGACY_COUNTS
    assert tier_counts(Scheme.LEGACY) == LEGACY_COUNTS
    assert kind_counts(Scheme.LEGACY, Tier.PROVINCE) == {"Tỉnh": 57, "Thành phố": 6}
    assert kind_counts(Scheme.LEGACY, Tier.DISTRICT) == {
        "Huyện": 508,
        "Thành phố": 87,
        "Thị xã": 52,
        "Quận": 49,
    }
    assert kind_counts(Scheme.LEGACY, Tier.COMMUNE) == {"Xã": 7_692, "Phường": 1_726, "Thị trấn": 617}
    islands = OrgUnit.objects.filter(scheme=Scheme.LEGACY, code__in=ISLAND_DISTRICTS)
    assert {u.code: u.short_name for u in islands} == ISLAND_DISTRICTS
    assert not OrgUnit.objects.filter(parent__in=islands).exists()

    result = load_units(Scheme.CURRENT)
    assert result.successions.created == SUCCESSION_COUNT
    assert result.successions.skipped == 0
    rows = UnitSuccession.objects.all()
    assert rows.count() == SUCCESSION_COUNT
    assert Counter(rows.values_list("predecessor__tier", flat=True)) == {
        Tier.PROVINCE: 63,
        Tier.DISTRICT: 5,
        Tier.COMMUNE: SUCCESSION_COUNT - 68,
    }
    # Every legacy province and commune has exactly one default successor; every 2025 unit a predecessor.
    defaults = Counter(rows.filter(is_default=True).values_list("predecessor_id", flat=True))
    legacy_ids = (
        OrgUnit.objects.filter(scheme=Scheme.LEGACY).exclude(tier=Tier.DISTRICT).values_list("pk", flat=True)
    )
    assert all(defaults[pk] == 1 for pk in legacy_ids)
    assert not OrgUnit.objects.filter(scheme=Scheme.CURRENT, predecessions__isnull=True).exists()
    split = Counter(rows.values_list("predecessor_id", flat=True))
    assert sum(1 for n in split.values() if n > 1) == 471

    again = load_units(Scheme.LEGACY)
    assert all_unchanged(again) and again.unchanged == 10_794
    assert (again.successions.created, again.successions.unchanged) == (0, SUCCESSION_COUNT)
