"""Plan documents officers upload or paste, what the parser found in them and what became of them."""

from __future__ import annotations

import uuid
from pathlib import PurePosixPath

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from gemis.core.versioning import VersionedModel


class ImportStatus(models.TextChoices):
    READING = "reading", _("Being read")
    READY = "ready", _("Ready to review")
    FAILED = "failed", _("Could not be read")
    ACCEPTED = "accepted", _("Accepted")


def imported_file_path(instance: ImportedDocument, filename: str) -> str:
    # A random stored name outside static files; the original name stays in the row.
    suffix = PurePosixPath(filename).suffix.lower()[:10]
    return f"imports/{timezone.now():%Y/%m}/{uuid.uuid4().hex}{suffix}"


class ImportedDocument(VersionedModel):
    """A plan document an officer uploaded (or pasted), what the parser found in it, and what became of it.

    The original file is kept and linked to the plan it became, so anyone can
    check the plan against the document it came from.
    """

    org_unit = models.ForeignKey(
        "orgs.OrgUnit", verbose_name=_("unit"), on_delete=models.PROTECT, related_name="imported_documents"
    )
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    file = models.FileField(upload_to=imported_file_path, max_length=255, blank=True)
    original_name = models.CharField(_("file name"), max_length=255, blank=True)
    size = models.PositiveBigIntegerField(default=0)
    sha256 = models.CharField(max_length=64, blank=True)
    pasted_text = models.TextField(blank=True)
    status = models.CharField(
        _("status"), max_length=10, choices=ImportStatus.choices, default=ImportStatus.READING
    )
    error = models.TextField(blank=True)
    result = models.JSONField(default=dict, blank=True)
    plan = models.OneToOneField(
        "plans.Plan",
        verbose_name=_("plan"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="source_document",
    )
    accepted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    accepted_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    history = HistoricalRecords(excluded_fields=["result", "pasted_text"])

    ACCESS_UNIT_FIELD = "org_unit"
    # Those who write the unit's plans import them (orgs/access.py).
    ACCESS_SUBTREE_ROLES = {"change": {"admin", "coordinator", "leader"}}

    class Meta:
        verbose_name = _("imported document")
        verbose_name_plural = _("imported documents")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return self.original_name or str(_("Pasted text"))

    @property
    def display_name(self) -> str:
        return str(self)
