"""Small factories for plan and task tests across apps (not imported by production code)."""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

from gemis.orgs.models import Agency, OrgUnit
from gemis.plans.models import Plan, PlanSection, Task

if TYPE_CHECKING:
    from gemis.vn.deadlines import Deadline


def make_plan(unit: OrgUnit, agency: Agency | None = None, **fields: Any) -> Plan:
    """A draft plan of ``unit`` for 2026 unless told otherwise."""
    fields.setdefault("period_start", 2026)
    fields.setdefault("period_end", fields["period_start"])
    fields.setdefault("subject", f"Thực hiện công tác bình đẳng giới năm {fields['period_start']}")
    return Plan.objects.create(org_unit=unit, issuing_agency=agency, **fields)


def make_section(
    plan: Plan, number: str, title: str, parent: PlanSection | None = None, **fields: Any
) -> PlanSection:
    if "order" not in fields:
        fields["order"] = plan.sections.filter(parent=parent).count() + 1
    return PlanSection.objects.create(plan=plan, number=number, title=title, parent=parent, **fields)


def make_task(
    plan: Plan,
    text: str = "Tổ chức các hoạt động truyền thông về bình đẳng giới",
    lead: Agency | None = None,
    deadline: Deadline | None = None,
    section: PlanSection | None = None,
    partners: Iterable[Agency] = (),
    addressed_units: Iterable[OrgUnit] = (),
    **fields: Any,
) -> Task:
    """A task of ``plan``; a ``deadline`` is stored the way the app stores it (with its due date)."""
    if "order" not in fields:
        fields["order"] = plan.tasks.count() + 1
    task = Task(plan=plan, text=text, lead_agency=lead, section=section, **fields)
    if deadline is not None:
        # Imported here so that the factory module loads even before deadlines.py exists.
        from gemis.plans.task_rules import set_deadline

        set_deadline(task, deadline)
    task.save()
    if partners:
        task.partners.set(partners)
    if addressed_units:
        task.addressed_units.set(addressed_units)
    return task
