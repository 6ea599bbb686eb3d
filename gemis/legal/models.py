"""Legal and administrative documents that plans cite (văn bản căn cứ).

The tables keep the names they had when these models lived in ``documents``
(migration ``legal.0001`` moved them without touching the database).
"""

from __future__ import annotations

import re

from django.db import models
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
    history = HistoricalRecords(table_name="documents_historicallegaldocument")

    # National and provincial documents are a shared catalog: every member reads them.
    ACCESS_PUBLIC = True

    class Meta:
        db_table = "documents_legaldocument"
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
