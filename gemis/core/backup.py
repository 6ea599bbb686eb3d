"""Backups that restore: one archive with the database, the uploaded files and a manifest.

``gemis backup PATH`` writes a ``.tar.gz`` holding

- ``database.dump`` (``pg_dump --format=custom`` on PostgreSQL) or ``database.sqlite3``
  (SQLite's online backup API — a file copy of a database in WAL mode may miss
  the writes still in the ``-wal`` file, or catch a page half-written);
- ``media/…``: every uploaded file under ``MEDIA_ROOT``;
- ``manifest.json``: GEMIS version, engine, time, the applied migrations, the
  size and sha256 of every file in the archive, and for every table its row
  count and a content hash (sha256 over its rows ordered by primary key,
  serialised canonically).

The counts and hashes describe exactly what was dumped: on PostgreSQL they are
read in the same snapshot as ``pg_dump`` (``pg_export_snapshot``), on SQLite
from the copy itself. ``gemis restore PATH`` checks every checksum before it
touches anything, refuses a target database that already holds tables (unless
``force``), restores the database and the files, then recomputes the counts
and hashes of the restored database and compares them with the manifest.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import os
import re
import shutil
import sqlite3
import subprocess
import tarfile
import tempfile
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path, PurePosixPath
from typing import Any

from django.utils.translation import gettext as _

FORMAT = 1
MANIFEST = "manifest.json"
PG_DUMP_FILE = "database.dump"
SQLITE_FILE = "database.sqlite3"
MEDIA_DIR = "media"
_CHUNK = 1024 * 1024

Say = Callable[[str], None]


class BackupError(Exception):
    """A backup or restore that cannot go on; the message says why and what to do."""


@dataclass
class TableState:
    rows: int
    sha256: str


@dataclass
class RestoreSummary:
    engine: str
    created_at: str
    gemis_version: str
    tables: int = 0
    rows: int = 0
    files: int = 0
    file_bytes: int = 0
    mismatches: list[str] = field(default_factory=list)
    unapplied_migrations: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.mismatches


# --- engines --------------------------------------------------------------------------------------


def engine_of(database: dict[str, Any]) -> str:
    engine = database["ENGINE"]
    if "sqlite" in engine:
        return "sqlite"
    if "postgresql" in engine:
        return "postgresql"
    raise BackupError(_("GEMIS backs up SQLite and PostgreSQL only, not %(engine)s.") % {"engine": engine})


def _pg_env(database: dict[str, Any]) -> dict[str, str]:
    """libpq's variables for pg_dump/pg_restore: the password never appears on a command line."""
    env = dict(os.environ)
    for key, var in (("HOST", "PGHOST"), ("PORT", "PGPORT"), ("USER", "PGUSER"), ("PASSWORD", "PGPASSWORD")):
        if database.get(key):
            env[var] = str(database[key])
    env["PGDATABASE"] = str(database["NAME"])
    sslmode = (database.get("OPTIONS") or {}).get("sslmode")
    if sslmode:
        env["PGSSLMODE"] = sslmode
    return env


def _pg_connect(database: dict[str, Any]) -> Any:
    import psycopg

    params = {
        "dbname": database["NAME"],
        "host": database.get("HOST") or None,
        "port": database.get("PORT") or None,
        "user": database.get("USER") or None,
        "password": database.get("PASSWORD") or None,
        "sslmode": (database.get("OPTIONS") or {}).get("sslmode"),
    }
    # UTC, so that timestamps serialise the same whoever reads them.
    return psycopg.connect(**{k: v for k, v in params.items() if v}, options="-c TimeZone=UTC")


def _sqlite_path(database: dict[str, Any]) -> str:
    return str(database["NAME"])


def _sqlite_connect(name: str) -> sqlite3.Connection:
    # Django's test database may be a shared-cache memory URI; a file is the ordinary case.
    return sqlite3.connect(name, uri=name.startswith("file:"))


def _tool(name: str) -> str:
    path = shutil.which(name)
    if not path:
        raise BackupError(
            _(
                "%(tool)s was not found. Install the PostgreSQL client tools "
                "(e.g. apt install postgresql-client)."
            )
            % {"tool": name}
        )
    return path


def _major_of_tool(tool: str) -> int:
    output = subprocess.run([tool, "--version"], capture_output=True, text=True, check=True).stdout
    found = re.search(r"(\d+)(?:\.\d+)?", output)
    if not found:
        raise BackupError(_("Cannot read the version of %(tool)s.") % {"tool": tool})
    return int(found.group(1))


# --- what a database holds ------------------------------------------------------------------------


def _canonical(value: Any) -> Any:
    if isinstance(value, bytes | bytearray | memoryview):
        return bytes(value).hex()
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, dt.datetime | dt.date | dt.time):
        return value.isoformat()
    return str(value)


def _row_bytes(row: tuple[Any, ...]) -> bytes:
    text = json.dumps(
        list(row), default=_canonical, ensure_ascii=False, sort_keys=True, separators=(",", ":")
    )
    return text.encode("utf-8") + b"\n"


class _Reader:
    """Tables, their keys and their rows, through a plain DB-API connection of either engine.

    Plain connections, not Django's: Django's SQLite connection converts dates and
    decimals, which would make the hash depend on who reads it.
    """

    def __init__(self, engine: str, conn: Any) -> None:
        self.engine = engine
        self.conn = conn

    def quote(self, name: str) -> str:
        return '"' + name.replace('"', '""') + '"'

    def tables(self) -> list[str]:
        cur = self.conn.cursor()
        if self.engine == "sqlite":
            cur.execute("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'")
        else:
            cur.execute("SELECT tablename FROM pg_tables WHERE schemaname = current_schema()")
        return sorted(r[0] for r in cur.fetchall())

    def order_by(self, table: str) -> str:
        cur = self.conn.cursor()
        if self.engine == "sqlite":
            cur.execute(f"PRAGMA table_info({self.quote(table)})")
            info = cur.fetchall()
            keys = [r[1] for r in sorted(info, key=lambda r: r[5]) if r[5]]
            return ", ".join(self.quote(k) for k in keys) or ", ".join(str(i + 1) for i in range(len(info)))
        cur.execute(
            "SELECT a.attname, format_type(a.atttypid, a.atttypmod) FROM pg_index i "
            "JOIN pg_attribute a ON a.attrelid = i.indrelid AND a.attnum = ANY(i.indkey) "
            "WHERE i.indrelid = %s::regclass AND i.indisprimary ORDER BY array_position(i.indkey, a.attnum)",
            [self.quote(table)],
        )
        # Text keys sort by bytes ("C"), so the order does not depend on the server's collation.
        keys = [
            self.quote(n) + (' COLLATE "C"' if ("char" in t or t == "text") else "")
            for n, t in cur.fetchall()
        ]
        if keys:
            return ", ".join(keys)
        cur.execute(f"SELECT * FROM {self.quote(table)} LIMIT 0")
        return ", ".join(str(i + 1) for i in range(len(cur.description)))

    def state(self, table: str) -> TableState:
        digest = hashlib.sha256()
        rows = 0
        sql = f"SELECT * FROM {self.quote(table)} ORDER BY {self.order_by(table)}"
        cur = self.conn.cursor(name=f"gemis_backup_{uuid.uuid4().hex}") if self.engine != "sqlite" else None
        if cur is None:
            cur = self.conn.cursor()
        else:
            cur.itersize = 5000
        cur.execute(sql)
        for row in cur:
            digest.update(_row_bytes(row))
            rows += 1
        cur.close()
        return TableState(rows=rows, sha256=digest.hexdigest())

    def migrations(self) -> dict[str, list[str]]:
        if "django_migrations" not in self.tables():
            return {}
        cur = self.conn.cursor()
        cur.execute("SELECT app, name FROM django_migrations ORDER BY app, name")
        applied: dict[str, list[str]] = {}
        for app, name in cur.fetchall():
            applied.setdefault(app, []).append(name)
        return applied


def describe(reader: _Reader, say: Say | None = None) -> dict[str, dict[str, Any]]:
    """Row count and content hash of every table, by name."""
    result = {}
    tables = reader.tables()
    for index, table in enumerate(tables, 1):
        state = reader.state(table)
        result[table] = {"rows": state.rows, "sha256": state.sha256}
        if say and (index % 25 == 0 or index == len(tables)):
            say(_("  tables read: %(n)d of %(total)d") % {"n": index, "total": len(tables)})
    return result


@contextmanager
def open_reader(database: dict[str, Any]) -> Iterator[_Reader]:
    """A reader on the live database ``database`` (a Django settings dict)."""
    engine = engine_of(database)
    if engine == "sqlite":
        conn = _sqlite_connect(_sqlite_path(database))
    else:
        conn = _pg_connect(database)
    try:
        yield _Reader(engine, conn)
    finally:
        conn.close()


def database_state(database: dict[str, Any]) -> dict[str, dict[str, Any]]:
    """Row count and content hash of every table of a database; what a restore is compared against."""
    with open_reader(database) as reader:
        return describe(reader)


# --- files ----------------------------------------------------------------------------------------


def _sha256_file(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for chunk in iter(lambda: handle.read(_CHUNK), b""):
            digest.update(chunk)
    return digest.hexdigest()


def _media_files(media_root: Path) -> list[Path]:
    if not media_root.is_dir():
        return []
    return sorted(p for p in media_root.rglob("*") if p.is_file() and not p.is_symlink())


def gemis_version() -> str:
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version("gemis")
    except PackageNotFoundError:
        return "unknown"


# --- backup ---------------------------------------------------------------------------------------


def _dump_postgresql(database: dict[str, Any], target: Path, say: Say) -> tuple[dict, dict, str]:
    pg_dump = _tool("pg_dump")
    conn = _pg_connect(database)
    try:
        server = conn.info.server_version // 10000
        tool = _major_of_tool(pg_dump)
        if tool < server:
            raise BackupError(
                _(
                    "pg_dump is version %(tool)d but the server is PostgreSQL %(server)d. "
                    "Install the client tools of version %(server)d or newer."
                )
                % {"tool": tool, "server": server}
            )
        # One snapshot for the dump and for the counts and hashes, so the manifest says what was dumped.
        import psycopg

        conn.isolation_level = psycopg.IsolationLevel.REPEATABLE_READ
        conn.read_only = True
        snapshot = conn.execute("SELECT pg_export_snapshot()").fetchone()[0]
        say(_("Dumping the PostgreSQL database (pg_dump %(v)d)…") % {"v": tool})
        done = subprocess.run(
            [pg_dump, "--format=custom", f"--file={target}", f"--snapshot={snapshot}", "--no-password"],
            env=_pg_env(database),
            capture_output=True,
            text=True,
        )
        if done.returncode != 0:
            raise BackupError(_("pg_dump failed: %(error)s") % {"error": done.stderr.strip()[-2000:]})
        say(_("Counting rows and hashing every table…"))
        reader = _Reader("postgresql", conn)
        tables = describe(reader, say)
        migrations = reader.migrations()
        version = conn.info.parameter_status("server_version") or str(conn.info.server_version)
        conn.rollback()
    finally:
        conn.close()
    return tables, migrations, version


def _dump_sqlite(database: dict[str, Any], target: Path, say: Say) -> tuple[dict, dict, str]:
    say(_("Copying the SQLite database with its online backup API…"))
    source = _sqlite_connect(_sqlite_path(database))
    copy = sqlite3.connect(target)
    try:
        source.backup(copy)
    finally:
        source.close()
    try:
        # The copy stands alone: no -wal file beside it in the archive.
        copy.execute("PRAGMA journal_mode=DELETE")
        say(_("Counting rows and hashing every table…"))
        reader = _Reader("sqlite", copy)
        tables = describe(reader, say)
        migrations = reader.migrations()
    finally:
        copy.close()
    return tables, migrations, sqlite3.sqlite_version


def backup(path: Path, *, database: dict[str, Any], media_root: Path, say: Say = print) -> dict[str, Any]:
    """Write the archive ``path`` and return its manifest."""
    path = Path(path)
    engine = engine_of(database)
    if path.exists() and path.is_dir():
        raise BackupError(_("%(path)s is a folder; give the name of the archive to write.") % {"path": path})
    path.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="gemis-backup-") as tmp:
        work = Path(tmp)
        db_name = PG_DUMP_FILE if engine == "postgresql" else SQLITE_FILE
        if engine == "postgresql":
            tables, migrations, server = _dump_postgresql(database, work / db_name, say)
        else:
            tables, migrations, server = _dump_sqlite(database, work / db_name, say)
        if "django_migrations" not in tables:
            raise BackupError(
                _("The database %(name)s holds no GEMIS tables; check DATABASE_URL (nothing was written).")
                % {"name": database["NAME"]}
            )
        db_file = work / db_name
        files = {db_name: {"size": db_file.stat().st_size, "sha256": _sha256_file(db_file)}}

        media = _media_files(Path(media_root))
        say(_("Hashing %(n)d uploaded files…") % {"n": len(media)})
        media_names: dict[str, Path] = {}
        for file in media:
            name = str(PurePosixPath(MEDIA_DIR, *file.relative_to(media_root).parts))
            media_names[name] = file
            files[name] = {"size": file.stat().st_size, "sha256": _sha256_file(file)}

        manifest = {
            "format": FORMAT,
            "gemis_version": gemis_version(),
            "engine": engine,
            "server_version": server,
            "created_at": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
            "migrations": migrations,
            "tables": tables,
            "files": files,
        }
        manifest_file = work / MANIFEST
        manifest_file.write_text(json.dumps(manifest, ensure_ascii=False, indent=1, sort_keys=True), "utf-8")

        say(_("Writing the archive %(path)s…") % {"path": path})
        partial = path.with_name(path.name + ".partial")
        with tarfile.open(partial, "w:gz") as archive:
            archive.add(manifest_file, arcname=MANIFEST)
            archive.add(db_file, arcname=db_name)
            for name, file in media_names.items():
                archive.add(file, arcname=name)
        os.replace(partial, path)  # never a half-written archive under the real name
    return manifest


# --- restore --------------------------------------------------------------------------------------


def _extract(path: Path, work: Path, say: Say) -> dict[str, Any]:
    if not path.is_file():
        raise BackupError(_("%(path)s does not exist.") % {"path": path})
    say(_("Reading the archive %(path)s…") % {"path": path})
    try:
        with tarfile.open(path, "r:*") as archive:
            for member in archive.getmembers():
                name = member.name
                if not (member.isfile() or member.isdir()) or not (
                    name in (MANIFEST, PG_DUMP_FILE, SQLITE_FILE) or name.startswith(MEDIA_DIR + "/")
                ):
                    raise BackupError(
                        _("The archive holds %(name)s, which a GEMIS backup never does.") % {"name": name}
                    )
            archive.extractall(work, filter="data")  # refuses absolute paths, "..", links outside
    except (tarfile.TarError, EOFError, OSError) as exc:
        raise BackupError(
            _("%(path)s is not a readable GEMIS backup: %(error)s") % {"path": path, "error": exc}
        ) from exc
    try:
        manifest = json.loads((work / MANIFEST).read_text("utf-8"))
    except (OSError, ValueError) as exc:
        raise BackupError(_("The archive has no readable manifest; it is not a GEMIS backup.")) from exc
    if manifest.get("format") != FORMAT:
        raise BackupError(
            _("This backup's format (%(f)s) is not one this GEMIS reads.") % {"f": manifest.get("format")}
        )
    return manifest


def verify_archive(work: Path, manifest: dict[str, Any], say: Say) -> None:
    """Every file the manifest lists is there with its checksum, and nothing else is."""
    say(_("Checking the checksums of %(n)d files…") % {"n": len(manifest["files"])})
    present = {str(PurePosixPath(*p.relative_to(work).parts)) for p in work.rglob("*") if p.is_file()}
    present.discard(MANIFEST)
    listed = set(manifest["files"])
    if present != listed:
        extra = sorted(present - listed)[:5]
        missing = sorted(listed - present)[:5]
        raise BackupError(
            _("The archive does not match its manifest (missing: %(missing)s; not listed: %(extra)s).")
            % {"missing": ", ".join(missing) or "-", "extra": ", ".join(extra) or "-"}
        )
    for name, expected in manifest["files"].items():
        if _sha256_file(work / name) != expected["sha256"]:
            raise BackupError(
                _("%(name)s is damaged in the archive (its checksum differs).") % {"name": name}
            )


def _existing_tables(database: dict[str, Any]) -> list[str]:
    engine = engine_of(database)
    if engine == "sqlite" and not Path(_sqlite_path(database)).exists():
        return []
    with open_reader(database) as reader:
        return reader.tables()


def _drop_all_tables(database: dict[str, Any]) -> None:
    engine = engine_of(database)
    with open_reader(database) as reader:
        conn = reader.conn
        tables = reader.tables()
        if engine == "sqlite":
            conn.execute("PRAGMA foreign_keys = OFF")
        for table in tables:
            conn.execute(
                f"DROP TABLE IF EXISTS {reader.quote(table)}" + (" CASCADE" if engine != "sqlite" else "")
            )
        conn.commit()


def _restore_postgresql(dump: Path, database: dict[str, Any], say: Say) -> None:
    pg_restore = _tool("pg_restore")
    say(_("Restoring the PostgreSQL database (pg_restore)…"))
    done = subprocess.run(
        [
            pg_restore,
            "--no-owner",
            "--no-privileges",
            "--exit-on-error",
            "--single-transaction",
            "--no-password",
            f"--dbname={database['NAME']}",
            str(dump),
        ],
        env=_pg_env(database),
        capture_output=True,
        text=True,
    )
    if done.returncode != 0:
        raise BackupError(
            _("pg_restore failed; nothing was restored: %(error)s") % {"error": done.stderr.strip()[-2000:]}
        )


def _restore_sqlite(copy: Path, database: dict[str, Any], say: Say) -> None:
    say(_("Restoring the SQLite database with its online backup API…"))
    source = sqlite3.connect(copy)
    target = _sqlite_connect(_sqlite_path(database))
    try:
        source.backup(target)
    finally:
        source.close()
        target.close()


def restore(
    path: Path, *, database: dict[str, Any], media_root: Path, force: bool = False, say: Say = print
) -> RestoreSummary:
    """Restore the archive ``path`` into ``database`` and ``media_root``, then verify it.

    The target database must hold no tables and ``media_root`` no files, so that a
    restore never mixes two installations; ``force`` drops the tables there and
    overwrites files of the same name (other files are left alone).
    """
    path = Path(path)
    engine = engine_of(database)
    media_root = Path(media_root)
    with tempfile.TemporaryDirectory(prefix="gemis-restore-") as tmp:
        work = Path(tmp)
        manifest = _extract(path, work, say)
        verify_archive(work, manifest, say)
        if manifest["engine"] != engine:
            raise BackupError(
                _(
                    "This backup is of a %(backup)s database; GEMIS is set up for %(here)s. "
                    "Restore it into %(backup)s."
                )
                % {"backup": manifest["engine"], "here": engine}
            )

        existing = _existing_tables(database)
        existing_files = _media_files(media_root)
        if (existing or existing_files) and not force:
            raise BackupError(
                _(
                    "The target is not empty (%(tables)d tables in the database, "
                    "%(files)d files in %(media)s). Restore into a new, empty database "
                    "(do not run gemis migrate first) and an empty folder, "
                    "or add --force to replace what is there."
                )
                % {"tables": len(existing), "files": len(existing_files), "media": media_root}
            )
        if existing:
            say(_("--force: dropping the %(n)d tables of the target database…") % {"n": len(existing)})
            _drop_all_tables(database)

        if engine == "postgresql":
            _restore_postgresql(work / PG_DUMP_FILE, database, say)
        else:
            _restore_sqlite(work / SQLITE_FILE, database, say)

        media_files = [n for n in manifest["files"] if n.startswith(MEDIA_DIR + "/")]
        say(_("Restoring %(n)d uploaded files…") % {"n": len(media_files)})
        for name in media_files:
            target = media_root.joinpath(*PurePosixPath(name).parts[1:])
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(work / name, target)

    summary = RestoreSummary(
        engine=engine, created_at=manifest["created_at"], gemis_version=manifest.get("gemis_version", "")
    )
    say(_("Verifying: row counts and content of every table, checksums of every file…"))
    with open_reader(database) as reader:
        restored = describe(reader, say)
    for table, expected in sorted(manifest["tables"].items()):
        found = restored.get(table)
        if found is None:
            summary.mismatches.append(_("table %(t)s is missing") % {"t": table})
        elif found["rows"] != expected["rows"]:
            summary.mismatches.append(
                _("table %(t)s has %(found)d rows, the backup %(expected)d")
                % {"t": table, "found": found["rows"], "expected": expected["rows"]}
            )
        elif found["sha256"] != expected["sha256"]:
            summary.mismatches.append(_("the content of table %(t)s differs from the backup") % {"t": table})
        else:
            summary.tables += 1
            summary.rows += found["rows"]
    for name in media_files:
        expected = manifest["files"][name]
        target = media_root.joinpath(*PurePosixPath(name).parts[1:])
        if not target.is_file() or _sha256_file(target) != expected["sha256"]:
            summary.mismatches.append(_("file %(f)s differs from the backup") % {"f": name})
        else:
            summary.files += 1
            summary.file_bytes += expected["size"]
    summary.unapplied_migrations = _unapplied(manifest.get("migrations") or {})
    return summary


def _unapplied(applied: dict[str, list[str]]) -> list[str]:
    """Migrations this GEMIS has that the backup's database had not applied (run gemis migrate)."""
    from django.db.migrations.loader import MigrationLoader

    loader = MigrationLoader(None, ignore_no_migrations=True)
    done = {(app, name) for app, names in applied.items() for name in names}
    return sorted(f"{app}.{name}" for app, name in loader.disk_migrations if (app, name) not in done)
