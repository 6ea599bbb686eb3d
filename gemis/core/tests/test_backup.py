"""``gemis backup`` / ``gemis restore``: the full demo survives the round trip on either engine."""

from __future__ import annotations

import hashlib
import io
import json
import tarfile
import uuid
from pathlib import Path
from typing import Any

import pytest
from django.core.management import CommandError, call_command
from django.db import connection

from gemis.core import backup
from gemis.orgs.models import User
from gemis.orgs.testing import make_user

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def media(settings, tmp_path) -> Path:
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


def _files(root: Path) -> dict[str, str]:
    return {
        str(p.relative_to(root)): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(root.rglob("*"))
        if p.is_file()
    }


class _Target:
    """An empty database of the test's engine to restore into, removed afterwards."""

    def __init__(self, tmp_path: Path) -> None:
        self.source = dict(connection.settings_dict)
        if connection.vendor == "sqlite":
            self.database = {**self.source, "NAME": str(tmp_path / "restored.sqlite3")}
        else:
            self.name = f"h_g_restore_{uuid.uuid4().hex[:12]}"
            self.admin = backup._pg_connect({**self.source, "NAME": "postgres"})
            self.admin.autocommit = True
            self.admin.execute(f'CREATE DATABASE "{self.name}"')
            self.database = {**self.source, "NAME": self.name}

    def drop(self) -> None:
        if connection.vendor != "sqlite":
            self.admin.execute(f'DROP DATABASE IF EXISTS "{self.name}" WITH (FORCE)')
            self.admin.close()


@pytest.fixture
def target(tmp_path):
    made = _Target(tmp_path)
    yield made
    made.drop()


@pytest.mark.slow
def test_the_full_demo_survives_backup_and_restore(media, target, tmp_path):
    call_command("demo", "--no-serve", stdout=io.StringIO())
    before = backup.database_state(target.source)
    files_before = _files(media)
    assert before["plans_plan"]["rows"] > 0 and before["indicators_datavalue"]["rows"] > 1000
    assert files_before  # the demo's imported documents

    archive = tmp_path / "backups" / "gemis.tar.gz"
    out = io.StringIO()
    call_command("backup", str(archive), stdout=out)
    assert len(out.getvalue().splitlines()) >= 5 and archive.is_file()  # it shows its steps
    with tarfile.open(archive) as opened:
        manifest = json.load(opened.extractfile("manifest.json"))
    assert manifest["engine"] == backup.engine_of(target.source)
    assert {t: s["rows"] for t, s in manifest["tables"].items()} == {t: s["rows"] for t, s in before.items()}
    assert manifest["migrations"]["plans"] and manifest["gemis_version"]

    restored_media = tmp_path / "restored-media"
    lines: list[str] = []
    summary = backup.restore(archive, database=target.database, media_root=restored_media, say=lines.append)
    assert summary.ok, summary.mismatches
    assert summary.tables == len(before) and summary.rows == sum(s["rows"] for s in before.values())

    # Compared with the database and the folder as they were, not only with the manifest.
    after = backup.database_state(target.database)
    assert after.keys() == before.keys()
    for table, state in before.items():
        assert after[table] == state, table
    assert _files(restored_media) == files_before


def _small_backup(media: Path, tmp_path: Path) -> Path:
    make_user("nguoi.dung", None)
    (media / "evidence").mkdir(parents=True)
    (media / "evidence" / "a.pdf").write_bytes(b"%PDF-1.4 bang chung")
    archive = tmp_path / "small.tar.gz"
    call_command("backup", str(archive), stdout=io.StringIO())
    return archive


def test_the_manifest_counts_what_was_saved(media, tmp_path):
    archive = _small_backup(media, tmp_path)
    with tarfile.open(archive) as opened:
        manifest = json.load(opened.extractfile("manifest.json"))
        names = opened.getnames()
    assert manifest["tables"]["orgs_user"]["rows"] == User.objects.count() == 1
    assert (
        manifest["files"]["media/evidence/a.pdf"]["sha256"]
        == hashlib.sha256(b"%PDF-1.4 bang chung").hexdigest()
    )
    assert set(names) == {"manifest.json", *manifest["files"]}


def test_a_target_that_holds_tables_is_refused(media, tmp_path):
    archive = _small_backup(media, tmp_path)
    with pytest.raises(CommandError, match="--force"):
        call_command("restore", str(archive), stdout=io.StringIO())
    assert User.objects.count() == 1  # untouched


def _rewrite(archive: Path, change: dict[str, Any]) -> Path:
    """A copy of the archive with some members' content replaced (the manifest left as it was)."""
    damaged = archive.with_name("damaged.tar.gz")
    with tarfile.open(archive) as source, tarfile.open(damaged, "w:gz") as out:
        for member in source.getmembers():
            data = source.extractfile(member).read()
            data = change.get(member.name, data)
            member.size = len(data)
            out.addfile(member, io.BytesIO(data))
    return damaged


def test_a_damaged_archive_is_refused_before_anything_is_touched(media, target, tmp_path):
    archive = _small_backup(media, tmp_path)
    damaged = _rewrite(archive, {"media/evidence/a.pdf": b"%PDF-1.4 sua doi"})
    restored_media = tmp_path / "restored-media"
    with pytest.raises(backup.BackupError, match="media/evidence/a.pdf"):
        backup.restore(damaged, database=target.database, media_root=restored_media, say=lambda _: None)
    assert not restored_media.exists()
    assert backup._existing_tables(target.database) == []


def test_a_restore_that_differs_from_the_manifest_is_reported(media, target, tmp_path):
    archive = _small_backup(media, tmp_path)
    with tarfile.open(archive) as opened:
        manifest = json.load(opened.extractfile("manifest.json"))
    manifest["tables"]["orgs_user"]["rows"] = 2
    lying = _rewrite(archive, {"manifest.json": json.dumps(manifest).encode()})
    summary = backup.restore(lying, database=target.database, media_root=tmp_path / "m", say=lambda _: None)
    assert not summary.ok and any("orgs_user" in m for m in summary.mismatches)


def test_an_archive_with_a_foreign_member_is_refused(media, tmp_path, target):
    bad = tmp_path / "bad.tar.gz"
    with tarfile.open(bad, "w:gz") as out:
        data = b"#!/bin/sh\n"
        info = tarfile.TarInfo("../../etc/cron.d/x")
        info.size = len(data)
        out.addfile(info, io.BytesIO(data))
    with pytest.raises(backup.BackupError, match="etc/cron.d"):
        backup.restore(bad, database=target.database, media_root=tmp_path / "m", say=lambda _: None)


def test_force_replaces_what_the_target_holds(media, target, tmp_path):
    archive = _small_backup(media, tmp_path)
    restored_media = tmp_path / "restored-media"
    backup.restore(archive, database=target.database, media_root=restored_media, say=lambda _: None)
    with pytest.raises(backup.BackupError, match="--force"):
        backup.restore(archive, database=target.database, media_root=restored_media, say=lambda _: None)
    (restored_media / "evidence" / "a.pdf").write_bytes(b"changed")
    summary = backup.restore(
        archive, database=target.database, media_root=restored_media, force=True, say=lambda _: None
    )
    assert summary.ok, summary.mismatches
    assert backup.database_state(target.database) == backup.database_state(target.source)
    assert (restored_media / "evidence" / "a.pdf").read_bytes() == b"%PDF-1.4 bang chung"
