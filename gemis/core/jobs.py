"""Long work outside the request, with progress a person can watch.

An app registers a *runner* for a kind of job::

    @jobs.runner("plans.task_export")
    def export_tasks(job: BackgroundJob, progress: jobs.Progress) -> jobs.Result: ...

and a view starts it with :func:`start`, then sends the person to the job's
page (``job-detail``), which polls its status until the result is ready. The
runner runs in a ``django-tasks`` worker (``gemis db_worker``; the database
backend, so the embedded SQLite default needs no other server), or at once
inside the request when the immediate backend is configured (the tests).

Progress is written at most every :data:`PROGRESS_EVERY` seconds, so a
20,000-row export does not also cost 20,000 updates. A runner that fails marks
the job failed with a message the person can act on; nothing else is touched,
so what was saved before stays saved.
"""

from __future__ import annotations

import datetime as dt
import logging
import time
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from typing import Any, TypeVar

from django.conf import settings
from django.core.files.base import ContentFile
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django_tasks import task

from gemis.core.models import BackgroundJob, JobStatus

log = logging.getLogger(__name__)

PROGRESS_EVERY = 0.5  # seconds between two progress writes
KEEP_RESULTS = dt.timedelta(days=7)
T = TypeVar("T")


@dataclass
class Result:
    """What a runner produced: a file to download, or a page to go to (or both)."""

    content: bytes | None = None
    filename: str = ""
    content_type: str = "application/octet-stream"
    url: str = ""


class JobError(Exception):
    """A failure the person can do something about; its message is shown as it is."""


Runner = Callable[[BackgroundJob, "Progress"], Result]
_RUNNERS: dict[str, Runner] = {}


def runner(kind: str) -> Callable[[Runner], Runner]:
    """Register the function that does the work for jobs of ``kind``."""

    def register(function: Runner) -> Runner:
        _RUNNERS[kind] = function
        return function

    return register


class Progress:
    """Counts work done and writes it to the job now and then (never more than every 0.5 s)."""

    def __init__(self, job: BackgroundJob, clock: Callable[[], float] = time.monotonic) -> None:
        self.job = job
        self._clock = clock
        self._last_write = float("-inf")

    def update(
        self, done: int, total: int | None = None, step: str | None = None, force: bool = False
    ) -> None:
        self.job.done = done
        if total is not None:
            self.job.total = total
        if step is not None:
            self.job.step = step[:255]
        now = self._clock()
        if force or now - self._last_write >= PROGRESS_EVERY:
            self._last_write = now
            BackgroundJob.objects.filter(pk=self.job.pk).update(
                done=self.job.done, total=self.job.total, step=self.job.step
            )

    def iterate(self, items: Iterable[T], total: int | None = None, step: str | None = None) -> Iterator[T]:
        """Yield ``items``, counting them as done."""
        self.update(0, total, step, force=True)
        count = 0
        for item in items:
            yield item
            count += 1
            self.update(count)
        self.update(count, force=True)


def start(owner: Any, kind: str, label: str, params: dict[str, Any] | None = None) -> BackgroundJob:
    """Record the job and queue its work; returns the job to show (it may already be done)."""
    if kind not in _RUNNERS:
        raise KeyError(f"No runner registered for job kind {kind!r}")
    prune(owner)
    params = dict(params or {})
    # The job speaks the language of the page that started it, whoever's worker runs it.
    params.setdefault("language", translation.get_language() or settings.LANGUAGE_CODE)
    job = BackgroundJob.objects.create(owner=owner, kind=kind, label=label[:255], params=params)
    run_job.enqueue(str(job.pk))
    job.refresh_from_db()
    return job


def prune(owner: Any, now: dt.datetime | None = None) -> int:
    """Forget the owner's finished jobs older than a week, with their files."""
    cutoff = (now or timezone.now()) - KEEP_RESULTS
    old = list(BackgroundJob.objects.filter(owner=owner, created_at__lt=cutoff))
    for job in old:
        if job.result_file:
            job.result_file.delete(save=False)
        job.delete()
    return len(old)


@task()
def run_job(job_id: str) -> str:
    """The django-tasks entry point: run the registered runner and keep its result on the job."""
    job = BackgroundJob.objects.filter(pk=job_id).first()
    if job is None or job.is_finished:
        return "skipped"
    job.status = JobStatus.RUNNING
    job.started_at = timezone.now()
    job.save(update_fields=["status", "started_at"])
    with translation.override(job.params.get("language") or settings.LANGUAGE_CODE):
        try:
            result = _RUNNERS[job.kind](job, Progress(job))
        except JobError as exc:
            return _fail(job, str(exc))
        except Exception:
            log.exception("Background job %s (%s) failed", job.pk, job.kind)
            return _fail(
                job, _("Something went wrong while doing this. Nothing was changed; try again later.")
            )
    if result.content is not None:
        job.result_file.save(result.filename or "result", ContentFile(result.content), save=False)
        job.result_name = result.filename
        job.result_content_type = result.content_type
    job.result_url = result.url
    job.status = JobStatus.DONE
    job.finished_at = timezone.now()
    job.save()
    return "done"


def _fail(job: BackgroundJob, message: str) -> str:
    job.status = JobStatus.FAILED
    job.error = message
    job.finished_at = timezone.now()
    job.save(update_fields=["status", "error", "finished_at"])
    return "failed"
