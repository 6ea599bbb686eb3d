"""The system administrator's view of the registers of units, agencies and people.

The admin is for superusers only (who sign in through GEMIS's two-step sign-in,
``twofactor.route_admin_login``); everyone else manages people in ``/manage/``,
within their remit. Every change here is versioned and kept in the history.
"""

from __future__ import annotations

from django.contrib import admin
from django.contrib.auth.admin import UserAdmin
from simple_history.admin import SimpleHistoryAdmin

from gemis.orgs.models import Agency, Membership, OrgUnit, User


@admin.register(OrgUnit)
class OrgUnitAdmin(SimpleHistoryAdmin):
    list_display = ("name", "code", "kind", "tier", "scheme", "valid_to")
    list_filter = ("scheme", "tier", "kind")
    search_fields = ("name", "code", "search_name")
    raw_id_fields = ("parent", "standing_agency")
    readonly_fields = ("path", "depth", "search_name", "version")


@admin.register(Agency)
class AgencyAdmin(SimpleHistoryAdmin):
    list_display = ("name", "short_name", "kind", "org_unit", "valid_to")
    list_filter = ("kind",)
    search_fields = ("name", "short_name", "search_name", "code")
    raw_id_fields = ("org_unit", "successors")
    readonly_fields = ("search_name", "version")


class MembershipInline(admin.TabularInline):
    model = Membership
    raw_id_fields = ("agency",)
    readonly_fields = ("created_at", "version")
    extra = 0


@admin.register(User)
class GemisUserAdmin(SimpleHistoryAdmin, UserAdmin):
    list_display = ("username", "full_name", "email", "is_active", "is_superuser", "last_login")
    search_fields = ("username", "full_name", "email")
    fieldsets = (*(UserAdmin.fieldsets or ()), ("GEMIS", {"fields": ("full_name", "position", "phone")}))
    inlines = (MembershipInline,)
