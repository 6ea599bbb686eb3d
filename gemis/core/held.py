"""Uploads held between a preview and the person's "save": on disk, known to one session only.

A file checked and shown for confirmation (an Excel workbook of values, the
circular an indicator catalog is read from) is kept under a random name; the
name lives in the session, so nobody else can preview or save it. A session
keeps its last few; files older than any session can be (the person left, the
session expired) are removed the next time anybody holds one.
"""

from __future__ import annotations

import datetime
import uuid
from typing import Any

from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.http import Http404, HttpRequest
from django.utils import timezone


class HeldUploads:
    def __init__(self, folder: str, keep: int = 5) -> None:
        self.folder = folder
        self.session_key = f"held_{folder}"
        self.keep = keep

    @property
    def max_age(self) -> datetime.timedelta:
        # Twice a session's life: a background job may still be reading a file its session left.
        return datetime.timedelta(seconds=2 * settings.SESSION_COOKIE_AGE)

    def _entries(self, request: HttpRequest) -> dict[str, dict[str, Any]]:
        return request.session.get(self.session_key, {})

    def hold(self, request: HttpRequest, content: bytes, original: str, suffix: str) -> tuple[str, str]:
        """Keep ``content``; returns (token, stored name)."""
        self.prune()
        token = uuid.uuid4().hex
        name = default_storage.save(f"{self.folder}/{token}{suffix}", ContentFile(content))
        entries = self._entries(request)
        for old in list(entries)[: max(0, len(entries) - self.keep + 1)]:
            self.delete(entries.pop(old)["file"])
        entries[token] = {"file": name, "name": original}
        request.session[self.session_key] = entries
        return token, name

    def get(self, request: HttpRequest, token: str) -> dict[str, Any]:
        """The entry ({"file", "name"}) of this session's token; 404 for any other."""
        entry = self._entries(request).get(token)
        if entry is None or not default_storage.exists(entry["file"]):
            raise Http404
        return entry

    def read(self, entry: dict[str, Any]) -> bytes:
        with default_storage.open(entry["file"], "rb") as handle:
            return handle.read()

    def forget(self, request: HttpRequest, token: str, delete: bool = True) -> None:
        entries = self._entries(request)
        entry = entries.pop(token, None)
        request.session[self.session_key] = entries
        if entry and delete:
            self.delete(entry["file"])

    def delete(self, file: str) -> None:
        """The file and what was written beside it under the same token (a report of its check)."""
        stem = file.rsplit("/", 1)[-1].split(".", 1)[0]
        for name in self._files():
            if name.split(".", 1)[0] == stem:
                default_storage.delete(f"{self.folder}/{name}")

    def _files(self) -> list[str]:
        try:
            return default_storage.listdir(self.folder)[1]
        except FileNotFoundError:
            return []

    def prune(self) -> int:
        """Remove files older than any session; returns how many."""
        cutoff = timezone.now() - self.max_age
        removed = 0
        for name in self._files():
            path = f"{self.folder}/{name}"
            try:
                old = default_storage.get_modified_time(path) < cutoff
            except FileNotFoundError:
                continue
            if old:
                default_storage.delete(path)
                removed += 1
        return removed
