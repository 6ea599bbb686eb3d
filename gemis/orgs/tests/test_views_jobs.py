"""The job page and its download: only the person who started the job sees either."""

from __future__ import annotations

import pytest
from django.urls import reverse

from gemis.core import jobs
from gemis.core.models import BackgroundJob, JobStatus
from gemis.core.tests.test_jobs import _count  # noqa: F401  (registers the runner)
from gemis.orgs.testing import make_user


@pytest.fixture
def job(world, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    return jobs.start(world.province_coordinator, "tests.count", "Bảng nhiệm vụ", {"n": 4})


def test_the_owner_sees_the_result_and_downloads_it(client, world, job):
    client.force_login(world.province_coordinator)
    response = client.get(reverse("orgs:job-detail", args=[job.pk]))
    assert response.status_code == 200
    assert b'data-status="done"' in response.content
    assert reverse("orgs:job-download", args=[job.pk]).encode() in response.content
    download = client.get(reverse("orgs:job-download", args=[job.pk]))
    assert download.status_code == 200
    assert b"".join(download.streaming_content) == b"4"
    assert "filename*=utf-8''%C4%91%E1%BA%BFm.txt" in download["Content-Disposition"]


def test_a_running_job_polls_its_status(client, world):
    running = BackgroundJob.objects.create(
        owner=world.province_coordinator,
        kind="tests.count",
        label="Xuất",
        status=JobStatus.RUNNING,
        total=200,
        done=50,
    )
    client.force_login(world.province_coordinator)
    page = client.get(reverse("orgs:job-detail", args=[running.pk]))
    assert b'hx-trigger="every 1s"' in page.content and b"25%" in page.content
    partial = client.get(reverse("orgs:job-detail", args=[running.pk]), HTTP_HX_REQUEST="true")
    assert partial.templates[0].name == "core/_job_status.html"
    assert b"50" in partial.content and b"200" in partial.content


def test_a_failed_job_says_why(client, world):
    failed = BackgroundJob.objects.create(
        owner=world.province_coordinator,
        kind="tests.count",
        label="Nhập",
        status=JobStatus.FAILED,
        error="Tệp không đọc được.",
    )
    client.force_login(world.province_coordinator)
    page = client.get(reverse("orgs:job-detail", args=[failed.pk]))
    assert "Tệp không đọc được." in page.content.decode() and b"every 1s" not in page.content


@pytest.mark.parametrize("who", ["district_a_coordinator", "other_coordinator", "province_leader", "nobody"])
def test_nobody_else_sees_the_job_or_its_file(client, world, job, who):
    client.force_login(getattr(world, who))
    assert client.get(reverse("orgs:job-detail", args=[job.pk])).status_code == 404
    assert client.get(reverse("orgs:job-download", args=[job.pk])).status_code == 404


def test_signed_out_people_are_sent_to_the_login(client, job):
    response = client.get(reverse("orgs:job-detail", args=[job.pk]))
    assert response.status_code == 302 and reverse("orgs:login") in response["Location"]


def test_a_superuser_may_look(client, job):
    admin = make_user("sieu", is_superuser=True)
    client.force_login(admin)
    assert client.get(reverse("orgs:job-detail", args=[job.pk])).status_code == 200
