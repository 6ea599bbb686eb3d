"""Small factories for tests across apps (not imported by production code)."""

from __future__ import annotations

import datetime as dt
import itertools

from gemis.orgs.models import Agency, AgencyKind, Membership, OrgUnit, Role, Scheme, Tier, User

_counter = itertools.count(1)
_TIER_BY_DEPTH = {
    Scheme.CURRENT: [Tier.PROVINCE, Tier.COMMUNE],
    Scheme.LEGACY: [Tier.PROVINCE, Tier.DISTRICT, Tier.COMMUNE],
}


def make_unit(
    name: str,
    code: str | None = None,
    parent: OrgUnit | None = None,
    scheme: str = Scheme.LEGACY,
    kind: str = "",
    **fields,
) -> OrgUnit:
    scheme = parent.scheme if parent else scheme
    depth = parent.depth + 1 if parent else 1
    tiers = _TIER_BY_DEPTH[Scheme(scheme)]
    tier = tiers[min(depth, len(tiers)) - 1]
    if scheme == Scheme.LEGACY and fields.get("valid_to") is None:
        fields["valid_to"] = dt.date(2025, 6, 30)
    return OrgUnit.objects.create(
        scheme=scheme,
        code=code or f"T{next(_counter):05d}",
        name=name,
        short_name=name.split(" ", 1)[-1],
        kind=kind or name.split(" ", 1)[0],
        tier=tier,
        depth=depth,
        parent=parent,
        **fields,
    )


def make_agency(
    unit: OrgUnit, name: str, short_name: str = "", kind: str = AgencyKind.DEPARTMENT, **fields
) -> Agency:
    return Agency.objects.create(
        org_unit=unit,
        code=fields.pop("code", f"a{next(_counter)}"),
        name=name,
        short_name=short_name,
        kind=kind,
        **fields,
    )


def make_user(username: str, agency: Agency | None = None, role: str = Role.FOCAL_POINT, **fields) -> User:
    fields.setdefault("email", f"{username}@example.vn")
    user = User.objects.create_user(
        username=username, password=fields.pop("password", "Mat-khau-2026!"), **fields
    )
    if agency is not None:
        Membership.objects.create(user=user, agency=agency, role=role)
    return user
