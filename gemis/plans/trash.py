"""Deleting and restoring plans, tasks, progress and evidence: the trash (Thùng rác).

Nothing a person deletes is lost at once. Every deletion leaves a history row
(django-simple-history) with who and when; the rows deleted together share a
*batch* (:func:`gemis.plans.models.deleting`), so that restoring a plan brings
back exactly the sections, tasks, progress updates and evidence that went with
it. Evidence files stay on disk until ``gemis purge-trash`` removes those whose
rows have been in the trash longer than ``GEMIS_TRASH_RETENTION_DAYS``.

Who sees the trash: administrators and coordinators, for the units in their
remit (the deleted row's unit is read from its history, since the row is gone).
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.storage import default_storage
from django.db import IntegrityError, models, transaction
from django.db.models import Exists, OuterRef
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _
from simple_history.models import HistoricalRecords

from gemis.orgs import access
from gemis.orgs.models import OrgUnit, User
from gemis.plans import permissions, task_rules
from gemis.plans.models import (
    Attachment,
    Plan,
    PlanSection,
    ProgressUpdate,
    ReportObligation,
    Task,
    deleting,
)

RESTORED_REASON = "restored from the trash"
MOVED_REASON = "moved: its section was deleted"
# Rows of one deletion made outside `deleting()` and outside a request have no batch; those
# deleted by the same person within this many seconds are taken as one deletion.
UNBATCHED_WINDOW = dt.timedelta(seconds=60)


class Kind:
    PLAN = "plan"
    TASK = "task"
    PROGRESS = "progress"
    EVIDENCE = "evidence"


KINDS = (Kind.PLAN, Kind.TASK, Kind.PROGRESS, Kind.EVIDENCE)
_MODELS: dict[str, type[models.Model]] = {
    Kind.PLAN: Plan,
    Kind.TASK: Task,
    Kind.PROGRESS: ProgressUpdate,
    Kind.EVIDENCE: Attachment,
}
# What each kind hangs from (the parent must be live before it can come back).
_PARENT_FIELD = {Kind.TASK: "plan_id", Kind.PROGRESS: "task_id", Kind.EVIDENCE: "update_id"}
_PARENT_KIND = {Kind.TASK: Kind.PLAN, Kind.PROGRESS: Kind.TASK, Kind.EVIDENCE: Kind.PROGRESS}


class RestoreRefused(ValidationError):
    """The row cannot come back as asked; the message says why and what to do."""


def retention_days() -> int:
    return int(getattr(settings, "GEMIS_TRASH_RETENTION_DAYS", 90))


def _cutoff() -> dt.datetime:
    return timezone.now() - dt.timedelta(days=retention_days())


# -- deleting ----------------------------------------------------------------------------------------------


def delete_plan(plan: Plan, *, user: User) -> uuid.UUID:
    """Delete a plan with its sections, tasks, progress and evidence, as one batch in the trash."""
    with transaction.atomic(), deleting(user) as batch:
        parents = [t.parent_task for t in plan.tasks.select_related("parent_task") if t.parent_task]
        plan.delete()
        for parent in parents:
            task_rules.roll_up(parent)
    return batch


def delete_task(task: Task, *, user: User) -> uuid.UUID:
    """Delete a task with its progress and evidence, as one batch in the trash."""
    with transaction.atomic(), deleting(user) as batch:
        parent = task.parent_task
        task.delete()
        task_rules.roll_up(parent)
    return batch


def delete_section(section: PlanSection, *, user: User) -> int:
    """Delete an empty-of-subsections section; its tasks move up to the enclosing section.

    Each moved task gets a history row (a queryset update would leave none), written in bulk
    so that a section of hundreds of tasks stays quick. Returns how many tasks moved.
    """
    with transaction.atomic(), deleting(user):
        moved = list(section.tasks.select_for_update())
        for task in moved:
            task.section_id = section.parent_id
            task.version += 1
        save_with_history(moved, ["section", "version"], user=user, reason=MOVED_REASON)
        section.delete()
    return len(moved)


def save_with_history(tasks: list[Task], fields: list[str], *, user: User | None, reason: str) -> None:
    """``bulk_update`` plus one history row per task, with its partners and addressed units."""
    if not tasks:
        return
    when = timezone.now()
    for task in tasks:
        task.updated_at = when
    Task.objects.bulk_update(tasks, [*fields, "updated_at"], batch_size=500)
    Task.history.bulk_history_create(
        tasks, update=True, default_user=user, default_change_reason=reason, default_date=when
    )
    # bulk_history_create leaves out the many-to-many snapshot: add it, in two queries a link.
    ids = [t.pk for t in tasks]
    rows = {r.id: r for r in Task.history.filter(id__in=ids, history_date=when)}
    for name in ("partners", "addressed_units"):
        field_ = Task._meta.get_field(name)
        through = field_.remote_field.through
        m2m_model = HistoricalRecords.m2m_models[field_]
        target = field_.m2m_reverse_field_name()
        links = through.objects.filter(task_id__in=ids).values_list("id", "task_id", f"{target}_id")
        m2m_model.objects.bulk_create(
            [
                m2m_model(history=rows[task_id], id=link_id, task_id=task_id, **{f"{target}_id": other})
                for link_id, task_id, other in links
                if task_id in rows
            ],
            batch_size=1000,
        )


# -- what is in the trash -------------------------------------------------------------------------------


@dataclass(frozen=True)
class DeletedItem:
    """One deleted plan, task, progress update or evidence file, as the trash lists it."""

    kind: str
    pk: int
    label: str
    unit: OrgUnit | None
    context: str  # the plan (or task) it belonged to
    deleted_at: dt.datetime
    deleted_by: User | None
    contents: dict[str, int] = field(default_factory=dict)  # children deleted with it, by kind
    parent_deleted: bool = False  # its plan/task/update is itself in the trash: restore that first


def _deleted_rows(model: type[models.Model], since: dt.datetime | None = None, **lookup: Any):
    """Historical rows of deletions not undone since: the latest row of that id, with the id gone."""
    history = model.history.model
    later = history.objects.filter(id=OuterRef("id"), history_id__gt=OuterRef("history_id"))
    rows = (
        history.objects.filter(history_type="-", **lookup)
        .exclude(id__in=model._default_manager.values("pk"))
        .exclude(Exists(later))
    )
    if since is not None:
        rows = rows.filter(history_date__gte=since)
    return rows


class _Tree:
    """Finds, for deleted rows, their plan and unit, live or from history (cached per call)."""

    def __init__(self) -> None:
        self._last: dict[tuple[type, int], Any] = {}

    def row(self, model: type[models.Model], pk: int | None) -> Any:
        """The live row, or the latest historical row, or None."""
        if pk is None:
            return None
        key = (model, pk)
        if key not in self._last:
            live = model._default_manager.filter(pk=pk).first()
            if live is None and hasattr(model, "history"):
                live = model.history.filter(id=pk).order_by("-history_id").first()
            self._last[key] = live
        return self._last[key]

    def is_live(self, model: type[models.Model], pk: int | None) -> bool:
        found = self.row(model, pk)
        return found is not None and isinstance(found, model)

    def plan_of(self, kind: str, row: Any) -> Any:
        if kind == Kind.PLAN:
            return row
        if kind == Kind.TASK:
            return self.row(Plan, row.plan_id)
        if kind == Kind.PROGRESS:
            task = self.row(Task, row.task_id)
            return task and self.row(Plan, task.plan_id)
        update = self.row(ProgressUpdate, row.update_id)
        task = update and self.row(Task, update.task_id)
        return task and self.row(Plan, task.plan_id)

    def unit_of(self, kind: str, row: Any) -> OrgUnit | None:
        plan = self.plan_of(kind, row)
        return self.row(OrgUnit, plan.org_unit_id) if plan is not None else None


def _same_deletion(root: Any, row: Any) -> bool:
    if root.history_batch is not None:
        return row.history_batch == root.history_batch
    return (
        row.history_batch is None
        and row.history_user_id == root.history_user_id
        and abs(row.history_date - root.history_date) <= UNBATCHED_WINDOW
    )


def _label(kind: str, row: Any) -> str:
    if kind == Kind.PLAN:
        return str(row.instance)
    if kind == Kind.TASK:
        return row.text[:200]
    if kind == Kind.PROGRESS:
        return f"{row.progress}% — {row.note[:160]}"
    return row.original_name


def _context(kind: str, row: Any, tree: _Tree) -> str:
    if kind == Kind.PLAN:
        return ""
    if kind == Kind.EVIDENCE:
        update = tree.row(ProgressUpdate, row.update_id)
        task = update and tree.row(Task, update.task_id)
        return task.text[:120] if task else ""
    if kind == Kind.PROGRESS:
        task = tree.row(Task, row.task_id)
        return task.text[:120] if task else ""
    plan = tree.plan_of(kind, row)
    return str(plan.instance if not isinstance(plan, Plan) else plan) if plan else ""


def list_deleted(user: Any, *, kind: str | None = None, limit: int = 200) -> list[DeletedItem]:
    """What the user may restore, newest deletion first (rows past the retention period are gone)."""
    if not permissions.may_use_trash(user):
        return []
    tree = _Tree()
    since = _cutoff()
    items: list[DeletedItem] = []
    for item_kind in [kind] if kind else KINDS:
        model = _MODELS[item_kind]
        for row in (
            _deleted_rows(model, since).select_related("history_user").order_by("-history_date")[: limit * 4]
        ):
            parent_field = _PARENT_FIELD.get(item_kind)
            parent_deleted = False
            if parent_field:
                parent_model = _MODELS[_PARENT_KIND[item_kind]]
                parent = tree.row(parent_model, getattr(row, parent_field))
                if parent is not None and not isinstance(parent, parent_model):
                    # Deleted with its parent: it is listed (and restored) as part of the parent.
                    if parent.history_type == "-" and _same_deletion(parent, row):
                        continue
                    parent_deleted = True
            unit = tree.unit_of(item_kind, row)
            if not permissions.trash_covers(user, unit):
                continue
            items.append(
                DeletedItem(
                    kind=item_kind,
                    pk=row.id,
                    label=_label(item_kind, row),
                    unit=unit,
                    context=_context(item_kind, row, tree),
                    deleted_at=row.history_date,
                    deleted_by=row.history_user,
                    contents={k: len(v) for k, v in _batch_children(item_kind, row).items() if v},
                    parent_deleted=parent_deleted,
                )
            )
    items.sort(key=lambda item: item.deleted_at, reverse=True)
    return items[:limit]


def _batch_children(kind: str, root: Any) -> dict[str, list[Any]]:
    """The historical rows deleted together with ``root``, by kind (sections and reports too).

    Taken by batch even if a row of the same id exists again since: restoring then refuses
    clearly rather than leaving that row behind.
    """
    found: dict[str, list[Any]] = {
        "section": [],
        "report": [],
        Kind.TASK: [],
        Kind.PROGRESS: [],
        Kind.EVIDENCE: [],
    }

    def same(model: type[models.Model], **lookup: Any) -> list[Any]:
        if root.history_batch is not None:
            rows = model.history.filter(history_type="-", history_batch=root.history_batch, **lookup)
            return list(rows.order_by("history_id"))
        return [r for r in _deleted_rows(model, **lookup).order_by("history_id") if _same_deletion(root, r)]

    if kind == Kind.PLAN:
        found["section"] = same(PlanSection, plan_id=root.id)
        found["report"] = same(ReportObligation, plan_id=root.id)
        found[Kind.TASK] = same(Task, plan_id=root.id)
    task_ids = [r.id for r in found[Kind.TASK]] or ([root.id] if kind == Kind.TASK else [])
    if task_ids:
        found[Kind.PROGRESS] = same(ProgressUpdate, task_id__in=task_ids)
    update_ids = [r.id for r in found[Kind.PROGRESS]] or ([root.id] if kind == Kind.PROGRESS else [])
    if update_ids:
        found[Kind.EVIDENCE] = same(Attachment, update_id__in=update_ids)
    return found


# -- restoring ---------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Restored:
    """What came back: counts by kind ("plan", "section", "report", "task", "progress", "evidence")."""

    kind: str
    pk: int
    counts: dict[str, int]


def _deleted_root(user: Any, kind: str, pk: int) -> Any:
    """The deletion's historical row, or 404 when there is none or it lies outside the user's remit."""
    if kind not in _MODELS or access.id_param(pk) is None:  # 20 digits would be a database error
        raise Http404
    row = _deleted_rows(_MODELS[kind], id=pk).first()
    if row is None or not permissions.may_use_trash(user):
        raise Http404
    if not permissions.trash_covers(user, _Tree().unit_of(kind, row)):
        raise Http404
    return row


def restore(kind: str, pk: int, *, user: User) -> Restored:
    """Bring a deleted row back with everything deleted with it, and its files; all or nothing.

    Refused (:class:`RestoreRefused`) when its plan, task or update is still in the trash,
    when it has been there longer than the retention period (its files are purged), when a
    file is missing, or when a row with its identity exists again.
    """
    root = _deleted_root(user, kind, pk)
    if root.history_date < _cutoff():
        raise RestoreRefused(
            _(
                "This was deleted more than %(days)d days ago; its files have been removed "
                "and it cannot be restored."
            )
            % {"days": retention_days()}
        )
    parent_field = _PARENT_FIELD.get(kind)
    if parent_field:
        parent_model = _MODELS[_PARENT_KIND[kind]]
        if not parent_model._default_manager.filter(pk=getattr(root, parent_field)).exists():
            raise RestoreRefused(
                _("What this belonged to (%(parent)s) is itself in the trash: restore that first.")
                % {"parent": parent_model._meta.verbose_name}
            )
    children = _batch_children(kind, root)
    evidence = children[Kind.EVIDENCE] + ([root] if kind == Kind.EVIDENCE else [])
    missing = [r.original_name for r in evidence if not default_storage.exists(r.file)]
    if missing:
        raise RestoreRefused(
            _("These files are no longer on the server, so nothing was restored: %(names)s")
            % {"names": ", ".join(missing)}
        )
    counts: dict[str, int] = {}
    with transaction.atomic():
        if kind == Kind.PLAN:
            _insert(root, user, counts, "plan")
            for section in _parents_first(children["section"]):
                _insert(section, user, counts, "section")
            for report in children["report"]:
                _insert(report, user, counts, "report")
        tasks = children[Kind.TASK] + ([root] if kind == Kind.TASK else [])
        restored_tasks = [_insert(task, user, counts, Kind.TASK) for task in tasks]
        for update in children[Kind.PROGRESS] + ([root] if kind == Kind.PROGRESS else []):
            _insert(update, user, counts, Kind.PROGRESS)
        for attachment in evidence:
            _insert(attachment, user, counts, Kind.EVIDENCE)
        if kind == Kind.PLAN:
            _restore_links(root, Plan.objects.get(pk=root.id), user)
        for task_row, task in zip(tasks, restored_tasks, strict=True):
            _restore_links(task_row, task, user)
        for task in restored_tasks:
            task_rules.roll_up(task.parent_task)
    return Restored(kind=kind, pk=pk, counts=counts)


def _parents_first(sections: list[Any]) -> list[Any]:
    ordered: list[Any] = []
    placed: set[int | None] = set()
    pending = list(sections)
    ids = {s.id for s in sections}
    while pending:
        ready = [s for s in pending if s.parent_id not in ids or s.parent_id in placed]
        if not ready:  # a cycle cannot happen in a tree; keep going rather than loop for ever
            ready = pending
        for section in ready:
            ordered.append(section)
            placed.add(section.id)
        pending = [s for s in pending if s not in ready]
    return ordered


# Links to rows that may have gone in the meantime are dropped rather than refused: the task
# comes back under the plan's top level instead of a section deleted since, without a parent task…
_OPTIONAL_LINKS: dict[type, tuple[tuple[str, type], ...]] = {
    Plan: (("parent_plan_id", Plan),),
    PlanSection: (("parent_id", PlanSection),),
    Task: (("section_id", PlanSection), ("parent_task_id", Task)),
    ReportObligation: (),
    ProgressUpdate: (),
    Attachment: (),
}
_CREATED_AT = {Plan: "created_at", Task: "created_at", Attachment: "created_at"}


def _insert(row: Any, user: User, counts: dict[str, int], name: str) -> Any:
    instance = row.instance
    model = type(instance)
    for attname, target in _OPTIONAL_LINKS[model]:
        value = getattr(instance, attname)
        if value is not None and not target._default_manager.filter(pk=value).exists():
            setattr(instance, attname, None)
    if hasattr(instance, "version"):
        instance.version = (instance.version or 0) + 1
    instance._history_user = user
    instance._change_reason = RESTORED_REASON
    if model._default_manager.filter(pk=instance.pk).exists():
        raise RestoreRefused(
            _("A %(what)s with the same identity (no. %(pk)d) exists again; nothing was restored.")
            % {"what": model._meta.verbose_name, "pk": instance.pk}
        )
    try:
        with transaction.atomic():
            instance.save(force_insert=True)
    except IntegrityError as exc:
        raise RestoreRefused(
            _(
                "The %(what)s no. %(pk)d conflicts with data entered since it was deleted; "
                "nothing was restored."
            )
            % {"what": model._meta.verbose_name, "pk": instance.pk}
        ) from exc
    created_field = _CREATED_AT.get(model)
    if created_field:  # auto_now_add stamped it anew: it was created when it was created
        model._default_manager.filter(pk=instance.pk).update(**{created_field: getattr(row, created_field)})
        setattr(instance, created_field, getattr(row, created_field))
    counts[name] = counts.get(name, 0) + 1
    return instance


def _restore_links(row: Any, instance: Any, user: User) -> None:
    """The many-to-many links as the deletion's history row recorded them (still existing targets)."""
    for field_ in row._history_m2m_fields:
        m2m_model = HistoricalRecords.m2m_models[field_]
        target = field_.m2m_reverse_field_name()
        ids = list(m2m_model.objects.filter(history=row).values_list(f"{target}_id", flat=True))
        existing = list(field_.related_model._default_manager.filter(pk__in=ids).values_list("pk", flat=True))
        if existing:
            instance._history_user = user
            instance._change_reason = RESTORED_REASON
            getattr(instance, field_.name).set(existing)


# -- purging ---------------------------------------------------------------------------------------------


def purge_files(*, now: dt.datetime | None = None, dry_run: bool = False) -> list[str]:
    """Remove the evidence files whose rows have been in the trash past the retention period.

    Also removes files under ``evidence/`` that no row, live or within retention, names and
    that are older than the retention period (left by deletions before the trash existed).
    Returns the names removed. This is the only code that deletes evidence files.
    """
    now = now or timezone.now()
    cutoff = now - dt.timedelta(days=retention_days())
    live = set(Attachment.objects.values_list("file", flat=True))
    history = Attachment.history.model
    recent = set(
        history.objects.filter(history_date__gte=cutoff).values_list("file", flat=True)
    )  # deleted within retention (or changed): still restorable
    expired = set(_deleted_rows(Attachment).filter(history_date__lt=cutoff).values_list("file", flat=True))
    removed: list[str] = []
    for name in sorted(expired - live - recent):
        if default_storage.exists(name):
            removed.append(name)
            if not dry_run:
                default_storage.delete(name)
    for name in _stored_evidence():
        if name in live or name in recent or name in removed:
            continue
        try:
            modified = default_storage.get_modified_time(name)
        except (OSError, NotImplementedError):
            continue
        if modified < cutoff:
            removed.append(name)
            if not dry_run:
                default_storage.delete(name)
    return removed


def _stored_evidence(folder: str = "evidence") -> Iterable[str]:
    try:
        folders, files = default_storage.listdir(folder)
    except (FileNotFoundError, NotImplementedError):
        return
    for name in files:
        yield f"{folder}/{name}"
    for sub in folders:
        yield from _stored_evidence(f"{folder}/{sub}")
