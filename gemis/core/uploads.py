"""Checks on uploaded evidence files: size, type by content (not by name), zip bombs.

A file is accepted only when its extension is on the list *and* its first bytes
say the same thing, so a renamed executable or a broken file is refused with a
message that says what to do.
"""

from __future__ import annotations

import hashlib
import zipfile
from dataclasses import dataclass
from pathlib import PurePath
from typing import IO

from django.core.exceptions import ValidationError
from django.db.models.fields.files import FieldFile
from django.http import FileResponse, Http404
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _

from gemis.vn.text import clean_filename

MAX_UPLOAD_BYTES = 20 * 1024 * 1024
MAX_FILES_PER_UPDATE = 5
_ZIP_MAX_UNCOMPRESSED = 200 * 1024 * 1024
_ZIP_MAX_RATIO = 100

_OLE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_ZIP = b"PK\x03\x04"
# extension → (content type, magic prefixes, member a zip container must hold)
ALLOWED: dict[str, tuple[str, tuple[bytes, ...], str | None]] = {
    ".pdf": ("application/pdf", (b"%PDF-",), None),
    ".docx": ("application/vnd.openxmlformats-officedocument.wordprocessingml.document", (_ZIP,), "word/"),
    ".xlsx": ("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", (_ZIP,), "xl/"),
    ".pptx": ("application/vnd.openxmlformats-officedocument.presentationml.presentation", (_ZIP,), "ppt/"),
    ".odt": ("application/vnd.oasis.opendocument.text", (_ZIP,), "mimetype"),
    ".ods": ("application/vnd.oasis.opendocument.spreadsheet", (_ZIP,), "mimetype"),
    ".doc": ("application/msword", (_OLE,), None),
    ".xls": ("application/vnd.ms-excel", (_OLE,), None),
    ".jpg": ("image/jpeg", (b"\xff\xd8\xff",), None),
    ".jpeg": ("image/jpeg", (b"\xff\xd8\xff",), None),
    ".png": ("image/png", (b"\x89PNG\r\n\x1a\n",), None),
}
TEXT_TYPES = {".txt": "text/plain; charset=utf-8", ".csv": "text/csv; charset=utf-8"}


@dataclass(frozen=True)
class CheckedFile:
    name: str
    content_type: str
    size: int
    sha256: str


def allowed_extensions() -> str:
    return ", ".join(sorted({*ALLOWED, *TEXT_TYPES}))


def check_upload(name: str, stream: IO[bytes], size: int) -> CheckedFile:
    """Validate one uploaded file; raise ValidationError with a Vietnamese message."""
    # The stored and shown name: no right-to-left override ("report<RLO>fdp.exe" looking like
    # "reportexe.pdf"), no zero-width characters; the type is judged on that same clean name.
    display = clean_filename(name)[:200]
    if size == 0:
        raise ValidationError(_("%(name)s is empty. Choose the file again.") % {"name": display})
    if size > MAX_UPLOAD_BYTES:
        raise ValidationError(
            _("%(name)s is %(size)s; the limit is %(limit)s per file. Compress it or split it.")
            % {"name": display, "size": filesizeformat(size), "limit": filesizeformat(MAX_UPLOAD_BYTES)}
        )
    suffix = PurePath(display).suffix.lower()
    stream.seek(0)
    head = stream.read(16)
    if suffix in TEXT_TYPES:
        stream.seek(0)
        try:
            stream.read().decode("utf-8")
        except UnicodeDecodeError as exc:
            raise ValidationError(
                _("%(name)s is not UTF-8 text. Save it as UTF-8, or as PDF.") % {"name": display}
            ) from exc
        content_type = TEXT_TYPES[suffix]
    elif suffix in ALLOWED:
        content_type, magics, member = ALLOWED[suffix]
        if not any(head.startswith(m) for m in magics):
            message = _(
                "%(name)s is damaged, or is not a real %(ext)s file (its content does not match its name)."
            )
            raise ValidationError(message % {"name": display, "ext": suffix})
        if magics == (_ZIP,):
            _check_zip(display, stream, member)
    else:
        raise ValidationError(
            _("%(name)s: this type of file is not accepted. Accepted: %(types)s.")
            % {"name": display, "types": allowed_extensions()}
        )
    stream.seek(0)
    digest = hashlib.sha256()
    for chunk in iter(lambda: stream.read(1024 * 1024), b""):
        digest.update(chunk)
    stream.seek(0)
    return CheckedFile(name=display, content_type=content_type, size=size, sha256=digest.hexdigest())


def _check_zip(display: str, stream: IO[bytes], member: str | None) -> None:
    stream.seek(0)
    try:
        with zipfile.ZipFile(stream) as archive:
            infos = archive.infolist()
            total = sum(i.file_size for i in infos)
            packed = sum(i.compress_size for i in infos) or 1
            names = [i.filename for i in infos]
    except (zipfile.BadZipFile, OSError, ValueError) as exc:
        raise ValidationError(_("%(name)s is damaged and cannot be opened.") % {"name": display}) from exc
    if total > _ZIP_MAX_UNCOMPRESSED or total / packed > _ZIP_MAX_RATIO:
        raise ValidationError(
            _("%(name)s expands to far more data than a document holds; it was refused for safety.")
            % {"name": display}
        )
    if member and not any(n == member or n.startswith(member) for n in names):
        raise ValidationError(
            _("%(name)s is not a real document of that type, or it is damaged.") % {"name": display}
        )


def private_file_response(stored: FieldFile, filename: str, content_type: str) -> FileResponse:
    """Send a stored upload or result to someone the caller has already checked may have it.

    Never inline and never cached: the browser saves it under its original
    (Vietnamese) name, and a crafted HTML or SVG cannot run as a page of GEMIS.
    """
    try:
        handle = stored.open("rb")
    except (FileNotFoundError, ValueError) as exc:
        raise Http404 from exc
    # as_attachment + filename gives RFC 5987 ``filename*=utf-8''…`` for Vietnamese names.
    # Names stored before they were cleaned on upload are cleaned here too.
    response = FileResponse(
        handle, as_attachment=True, filename=clean_filename(filename), content_type=content_type
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    response["Content-Security-Policy"] = "sandbox"
    return response
