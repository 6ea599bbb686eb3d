"""Recording progress on a task: the update row, its evidence files, the task's new state, the roll-up."""

from __future__ import annotations

from collections.abc import Sequence

from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from gemis.core.uploads import MAX_FILES_PER_UPDATE, check_upload
from gemis.core.versioning import ConflictError
from gemis.orgs.models import Agency, User
from gemis.plans import notify, task_rules
from gemis.plans.models import Attachment, PlanStatus, ProgressUpdate, Task, TaskStatus
from gemis.vn.deadlines import Deadline, DeadlineKind, Recurrence

# Progress is followed on issued plans only: a draft is still being written, a closed plan is history.
NOT_ISSUED_MESSAGE = gettext_lazy(
    "Progress is recorded only on the tasks of an issued plan. This plan is a draft or has been closed: "
    "ask its coordinator to issue it first."
)


def record_progress(
    task: Task,
    author: User,
    *,
    note: str,
    progress: int,
    status: str | None = None,
    files: Sequence[UploadedFile] = (),
    expected_version: int | None = None,
    agency: Agency | None = None,
) -> ProgressUpdate:
    """Add a progress update and move the task; all or nothing. Only on a task of an issued plan.

    ``status`` defaults from the percentage (0 → not started, 100 → done, else in
    progress). Files are checked before anything is written, so a bad file loses
    nothing already saved and saves nothing half-way.
    """
    if task.plan.status != PlanStatus.ISSUED:
        raise ValidationError(NOT_ISSUED_MESSAGE)
    if not note.strip():
        raise ValidationError(_("Say briefly what was done."))
    if not 0 <= progress <= 100:
        raise ValidationError(_("Progress must be between 0 and 100%."))
    if len(files) > MAX_FILES_PER_UPDATE:
        raise ValidationError(_("Attach at most %(n)d files at a time.") % {"n": MAX_FILES_PER_UPDATE})
    explicit_status = status
    if status is None:
        status = TaskStatus.DONE if progress == 100 else (TaskStatus.IN_PROGRESS if progress else task.status)
    if status not in TaskStatus.values:
        raise ValidationError(_("Unknown status."))
    if status == TaskStatus.DONE:
        progress = 100
    checked = [check_upload(f.name, f, f.size) for f in files]

    with transaction.atomic():
        locked = Task.objects.select_for_update().select_related("plan").get(pk=task.pk)
        if locked.plan.status != PlanStatus.ISSUED:  # closed or returned to draft meanwhile
            raise ValidationError(NOT_ISSUED_MESSAGE)
        if expected_version is not None and locked.version != expected_version:
            raise ConflictError(locked.version)
        update = ProgressUpdate.objects.create(
            task=locked,
            author=author,
            agency=agency or locked.lead_agency,
            note=note.strip(),
            progress=progress,
            status=status,
        )
        for upload, info in zip(files, checked, strict=True):
            upload.seek(0)
            attachment = Attachment(
                update=update,
                original_name=info.name,
                content_type=info.content_type,
                size=info.size,
                sha256=info.sha256,
            )
            attachment.file.save(info.name, upload, save=False)
            attachment.save()
        if status == TaskStatus.DONE and locked.status != TaskStatus.DONE:
            locked.last_done_on = task_rules.today()
        locked.progress = progress
        locked.status = status
        if (
            explicit_status is None
            and status == TaskStatus.DONE
            and _is_periodic(task_rules.deadline_of(locked))
        ):
            # 100 % on a periodic obligation closes this occurrence; the task stays open for the next one.
            # Choosing "done" explicitly ends the whole obligation.
            locked.status = TaskStatus.IN_PROGRESS
            locked.progress = 0
        locked.due_date = task_rules.compute_due_date(locked)
        locked.save_checked(locked.version)
        task_rules.roll_up(locked.parent_task)
        notify.progress_recorded(update)
    task.refresh_from_db()
    return update


def _is_periodic(deadline: Deadline) -> bool:
    return deadline.kind == DeadlineKind.RECURRING and deadline.recurrence != Recurrence.CONTINUOUS
