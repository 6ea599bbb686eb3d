"""Demo data of the orgs app: one province in both schemes, its agencies and a login per role.

The ``gemis demo`` command (``core``) calls ``prepare`` here first: the context it
returns holds the units, agencies and users every later app's ``build(context)``
finds; ``describe`` gives the logins it prints.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from gemis.orgs.agencies import load_standard_agencies
from gemis.orgs.models import Agency, Membership, OrgUnit, Role, Scheme, Tier, User
from gemis.orgs.units import legacy_provinces_for, load_successions, load_units

DEMO_PASSWORD = "Gemis@2026!vn"


@dataclass
class DemoLogin:
    username: str
    full_name: str
    role: str
    agency: Agency
    superuser: bool = False


@dataclass
class DemoContext:
    province: OrgUnit
    legacy_provinces: list[OrgUnit]
    logins: list[DemoLogin] = field(default_factory=list)
    extra: dict[str, Any] = field(default_factory=dict)

    def user(self, username: str) -> User:
        return User.objects.get(username=username)


def unit_slug(unit: OrgUnit) -> str:
    """ "Tỉnh Kon Tum" → "kontum", for demo usernames."""
    return unit.search_name.replace("tinh ", "").replace("thanh pho ", "").replace(" ", "")


def _agency(unit: OrgUnit, code: str) -> Agency:
    return Agency.objects.get(org_unit=unit, code=code)


def _pick_child(parent: OrgUnit, preferred_short_name: str, tier: str | None = None) -> OrgUnit:
    children = OrgUnit.objects.filter(parent=parent)
    if tier:
        children = children.filter(tier=tier)
    return children.filter(short_name=preferred_short_name).first() or children.order_by("code").first()


def build_units(province_code: str, stdout: Any = None) -> DemoContext:
    """Load the 2025 province, its pre-2025 provinces with districts and communes, and all their agencies."""
    load_units(Scheme.CURRENT, province_code=province_code, stdout=stdout)
    legacy_codes = legacy_provinces_for(province_code)
    for code in legacy_codes:
        load_units(Scheme.LEGACY, province_code=code, stdout=stdout)
    load_successions(province_code)
    province = OrgUnit.objects.get(scheme=Scheme.CURRENT, code=province_code)
    legacy = list(OrgUnit.objects.filter(scheme=Scheme.LEGACY, code__in=legacy_codes).order_by("code"))
    for unit in [*legacy, province]:
        load_standard_agencies(unit, include_descendants=True)
    return DemoContext(province=province, legacy_provinces=legacy)


def _login(
    ctx: DemoContext,
    username: str,
    full_name: str,
    position: str,
    agency: Agency,
    role: str,
    superuser: bool = False,
) -> None:
    user, created = User.objects.get_or_create(
        username=username,
        defaults={"full_name": full_name, "position": position, "email": f"{username}@demo.gemis.vn"},
    )
    if created or not user.check_password(DEMO_PASSWORD):
        user.set_password(DEMO_PASSWORD)
    user.is_superuser = user.is_staff = superuser
    user.save()
    Membership.objects.get_or_create(user=user, agency=agency, role=role)
    ctx.logins.append(DemoLogin(username, full_name, role, agency, superuser))


@transaction.atomic
def build_users(ctx: DemoContext) -> None:
    """One login per role; names are invented."""
    province = ctx.province
    commune = _pick_child(province, "Cẩm Thành", Tier.COMMUNE)
    _login(ctx, "quantri", "Quản trị hệ thống", "Quản trị viên", _agency(province, "ubnd"), Role.ADMIN, True)
    _login(
        ctx,
        "noivu",
        "Nguyễn Thị Thu Hà",
        "Chuyên viên Phòng Bình đẳng giới",
        _agency(province, "so-noi-vu"),
        Role.COORDINATOR,
    )
    _login(ctx, "lanhdao", "Trần Văn Minh", "Phó Chủ tịch UBND tỉnh", _agency(province, "ubnd"), Role.LEADER)
    _login(ctx, "yte", "Lê Thị Hồng", "Chuyên viên Sở Y tế", _agency(province, "so-y-te"), Role.FOCAL_POINT)
    _login(
        ctx, "phunu", "Phạm Thị Mai", "Cán bộ Hội LHPN tỉnh", _agency(province, "hoi-lhpn"), Role.FOCAL_POINT
    )
    _login(
        ctx, "xem", "Đỗ Văn Nam", "Chuyên viên Văn phòng UBND tỉnh", _agency(province, "ubnd"), Role.VIEWER
    )
    _login(
        ctx,
        "quantri.tinh",
        "Hoàng Văn Sơn",
        "Quản trị hệ thống cấp tỉnh",
        _agency(province, "so-noi-vu"),
        Role.ADMIN,
    )
    _login(
        ctx,
        "vhxh.xa",
        "Võ Thị Lan",
        f"Công chức Văn hóa - Xã hội {commune.name}",
        _agency(commune, "phong-vh-xh"),
        Role.FOCAL_POINT,
    )
    for legacy in ctx.legacy_provinces:
        district = _pick_child(legacy, "Đăk Hà", Tier.DISTRICT)
        slug = unit_slug(legacy)
        _login(
            ctx,
            f"ldtbxh.{slug}",
            f"Cán bộ Sở LĐTBXH {legacy.short_name}",
            "Chuyên viên (trước 2025)",
            _agency(legacy, "so-ldtbxh"),
            Role.COORDINATOR,
        )
        _login(
            ctx,
            f"ldtbxh.{slug}.huyen",
            f"Cán bộ Phòng LĐTBXH {district.name}",
            "Chuyên viên (trước 2025)",
            _agency(district, "phong-ldtbxh"),
            Role.COORDINATOR,
        )


def prepare(*, province: str, stdout: Any = None) -> DemoContext:
    """The ground of the demo: the province's units in both schemes and its agencies."""
    if stdout is not None:
        stdout.write(_("Loading administrative units and agencies…"))
    return build_units(province, stdout=stdout)


def build(ctx: DemoContext) -> None:
    build_users(ctx)


def describe(ctx: DemoContext) -> tuple[str, list[str]]:
    """The demo logins, one line each: username, role, agency and unit."""
    title = _("Demo logins (password for all: %(password)s)") % {"password": DEMO_PASSWORD}
    width = max(len(login.username) for login in ctx.logins)
    lines = []
    for login in ctx.logins:
        role = _("system administrator") if login.superuser else str(Role(login.role).label)
        lines.append(
            f"{login.username.ljust(width)}  {role:<22} {login.agency.name} — {login.agency.org_unit.name}"
        )
    return title, lines
