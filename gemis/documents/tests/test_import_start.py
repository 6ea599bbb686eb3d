"""The first page of the import: a bad input (empty, huge, wrong file type) is said; nothing is lost."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from gemis.documents import forms as import_forms
from gemis.documents.models import ImportedDocument

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


def start(client, data):
    return client.post(reverse("documents:import-start"), data)


def test_an_empty_paste_is_said_in_vietnamese(client, world):
    client.force_login(world.province_coordinator)
    response = start(client, {"unit": world.province.pk, "text": "  \n\u200b "})
    assert response.status_code == 400 and not ImportedDocument.objects.exists()
    assert "Chọn tệp hoặc dán nội dung văn bản." in response.content.decode()


def test_a_huge_paste_is_refused_whole_and_comes_back_whole(client, world, monkeypatch):
    monkeypatch.setattr(import_forms, "MAX_PASTED_CHARS", 1_000)
    client.force_login(world.province_coordinator)
    text = "KẾ HOẠCH\n" + "Tuyên truyền về bình đẳng giới. " * 60 + "CUỐI VĂN BẢN"
    response = start(client, {"unit": world.province.pk, "text": text})
    assert response.status_code == 400 and not ImportedDocument.objects.exists()
    [message] = response.context["form"].errors["text"]
    assert f"{len(text):,}".replace(",", ".") in message and "1.000" in message
    html = response.content.decode()
    # Nothing is lost: the whole text is back in the box, and the box has no length the browser would cut at.
    assert "CUỐI VĂN BẢN</textarea>" in html and 'maxlength="' not in html.split('name="text"')[1][:200]
    assert f'<option value="{world.province.pk}" selected' in html


def test_a_post_beyond_what_the_server_reads_says_what_to_do(client, world, settings):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 1_000
    client.force_login(world.province_coordinator)
    response = start(client, {"unit": world.province.pk, "text": "bình đẳng giới " * 500})
    assert response.status_code == 413 and not ImportedDocument.objects.exists()
    assert "1000\xa0byte" in response.context["refused"]  # the limit, as filesizeformat writes it
    assert 'data-testid="import-refused"' in response.content.decode()


def test_a_wrong_file_type_is_said_and_the_paste_is_kept(client, world):
    client.force_login(world.province_coordinator)
    response = start(
        client, {"unit": world.province.pk, "file": SimpleUploadedFile("ke-hoach.exe", b"MZ\x90\x00")}
    )
    assert response.status_code == 400 and not ImportedDocument.objects.exists()
    assert "ke-hoach.exe: GEMIS đọc được tệp .docx, .pdf, .html và .txt." in response.content.decode()
