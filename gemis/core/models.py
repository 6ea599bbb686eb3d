"""Background jobs: work that takes more than a second runs outside the request, with visible progress."""

from __future__ import annotations

import uuid
from pathlib import PurePosixPath

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class JobStatus(models.TextChoices):
    QUEUED = "queued", _("Waiting to start")
    RUNNING = "running", _("Running")
    DONE = "done", _("Done")
    FAILED = "failed", _("Failed")


def job_result_path(job: BackgroundJob, filename: str) -> str:
    # A random name outside static files: the result is served only through the job's view.
    return str(PurePosixPath("jobs", f"{uuid.uuid4().hex}{PurePosixPath(filename).suffix.lower()}"))


class BackgroundJob(models.Model):
    """One run of a long piece of work (a big export, an import) for one person.

    The work itself is a ``django-tasks`` task (:mod:`gemis.core.jobs`); this row
    is what the person sees: how far it got, and the file it produced. Only its
    owner sees it (``ACCESS_OWNER_FIELD``): the result holds what the owner was
    allowed to see when it ran.
    """

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    kind = models.CharField(max_length=60)
    label = models.CharField(_("what"), max_length=255)
    owner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="jobs")
    params = models.JSONField(default=dict, blank=True)
    status = models.CharField(_("status"), max_length=10, choices=JobStatus.choices, default=JobStatus.QUEUED)
    done = models.PositiveIntegerField(default=0)
    total = models.PositiveIntegerField(null=True, blank=True)
    step = models.CharField(max_length=255, blank=True)
    error = models.TextField(blank=True)
    result_file = models.FileField(upload_to=job_result_path, max_length=255, blank=True)
    result_name = models.CharField(max_length=255, blank=True)
    result_content_type = models.CharField(max_length=120, blank=True)
    result_url = models.CharField(max_length=255, blank=True)
    created_at = models.DateTimeField(default=timezone.now, db_index=True)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    ACCESS_OWNER_FIELD = "owner"

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("background job")
        verbose_name_plural = _("background jobs")

    def __str__(self) -> str:
        return self.label

    @property
    def percent(self) -> int | None:
        if self.status == JobStatus.DONE:
            return 100
        if not self.total:
            return None
        return min(100, int(self.done * 100 / self.total))

    @property
    def is_finished(self) -> bool:
        return self.status in (JobStatus.DONE, JobStatus.FAILED)
