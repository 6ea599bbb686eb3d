"""Administrative units, agencies, people and their memberships.

Administrative units exist in two schemes: the one in force since 1 July 2025
(provinces and communes) and the earlier one (provinces, districts, communes).
A code is unique within a scheme only. ``path`` holds the codes from the root
("2025/51/22015/") so "this unit and everything below it" is one indexed prefix
match whatever the number of levels.
"""

from __future__ import annotations

from django.contrib.auth.models import AbstractUser
from django.db import models
from django.db.models.functions import Lower
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from gemis.core.versioning import VersionedModel
from gemis.vn.agency_names import agency_key
from gemis.vn.text import fold


class Scheme(models.TextChoices):
    CURRENT = "2025", _("Since 1 July 2025 (34 provinces, 2 levels)")
    LEGACY = "legacy", _("Before 1 July 2025 (63 provinces, 3 levels)")


class Tier(models.TextChoices):
    PROVINCE = "province", _("Province")
    DISTRICT = "district", _("District")
    COMMUNE = "commune", _("Commune")


def unit_path(scheme: str, code: str, parent_path: str | None) -> str:
    """The materialised path of a unit: its parent's path plus its code."""
    return f"{parent_path}{code}/" if parent_path else f"{scheme}/{code}/"


class OrgUnit(VersionedModel):
    scheme = models.CharField(_("scheme"), max_length=8, choices=Scheme.choices)
    code = models.CharField(_("code"), max_length=10)
    name = models.CharField(_("name"), max_length=200)
    short_name = models.CharField(_("short name"), max_length=120)
    kind = models.CharField(_("kind"), max_length=40, help_text=_("Tỉnh, Thành phố, Huyện, Xã, Phường…"))
    tier = models.CharField(_("tier"), max_length=10, choices=Tier.choices)
    depth = models.PositiveSmallIntegerField(_("depth"))
    parent = models.ForeignKey(
        "self",
        verbose_name=_("parent"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
    )
    path = models.CharField(max_length=255, unique=True, editable=False)
    valid_from = models.DateField(_("valid from"), null=True, blank=True)
    valid_to = models.DateField(_("valid to"), null=True, blank=True)
    search_name = models.CharField(max_length=200, editable=False, db_index=True)
    standing_agency = models.ForeignKey(
        "Agency",
        verbose_name=_("standing agency"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="standing_for",
        help_text=_("The agency that coordinates gender-equality work for this unit."),
    )
    history = HistoricalRecords()

    # The access rule reads these (see orgs/access.py).
    ACCESS_UNIT_FIELD = ""

    class Meta:
        verbose_name = _("administrative unit")
        verbose_name_plural = _("administrative units")
        ordering = ["scheme", "path"]
        constraints = [
            models.UniqueConstraint(fields=["scheme", "code"], name="orgunit_code_unique_in_scheme")
        ]
        indexes = [models.Index(fields=["scheme", "tier"])]

    def __str__(self) -> str:
        return self.name

    def save(self, *args, **kwargs) -> None:
        # Bulk loaders bypass save(); they set these two with the same helpers.
        self.search_name = fold(self.name)
        self.path = unit_path(self.scheme, self.code, self.parent.path if self.parent else None)
        super().save(*args, **kwargs)

    @property
    def is_current(self) -> bool:
        return self.valid_to is None

    def ancestors(self) -> list[OrgUnit]:
        """Units above this one, root first (one query)."""
        codes = self.path.strip("/").split("/")[1:-1]
        found = {u.code: u for u in OrgUnit.objects.filter(scheme=self.scheme, code__in=codes)}
        return [found[c] for c in codes if c in found]


class UnitSuccession(models.Model):
    """A legacy unit's territory now lying (wholly or partly) in a current unit.

    A legacy commune split over several new communes has one row per new commune;
    ``is_default`` marks the one its data is attributed to when it cannot be split.
    """

    predecessor = models.ForeignKey(OrgUnit, on_delete=models.CASCADE, related_name="successions")
    successor = models.ForeignKey(OrgUnit, on_delete=models.CASCADE, related_name="predecessions")
    is_default = models.BooleanField(default=True)
    effective_date = models.DateField()

    class Meta:
        verbose_name = _("unit succession")
        verbose_name_plural = _("unit successions")
        constraints = [
            models.UniqueConstraint(fields=["predecessor", "successor"], name="unit_succession_unique")
        ]

    def __str__(self) -> str:
        return f"{self.predecessor} → {self.successor}"


class AgencyKind(models.TextChoices):
    PEOPLES_COMMITTEE = "peoples_committee", _("People's Committee")
    PEOPLES_COUNCIL = "peoples_council", _("People's Council")
    DEPARTMENT = "department", _("Department (Sở/Phòng)")
    OFFICE = "office", _("Office")
    INSPECTORATE = "inspectorate", _("Inspectorate")
    POLICE = "police", _("Police")
    MILITARY = "military", _("Military command")
    JUDICIARY = "judiciary", _("Court or procuracy")
    MASS_ORGANIZATION = "mass_organization", _("Mass organisation")
    PARTY = "party", _("Party body")
    MEDIA = "media", _("Press, radio and television")
    BANK = "bank", _("Bank")
    STATISTICS = "statistics", _("Statistics office")
    COMMITTEE = "committee", _("Committee or board")
    OTHER = "other", _("Other")


class Agency(VersionedModel):
    org_unit = models.ForeignKey(
        OrgUnit, verbose_name=_("administrative unit"), on_delete=models.PROTECT, related_name="agencies"
    )
    code = models.SlugField(_("code"), max_length=60, help_text=_("Unique within its unit, e.g. so-noi-vu."))
    name = models.CharField(_("name"), max_length=255)
    short_name = models.CharField(_("short name"), max_length=120, blank=True)
    kind = models.CharField(_("kind"), max_length=20, choices=AgencyKind.choices, default=AgencyKind.OTHER)
    valid_from = models.DateField(_("valid from"), null=True, blank=True)
    valid_to = models.DateField(_("valid to"), null=True, blank=True)
    successors = models.ManyToManyField(
        "self",
        verbose_name=_("successors"),
        symmetrical=False,
        blank=True,
        related_name="predecessors",
        help_text=_("Agencies that took over this agency's functions after a reorganisation."),
    )
    search_name = models.CharField(max_length=400, editable=False, db_index=True)
    history = HistoricalRecords(excluded_fields=["search_name"])

    ACCESS_UNIT_FIELD = "org_unit"
    ACCESS_AGENCY_FIELD = ""

    class Meta:
        verbose_name = _("agency")
        verbose_name_plural = _("agencies")
        ordering = ["org_unit__path", "name"]
        constraints = [
            models.UniqueConstraint(fields=["org_unit", "code"], name="agency_code_unique_in_unit")
        ]

    def __str__(self) -> str:
        return self.display_name

    @property
    def display_name(self) -> str:
        """The name as documents write it: "Sở Y tế tỉnh Quảng Ngãi"."""
        return self.name

    def save(self, *args, **kwargs) -> None:
        self.search_name = fold(f"{self.name} {self.short_name}")
        super().save(*args, **kwargs)

    @property
    def is_current(self) -> bool:
        return self.valid_to is None


class AgencyAlias(models.Model):
    """Another way documents write an agency's name ("Sở LĐTB&XH")."""

    agency = models.ForeignKey(Agency, on_delete=models.CASCADE, related_name="aliases")
    alias = models.CharField(_("alias"), max_length=255)
    key = models.CharField(max_length=255, editable=False, db_index=True)

    class Meta:
        verbose_name = _("agency alias")
        verbose_name_plural = _("agency aliases")
        constraints = [models.UniqueConstraint(fields=["agency", "key"], name="agency_alias_unique")]

    def __str__(self) -> str:
        return self.alias

    def save(self, *args, **kwargs) -> None:
        self.key = agency_key(self.alias)
        super().save(*args, **kwargs)


class User(VersionedModel, AbstractUser):
    """A person who signs in. Login accepts the username or the e-mail address."""

    full_name = models.CharField(_("full name"), max_length=150, blank=True)
    position = models.CharField(_("position"), max_length=150, blank=True, help_text=_("e.g. Chuyên viên"))
    phone = models.CharField(_("phone"), max_length=30, blank=True)
    history = HistoricalRecords(excluded_fields=["password", "last_login"])

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")
        constraints = [
            models.UniqueConstraint(
                Lower("email"), name="user_email_unique_ci", condition=~models.Q(email="")
            ),
            # Sign-in ignores case, so "NOIVU" beside "noivu" would lock one of them out.
            models.UniqueConstraint(Lower("username"), name="user_username_unique_ci"),
        ]

    def __str__(self) -> str:
        return self.full_name or self.get_full_name() or self.username

    def get_full_name(self) -> str:
        return self.full_name or super().get_full_name()


class Role(models.TextChoices):
    ADMIN = "admin", _("Administrator")
    COORDINATOR = "coordinator", _("Coordinator")
    FOCAL_POINT = "focal_point", _("Focal point")
    LEADER = "leader", _("Leader")
    VIEWER = "viewer", _("Viewer")


class Membership(VersionedModel):
    user = models.ForeignKey(
        User, verbose_name=_("user"), on_delete=models.CASCADE, related_name="memberships"
    )
    agency = models.ForeignKey(
        Agency, verbose_name=_("agency"), on_delete=models.PROTECT, related_name="memberships"
    )
    role = models.CharField(_("role"), max_length=20, choices=Role.choices)
    created_at = models.DateTimeField(auto_now_add=True)
    history = HistoricalRecords()

    ACCESS_UNIT_FIELD = "agency__org_unit"
    ACCESS_AGENCY_FIELD = "agency"

    class Meta:
        verbose_name = _("membership")
        verbose_name_plural = _("memberships")
        ordering = ["agency__org_unit__path", "agency__name"]
        constraints = [models.UniqueConstraint(fields=["user", "agency", "role"], name="membership_unique")]

    def __str__(self) -> str:
        return f"{self.user} — {self.get_role_display()} — {self.agency}"
