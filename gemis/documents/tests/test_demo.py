"""The demo's two imported documents: one accepted as a draft plan, one waiting for review; idempotent."""

from __future__ import annotations

from types import SimpleNamespace

import pytest

from gemis.documents import demo
from gemis.documents.models import ImportedDocument, ImportStatus
from gemis.orgs.models import Role
from gemis.orgs.testing import make_agency, make_user
from gemis.plans.models import Plan

pytestmark = pytest.mark.django_db


def test_demo_imports_two_documents_once(world, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    noi_vu = make_agency(world.province, "Sở Nội vụ", "SNV")
    make_agency(world.province, "Hội Liên hiệp Phụ nữ tỉnh", "Hội LHPN tỉnh")
    make_user("noivu", noi_vu, Role.COORDINATOR)
    ctx = SimpleNamespace(province=world.province)
    demo.build(ctx)
    demo.build(ctx)
    accepted, waiting = (
        ImportedDocument.objects.get(original_name=demo.ACCEPTED),
        ImportedDocument.objects.get(original_name=demo.WAITING),
    )
    assert ImportedDocument.objects.count() == 2 and Plan.objects.count() == 1
    assert accepted.status == ImportStatus.ACCEPTED and accepted.plan.tasks.count() >= 8
    assert accepted.plan.tasks.filter(lead_agency=noi_vu).exists()
    assert waiting.status == ImportStatus.READY and waiting.result["tasks"]
