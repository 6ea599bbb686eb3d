"""The standard agencies: the data file, the loader and ``gemis load-agencies``."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from io import StringIO

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.utils import translation

from gemis.orgs.agencies import agency_sets, load_standard_agencies, set_for, unit_kind
from gemis.orgs.models import Agency, AgencyAlias, OrgUnit, Scheme, UnitSuccession
from gemis.orgs.testing import make_agency, make_unit
from gemis.vn.agency_names import agency_key
from gemis.vn.text import fold, nfc, normalize_tone_placement

LEGACY_END = dt.date(2025, 6, 30)
CURRENT_START = dt.date(2025, 7, 1)


@dataclass
class Tree:
    """Three legacy provinces (one with two districts and a commune) and their 2025 successors."""

    dak_lak: OrgUnit
    kon_tum: OrgUnit
    bac_giang: OrgUnit
    tan_yen: OrgUnit
    bac_giang_city: OrgUnit
    cao_xa: OrgUnit
    new_dak_lak: OrgUnit
    quang_ngai: OrgUnit
    bac_ninh: OrgUnit
    new_commune: OrgUnit
    new_ward: OrgUnit

    def legacy(self) -> list[OrgUnit]:
        return [self.dak_lak, self.kon_tum, self.bac_giang]

    def current(self) -> list[OrgUnit]:
        return [self.new_dak_lak, self.quang_ngai, self.bac_ninh]


def _unit(name: str, code: str, kind: str, short: str, **fields) -> OrgUnit:
    unit = make_unit(name, code=code, kind=kind, **fields)
    if unit.short_name != short:  # make_unit splits at the first space: "Thành phố X" → "phố X"
        OrgUnit.objects.filter(pk=unit.pk).update(short_name=short)
        unit.short_name = short
    return unit


def build_tree(load: bool = True) -> Tree:
    """The units of the seed documents' places in both schemes; with their standard agencies if ``load``."""
    legacy = {"scheme": Scheme.LEGACY}
    current = {"scheme": Scheme.CURRENT, "valid_from": CURRENT_START}
    dak_lak = _unit("Tỉnh Đắk Lắk", "66", "Tỉnh", "Đắk Lắk", **legacy)
    kon_tum = _unit("Tỉnh Kon Tum", "62", "Tỉnh", "Kon Tum", **legacy)
    bac_giang = _unit("Tỉnh Bắc Giang", "24", "Tỉnh", "Bắc Giang", **legacy)
    tan_yen = _unit("Huyện Tân Yên", "216", "Huyện", "Tân Yên", parent=bac_giang)
    city = _unit("Thành phố Bắc Giang", "213", "Thành phố", "Bắc Giang", parent=bac_giang)
    cao_xa = _unit("Xã Cao Xá", "07288", "Xã", "Cao Xá", parent=tan_yen)
    new_dak_lak = _unit("Tỉnh Đắk Lắk", "66", "Tỉnh", "Đắk Lắk", **current)
    quang_ngai = _unit("Tỉnh Quảng Ngãi", "51", "Tỉnh", "Quảng Ngãi", **current)
    bac_ninh = _unit("Tỉnh Bắc Ninh", "24", "Tỉnh", "Bắc Ninh", **current)
    new_commune = _unit("Xã Tân Yên", "07300", "Xã", "Tân Yên", parent=bac_ninh, valid_from=CURRENT_START)
    new_ward = _unit(
        "Phường Bắc Giang", "07210", "Phường", "Bắc Giang", parent=bac_ninh, valid_from=CURRENT_START
    )
    for old, new in [
        (dak_lak, new_dak_lak),
        (kon_tum, quang_ngai),
        (bac_giang, bac_ninh),
        (cao_xa, new_commune),
    ]:
        UnitSuccession.objects.create(predecessor=old, successor=new, effective_date=CURRENT_START)
    tree = Tree(dak_lak, kon_tum, bac_giang, tan_yen, city, cao_xa, new_dak_lak, quang_ngai, bac_ninh,
                new_commune, new_ward)  # fmt: skip
    if load:
        for province in [*tree.legacy(), *tree.current()]:
            load_standard_agencies(province, include_descendants=True)
        for unit in OrgUnit.objects.all():
            unit.refresh_from_db()
    return tree


def _agency(unit: OrgUnit, code: str) -> Agency:
    return Agency.objects.get(org_unit=unit, code=code)


def _expected_count(unit: OrgUnit) -> int:
    agency_set = set_for(unit)
    kind, _short = unit_kind(unit)
    return sum(1 for spec in agency_set.agencies if spec.applies_to(kind))


# --------------------------------------------------------------------------- the data file


def test_data_file_sets_and_sizes():
    sets = agency_sets()
    assert set(sets) == {
        "legacy-province",
        "2025-province",
        "legacy-district",
        "legacy-commune",
        "2025-commune",
    }
    sizes = {name: len(s.agencies) for name, s in sets.items()}
    assert sizes["legacy-province"] >= 40 and sizes["2025-province"] >= 30
    assert {s.standing for s in sets.values()} == {
        "so-ldtbxh",
        "so-noi-vu",
        "phong-ldtbxh",
        "ubnd",
        "phong-vh-xh",
    }


def test_2025_province_has_the_twelve_departments_and_more():
    codes = agency_sets()["2025-province"].codes()
    mandatory = {
        "so-noi-vu", "so-tu-phap", "so-tai-chinh", "so-cong-thuong", "so-nnmt", "so-xay-dung",
        "so-khcn", "so-vhttdl", "so-gddt", "so-y-te", "thanh-tra", "van-phong-ubnd",
    }  # fmt: skip
    assert mandatory | {"so-dttg", "cong-an", "hoi-lhpn", "ubmttq", "ban-vstbcpn", "thong-ke"} <= codes
    assert not {"so-ldtbxh", "so-khdt", "so-tttt", "so-gtvt", "so-tnmt", "so-nnptnt"} & codes


def test_legacy_departments_abolished_in_march_2025_point_to_their_successors():
    legacy = {s.code: s for s in agency_sets()["legacy-province"].agencies}
    current = agency_sets()["2025-province"]
    expected = {
        "so-khdt": {"so-tai-chinh"},
        "so-ldtbxh": {"so-noi-vu", "so-y-te", "so-gddt"},
        "so-tttt": {"so-khcn", "so-vhttdl"},
        "so-nnptnt": {"so-nnmt"},
        "so-tnmt": {"so-nnmt"},
        "so-gtvt": {"so-xay-dung"},
    }
    for code, successors in expected.items():
        assert legacy[code].valid_to == dt.date(2025, 2, 28), code
        assert set(agency_sets()["legacy-province"].successor_codes(legacy[code], current)) == successors


def test_names_are_nfc_with_modern_tone_placement():
    for agency_set in agency_sets().values():
        for spec in agency_set.agencies:
            for text in (spec.name, spec.short_name, *spec.aliases):
                assert nfc(text) == text, text
                assert normalize_tone_placement(text.lower()) == text.lower(), text


@pytest.mark.parametrize(
    ("scheme", "tier", "name"),
    [
        (Scheme.LEGACY, "province", "Tỉnh Kon Tum"),
        (Scheme.LEGACY, "province", "Thành phố Hà Nội"),
        (Scheme.CURRENT, "province", "Tỉnh Quảng Ngãi"),
        (Scheme.LEGACY, "district", "Huyện Tân Yên"),
        (Scheme.LEGACY, "district", "Quận 1"),
        (Scheme.LEGACY, "district", "Thị xã Việt Yên"),
        (Scheme.LEGACY, "commune", "Thị trấn Cao Thượng"),
        (Scheme.CURRENT, "commune", "Xã Tân Yên"),
        (Scheme.CURRENT, "commune", "Phường Cẩm Thành"),
        (Scheme.CURRENT, "commune", "Đặc khu Lý Sơn"),
    ],
)
def test_no_two_agencies_of_a_unit_share_a_key(scheme, tier, name):
    """A key names one agency of a unit, else the resolver could not tell them apart."""
    from gemis.orgs.agencies import _alias_keys, _wanted

    unit = OrgUnit(scheme=scheme, tier=tier, name=name, short_name=name.split(" ", 1)[1], kind="")
    owners: dict[str, str] = {}
    for wanted in _wanted(unit, set_for(unit)):
        for _text, key in _alias_keys(wanted):
            assert owners.setdefault(key, wanted.spec.code) == wanted.spec.code, key
    assert len(set(owners.values())) == _expected_count(unit)


# --------------------------------------------------------------------------- the loader


@pytest.mark.django_db
def test_load_creates_each_set_and_second_run_creates_nothing():
    tree = build_tree(load=False)
    first = load_standard_agencies(tree.bac_giang, include_descendants=True)
    units = [tree.bac_giang, tree.tan_yen, tree.bac_giang_city, tree.cao_xa]
    assert first.units == 4
    assert first.created == sum(_expected_count(u) for u in units) == Agency.objects.count()
    assert first.aliases_created == AgencyAlias.objects.count() > first.created
    assert first.standing_set == 4
    assert first.links_created > 0  # the March 2025 mergers inside the legacy units

    second = load_standard_agencies(tree.bac_giang, include_descendants=True)
    assert second.created == second.updated == second.aliases_created == 0
    assert second.links_created == second.standing_set == 0
    assert second.unchanged == first.created
    assert not second.changed


@pytest.mark.django_db
def test_without_descendants_only_the_unit_is_loaded():
    tree = build_tree(load=False)
    result = load_standard_agencies(tree.bac_giang)
    assert result.units == 1
    assert not Agency.objects.filter(org_unit=tree.tan_yen).exists()
    assert Agency.objects.filter(org_unit=tree.bac_giang).count() == _expected_count(tree.bac_giang)


@pytest.mark.django_db
def test_names_follow_the_kind_of_unit():
    tree = build_tree()
    assert _agency(tree.dak_lak, "so-y-te").name == "Sở Y tế tỉnh Đắk Lắk"
    assert _agency(tree.dak_lak, "ubnd").name == "Ủy ban nhân dân tỉnh Đắk Lắk"
    assert _agency(tree.dak_lak, "cap-uy").name == "Tỉnh ủy Đắk Lắk"
    assert _agency(tree.dak_lak, "doan-tn").name == "Tỉnh đoàn Đắk Lắk"
    assert _agency(tree.dak_lak, "bao").name == "Báo Đắk Lắk"
    assert _agency(tree.dak_lak, "so-ldtbxh").short_name == "Sở LĐTBXH"
    assert _agency(tree.tan_yen, "ubnd").name == "Ủy ban nhân dân huyện Tân Yên"
    assert _agency(tree.tan_yen, "doan-tn").name == "Huyện đoàn Tân Yên"
    assert _agency(tree.bac_giang_city, "ubnd").name == "Ủy ban nhân dân thành phố Bắc Giang"
    assert _agency(tree.bac_giang_city, "cap-uy").name == "Thành ủy Bắc Giang"
    assert _agency(tree.cao_xa, "hoi-lhpn").name == "Hội Liên hiệp Phụ nữ xã Cao Xá"
    assert _agency(tree.new_commune, "phong-vh-xh").name == "Phòng Văn hóa - Xã hội xã Tân Yên"
    # huyện and thành phố thuộc tỉnh differ in their economic "phòng"; xã and phường too.
    city_codes = set(Agency.objects.filter(org_unit=tree.bac_giang_city).values_list("code", flat=True))
    district_codes = set(Agency.objects.filter(org_unit=tree.tan_yen).values_list("code", flat=True))
    assert {"phong-kinh-te", "phong-qldt"} <= city_codes - district_codes
    assert {"phong-nnptnt", "phong-ktht"} <= district_codes - city_codes
    assert _agency(tree.new_commune, "phong-kinh-te")
    assert _agency(tree.new_ward, "phong-kthtdt")
    assert not Agency.objects.filter(org_unit=tree.new_ward, code="phong-kinh-te").exists()


@pytest.mark.django_db
def test_validity_dates():
    tree = build_tree()
    assert _agency(tree.kon_tum, "so-ldtbxh").valid_to == dt.date(2025, 2, 28)
    assert _agency(tree.kon_tum, "so-nnmt").valid_from == dt.date(2025, 3, 1)
    assert _agency(tree.kon_tum, "so-y-te").valid_to == LEGACY_END  # an agency does not outlive its unit
    assert _agency(tree.tan_yen, "cong-an").valid_to == dt.date(2025, 2, 28)
    assert _agency(tree.quang_ngai, "so-noi-vu").valid_from == CURRENT_START
    assert _agency(tree.quang_ngai, "so-noi-vu").valid_to is None


@pytest.mark.django_db
def test_standing_agency_per_set():
    tree = build_tree()
    expected = {
        tree.dak_lak: "so-ldtbxh",
        tree.tan_yen: "phong-ldtbxh",
        tree.cao_xa: "ubnd",
        tree.quang_ngai: "so-noi-vu",
        tree.new_commune: "phong-vh-xh",
        tree.new_ward: "phong-vh-xh",
    }
    for unit, code in expected.items():
        unit.refresh_from_db()
        assert unit.standing_agency == _agency(unit, code), unit
        assert unit.history.first().standing_agency_id == unit.standing_agency_id


@pytest.mark.django_db
def test_standing_agency_already_set_is_kept():
    tree = build_tree(load=False)
    own = make_agency(tree.kon_tum, "Văn phòng Ban vì sự tiến bộ của phụ nữ tỉnh Kon Tum", code="vp-ban")
    tree.kon_tum.standing_agency = own
    tree.kon_tum.save()
    result = load_standard_agencies(tree.kon_tum)
    tree.kon_tum.refresh_from_db()
    assert tree.kon_tum.standing_agency == own
    assert result.standing_set == 0


@pytest.mark.django_db
def test_successors_link_legacy_province_to_its_2025_province_in_either_order():
    tree = build_tree(load=False)
    load_standard_agencies(tree.kon_tum)  # the 2025 province is not loaded yet: nothing to link to
    assert not _agency(tree.kon_tum, "so-y-te").successors.exists()
    load_standard_agencies(tree.quang_ngai)  # links from the legacy side when the new one arrives
    assert set(_agency(tree.kon_tum, "so-ldtbxh").successors.all()) == {
        _agency(tree.kon_tum, "so-noi-vu"),
        _agency(tree.kon_tum, "so-y-te"),
        _agency(tree.kon_tum, "so-gddt"),
        _agency(tree.quang_ngai, "so-noi-vu"),
        _agency(tree.quang_ngai, "so-y-te"),
        _agency(tree.quang_ngai, "so-gddt"),
    }
    assert list(_agency(tree.kon_tum, "so-y-te").successors.all()) == [_agency(tree.quang_ngai, "so-y-te")]
    assert set(_agency(tree.kon_tum, "dai-ptth").successors.all()) == {_agency(tree.quang_ngai, "bao-ptth")}
    assert set(_agency(tree.quang_ngai, "so-noi-vu").predecessors.all()) == {
        _agency(tree.kon_tum, "so-noi-vu"),
        _agency(tree.kon_tum, "so-ldtbxh"),
    }


@pytest.mark.django_db
def test_successor_links_do_not_depend_on_load_order():
    tree = build_tree(load=False)
    load_standard_agencies(tree.bac_ninh)
    result = load_standard_agencies(tree.bac_giang)
    assert result.links_created > 0
    assert _agency(tree.bac_ninh, "so-xay-dung") in _agency(tree.bac_giang, "so-gtvt").successors.all()
    again = load_standard_agencies(tree.bac_ninh)
    assert again.links_created == 0


@pytest.mark.django_db
def test_changed_names_are_updated_with_history():
    tree = build_tree()
    agency = _agency(tree.dak_lak, "so-y-te")
    Agency.objects.filter(pk=agency.pk).update(name="Sở Y Tế Đắc Lắc", search_name="x")
    result = load_standard_agencies(tree.dak_lak)
    agency.refresh_from_db()
    assert (result.updated, result.created) == (1, 0)
    assert agency.name == "Sở Y tế tỉnh Đắk Lắk"
    assert agency.search_name == "so y te tinh dak lak so y te"
    assert agency.version == 2
    assert agency.history.first().history_change_reason == "load-agencies"


@pytest.mark.django_db
def test_alias_keys_match_what_save_computes():
    tree = build_tree(load=False)
    load_standard_agencies(tree.kon_tum)
    aliases = list(AgencyAlias.objects.filter(agency__org_unit=tree.kon_tum))
    assert aliases
    assert all(a.key == agency_key(a.alias) for a in aliases)
    keys = {a.key for a in aliases if a.agency.code == "so-ldtbxh"}
    assert agency_key("Sở LĐTB&XH") in keys
    for agency in Agency.objects.filter(org_unit=tree.kon_tum):  # bulk_create skips save(): set by hand
        assert agency.search_name == fold(f"{agency.name} {agency.short_name}")


# --------------------------------------------------------------------------- the command


@pytest.mark.django_db
def test_command_prints_counts_and_is_idempotent():
    build_tree(load=False)
    out = StringIO()
    with translation.override("en"):  # the counts are translated; check the English msgids
        call_command("load_agencies", scheme="legacy", province="24", with_descendants=True, stdout=out)
        text = out.getvalue()
        assert "Tỉnh Bắc Giang (legacy/24)" in text
        assert "4 units: " in text and " agencies created, 0 updated, 0 unchanged." in text
        out = StringIO()
        call_command("load_agencies", scheme="legacy", province="24", district="216", stdout=out)
        assert "1 units: 0 agencies created, 0 updated" in out.getvalue()
        assert "0 aliases created." in out.getvalue()


@pytest.mark.django_db
def test_command_errors():
    build_tree(load=False)
    with pytest.raises(CommandError, match="load-units"):
        call_command("load_agencies", scheme="legacy", province="99")
    with pytest.raises(CommandError):
        call_command("load_agencies", scheme="2025", province="24", district="216")
    with pytest.raises(CommandError):
        call_command("load_agencies", scheme="legacy", province="66", district="216")
