"""Plans, their sections and tasks, progress with evidence, reminders and calendar feeds.

A plan (kế hoạch, chương trình công tác, công văn hướng dẫn) is issued by a unit;
its tasks are given to a lead agency with partners and a deadline of one of
the shapes in :mod:`gemis.vn.deadlines`. A district or department builds its
own plan from the province's by *cascade*: the tasks addressed to it become
tasks of its draft plan, linked to the parent task, whose progress rolls up.
"""

from __future__ import annotations

import contextvars
import secrets
import uuid
from collections.abc import Iterator
from contextlib import contextmanager, nullcontext
from pathlib import PurePosixPath
from typing import Any

from django.conf import settings
from django.db import models
from django.db.models.signals import pre_delete
from django.dispatch import receiver
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords
from simple_history.signals import post_create_historical_record, pre_create_historical_record

from gemis.core.versioning import VersionedModel
from gemis.legal.models import LegalDocument
from gemis.orgs.models import Agency, OrgUnit, Role
from gemis.vn.text import fold


class DeletionBatch(models.Model):
    """A column of every historical row: the rows deleted together share it (see :func:`deleting`).

    The trash restores a plan with exactly the sections, tasks, progress and evidence that went
    with it, not with rows deleted on their own before or after.
    """

    history_batch = models.UUIDField(null=True, blank=True, editable=False, db_index=True)

    class Meta:
        abstract = True


# Who writes, issues and deletes a plan in its unit and the units below (orgs/access.py).
PLAN_WRITERS = {
    "change": {Role.ADMIN, Role.COORDINATOR, Role.LEADER},
    "approve": {Role.ADMIN, Role.COORDINATOR, Role.LEADER},
}


class PlanKind(models.TextChoices):
    PLAN = "plan", _("Plan")
    WORK_PROGRAMME = "work_programme", _("Work programme")
    GUIDANCE_LETTER = "guidance_letter", _("Guidance letter")
    STRATEGY = "strategy", _("Strategy or multi-year plan")


class PlanStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    ISSUED = "issued", _("Issued")
    CLOSED = "closed", _("Closed")


class Plan(VersionedModel):
    kind = models.CharField(_("kind"), max_length=20, choices=PlanKind.choices, default=PlanKind.PLAN)
    number = models.CharField(
        _("number and symbol"), max_length=80, blank=True, help_text=_("e.g. 1889/KH-UBND")
    )
    org_unit = models.ForeignKey(
        OrgUnit, verbose_name=_("issuing unit"), on_delete=models.PROTECT, related_name="plans"
    )
    issuing_agency = models.ForeignKey(
        Agency,
        verbose_name=_("issuing agency"),
        on_delete=models.PROTECT,
        related_name="issued_plans",
        null=True,
        blank=True,
    )
    signer = models.CharField(_("signer"), max_length=150, blank=True)
    signer_title = models.CharField(
        _("signer's title"), max_length=150, blank=True, help_text=_("e.g. KT. CHỦ TỊCH / PHÓ CHỦ TỊCH")
    )
    place = models.CharField(
        _("place"), max_length=100, blank=True, help_text=_("For the place-and-date line.")
    )
    issue_date = models.DateField(_("issue date"), null=True, blank=True)
    period_start = models.PositiveSmallIntegerField(_("first year covered"))
    period_end = models.PositiveSmallIntegerField(_("last year covered"))
    subject = models.TextField(_("subject"))
    status = models.CharField(
        _("status"), max_length=10, choices=PlanStatus.choices, default=PlanStatus.DRAFT
    )
    budget = models.TextField(_("budget"), blank=True, help_text=_("The funding part of the plan."))
    legal_bases = models.ManyToManyField(
        LegalDocument, verbose_name=_("legal bases"), blank=True, related_name="cited_by_plans"
    )
    parent_plan = models.ForeignKey(
        "self",
        verbose_name=_("built from"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="cascaded_plans",
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    issued_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    issued_at = models.DateTimeField(null=True, blank=True)
    history = HistoricalRecords(bases=[DeletionBatch], m2m_fields=["legal_bases"])

    ACCESS_UNIT_FIELD = "org_unit"
    # The issuing agency's members read the plan; writing, issuing and deleting it belong to the unit's
    # coordinators, administrators and leaders (see orgs/access.py), not to a focal point of that agency.
    ACCESS_VIEW_AGENCY_FIELDS = ("issuing_agency",)
    ACCESS_SUBTREE_ROLES = PLAN_WRITERS
    # Issued plans are read by the units below, which carry them out and cascade them.
    ACCESS_PUBLISHED_DOWN = ("status", ("issued", "closed"))

    class Meta:
        verbose_name = _("plan")
        verbose_name_plural = _("plans")
        ordering = ["-period_start", "-issue_date", "-created_at"]
        indexes = [models.Index(fields=["org_unit", "status", "period_start"])]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(period_end__gte=models.F("period_start")), name="plan_period_ordered"
            ),
        ]

    def __str__(self) -> str:
        label = f"{self.get_kind_display()} {self.number}".strip() if self.number else self.get_kind_display()
        return f"{label}: {self.subject[:80]}"

    @property
    def period_label(self) -> str:
        if self.period_start == self.period_end:
            return str(self.period_start)
        return f"{self.period_start}–{self.period_end}"

    @property
    def is_draft(self) -> bool:
        return self.status == PlanStatus.DRAFT


class PlanSection(VersionedModel):
    """A numbered part of a plan (I., 1., a), -) with its text; sections nest."""

    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="sections")
    parent = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.CASCADE, related_name="children"
    )
    number = models.CharField(_("numbering"), max_length=20, blank=True, help_text=_("I, 1, a, -"))
    title = models.CharField(_("title"), max_length=500, blank=True)
    body = models.TextField(_("text"), blank=True)
    order = models.PositiveIntegerField(_("order"), default=0)
    history = HistoricalRecords(bases=[DeletionBatch])

    ACCESS_UNIT_FIELD = "plan__org_unit"
    ACCESS_VIEW_AGENCY_FIELDS = ("plan__issuing_agency",)
    ACCESS_SUBTREE_ROLES = PLAN_WRITERS
    ACCESS_PUBLISHED_DOWN = ("plan__status", ("issued", "closed"))

    class Meta:
        verbose_name = _("plan section")
        verbose_name_plural = _("plan sections")
        ordering = ["plan", "order", "pk"]

    def __str__(self) -> str:
        return f"{self.number}. {self.title}".strip(". ")


class TaskStatus(models.TextChoices):
    NOT_STARTED = "not_started", _("Not started")
    IN_PROGRESS = "in_progress", _("In progress")
    DONE = "done", _("Done")
    CANCELLED = "cancelled", _("Cancelled")


# "Quá hạn" is not stored: a task is overdue when it is open and its due date has passed,
# which changes with the calendar, not with an edit (see plans/task_rules.py).
OPEN_STATUSES = (TaskStatus.NOT_STARTED, TaskStatus.IN_PROGRESS)


class Task(VersionedModel):
    plan = models.ForeignKey(Plan, verbose_name=_("plan"), on_delete=models.CASCADE, related_name="tasks")
    section = models.ForeignKey(
        PlanSection,
        verbose_name=_("section"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="tasks",
    )
    order = models.PositiveIntegerField(_("order"), default=0)
    text = models.TextField(_("task"))
    # The text folded to accent-free lower case (core.text.fold), kept in step on save: people
    # search "bao luc" for "bạo lực", and databases cannot fold Vietnamese diacritics themselves.
    search_text = models.TextField(editable=False, blank=True, default="")
    lead_agency = models.ForeignKey(
        Agency,
        verbose_name=_("lead agency"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="led_tasks",
    )
    partners = models.ManyToManyField(
        Agency, verbose_name=_("partner agencies"), blank=True, related_name="partner_tasks"
    )
    addressed_units = models.ManyToManyField(
        OrgUnit,
        verbose_name=_("addressed units"),
        blank=True,
        related_name="addressed_tasks",
        help_text=_(
            "Units asked to carry the task out themselves (UBND các huyện…); cascade copies it to them."
        ),
    )
    addressed_text = models.CharField(_("addressed to (as written)"), max_length=300, blank=True)
    deadline = models.JSONField(_("deadline"), default=dict, blank=True)
    deadline_text = models.CharField(_("deadline (as written)"), max_length=300, blank=True)
    due_date = models.DateField(_("next due date"), null=True, blank=True, db_index=True, editable=False)
    status = models.CharField(
        _("status"), max_length=12, choices=TaskStatus.choices, default=TaskStatus.NOT_STARTED
    )
    progress = models.PositiveSmallIntegerField(_("progress (%)"), default=0)
    last_done_on = models.DateField(null=True, blank=True, editable=False)
    parent_task = models.ForeignKey(
        "self",
        verbose_name=_("parent task"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="child_tasks",
    )
    # A unit's share of a task addressed to it ("UBND các xã, phường"), handed down when the plan is
    # issued (plans/handdown.py): a task of the same plan, child of the addressed task, carried out and
    # reported by that unit. Not part of the plan's document.
    assigned_unit = models.ForeignKey(
        OrgUnit,
        verbose_name=_("unit carrying out its share"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="assigned_tasks",
        editable=False,
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    history = HistoricalRecords(bases=[DeletionBatch], m2m_fields=["partners", "addressed_units"])

    ACCESS_UNIT_FIELD = "plan__org_unit"
    ACCESS_AGENCY_FIELD = "lead_agency"
    ACCESS_VIEW_AGENCY_FIELDS = ("lead_agency", "partners")
    ACCESS_PUBLISHED_DOWN = ("plan__status", ("issued", "closed"))
    # A share is acted on by the unit it was handed to, as if it were that unit's row.
    ACCESS_ASSIGNED_UNIT_FIELD = "assigned_unit"

    class Meta:
        verbose_name = _("task")
        verbose_name_plural = _("tasks")
        ordering = ["plan", "order", "pk"]
        indexes = [
            models.Index(fields=["status", "due_date"]),
            models.Index(fields=["lead_agency", "status", "due_date"]),
        ]
        constraints = [
            models.CheckConstraint(condition=models.Q(progress__lte=100), name="task_progress_at_most_100"),
            # One share per unit and task, however often the hand-down runs.
            models.UniqueConstraint(
                fields=["parent_task", "assigned_unit"],
                condition=models.Q(assigned_unit__isnull=False),
                name="task_one_share_per_unit",
            ),
        ]

    def __str__(self) -> str:
        return self.text[:100]

    @property
    def is_share(self) -> bool:
        return self.assigned_unit_id is not None

    def save(self, *args, **kwargs) -> None:
        self.search_text = fold(self.text)
        update_fields = kwargs.get("update_fields")
        if update_fields is not None and "text" in update_fields:
            kwargs["update_fields"] = {*update_fields, "search_text"}
        super().save(*args, **kwargs)


class TaskOccurrence(VersionedModel):
    """One period of a recurring task ("hằng tháng": Tháng 1/2026 … Tháng 12/2027), with its own due
    date, progress and status; only a missed occurrence makes the task overdue (plans/occurrences.py)."""

    task = models.ForeignKey(Task, on_delete=models.CASCADE, related_name="occurrences")
    due_date = models.DateField(_("due date"))
    status = models.CharField(
        _("status"), max_length=12, choices=TaskStatus.choices, default=TaskStatus.NOT_STARTED
    )
    progress = models.PositiveSmallIntegerField(_("progress (%)"), default=0)
    done_on = models.DateField(_("done on"), null=True, blank=True)

    ACCESS_UNIT_FIELD = "task__plan__org_unit"
    ACCESS_AGENCY_FIELD = "task__lead_agency"
    ACCESS_VIEW_AGENCY_FIELDS = ("task__lead_agency", "task__partners")
    ACCESS_PUBLISHED_DOWN = ("task__plan__status", ("issued", "closed"))
    ACCESS_ASSIGNED_UNIT_FIELD = "task__assigned_unit"

    class Meta:
        verbose_name = _("occurrence")
        verbose_name_plural = _("occurrences")
        ordering = ["task", "due_date"]
        constraints = [
            models.UniqueConstraint(fields=["task", "due_date"], name="occurrence_unique_due_date"),
            models.CheckConstraint(
                condition=models.Q(progress__lte=100), name="occurrence_progress_at_most_100"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.task_id} {self.due_date}"

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_STATUSES


class ReportObligation(VersionedModel):
    """A periodic report the plan asks for ("Báo cáo sơ kết 6 tháng gửi trước ngày 15/5")."""

    plan = models.ForeignKey(Plan, verbose_name=_("plan"), on_delete=models.CASCADE, related_name="reports")
    order = models.PositiveIntegerField(_("order"), default=0)
    name = models.CharField(_("report"), max_length=300)
    due_date = models.DateField(_("due date"), null=True, blank=True)
    due_text = models.CharField(_("deadline (as written)"), max_length=300, blank=True)
    recipient = models.CharField(_("sent to (as written)"), max_length=300, blank=True)
    recipient_agency = models.ForeignKey(
        Agency,
        verbose_name=_("sent to"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    history = HistoricalRecords(bases=[DeletionBatch])

    ACCESS_UNIT_FIELD = "plan__org_unit"
    ACCESS_PUBLISHED_DOWN = ("plan__status", ("issued", "closed"))

    class Meta:
        verbose_name = _("report obligation")
        verbose_name_plural = _("report obligations")
        ordering = ["plan", "order", "pk"]

    def __str__(self) -> str:
        return self.name


def evidence_path(instance: Attachment, filename: str) -> str:
    """Random stored name; the original name is kept in the row, never used on disk."""
    suffix = PurePosixPath(filename).suffix.lower()[:10]
    return f"evidence/{timezone.now():%Y/%m}/{uuid.uuid4().hex}{suffix}"


class ProgressUpdate(models.Model):
    """What was done, by whom, when; the history of a task stays as these rows."""

    task = models.ForeignKey(Task, on_delete=models.CASCADE, related_name="updates")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    agency = models.ForeignKey(Agency, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(default=timezone.now, db_index=True)
    note = models.TextField(_("what was done"))
    progress = models.PositiveSmallIntegerField(_("progress (%)"))
    status = models.CharField(_("status"), max_length=12, choices=TaskStatus.choices)
    # The period a recurring task's update is for (None: the task as a whole).
    occurrence = models.ForeignKey(
        TaskOccurrence, null=True, blank=True, on_delete=models.SET_NULL, related_name="updates"
    )
    history = HistoricalRecords(bases=[DeletionBatch])

    ACCESS_UNIT_FIELD = "task__plan__org_unit"
    ACCESS_AGENCY_FIELD = "task__lead_agency"

    class Meta:
        verbose_name = _("progress update")
        verbose_name_plural = _("progress updates")
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.task_id} {self.progress}%"


class Attachment(models.Model):
    update = models.ForeignKey(ProgressUpdate, on_delete=models.CASCADE, related_name="attachments")
    file = models.FileField(upload_to=evidence_path, max_length=255)
    original_name = models.CharField(max_length=255)
    content_type = models.CharField(max_length=120)
    size = models.PositiveBigIntegerField()
    sha256 = models.CharField(max_length=64)
    created_at = models.DateTimeField(auto_now_add=True)
    # The file stays on disk when the row is deleted, so that the trash can bring it back;
    # only `gemis purge-trash` removes it, after the retention period.
    history = HistoricalRecords(bases=[DeletionBatch])

    ACCESS_UNIT_FIELD = "update__task__plan__org_unit"
    ACCESS_AGENCY_FIELD = "update__task__lead_agency"
    # Read by the task's unit and those above and by its lead and partners, not by the units below.
    ACCESS_VIEW_AGENCY_FIELDS = ("update__task__lead_agency", "update__task__partners")

    class Meta:
        verbose_name = _("attachment")
        verbose_name_plural = _("attachments")

    def __str__(self) -> str:
        return self.original_name


class Notification(models.Model):
    """In-app notice; ``key`` makes sending idempotent (one digest per person per day)."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notifications")
    key = models.CharField(max_length=120)
    title = models.CharField(max_length=255)
    body = models.TextField(blank=True)
    url = models.CharField(max_length=255, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    emailed_at = models.DateTimeField(null=True, blank=True)
    read_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        constraints = [models.UniqueConstraint(fields=["user", "key"], name="notification_unique_key")]
        indexes = [models.Index(fields=["key"])]  # the daily "already sent?" check filters by key alone

    def __str__(self) -> str:
        return self.title


def new_feed_token() -> str:
    return secrets.token_urlsafe(24)


class CalendarFeed(models.Model):
    """A subscribable iCalendar address; the token is the only credential, so it can be revoked."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="calendar_feeds"
    )
    agency = models.ForeignKey(Agency, null=True, blank=True, on_delete=models.CASCADE, related_name="+")
    token = models.CharField(max_length=64, unique=True, default=new_feed_token)
    created_at = models.DateTimeField(auto_now_add=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.user} {self.agency or ''}".strip()


# -- deletions: one batch per deletion, and the many-to-many links as they were ----------------------------

_deletion_batch: contextvars.ContextVar[uuid.UUID | None] = contextvars.ContextVar(
    "gemis_deletion_batch", default=None
)


@contextmanager
def recorded_as(user: Any) -> Iterator[None]:
    """Name ``user`` in the history rows written inside the block that name nobody.

    The request middleware names the signed-in person; background jobs, commands and
    the shell have no request, so they say who acts with this.
    """
    previous = getattr(HistoricalRecords.context, "acting_user", None)
    HistoricalRecords.context.acting_user = user
    try:
        yield
    finally:
        HistoricalRecords.context.acting_user = previous


@contextmanager
def deleting(user: Any = None) -> Iterator[uuid.UUID]:
    """Mark every row deleted inside the block as one batch (a plan with its tasks, progress…).

    Outside a request ``user`` names who deleted (the request middleware cannot tell).
    """
    batch = uuid.uuid4()
    token = _deletion_batch.set(batch)
    try:
        with recorded_as(user) if user is not None else nullcontext():
            yield batch
    finally:
        _deletion_batch.reset(token)


def _current_batch() -> uuid.UUID | None:
    batch = _deletion_batch.get()
    if batch is not None:
        return batch
    # A deletion in a request without `deleting()` (the admin site): one batch per request.
    request = getattr(HistoricalRecords.context, "request", None)
    if request is None:
        return None
    if not hasattr(request, "_gemis_deletion_batch"):
        request._gemis_deletion_batch = uuid.uuid4()
    return request._gemis_deletion_batch


@receiver(pre_create_historical_record, dispatch_uid="plans_history_batch")
def _fill_history(sender: type, instance: Any, history_instance: Any, **kwargs: Any) -> None:
    """Who acted when no request says so, and the deletion batch."""
    if not hasattr(history_instance, "history_batch"):
        return  # another app's history
    if history_instance.history_user_id is None:
        user = getattr(HistoricalRecords.context, "acting_user", None)
        # The author wrote the row, but did not necessarily delete it: deletions name only who is known.
        if user is None and history_instance.history_type == "-":
            user_id = None
        elif user is None and isinstance(instance, ProgressUpdate):
            user_id = instance.author_id  # a progress update recorded outside a request (API, job)
        elif user is None and isinstance(instance, Attachment):
            user_id = (
                ProgressUpdate.objects.filter(pk=instance.update_id)
                .values_list("author_id", flat=True)
                .first()
            )
        else:
            user_id = getattr(user, "pk", None)
        history_instance.history_user_id = user_id
    if history_instance.history_type == "-":
        history_instance.history_batch = _current_batch()


@receiver(pre_delete, dispatch_uid="plans_links_before_delete")
def _remember_links(sender: type, instance: Any, **kwargs: Any) -> None:
    """The links go before the row does; keep them so that the deletion's history row lists them."""
    if sender not in (Plan, Task):
        return
    instance._gemis_links = {
        name: list(getattr(instance, name).through.objects.filter(**{sender._meta.model_name: instance}))
        for name in _M2M_FIELDS[sender]
    }


_M2M_FIELDS: dict[type, tuple[str, ...]] = {Plan: ("legal_bases",), Task: ("partners", "addressed_units")}


@receiver(post_create_historical_record, dispatch_uid="plans_links_of_deletion")
def _record_links_of_deletion(sender: type, instance: Any, history_instance: Any, **kwargs: Any) -> None:
    links = getattr(instance, "_gemis_links", None)
    if history_instance.history_type != "-" or not links:
        return
    for field in history_instance._history_m2m_fields:
        rows = links.get(field.name, [])
        m2m_model = HistoricalRecords.m2m_models[field]
        names = [f.attname for f in rows[0]._meta.fields] if rows else []  # ids: the row is gone
        m2m_model.objects.bulk_create(
            [m2m_model(history=history_instance, **{n: getattr(row, n) for n in names}) for row in rows]
        )
