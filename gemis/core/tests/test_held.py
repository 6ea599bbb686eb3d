"""Uploads held between preview and save: one session's own, the last few kept, old ones pruned."""

from __future__ import annotations

import os
import time

import pytest
from django.contrib.sessions.backends.db import SessionStore
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.http import Http404
from django.test import RequestFactory

from gemis.core.held import HeldUploads

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


def request_with_session():
    request = RequestFactory().get("/")
    request.session = SessionStore()
    return request


def test_hold_get_read_forget():
    held = HeldUploads("thu_nghiem")
    request = request_with_session()
    token, name = held.hold(request, b"noi dung", "bao-cao.xlsx", ".xlsx")
    entry = held.get(request, token)
    assert entry == {"file": name, "name": "bao-cao.xlsx"}
    assert held.read(entry) == b"noi dung"
    held.forget(request, token)
    assert not default_storage.exists(name)
    with pytest.raises(Http404):
        held.get(request, token)


def test_another_session_gets_nothing():
    held = HeldUploads("thu_nghiem")
    token, _name = held.hold(request_with_session(), b"x", "a.xlsx", ".xlsx")
    with pytest.raises(Http404):
        held.get(request_with_session(), token)


def test_forget_without_delete_keeps_the_file_for_a_background_job():
    held = HeldUploads("thu_nghiem")
    request = request_with_session()
    token, name = held.hold(request, b"x", "a.xlsx", ".xlsx")
    held.forget(request, token, delete=False)
    assert default_storage.exists(name)


def test_delete_removes_what_was_written_beside_the_file():
    held = HeldUploads("thu_nghiem")
    token, name = held.hold(request_with_session(), b"x", "a.docx", ".docx")
    beside = name.rsplit(".", 1)[0] + ".json"
    default_storage.save(beside, ContentFile(b"{}"))
    _other, other_name = held.hold(request_with_session(), b"y", "b.docx", ".docx")
    held.delete(name)
    assert not default_storage.exists(name) and not default_storage.exists(beside)
    assert default_storage.exists(other_name)


def test_a_session_keeps_its_last_few():
    held = HeldUploads("thu_nghiem", keep=2)
    request = request_with_session()
    names = [held.hold(request, b"x", f"{n}.xlsx", ".xlsx")[1] for n in range(4)]
    assert [default_storage.exists(name) for name in names] == [False, False, True, True]


def test_files_older_than_any_session_are_pruned(media, settings):
    held = HeldUploads("thu_nghiem")
    _token, old = held.hold(request_with_session(), b"old", "cu.xlsx", ".xlsx")
    long_ago = time.time() - 2 * settings.SESSION_COOKIE_AGE - 60
    os.utime(media / old, (long_ago, long_ago))
    _token, recent = held.hold(request_with_session(), b"new", "moi.xlsx", ".xlsx")
    assert not default_storage.exists(old)
    assert default_storage.exists(recent)
    assert held.prune() == 0
