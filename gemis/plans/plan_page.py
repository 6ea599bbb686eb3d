"""The plan page: the plan as its document, each task's state and roll-up, and what the reader may do.

Built as data for a thin view (:func:`gemis.plans.views_plans.plan_detail`). What
the person sees of other plans (the plan it was built from, the plans built from
it, the tasks handed down) goes through :mod:`gemis.orgs.access`.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from typing import Any

from django.db.models import QuerySet

from gemis.orgs import access
from gemis.orgs.access import Action
from gemis.plans import actions, cascade, handdown, permissions, task_rules
from gemis.plans.document import PlanDocument, plan_document
from gemis.plans.models import Plan, PlanStatus, ReportObligation, Task, TaskStatus

STATUS_BADGES = {
    TaskStatus.NOT_STARTED: "text-bg-secondary",
    TaskStatus.IN_PROGRESS: "text-bg-primary",
    TaskStatus.DONE: "text-bg-success",
    TaskStatus.CANCELLED: "text-bg-light border",
    task_rules.OVERDUE: "text-bg-danger",
}


@dataclass
class CascadeRow:
    """A unit or agency the issued plan gives tasks to, and its own plan built from it, if any."""

    target: cascade.CascadeTarget
    existing: Plan | None
    may_open: bool
    may_create: bool


@dataclass
class PlanPage:
    plan: Plan
    doc: PlanDocument
    task_count: int
    done_count: int
    overdue_count: int
    may_change: bool
    may_approve: bool
    editing: bool
    parent_plan: Plan | None
    child_plans: QuerySet[Plan]
    cascade_targets: list[CascadeRow]
    #: addressed units still without their share (0 once handed down), for those who issue the plan
    shares_missing: int
    missing_for_issue: list[str]
    reports: list[ReportObligation]
    source_document: Any


def plan_page(user: Any, plan: Plan) -> PlanPage:
    """Everything the plan page shows to ``user``, who may view ``plan``."""
    sections = list(plan.sections.order_by("order", "pk"))
    # The plan's document: its own tasks, not the units' shares (they show as the roll-up by unit).
    tasks = list(
        plan.tasks.filter(assigned_unit__isnull=True)
        .select_related("lead_agency", "parent_task__plan")
        .prefetch_related("partners", "addressed_units")
        .order_by("order", "pk")
    )
    mark_tasks(user, plan, tasks)
    may_change = access.may(user, Action.CHANGE, plan)
    parent_plan = plan.parent_plan if plan.parent_plan and access.may_view(user, plan.parent_plan) else None
    return PlanPage(
        plan=plan,
        doc=plan_document(plan, sections, tasks),
        task_count=len(tasks),
        done_count=sum(1 for t in tasks if t.status == TaskStatus.DONE),
        overdue_count=sum(1 for t in tasks if t.shown_status == task_rules.OVERDUE),
        may_change=may_change,
        may_approve=access.may(user, Action.APPROVE, plan),
        editing=plan.is_draft and may_change,
        parent_plan=parent_plan,
        child_plans=access.filter_for(user, plan.cascaded_plans.select_related("org_unit", "issuing_agency")),
        cascade_targets=cascade_rows(user, plan) if plan.status == PlanStatus.ISSUED else [],
        shares_missing=handdown.missing_count(plan) if access.may(user, Action.APPROVE, plan) else 0,
        missing_for_issue=actions.missing_for_issue(plan),
        reports=list(plan.reports.select_related("recipient_agency")),
        source_document=source_document(user, plan),
    )


def source_document(user: Any, plan: Plan) -> Any:
    """The document the plan was imported from (``documents.ImportedDocument``), if the person may see it.

    Reached through the reverse relation: plans sit below the import workflow and do not import it.
    """
    document = getattr(plan, "source_document", None)
    return document if document is not None and access.may_view(user, document) else None


def mark_tasks(user: Any, plan: Plan, tasks: list[Task]) -> None:
    """Attach what the page shows for each task: status, order neighbours, the roll-up of its children."""
    on = task_rules.today()
    children: dict[int, list[Task]] = defaultdict(list)
    child_rows = access.filter_for(user, Task.objects.filter(parent_task__plan=plan)).select_related(
        "plan__org_unit", "plan__issuing_agency", "lead_agency", "assigned_unit"
    )
    for child in child_rows.order_by("plan__org_unit__path", "assigned_unit__path", "pk"):
        shown = task_rules.display_status(child, on)
        child.shown_status, child.shown_label, child.badge = (
            shown,
            task_rules.DISPLAY_LABELS[shown],
            STATUS_BADGES[shown],
        )
        children[child.parent_task_id].append(child)
    by_section: dict[int | None, list[Task]] = defaultdict(list)
    for task in tasks:
        by_section[task.section_id].append(task)
    for siblings in by_section.values():
        for index, task in enumerate(siblings):
            task.is_first, task.is_last = index == 0, index == len(siblings) - 1
    visible_sources: dict[int, bool] = {}
    for task in tasks:
        shown = task_rules.display_status(task, on)
        task.shown_status = shown
        task.shown_label = task_rules.DISPLAY_LABELS[shown]
        task.badge = STATUS_BADGES[shown]
        kids = children.get(task.pk, [])
        # The roll-up rule (task_rules.ROLL_UP_RULE): drafts below and cancelled tasks do not count.
        counted = [
            kid for kid in kids if kid.status != TaskStatus.CANCELLED and kid.plan.status != PlanStatus.DRAFT
        ]
        task.children = kids
        task.child_plans = list(
            {kid.plan_id: kid.plan for kid in kids if kid.assigned_unit_id is None}.values()
        )
        task.shares = [kid for kid in kids if kid.assigned_unit_id is not None]
        task.children_overdue = sum(1 for k in counted if k.shown_status == task_rules.OVERDUE)
        task.child_average = round(sum(k.progress for k in counted) / len(counted)) if counted else None
        task.children_done = sum(1 for k in counted if k.status == TaskStatus.DONE)
        task.source_plan = None
        if task.parent_task is not None:
            source = task.parent_task.plan
            if source.pk not in visible_sources:
                visible_sources[source.pk] = access.may_view(user, source)
            task.source_plan = source if visible_sources[source.pk] else None


def cascade_rows(user: Any, plan: Plan) -> list[CascadeRow]:
    """The units and agencies an issued plan gives tasks to, with the plan each built from it."""
    rows = []
    for target in cascade.targets(plan):
        existing = cascade.existing_cascade(plan, target.unit, target.agency)
        rows.append(
            CascadeRow(
                target=target,
                existing=existing,
                may_open=existing is not None and access.may_view(user, existing),
                may_create=permissions.may_write_plan_of(user, target.unit, target.agency),
            )
        )
    return rows
