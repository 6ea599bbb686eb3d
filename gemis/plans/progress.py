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
from gemis.plans import notify, occurrences, task_rules
from gemis.plans.models import Attachment, PlanStatus, ProgressUpdate, Task, TaskOccurrence, TaskStatus
from gemis.vn.deadlines import Deadline, DeadlineKind, Recurrence

ROLLED_UP_MESSAGE = gettext_lazy(
    "This task's progress is the roll-up of its sub-tasks (the units' shares or the tasks of their own "
    "plans): record progress on those."
)
NOT_THIS_TASK_MESSAGE = gettext_lazy(
    "This period is not one of the task's: reload the page and choose again."
)

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
    occurrence_id: int | None = None,
) -> ProgressUpdate:
    """Add a progress update and move the task; all or nothing. Only on a task of an issued plan.

    ``status`` defaults from the percentage (0 → not started, 100 → done, else in
    progress). Files are checked before anything is written, so a bad file loses
    nothing already saved and saves nothing half-way. On a recurring task the update
    is for one occurrence (``occurrence_id``, by default the earliest still open) and
    the task follows from its occurrences (plans/occurrences.py). A task whose progress
    is rolled up from sub-tasks takes none of its own (``task_rules.ROLL_UP_RULE``).
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
        if task_rules.is_rolled_up(locked):
            raise ValidationError(ROLLED_UP_MESSAGE, code="rolled_up")
        occurrence = _occurrence_for(locked, occurrence_id)
        update = ProgressUpdate.objects.create(
            task=locked,
            author=author,
            agency=agency or locked.lead_agency,
            note=note.strip(),
            progress=progress,
            status=status,
            occurrence=occurrence,
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
        if occurrence is not None:
            _move_occurrence(occurrence, progress=progress, status=status)
            occurrences.summarise(locked, list(occurrences.of(locked)))
        else:
            if status == TaskStatus.DONE and locked.status != TaskStatus.DONE:
                locked.last_done_on = task_rules.today()
            locked.progress = progress
            locked.status = status
            if (
                explicit_status is None
                and status == TaskStatus.DONE
                and _is_periodic(task_rules.deadline_of(locked))
            ):
                # A periodic task without occurrences (none made yet): 100 % closes this occurrence and the
                # task stays open for the next one. Choosing "done" explicitly ends the whole obligation.
                locked.status = TaskStatus.IN_PROGRESS
                locked.progress = 0
            locked.due_date = task_rules.compute_due_date(locked)
        locked.save_checked(locked.version)
        task_rules.roll_up(locked.parent_task)
        notify.progress_recorded(update)
    task.refresh_from_db()
    return update


def _occurrence_for(task: Task, occurrence_id: int | None) -> TaskOccurrence | None:
    """The occurrence an update is for: the one chosen, else the earliest open; None without occurrences."""
    if occurrence_id is not None:
        found = task.occurrences.select_for_update().filter(pk=occurrence_id).first()
        if found is None:
            raise ValidationError(NOT_THIS_TASK_MESSAGE, code="not_this_task")
        return found
    if not task.occurrences.exists():
        return None
    chosen = occurrences.current(task)
    if chosen is None:
        # Every period is done: the update corrects the last one.
        chosen = occurrences.of(task).last()
    return chosen


def _move_occurrence(occurrence: TaskOccurrence, *, progress: int, status: str) -> None:
    if status == TaskStatus.DONE and occurrence.status != TaskStatus.DONE:
        occurrence.done_on = task_rules.today()
    elif status != TaskStatus.DONE:
        occurrence.done_on = None
    occurrence.progress = progress
    occurrence.status = status
    occurrence.version += 1
    occurrence.save(update_fields=["progress", "status", "done_on", "version"])


def _is_periodic(deadline: Deadline) -> bool:
    return deadline.kind == DeadlineKind.RECURRING and deadline.recurrence != Recurrence.CONTINUOUS
