"""Demo data: two plan documents written for the demo, imported as an officer would.

The Action Month plan is read and accepted (a draft plan with its tasks, legal
bases and reports); the 2027 work programme is read and waits for review, so
the demo shows both ends of the import.
"""

from __future__ import annotations

import hashlib
from pathlib import Path

from django.core.files.base import ContentFile

from gemis.documents import imports
from gemis.documents.models import ImportedDocument
from gemis.orgs.models import User

DEMO_FILES = Path(__file__).resolve().parent / "demo_files"
ACCEPTED = "ke-hoach-thang-hanh-dong-2026.txt"
WAITING = "chuong-trinh-cong-tac-2027.txt"


def _import(province, coordinator: User, name: str) -> ImportedDocument:
    data = (DEMO_FILES / name).read_bytes()
    imported = ImportedDocument(
        org_unit=province,
        uploaded_by=coordinator,
        original_name=name,
        size=len(data),
        sha256=hashlib.sha256(data).hexdigest(),
    )
    imported.file.save(name, ContentFile(data), save=False)
    imported.save()
    imports.read(imported)
    return imported


def _accept_as_proposed(imported: ImportedDocument, coordinator: User) -> None:
    imports.accept(imported, coordinator, imports.as_proposed(imports.propose(imported)))


def build(ctx) -> None:
    province = ctx.province
    if ImportedDocument.objects.filter(org_unit=province, original_name=ACCEPTED).exists():
        return
    coordinator = User.objects.get(username="noivu")
    _accept_as_proposed(_import(province, coordinator, ACCEPTED), coordinator)
    _import(province, coordinator, WAITING)
