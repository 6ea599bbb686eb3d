"""What a person does to a plan: issue, close, delete a draft, reorder, cite a legal basis.

Each action is shaped like :func:`gemis.plans.progress.record_progress`: the
object first, the rest keyword-only, an ``expected_version`` where a stale
page could overwrite someone else's change, and one transaction in which the
rule is checked again on the locked row (the page may be minutes old). Rules
broken raise :class:`~django.core.exceptions.ValidationError` with the message
to show; a stale version raises :class:`~gemis.core.versioning.ConflictError`.
Who may act is the view's business (:mod:`gemis.plans.permissions`).

The structure of a plan (sections, tasks, legal bases) changes only while it is
a draft; an issued plan is an official document.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import uuid

from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from gemis.core import jobs
from gemis.core.versioning import ConflictError
from gemis.legal.models import LegalDocument
from gemis.legal.register import record_document
from gemis.orgs.models import User
from gemis.plans import handdown, notify, occurrences, task_rules, trash
from gemis.plans.models import Plan, PlanSection, PlanStatus, Task, TaskStatus
from gemis.vn.deadlines import DeadlineKind
from gemis.vn.text import fold

NOT_DRAFT_MESSAGE = gettext_lazy(
    "This plan has been issued: it can no longer be edited or returned to draft."
)


class PlanNotDraft(ValidationError):
    """The plan is issued or closed: its structure is fixed."""

    def __init__(self, plan: Plan) -> None:
        super().__init__(NOT_DRAFT_MESSAGE, code="not_draft")
        self.plan = plan


def require_draft(plan: Plan) -> None:
    """Refuse (:class:`PlanNotDraft`) unless the plan is still a draft."""
    if not plan.is_draft:
        raise PlanNotDraft(plan)


def _locked(plan: Plan, expected_version: int | None) -> Plan:
    """The plan's row, locked until the transaction ends, at the version the person saw."""
    locked = Plan.objects.select_for_update().get(pk=plan.pk)
    if expected_version is not None and locked.version != expected_version:
        raise ConflictError(locked.version)
    return locked


def _locked_draft(plan: Plan, expected_version: int | None = None) -> Plan:
    locked = _locked(plan, expected_version)
    require_draft(locked)
    return locked


def missing_for_issue(plan: Plan) -> list[str]:
    """What an official document needs before it is issued and the plan lacks."""
    missing = []
    if not plan.number.strip():
        missing.append(str(_("the number and symbol")))
    if plan.issue_date is None:
        missing.append(str(_("the issue date")))
    return missing


#: how a task says, on purpose, that it has no deadline (folded: no accents, lower case)
NO_DEADLINE_WORDS = ("khong co han", "khong thoi han", "khong quy dinh thoi han", "no deadline")


@dataclasses.dataclass(frozen=True)
class IssueCheck:
    """What the person is shown before issuing: what stops it, and what she should know."""

    #: the official document lacks these (number, issue date)
    missing: list[str]
    #: tasks whose deadline was written but could not be read: no due date, no reminder
    unreadable: list[Task]
    #: tasks already overdue on the day of issue
    overdue: list[Task]

    @property
    def blocked(self) -> bool:
        return bool(self.missing or self.unreadable)


def unreadable_deadlines(plan: Plan) -> list[Task]:
    """Tasks with a deadline written ("trước ngày 31/02/2026") that GEMIS could not read, unless the
    words say there is no deadline on purpose ("không có hạn")."""
    found = []
    for task in plan.tasks.exclude(deadline_text="").order_by("order", "pk"):
        kind = (task.deadline or {}).get("kind", DeadlineKind.NONE.value)
        if kind == DeadlineKind.NONE.value and not any(
            w in fold(task.deadline_text) for w in NO_DEADLINE_WORDS
        ):
            found.append(task)
    return found


CLOSED_STATUSES = (TaskStatus.DONE, TaskStatus.CANCELLED)


def check_issue(plan: Plan, today: dt.date | None = None) -> IssueCheck:
    today = today or timezone.localdate()
    overdue = list(
        plan.tasks.filter(due_date__lt=today).exclude(status__in=CLOSED_STATUSES).order_by("due_date")
    )
    return IssueCheck(missing_for_issue(plan), unreadable_deadlines(plan), overdue)


def issue_plan(plan: Plan, *, by: User, expected_version: int | None = None) -> Plan:
    """Issue a draft: its tasks are followed up from now on. Needs the number and the issue date, and
    every deadline written readable (or marked "không có hạn")."""
    with transaction.atomic():
        locked = _locked(plan, expected_version)
        if locked.status != PlanStatus.DRAFT:
            raise ValidationError(_("Only a draft plan can be issued."), code="not_draft")
        missing = missing_for_issue(locked)
        if missing:
            raise ValidationError(
                _("Before issuing, fill in %(missing)s (Edit the plan).")
                % {"missing": _(" and ").join(missing)},
                code="incomplete",
            )
        unreadable = unreadable_deadlines(locked)
        if unreadable:
            raise ValidationError(
                _(
                    "The deadline of %(n)s task(s) could not be read (e.g. “%(text)s”): correct it, or write "
                    "“không có hạn”, before issuing."
                )
                % {"n": len(unreadable), "text": unreadable[0].deadline_text},
                code="unreadable_deadline",
            )
        locked.status = PlanStatus.ISSUED
        locked.issued_by = by
        locked.issued_at = timezone.now()
        locked.save_checked(locked.version)
        start_follow_up(locked)
        notify.plan_issued(locked)
        if handdown.addressed_pairs(locked):
            # Every addressed unit gets its share at once, in the background (96 communes take a while).
            transaction.on_commit(lambda: _start_hand_down(plan, by))
    _refresh(plan, locked)
    return plan


def start_follow_up(plan: Plan) -> None:
    """What issuing fixes: each recurring task's occurrences, and the roll-up of the tasks this plan's
    tasks came from (a unit's issued plan now counts towards the province's task). Also for plans
    made already issued (the demo)."""
    for task in plan.tasks.select_related("plan"):
        deadline = task_rules.deadline_of(task)
        if occurrences.is_recurring(deadline) and occurrences.ensure(task, deadline):
            occurrences.summarise(task, list(occurrences.of(task)))
            task.save(update_fields=["due_date", "progress", "status", "last_done_on"])
    parents = Task.objects.filter(
        pk__in=plan.tasks.filter(parent_task__isnull=False).values("parent_task_id")
    )
    for parent in parents:
        task_rules.roll_up(parent)


def _start_hand_down(plan: Plan, by: User) -> None:
    jobs.start(by, HAND_DOWN_JOB, _("Handing down the tasks of %(plan)s") % {"plan": plan}, {"plan": plan.pk})


HAND_DOWN_JOB = "plans.hand_down"


def close_plan(plan: Plan, *, by: User, expected_version: int | None = None) -> Plan:
    """Close an issued plan: it becomes history, its tasks are no longer followed up."""
    with transaction.atomic():
        locked = _locked(plan, expected_version)
        if locked.status != PlanStatus.ISSUED:
            raise ValidationError(_("Only an issued plan can be closed."), code="not_issued")
        locked.status = PlanStatus.CLOSED
        locked.save_checked(locked.version)
    _refresh(plan, locked)
    return plan


def _refresh(plan: Plan, saved: Plan) -> None:
    for name in ("status", "issued_by_id", "issued_at", "version"):
        setattr(plan, name, getattr(saved, name))


def delete_draft(plan: Plan, *, by: User) -> uuid.UUID:
    """Delete a draft with its sections and tasks into the trash; the tasks it came from roll up again."""
    with transaction.atomic():
        _locked_draft(plan)
        return trash.delete_plan(plan, user=by)


def delete_section(section: PlanSection, *, by: User) -> int:
    """Delete a section without subsections; its tasks move up to the enclosing section. Returns how many."""
    with transaction.atomic():
        _locked_draft(section.plan)
        if section.children.exists():
            raise ValidationError(
                _("This section has subsections: delete or move them first."), code="has_subsections"
            )
        return trash.delete_section(section, user=by)


def delete_task(task: Task, *, by: User) -> uuid.UUID:
    """Delete a task of a draft into the trash; the task it came from rolls up again."""
    with transaction.atomic():
        _locked_draft(task.plan)
        return trash.delete_task(task, user=by)


def next_order(siblings: QuerySet) -> int:
    """The order that puts a new item last among ``siblings``."""
    last = siblings.order_by("-order").values_list("order", flat=True).first()
    return (last or 0) + 1


def _swap(item: models.Model, siblings: QuerySet, direction: str) -> bool:
    """Swap ``item`` with its neighbour among ``siblings``; renumber so orders stay distinct."""
    ordered = list(siblings.select_for_update().order_by("order", "pk"))
    index = next((i for i, other in enumerate(ordered) if other.pk == item.pk), None)
    if index is None or direction not in ("up", "down"):
        return False
    other = index - 1 if direction == "up" else index + 1
    if not 0 <= other < len(ordered):
        return False
    ordered[index], ordered[other] = ordered[other], ordered[index]
    for position, obj in enumerate(ordered, start=1):
        if obj.order != position:
            obj.order = position
            obj.version += 1
            obj.save(update_fields=["order", "version"])
    return True


def move_section(section: PlanSection, *, direction: str) -> bool:
    """Move a section one place ``"up"`` or ``"down"`` among its siblings; False when it cannot go further."""
    with transaction.atomic():
        plan = _locked_draft(section.plan)
        return _swap(section, plan.sections.filter(parent_id=section.parent_id), direction)


def move_task(task: Task, *, direction: str) -> bool:
    """Move a task one place ``"up"`` or ``"down"`` within its section; False when it cannot go further."""
    with transaction.atomic():
        plan = _locked_draft(task.plan)
        return _swap(task, plan.tasks.filter(section_id=task.section_id), direction)


def cite_legal_basis(
    plan: Plan,
    *,
    kind: str,
    number: str,
    issue_date: dt.date | None,
    issuer: str = "",
    subject: str = "",
) -> tuple[LegalDocument, bool]:
    """Cite a document as a basis of the draft; it is recorded once in the register whoever cites it.

    Returns the document and whether the register gained it.
    """
    with transaction.atomic():
        locked = _locked_draft(plan)
        document, created = record_document(
            kind=kind, number=number, issue_date=issue_date, issuer=issuer, subject=subject
        )
        locked.legal_bases.add(document)
    return document, created


def drop_legal_basis(plan: Plan, *, document_id: int) -> LegalDocument:
    """Stop citing a document (the register keeps it: other plans may cite it).

    Raises ``LegalDocument.DoesNotExist`` when the plan does not cite it.
    """
    with transaction.atomic():
        locked = _locked_draft(plan)
        document = locked.legal_bases.get(pk=document_id)
        locked.legal_bases.remove(document)
    return document
