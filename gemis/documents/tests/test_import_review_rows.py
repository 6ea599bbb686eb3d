"""The import review takes back at most the rows it proposed: a tampered row count is refused at once."""

from __future__ import annotations

import hashlib
import time

import pytest
from django.core.files.base import ContentFile
from django.urls import reverse

from gemis.core.tests.fuzz_world import SMALL_PLAN
from gemis.documents import imports
from gemis.documents.models import ImportedDocument, ImportStatus
from gemis.orgs.models import Role, Scheme
from gemis.orgs.testing import make_agency, make_unit, make_user
from gemis.plans.models import Plan

pytestmark = pytest.mark.django_db


@pytest.fixture
def imported(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    province = make_unit("Tỉnh Thử Nghiệm", code="93", scheme=Scheme.CURRENT)
    agency = make_agency(province, "Sở Nội vụ", "SNV")
    coordinator = make_user("noivu", agency, Role.COORDINATOR)
    data = SMALL_PLAN.encode()
    document = ImportedDocument(
        org_unit=province,
        uploaded_by=coordinator,
        original_name="kh.txt",
        size=len(data),
        sha256=hashlib.sha256(data).hexdigest(),
    )
    document.file.save("kh.txt", ContentFile(data), save=False)
    document.save()
    imports.read(document)
    assert document.status == ImportStatus.READY
    return document


def test_a_row_count_beyond_the_proposal_is_refused_without_building_the_rows(client, imported):
    client.force_login(imported.uploaded_by)
    url = reverse("documents:import-review", args=[imported.pk])
    proposed = len(client.get(url).context["tasks"].forms)
    started = time.monotonic()
    response = client.post(url, {"task-TOTAL_FORMS": "99999999999999999999", "task-INITIAL_FORMS": "0"})
    assert response.status_code == 400
    assert len(response.context["tasks"].forms) <= proposed  # was a thousand forms, seconds of work
    assert response.context["tasks"].non_form_errors()
    assert time.monotonic() - started < 5
    assert not Plan.objects.exists()
