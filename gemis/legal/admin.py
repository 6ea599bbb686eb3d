"""The register of legal documents in the admin (superusers only; officers cite documents on a plan)."""

from __future__ import annotations

from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from gemis.legal.models import LegalDocument


@admin.register(LegalDocument)
class LegalDocumentAdmin(SimpleHistoryAdmin):
    list_display = ("citation", "kind", "issue_date", "issuer")
    list_filter = ("kind", "issue_year")
    search_fields = ("number", "issuer", "subject")
    readonly_fields = ("number_key", "issue_year", "version")
