"""``gemis demo --no-serve`` builds a usable demo, twice without duplicates."""

from __future__ import annotations

import io

import pytest
from django.core.management import call_command

from gemis.orgs import access
from gemis.orgs.demo import DEMO_PASSWORD
from gemis.orgs.models import Agency, Membership, OrgUnit, Scheme, User

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.slow]


def _run_demo() -> str:
    out = io.StringIO()
    call_command("demo", "--no-serve", stdout=out)
    return out.getvalue()


def test_demo_loads_a_province_in_both_schemes_with_logins():
    output = _run_demo()
    province = OrgUnit.objects.get(scheme=Scheme.CURRENT, code="51")
    assert OrgUnit.objects.filter(scheme=Scheme.CURRENT, parent=province).count() > 90
    assert set(OrgUnit.objects.filter(scheme=Scheme.LEGACY, depth=1).values_list("code", flat=True)) == {
        "51",
        "62",
    }
    assert OrgUnit.objects.filter(scheme=Scheme.LEGACY, depth=2).count() > 20
    assert province.standing_agency is not None or OrgUnit.objects.get(pk=province.pk).standing_agency
    assert DEMO_PASSWORD in output
    for username in ("quantri", "noivu", "lanhdao", "yte", "phunu", "xem", "vhxh.xa", "ldtbxh.kontum"):
        assert username in output
        user = User.objects.get(username=username)
        assert user.check_password(DEMO_PASSWORD)

    coordinator = User.objects.get(username="noivu")
    # The 2025 coordinator reads the former Kon Tum communes merged into the province.
    kon_tum = OrgUnit.objects.get(scheme=Scheme.LEGACY, code="62")
    assert access.may_view(coordinator, kon_tum)
    commune_officer = User.objects.get(username="vhxh.xa")
    assert not access.may_view(commune_officer, province)
    # The bell has content from the first sign-in (what issuing the demo plans told the agencies).
    from gemis.plans.models import Notification

    assert Notification.objects.filter(user__username="yte", key__startswith="issued:").exists()
    notified = Notification.objects.count()

    counts = (
        OrgUnit.objects.count(),
        Agency.objects.count(),
        User.objects.count(),
        Membership.objects.count(),
    )
    _run_demo()
    assert (
        OrgUnit.objects.count(),
        Agency.objects.count(),
        User.objects.count(),
        Membership.objects.count(),
    ) == counts
    assert Notification.objects.count() == notified  # a second run notifies no one again
