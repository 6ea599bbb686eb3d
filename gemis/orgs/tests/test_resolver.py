"""Resolving agency names as documents write them: keys, scope, dates, the seed documents."""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from pathlib import Path

import pytest
from django.db import transaction
from hypothesis import given, settings
from hypothesis import strategies as st

from gemis.orgs.models import Agency
from gemis.orgs.resolver import AgencyResolver, resolve_agency, resolve_candidates
from gemis.orgs.tests.test_agencies import Tree, build_tree
from gemis.vn.agency_names import agency_key, parse_name

SEEDS_DIR = Path(__file__).resolve().parents[3] / ".." / "shared" / "seeds"


@pytest.fixture(scope="module")
def tree(django_db_setup, django_db_blocker):
    """The places of the seed documents in both schemes with their agencies, built once for the module."""
    with django_db_blocker.unblock():
        with transaction.atomic():
            built = build_tree()
            yield built
            transaction.set_rollback(True)


def _code(agency: Agency | None) -> tuple[str, str] | None:
    return None if agency is None else (agency.org_unit.name, agency.code)


# --------------------------------------------------------------------------- keys


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("Sở LĐTBXH", "Sở Lao động - Thương binh và Xã hội"),
        ("Sở LĐTB&XH", "Sở Lao động - Thương binh và Xã hội"),
        ("Sở LĐ-TB&XH", "Sở Lao động, Thương binh và Xã hội"),
        ("Sở LĐTB & XH", "Sở Lao động Thương binh và Xã hội"),
        ("Sở VH,TT&DL", "Sở Văn hóa, Thể thao và Du lịch"),
        ("Sở Văn hoá - Thể thao và Du lịch", "Sở Văn hóa, Thể thao và Du lịch"),
        ("SỞ GIÁO DỤC VÀ ĐÀO TẠO", "Sở GD&ĐT"),
        ("UBND tỉnh", "Ủy ban nhân dân"),
        ("Uỷ ban nhân dân tỉnh Đắk Lắk", "UBND"),
        ("Hội LHPN tỉnh", "Hội Liên hiệp Phụ nữ"),
        ("Ủy ban MTTQ Việt Nam tỉnh", "UBMTTQ"),
        ("Ban VSTBCPN tỉnh", "Ban vì sự tiến bộ của phụ nữ"),
        ("BVSTBPN", "Ban Vì sự tiến bộ phụ nữ của tỉnh"),
        ("Đài PT-TH tỉnh", "Đài Phát thanh và Truyền hình"),
        ("NHCSXH tỉnh", "Ngân hàng Chính sách xã hội chi nhánh tỉnh Đắk Lắk"),
        ("CA tỉnh", "Công an tỉnh"),
        ("Ban Chỉ huy Quân sự cấp tỉnh", "BCH Quân sự"),
        ("  Sở   Y  tế ", "Sở Y tế"),
        (unicodedata.normalize("NFD", "Sở Văn hóa, Thể thao và Du lịch"), "Sở VHTTDL"),
    ],
)
def test_keys_of_variants_are_equal(a, b):
    assert agency_key(a) == agency_key(b)


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("Sở Y tế", "Sở Tư pháp"),
        ("Tỉnh ủy", "Ủy ban nhân dân tỉnh"),
        ("Phòng Văn hóa - Xã hội", "Phòng Văn hóa"),  # "xã hội" is not a place
        ("Hội Liên hiệp Phụ nữ Việt Nam", "Hội Liên hiệp Phụ nữ tỉnh"),  # the national body
        ("Bộ Lao động - Thương binh và Xã hội", "Sở Lao động - Thương binh và Xã hội"),
    ],
)
def test_keys_of_different_agencies_differ(a, b):
    assert agency_key(a) != agency_key(b)


def test_parse_name_keeps_the_place_qualifiers():
    parsed = parse_name("UBND huyện Tân Yên, tỉnh Bắc Giang")
    assert parsed.key == "ủy ban nhân dân"
    assert [(q.kind, q.place) for q in parsed.qualifiers] == [("huyện", "tân yên"), ("tỉnh", "bắc giang")]
    assert parse_name("Tỉnh đoàn").qualifiers == ()
    assert parse_name("Liên minh Hợp tác xã tỉnh").key == "liên minh hợp tác xã"


_ALPHABET = st.sampled_from(
    list("aăâbcdđeêghiklmnoôơpqrstuưvxyAĂÂBCDĐEÊGHIKLMNOÔƠPQRSTUƯVXY0123456789 ,.-&/()'\t\n")
    + [
        "ó",
        "ò",
        "ỏ",
        "õ",
        "ọ",
        "á",
        "ả",
        "ý",
        "ỷ",
        "ế",
        "ệ",
        "\u0301",
        "\u0300",
        "\u0309",
        "\u0303",
        "\u0323",
    ]
    + [
        "hoá",
        "uỷ",
        "UBND",
        "LĐTB&XH",
        "LĐ-TB&XH",
        "VH,TT&DL",
        " tỉnh ",
        " huyện ",
        " xã ",
        "Thành phố ",
        "CA",
    ]
    + ["Việt Nam", " của ", " và ", "chi nhánh", "Ð", "\u00a0", "_"]
)


@settings(max_examples=400, deadline=None)
@given(st.lists(_ALPHABET, max_size=30).map("".join) | st.text(max_size=40))
def test_agency_key_is_total_idempotent_and_normalisation_invariant(text):
    key = agency_key(text)
    assert isinstance(key, str)
    assert agency_key(key) == key
    assert agency_key(unicodedata.normalize("NFD", text)) == key
    assert agency_key(unicodedata.normalize("NFC", text)) == key


# --------------------------------------------------------------------------- resolution


VARIANTS = [
    # (mention, unit attribute, date, expected (unit attribute, code) or None)
    ("Sở Lao động - Thương binh và Xã hội", "kon_tum", "2021-04-12", ("kon_tum", "so-ldtbxh")),
    ("Sở LĐTB&XH", "kon_tum", "2021-04-12", ("kon_tum", "so-ldtbxh")),
    ("Sở LĐ-TB&XH", "kon_tum", None, ("kon_tum", "so-ldtbxh")),
    ("Sở Lao động, Thương binh và Xã hội", "kon_tum", None, ("kon_tum", "so-ldtbxh")),
    ("SỞ LAO ĐỘNG - THƯƠNG BINH VÀ XÃ HỘI TỈNH KON TUM", "kon_tum", None, ("kon_tum", "so-ldtbxh")),
    (
        unicodedata.normalize("NFD", "Sở Văn hoá, Thể thao và Du lịch"),
        "kon_tum",
        None,
        ("kon_tum", "so-vhttdl"),
    ),
    ("Uỷ ban nhân dân tỉnh", "kon_tum", None, ("kon_tum", "ubnd")),
    ("  sở   y tế  ", "kon_tum", None, ("kon_tum", "so-y-te")),
    ("So Y te", "kon_tum", None, ("kon_tum", "so-y-te")),  # typed without diacritics
    ("Sở Lao đông - Thương binh và Xã hôi", "kon_tum", None, ("kon_tum", "so-ldtbxh")),  # typos
    ("Giám đốc Sở Y tế", "kon_tum", None, ("kon_tum", "so-y-te")),
    ("lãnh đạo Công an tỉnh", "kon_tum", None, ("kon_tum", "cong-an")),
    ("Chủ tịch Hội Liên hiệp Phụ nữ tỉnh", "kon_tum", None, ("kon_tum", "hoi-lhpn")),
    ("Phó Trưởng Ban VSTBCPN tỉnh là Giám đốc Sở Nội vụ", "kon_tum", None, ("kon_tum", "so-noi-vu")),
    ("Phó Trưởng Ban BVSTBCPN tỉnh", "kon_tum", None, ("kon_tum", "ban-vstbcpn")),
    ("Trưởng Ban VSTBCPN tỉnh", "kon_tum", None, ("kon_tum", "ban-vstbcpn")),
    ("Thường trực Tỉnh ủy (b/c)", "kon_tum", None, ("kon_tum", "cap-uy")),
    ("Ban Thường vụ Tỉnh ủy", "kon_tum", None, ("kon_tum", "cap-uy")),
    ("Ban Tổ chức Tỉnh ủy Kon Tum", "kon_tum", None, ("kon_tum", "ban-to-chuc")),
    ("Tỉnh đoàn", "kon_tum", None, ("kon_tum", "doan-tn")),
    ("Đề nghị Ủy ban MTTQ Việt Nam tỉnh", "kon_tum", None, ("kon_tum", "ubmttq")),
    ("Ngân hàng CSXH tỉnh", "kon_tum", None, ("kon_tum", "nhcsxh")),
    ("Đài PTTH tỉnh", "kon_tum", None, ("kon_tum", "dai-ptth")),
    ("Báo Kon Tum", "kon_tum", None, ("kon_tum", "bao")),
    ("Bộ CHQS tỉnh", "kon_tum", None, ("kon_tum", "bchqs")),
    ("Cục Thống kê tỉnh", "kon_tum", None, ("kon_tum", "thong-ke")),
    # a district document: its own agencies first, then the province's
    ("Phòng LĐTB&XH", "tan_yen", "2024-04-15", ("tan_yen", "phong-ldtbxh")),
    ("UBND huyện", "tan_yen", None, ("tan_yen", "ubnd")),
    ("Hội LHPN", "tan_yen", None, ("tan_yen", "hoi-lhpn")),
    ("Hội Liên hiệp Phụ nữ tỉnh", "tan_yen", None, ("bac_giang", "hoi-lhpn")),
    ("Sở Y tế", "tan_yen", None, ("bac_giang", "so-y-te")),
    ("UBND tỉnh", "tan_yen", None, ("bac_giang", "ubnd")),
    ("Sở LĐTĐ&XH tỉnh Bắc Giang", "tan_yen", None, ("bac_giang", "so-ldtbxh")),
    ("Sở Y tế tỉnh Kon Tum", "tan_yen", None, ("kon_tum", "so-y-te")),  # a named province elsewhere
    # a province document: units below only by exact name
    ("UBND huyện Tân Yên", "bac_giang", None, ("tan_yen", "ubnd")),
    ("Huyện đoàn Tân Yên", "bac_giang", None, ("tan_yen", "doan-tn")),
    ("UBND thành phố Bắc Giang", "bac_giang", None, ("bac_giang_city", "ubnd")),
    ("Phòng LĐTBXH", "bac_giang", None, None),  # two districts have one
    ("UBND các huyện", "bac_giang", None, None),
    ("Ủy ban nhân dân các huyện, thị xã, thành phố", "bac_giang", None, None),
    ("Các Sở, ban, ngành liên quan", "bac_giang", None, None),
    ("UBMTTQ và các tổ chức CT-XH huyện", "tan_yen", None, None),
    # 2025 units
    ("Sở Nội vụ", "quang_ngai", "2025-09-01", ("quang_ngai", "so-noi-vu")),
    ("Phòng Văn hoá - Xã hội", "new_commune", None, ("new_commune", "phong-vh-xh")),
    ("Phòng VH-XH xã", "new_commune", None, ("new_commune", "phong-vh-xh")),
    ("Sở Y tế", "new_commune", None, ("bac_ninh", "so-y-te")),
    ("Phòng Kinh tế, Hạ tầng và Đô thị", "new_ward", None, ("new_ward", "phong-kthtdt")),
    # not agencies of any unit here
    ("Bộ Lao động - Thương binh và Xã hội", "kon_tum", None, None),
    ("Bộ LĐ-TB&XH", "kon_tum", None, None),
    ("Ủy ban Quốc gia vì sự tiến bộ của phụ nữ Việt Nam", "kon_tum", None, None),
    ("Ủy ban quốc gia VSTBCPN Việt Nam", "kon_tum", None, None),
    ("Trung ương Hội Liên hiệp Phụ nữ Việt Nam", "kon_tum", None, None),
    ("Hội Liên hiệp Phụ nữ Việt Nam", "kon_tum", None, None),
    ("Sở Ngoại giao", "kon_tum", None, None),
    ("Công ty TNHH Một thành viên Cao su", "kon_tum", None, None),
    ("Sở", "kon_tum", None, None),
    ("", "kon_tum", None, None),
    ("   ", None, None, None),
]


@pytest.mark.django_db
@pytest.mark.parametrize(("mention", "unit", "on", "expected"), VARIANTS)
def test_variants(tree: Tree, mention, unit, on, expected):
    scope = getattr(tree, unit) if unit else None
    on_date = dt.date.fromisoformat(on) if on else None
    found = resolve_agency(mention, scope, on_date)
    want = None if expected is None else (getattr(tree, expected[0]).name, expected[1])
    assert _code(found) == want


@pytest.mark.django_db
def test_date_picks_the_agency_of_the_time(tree: Tree):
    # In a legacy province between March and June 2025 the merged department exists.
    found = resolve_agency("Sở Nông nghiệp và Môi trường", tree.kon_tum, dt.date(2025, 4, 1))
    assert _code(found) == (tree.kon_tum.name, "so-nnmt")
    # A 2021 document seen from the 2025 province: the legacy province it came from.
    found = resolve_agency("Sở LĐTBXH", tree.quang_ngai, dt.date(2021, 4, 12))
    assert _code(found) == (tree.kon_tum.name, "so-ldtbxh")
    # A legacy unit, a document after 1 July 2025: the 2025 province's agency wins.
    found = resolve_agency("Sở Nội vụ", tree.kon_tum, dt.date(2025, 9, 1))
    assert _code(found) == (tree.quang_ngai.name, "so-noi-vu")
    # An abolished agency is still found for a later document, with a lower score.
    [(agency, score)] = resolve_candidates(
        "Sở Kế hoạch và Đầu tư", tree.kon_tum, limit=1, on_date=dt.date(2025, 5, 1)
    )
    assert agency.code == "so-khdt" and score < 1


@pytest.mark.django_db
def test_without_a_unit(tree: Tree):
    assert resolve_agency("Sở Y tế") is None  # every province has one
    found = resolve_agency("Sở Y tế tỉnh Kon Tum", on_date=dt.date(2021, 1, 1))
    assert _code(found) == (tree.kon_tum.name, "so-y-te")
    found = resolve_agency("Huyện đoàn Tân Yên")
    assert _code(found) == (tree.tan_yen.name, "doan-tn")


@pytest.mark.django_db
def test_candidates_are_scored_best_first(tree: Tree):
    found = resolve_candidates("Sở Lao động Thương binh Xã hội", tree.tan_yen, limit=5)
    assert found and found[0][0].code == "so-ldtbxh" and found[0][0].org_unit_id == tree.bac_giang.pk
    scores = [score for _agency, score in found]
    assert scores == sorted(scores, reverse=True) and all(0 < s <= 1 for s in scores)
    assert resolve_candidates("Bộ Chính trị", tree.tan_yen) == []


@pytest.mark.django_db
def test_one_resolver_caches_what_it_read(
    tree: Tree, django_assert_max_num_queries, django_assert_num_queries
):
    mentions = [m for m, unit, _on, _e in VARIANTS if unit == "kon_tum"]
    resolver = AgencyResolver(tree.kon_tum, dt.date(2021, 4, 12))
    unmatched = sum(1 for m, unit, _on, e in VARIANTS if unit == "kon_tum" and e is None)
    with django_assert_max_num_queries(2 + unmatched):  # the unit's agencies and aliases; a look below
        for mention in mentions:
            resolver.resolve(mention)
    with django_assert_num_queries(0):
        for mention in mentions:
            resolver.resolve(mention)


# --------------------------------------------------------------------------- the seed documents

# Every agency name in the seed documents (read at run time, not copied here) as the
# document writes it, and what it names, seen from the document's own unit on its date:
# the province for the Đắk Lắk plan and the Kon Tum programme, the district for the Tân
# Yên letter. None: a national body, a plural ("UBND các huyện") or a generic word.
SEED_DOCUMENTS = {
    "000_5a6e7d906b9386d3.txt": ("dak_lak", "2020-03-09"),
    "002_ff45fee6b7a866cd.txt": ("tan_yen", "2024-04-15"),
    "003_12824c9fd75b554e.txt": ("kon_tum", "2021-04-12"),
}
OWN, P, BG = "own", "province", "bac_giang"  # the document's unit, its province, Bắc Giang
SEED_NAMES: dict[str, tuple[str, str] | None] = {
    # people's committees and councils, Party committee
    "Ủy ban nhân dân tỉnh Đắk Lắk": (P, "ubnd"),
    "Ủy ban nhân dân tỉnh": (P, "ubnd"),
    "UBND tỉnh Đắk Lắk": (P, "ubnd"),
    "UBND tỉnh": (P, "ubnd"),
    "UBND TỈNH": (P, "ubnd"),
    "Chủ tịch Ủy ban nhân dân tỉnh": (P, "ubnd"),
    "UBND huyện": (OWN, "ubnd"),
    "Ủy ban nhân dân huyện": (OWN, "ubnd"),
    "Chủ tịch, PCT UBND huyện": (OWN, "ubnd"),
    "Hội đồng nhân dân tỉnh": (P, "hdnd"),
    "Thường trực HĐND tỉnh": (P, "hdnd"),
    "HĐND tỉnh": (P, "hdnd"),
    "Hội đồng nhân dân": (OWN, "hdnd"),
    "Tỉnh ủy": (P, "cap-uy"),
    "Thường trực Tỉnh ủy": (P, "cap-uy"),
    "Ban Thường vụ Tỉnh ủy": (P, "cap-uy"),
    # departments
    "Sở Lao động - Thương binh và Xã hội": (P, "so-ldtbxh"),
    "Sở Lao động, Thương binh và Xã hội": (P, "so-ldtbxh"),
    "Sở Lao động Thương binh và Xã hội": (P, "so-ldtbxh"),
    "Sở LĐTĐ&XH tỉnh Bắc Giang": (BG, "so-ldtbxh"),
    "Phòng LĐTĐ&XH": (OWN, "phong-ldtbxh"),
    "Sở Nội vụ": (P, "so-noi-vu"),
    "Sở Kế hoạch và Đầu tư": (P, "so-khdt"),
    "Sở Tài chính": (P, "so-tai-chinh"),
    "Sở Giáo dục và Đào tạo": (P, "so-gddt"),
    "Sở Y tế": (P, "so-y-te"),
    "Sở Thông tin và Truyền thông": (P, "so-tttt"),
    "Sở Văn hóa, Thể thao và Du lịch": (P, "so-vhttdl"),
    "Sở Tư pháp": (P, "so-tu-phap"),
    "Sở Khoa học và Công nghệ": (P, "so-khcn"),
    # other bodies
    "Công an tỉnh": (P, "cong-an"),
    "Ngân hàng Chính sách xã hội tỉnh": (P, "nhcsxh"),
    "Đài Phát thanh - Truyền hình tỉnh": (P, "dai-ptth"),
    "Báo Đắk Lắk": (P, "bao"),
    "Ủy ban Mặt trận Tổ quốc Việt Nam tỉnh": (P, "ubmttq"),
    "Ủy ban mặt trận Tổ quốc": (OWN, "ubmttq"),
    "UBMTTQ": (OWN, "ubmttq"),
    "Hội Liên hiệp Phụ nữ tỉnh": (P, "hoi-lhpn"),
    "Chủ tịch Hội Liên hiệp Phụ nữ tỉnh": (P, "hoi-lhpn"),
    # the Committee for the Advancement of Women, in all its spellings, and roles in it
    "Ban vì sự tiến bộ của phụ nữ": (OWN, "ban-vstbcpn"),
    "Ban vì sự tiến bộ phụ nữ": (OWN, "ban-vstbcpn"),
    "Ban Vì sự tiến bộ phụ nữ của tỉnh": (P, "ban-vstbcpn"),
    "Ban Vì sự tiến bộ của phụ nữ tỉnh": (P, "ban-vstbcpn"),
    "Ban vì sự tiến bộ của phụ nữ tỉnh Kon Tum": (P, "ban-vstbcpn"),
    "Ban VSTBCPN tỉnh": (P, "ban-vstbcpn"),
    "Ban VSTBPN tỉnh": (P, "ban-vstbcpn"),
    "Ban VSTBCPN tỉnh là Giám đốc Sở Lao động - Thương binh và Xã hội": (P, "so-ldtbxh"),
    "Ban BVSTBCPN tỉnh là Giám đốc Sở Lao động - Thương binh và Xã hội": (P, "so-ldtbxh"),
    "Ban VSTBCPN tỉnh là Giám đốc Sở Nội vụ": (P, "so-noi-vu"),
    "Ban VSTBCPN tỉnh là Giám đốc Sở Kế hoạch và Đầu tư": (P, "so-khdt"),
    "Ban VSTBCPN tỉnh là Chủ tịch Hội Liên hiệp Phụ nữ tỉnh": (P, "hoi-lhpn"),
    "Ban VSTBCPN tỉnh là lãnh đạo Công an tỉnh": (P, "cong-an"),
    "Ban VSTBCPN tỉnh là lãnh đạo Sở Thông tin và Truyền thông": (P, "so-tttt"),
    "Ban VSTBCPN tỉnh là lãnh đạo Sở Văn hóa, Thể thao và Du lịch": (P, "so-vhttdl"),
    # plural or generic: not one agency
    "Ban vì sự tiến bộ của phụ nữ các cấp": None,
    "Ban vì sự tiến bộ của phụ nữ của các cơ quan": None,
    "Ban vì sự tiến bộ phụ nữ các cơ quan": None,
    "Ban VSTBCPN ở các cấp": None,
    "Ủy ban nhân dân các huyện, thị xã, thành phố": None,
    "UBND các huyện, thị xã, thành phố": None,
    "UBND các huyện, thành phố": None,
    "UBND các xã, thị trấn": None,
    "Ủy ban nhân dân các cấp": None,
    "Hội đồng nhân dân các cấp": None,
    "Chủ tịch, các PCT UBND tỉnh": None,
    "Sở, ban, ngành": None,
    "Sở, ngành": None,
    # national bodies
    "Bộ Lao động - Thương binh và Xã hội": None,
    "Bộ LĐ-TB&XH": None,
    "Bộ Kế hoạch và Đầu tư": None,
    "Bộ trưởng Bộ Kế hoạch và Đầu tư": None,
    "Bộ Chính trị": None,
    "Ủy ban Quốc gia vì sự tiến bộ của phụ nữ Việt Nam": None,
    "Ủy ban quốc gia vì sự tiến bộ của phụ nữ Việt Nam": None,
    "Ủy ban Quốc gia vì sự tiến bộ phụ nữ Việt Nam": None,
    "Ủy ban quốc gia VSTBCPN Việt Nam": None,
    "Ủy ban Quốc gia VSTBCPN Việt Nam": None,
    "Hội Liên hiệp Phụ nữ Việt Nam": None,
}
# Where an agency name may start in a document, and what starts there without naming a body.
_HEAD_RE = re.compile(
    r"(?<![\w/-])(Sở|Phòng|Công an|Hội Liên hiệp|Hội đồng nhân dân|HĐND|Ban [Vv]ì sự|Ban B?VSTB\w*|Đài|Báo|"
    r"Ngân hàng|Ủy ban|UBND|UBMTTQ|Tỉnh ủy|Ban Thường vụ|Bộ|Thường trực|Chủ tịch)(?!\w)"
)
_NOT_NAMES = ("Phòng, chống", "Báo cáo", "Bộ chỉ tiêu")


def _seed_mentions() -> dict[str, list[str | None]]:
    """Per seed document, the longest listed name at each place a name may start (None: unlisted)."""
    if not SEEDS_DIR.is_dir():
        pytest.skip(f"the seed documents are not at {SEEDS_DIR.resolve()} (../shared beside the project)")
    found: dict[str, list[str | None]] = {}
    for document in SEED_DOCUMENTS:
        text = unicodedata.normalize("NFC", (SEEDS_DIR / document).read_text(encoding="utf-8"))
        flat = re.sub(r"\s+", " ", text.replace("*", ""))
        mentions: list[str | None] = []
        for match in _HEAD_RE.finditer(flat):
            rest = flat[match.start() :]
            if rest.startswith(_NOT_NAMES):
                continue
            listed = [m for m in SEED_NAMES if rest.startswith(m)]
            mentions.append(max(listed, key=len) if listed else rest[:60])
        found[document] = mentions
    return found


def test_every_name_in_the_seed_documents_is_listed():
    unlisted = [f"{doc}: {m!r}" for doc, ms in _seed_mentions().items() for m in ms if m not in SEED_NAMES]
    assert not unlisted, "\n".join(unlisted)
    used = {m for ms in _seed_mentions().values() for m in ms}
    assert set(SEED_NAMES) <= used, f"listed but not in any seed document: {sorted(set(SEED_NAMES) - used)}"


@pytest.mark.django_db
def test_every_name_in_the_seed_documents_resolves(tree: Tree):
    wrong = []
    for document, mentions in _seed_mentions().items():
        unit_attr, day = SEED_DOCUMENTS[document]
        unit = getattr(tree, unit_attr)
        units = {OWN: unit, P: unit.ancestors()[0] if unit.parent_id else unit, BG: tree.bac_giang}
        resolver = AgencyResolver(unit, dt.date.fromisoformat(day))
        for mention in dict.fromkeys(m for m in mentions if m in SEED_NAMES):
            expected = SEED_NAMES[mention]
            want = None if expected is None else (units[expected[0]].name, expected[1])
            found = _code(resolver.resolve(mention))
            if found != want:
                wrong.append(f"{document}: {mention!r} → {found}, expected {want}")
    assert not wrong, "\n".join(wrong)
