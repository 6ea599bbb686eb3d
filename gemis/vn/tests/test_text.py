from __future__ import annotations

import unicodedata

import pytest
from hypothesis import given
from hypothesis import strategies as st

from gemis.vn.text import canonical, fold, normalize_tone_placement


@pytest.mark.parametrize(
    ("given_text", "expected"),
    [
        ("Uỷ ban nhân dân", "ủy ban nhân dân"),
        ("Sở Văn hoá, Thể thao và Du lịch", "sở văn hóa, thể thao và du lịch"),
        ("  Hội   Liên hiệp\u00a0Phụ nữ ", "hội liên hiệp phụ nữ"),
        ("hoà nhập", "hòa nhập"),
        ("khoẻ mạnh", "khỏe mạnh"),
        ("quý, quả", "quý, quả"),  # "qu" + vowel keeps its mark
        ("Ðoàn", "đoàn"),  # Icelandic eth typed for Đ
    ],
)
def test_canonical(given_text, expected):
    assert canonical(given_text) == expected


def test_nfd_and_nfc_give_the_same_key():
    text = "Ủy ban Mặt trận Tổ quốc Việt Nam tỉnh Đắk Lắk"
    assert canonical(unicodedata.normalize("NFD", text)) == canonical(text)
    assert fold(unicodedata.normalize("NFD", text)) == "uy ban mat tran to quoc viet nam tinh dak lak"


def test_tone_placement_leaves_words_with_following_vowel():
    assert normalize_tone_placement("hoàn thành") == "hoàn thành"
    assert normalize_tone_placement("thuyền") == "thuyền"


@given(st.text())
def test_normalisers_never_raise_and_are_idempotent(text):
    assert canonical(canonical(text)) == canonical(text)
    assert fold(fold(text)) == fold(text)
    assert fold(text).isascii()
