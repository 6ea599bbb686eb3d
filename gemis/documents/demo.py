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
from gemis.orgs.models import Agency, User

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
    proposal = imports.propose(imported)
    ids = {proposal.plan["issuing_agency"]}
    for task in proposal.tasks:
        ids |= {task["lead"], *task["partners"]}
    ids |= {report["recipient_agency"] for report in proposal.reports}
    by_id = Agency.objects.in_bulk([pk for pk in ids if pk])
    confirmed = {
        "plan": {**proposal.plan, "issuing_agency": by_id.get(proposal.plan["issuing_agency"])},
        "references": proposal.references,
        "tasks": [
            {**task, "lead": by_id.get(task["lead"]), "partners": [by_id[pk] for pk in task["partners"]]}
            for task in proposal.tasks
        ],
        "reports": [
            {**report, "recipient_agency": by_id.get(report["recipient_agency"])}
            for report in proposal.reports
        ],
    }
    imports.accept(imported, coordinator, confirmed)


def build(ctx) -> None:
    province = ctx.province
    if ImportedDocument.objects.filter(org_unit=province, original_name=ACCEPTED).exists():
        return
    coordinator = User.objects.get(username="noivu")
    _accept_as_proposed(_import(province, coordinator, ACCEPTED), coordinator)
    _import(province, coordinator, WAITING)
