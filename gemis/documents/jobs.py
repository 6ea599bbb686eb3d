"""Background job of the documents app: reading an uploaded plan document."""

from __future__ import annotations

from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _

from gemis.core import jobs
from gemis.core.models import BackgroundJob
from gemis.documents import imports
from gemis.documents.models import ImportedDocument
from gemis.vn.parser import ParseError


class _Steps:
    """Shows the import's steps in the person's language on the job page."""

    def __init__(self, progress: jobs.Progress) -> None:
        self.progress = progress
        self.labels = {
            "reading": _("Reading the file…"),
            "parsing": _("Finding references, tasks, deadlines and reports…"),
            "done": _("Done."),
        }

    def update(self, done: int, total: int, step: str) -> None:
        self.progress.update(done, total, self.labels.get(step, step), force=True)


@jobs.runner("documents.read")
def read_document(job: BackgroundJob, progress: jobs.Progress) -> jobs.Result:
    imported = ImportedDocument.objects.get(pk=job.params["imported"])
    try:
        imports.read(imported, _Steps(progress))
    except ParseError as error:
        message = error.message_en if translation.get_language() == "en" else error.message_vi
        raise jobs.JobError(message) from error
    return jobs.Result(url=reverse("documents:import-review", args=[imported.pk]))
