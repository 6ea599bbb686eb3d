"""Background jobs: the runner registry, progress, failures, results and the queue."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone, translation

from gemis.core import jobs
from gemis.core.models import BackgroundJob, JobStatus
from gemis.orgs.testing import make_user


@jobs.runner("tests.count")
def _count(job: BackgroundJob, progress: jobs.Progress) -> jobs.Result:
    items = list(progress.iterate(range(job.params["n"]), total=job.params["n"], step="Đếm"))
    return jobs.Result(content=str(len(items)).encode(), filename="đếm.txt", content_type="text/plain")


@jobs.runner("tests.refuse")
def _refuse(job: BackgroundJob, progress: jobs.Progress) -> jobs.Result:
    raise jobs.JobError("Tệp có 3 dòng lỗi; sửa rồi tải lên lại.")


@jobs.runner("tests.crash")
def _crash(job: BackgroundJob, progress: jobs.Progress) -> jobs.Result:
    raise RuntimeError("database gone")


@jobs.runner("tests.language")
def _language(job: BackgroundJob, progress: jobs.Progress) -> jobs.Result:
    return jobs.Result(content=(translation.get_language() or "").encode(), filename="lang.txt")


@pytest.fixture
def owner(db):
    return make_user("chu.viec")


def test_a_job_runs_and_keeps_its_file(owner, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    job = jobs.start(owner, "tests.count", "Đếm thử", {"n": 7})
    assert job.status == JobStatus.DONE and job.percent == 100
    assert (job.done, job.total) == (7, 7)
    assert job.result_name == "đếm.txt"
    assert job.result_file.name.startswith("jobs/") and "đếm" not in job.result_file.name
    assert job.result_file.read() == b"7"
    assert job.started_at <= job.finished_at


def test_a_refusal_is_shown_as_the_runner_said_it(owner):
    job = jobs.start(owner, "tests.refuse", "Nhập tệp")
    assert job.status == JobStatus.FAILED
    assert job.error == "Tệp có 3 dòng lỗi; sửa rồi tải lên lại."


def test_a_crash_fails_the_job_with_a_plain_message(owner, caplog):
    job = jobs.start(owner, "tests.crash", "Việc hỏng")
    assert job.status == JobStatus.FAILED
    assert "database gone" not in job.error and job.error
    assert "database gone" in caplog.text


def test_an_unknown_kind_is_a_programming_error(owner):
    with pytest.raises(KeyError):
        jobs.start(owner, "tests.nothing", "?")
    assert not BackgroundJob.objects.exists()


def test_progress_is_written_at_most_twice_a_second(owner):
    job = BackgroundJob.objects.create(owner=owner, kind="tests.count", label="x")
    now = [0.0]
    progress = jobs.Progress(job, clock=lambda: now[0])
    progress.update(1, total=10)
    progress.update(2)  # same instant: kept in memory only
    assert BackgroundJob.objects.get(pk=job.pk).done == 1
    now[0] = 0.6
    progress.update(3)
    assert BackgroundJob.objects.get(pk=job.pk).done == 3
    progress.update(4, force=True)
    assert BackgroundJob.objects.get(pk=job.pk).done == 4


def test_a_finished_job_is_not_run_again(owner):
    job = jobs.start(owner, "tests.count", "Đếm", {"n": 2})
    assert jobs.run_job.call(str(job.pk)) == "skipped"


def test_old_jobs_are_pruned_with_their_files(owner, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    old = jobs.start(owner, "tests.count", "Cũ", {"n": 1})
    path = tmp_path / old.result_file.name
    assert path.exists()
    BackgroundJob.objects.filter(pk=old.pk).update(created_at=timezone.now() - dt.timedelta(days=8))
    jobs.start(owner, "tests.count", "Mới", {"n": 1})
    assert list(BackgroundJob.objects.values_list("label", flat=True)) == ["Mới"]
    assert not path.exists()


def test_with_the_database_backend_the_job_waits_for_the_worker(owner, settings):
    from django_tasks_db.models import DBTaskResult

    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    job = jobs.start(owner, "tests.count", "Đếm", {"n": 3})
    assert job.status == JobStatus.QUEUED
    queued = DBTaskResult.objects.get()
    assert queued.task_path == "gemis.core.jobs.run_job" and queued.args_kwargs["args"] == [str(job.pk)]
    # What the worker does with it:
    assert jobs.run_job.call(*queued.args_kwargs["args"]) == "done"
    job.refresh_from_db()
    assert job.status == JobStatus.DONE


@pytest.mark.parametrize("language", ["vi", "en"])
def test_a_job_speaks_the_language_of_the_page_that_started_it(owner, settings, tmp_path, language):
    settings.MEDIA_ROOT = tmp_path
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}  # run later, by a worker
    with translation.override(language):
        job = jobs.start(owner, "tests.language", "Ngôn ngữ")
    assert job.params["language"] == language and job.status == JobStatus.QUEUED
    with translation.override("vi" if language == "en" else "en"):  # the worker's own language
        assert jobs.run_job.call(str(job.pk)) == "done"
    job.refresh_from_db()
    assert job.result_file.read().decode() == language


def test_a_crash_message_is_in_the_jobs_language(owner):
    with translation.override("en"):
        job = jobs.start(owner, "tests.crash", "Crash")
    assert job.error.startswith("Something went wrong")
