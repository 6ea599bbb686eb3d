"""Legal and administrative documents that plans cite (văn bản căn cứ)."""

from __future__ import annotations

import re
import uuid
from pathlib import PurePosixPath

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from gemis.core.versioning import VersionedModel
from gemis.vn.text import nfc


class DocumentKind(models.TextChoices):
    LAW = "law", _("Law")
    RESOLUTION = "resolution", _("Resolution")
    DECREE = "decree", _("Decree")
    DECISION = "decision", _("Decision")
    CIRCULAR = "circular", _("Circular")
    DIRECTIVE = "directive", _("Directive")
    PLAN = "plan", _("Plan")
    PROGRAMME = "programme", _("Programme")
    OFFICIAL_LETTER = "official_letter", _("Official letter")
    CONCLUSION = "conclusion", _("Conclusion")
    REPORT = "report", _("Report")
    OTHER = "other", _("Other document")


_KEY_STRIP = re.compile(r"[\s.]+")


def number_key(number: str) -> str:
    """Compare document numbers whatever their spacing: "1003 /KH-UBND" = "1003/KH-UBND"."""
    return _KEY_STRIP.sub("", nfc(number)).upper().replace("Đ", "D").replace("–", "-")


class LegalDocument(VersionedModel):
    """One record per document, shared by every plan that cites it.

    The same number recurs in different years for letters ("458/LĐTBXH-BĐG"), so
    a document is identified by its number and issue year.
    """

    kind = models.CharField(
        _("kind"), max_length=20, choices=DocumentKind.choices, default=DocumentKind.OTHER
    )
    number = models.CharField(_("number and symbol"), max_length=80, blank=True)
    number_key = models.CharField(max_length=80, editable=False, db_index=True)
    issue_date = models.DateField(_("issue date"), null=True, blank=True)
    issue_year = models.PositiveSmallIntegerField(editable=False, default=0)
    issuer = models.CharField(_("issuer"), max_length=255, blank=True)
    subject = models.TextField(_("subject"), blank=True)
    history = HistoricalRecords()

    # National and provincial documents are a shared catalog: every member reads them.
    ACCESS_PUBLIC = True

    class Meta:
        verbose_name = _("legal document")
        verbose_name_plural = _("legal documents")
        ordering = ["-issue_date", "number"]
        constraints = [
            models.UniqueConstraint(
                fields=["number_key", "issue_year"],
                condition=~models.Q(number_key=""),
                name="legaldocument_number_unique_per_year",
            )
        ]

    def __str__(self) -> str:
        return self.citation

    @property
    def citation(self) -> str:
        """ "Nghị quyết số 28/NQ-CP ngày 03/3/2021 của Chính phủ" style, as plans cite documents."""
        parts = [str(self.get_kind_display())]
        if self.number:
            parts.append(f"số {self.number}")
        if self.issue_date:
            parts.append(f"ngày {self.issue_date:%d/%m/%Y}")
        if self.issuer:
            parts.append(f"của {self.issuer}")
        return " ".join(parts)

    def save(self, *args, **kwargs) -> None:
        self.number = nfc(self.number).strip()
        self.number_key = number_key(self.number)
        self.issue_year = self.issue_date.year if self.issue_date else 0
        super().save(*args, **kwargs)


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
