"""Invisible direction and zero-width characters never reach what GEMIS stores or shows."""

from __future__ import annotations

import io
import unicodedata

import pytest
from django import forms
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from hypothesis import given
from hypothesis import strategies as st

from gemis.core.forms import BootstrapFormMixin
from gemis.core.uploads import check_upload
from gemis.vn.text import INVISIBLE, clean_filename, clean_line, clean_multiline

RLO = "\u202e"
visible = st.text(
    alphabet=st.characters(blacklist_categories=("Cc", "Cf", "Cs", "Zl", "Zp")),
)
anything = st.text(alphabet=st.one_of(st.characters(), st.sampled_from(sorted(INVISIBLE))))


@given(anything)
def test_cleaned_text_has_no_invisible_or_control_characters(text):
    for cleaned in (clean_line(text), clean_multiline(text)):
        assert not set(cleaned) & INVISIBLE
        assert all(unicodedata.category(c) != "Cc" or c in "\t\n\r" for c in cleaned)
    assert "\n" not in clean_line(text) and "\r" not in clean_line(text)


@given(anything)
def test_cleaning_is_idempotent(text):
    assert clean_line(clean_line(text)) == clean_line(text)
    assert clean_multiline(clean_multiline(text)) == clean_multiline(text)


@given(visible)
def test_visible_text_is_kept_as_it_is(text):
    assert clean_line(text) == clean_multiline(text) == unicodedata.normalize("NFC", text)


@given(visible, visible, st.sampled_from(sorted(INVISIBLE)))
def test_an_invisible_character_inside_a_word_is_simply_dropped(left, right, hidden):
    assert clean_line(left + hidden + right) == unicodedata.normalize("NFC", left + right)


def test_vietnamese_and_line_breaks():
    assert clean_multiline("Kế hoạch\u200b số 1\n\u202eSở Y tế") == "Kế hoạch số 1\nSở Y tế"
    assert clean_line("Kế hoạch\nsố 1") == "Kế hoạch số 1"
    assert clean_line(unicodedata.normalize("NFD", "Phụ nữ")) == "Phụ nữ"
    assert clean_line("Phu​̣ nữ") == "Phụ nữ"  # the mark joins its letter once the space is gone


def test_a_file_name_with_a_right_to_left_override_is_stored_and_shown_without_it():
    assert clean_filename(f"report{RLO}fdp.exe") == "reportfdp.exe"
    with pytest.raises(ValidationError) as refused:
        check_upload(f"report{RLO}fdp.exe", io.BytesIO(b"MZ\x90\x00"), 4)
    message = " ".join(refused.value.messages)
    assert "reportfdp.exe" in message and RLO not in message
    checked = check_upload(f"bao\u200bcao{RLO}.pdf", io.BytesIO(b"%PDF-1.4 x"), 10)
    assert checked.name == "baocao.pdf"
    assert clean_filename("\u200b\u202e") == "tệp"


class _Form(BootstrapFormMixin, forms.Form):
    name = forms.CharField(max_length=10)
    note = forms.CharField(widget=forms.Textarea, required=False)
    password = forms.CharField(widget=forms.PasswordInput, required=False)
    file = forms.FileField(required=False)


def test_forms_clean_names_and_text_but_not_passwords():
    form = _Form(
        {"name": f" Sở\u200b{RLO} Y tế ", "note": "dòng 1\ndòng\u200d 2", "password": "mật\u200bkhẩu"},
        {"file": SimpleUploadedFile(f"report{RLO}fdp.exe", b"MZ")},
    )
    assert form.is_valid(), form.errors
    assert form.cleaned_data["name"] == "Sở Y tế"
    assert form.cleaned_data["note"] == "dòng 1\ndòng 2"
    assert form.cleaned_data["password"] == "mật\u200bkhẩu"
    assert form.cleaned_data["file"].name == "reportfdp.exe"


def test_only_invisible_characters_count_as_empty_and_length_counts_what_is_kept():
    assert "name" in _Form({"name": "\u200b\u200c\u202e"}).errors
    assert _Form({"name": "0123456789" + "\u200b" * 5}).is_valid()
