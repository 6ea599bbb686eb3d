"""Hand-down: when a plan is issued, every unit its tasks are addressed to gets its share at once.

A task addressed to "UBND các xã, phường · Phường Cẩm Thành" gives each of those units a
*share*: a task of the same plan, child of the addressed one (``Task.assigned_unit``), led by
the unit's standing agency, with the same deadline (and its own occurrences when it recurs).
The share is in the unit's "Nhiệm vụ của tôi" and on its home page, the unit records progress on
it, and the addressed task shows the roll-up by unit (``task_rules.ROLL_UP_RULE``). From its
share a unit starts its own plan in one click (``cascade``); that plan's tasks roll up into it.

Handing down runs as a background job started by the issue (``plans.hand_down``, with progress:
a provincial plan may address 96 communes); it is idempotent — running it again makes only the
shares missing (a unit given a standing agency since, say) and notifies only their people.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field

from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import translation
from django.utils.text import Truncator
from django.utils.translation import gettext as _

from gemis.orgs.access import is_former
from gemis.orgs.models import Membership, OrgUnit, Role
from gemis.plans import occurrences, task_rules
from gemis.plans.models import Notification, Plan, PlanStatus, Task


@dataclass
class HandDownResult:
    created: int = 0
    units: set[int] = field(default_factory=set)
    #: units skipped because they no longer exist (the pre-2025 scheme): named, not lost
    skipped: list[str] = field(default_factory=list)


def addressed_pairs(plan: Plan) -> list[tuple[Task, OrgUnit]]:
    """Every (task, unit) the plan addresses, in the plan's order then the units' order."""
    pairs = []
    tasks = (
        plan.tasks.filter(assigned_unit__isnull=True, addressed_units__isnull=False)
        .distinct()
        .prefetch_related("addressed_units__standing_agency")
        .order_by("order", "pk")
    )
    for task in tasks:
        for unit in sorted(task.addressed_units.all(), key=lambda u: u.path):
            pairs.append((task, unit))
    return pairs


def missing_count(plan: Plan) -> int:
    """How many shares the plan's addressed tasks still lack (0 once handed down)."""
    if plan.status != PlanStatus.ISSUED:
        return 0
    have = set(
        plan.tasks.filter(assigned_unit__isnull=False).values_list("parent_task_id", "assigned_unit_id")
    )
    return sum(
        1 for task, unit in addressed_pairs(plan) if (task.pk, unit.pk) not in have and not is_former(unit)
    )


def hand_down(plan: Plan, *, on_step: Callable[[int, int], None] | None = None) -> HandDownResult:
    """Make every missing share of an issued plan and notify the units that got one."""
    result = HandDownResult()
    if plan.status != PlanStatus.ISSUED:
        return result
    pairs = addressed_pairs(plan)
    parents: dict[int, Task] = {}
    for index, (task, unit) in enumerate(pairs, start=1):
        if is_former(unit):
            result.skipped.append(unit.name)
        elif _make_share(task, unit):
            result.created += 1
            result.units.add(unit.pk)
            parents[task.pk] = task
        if on_step is not None:
            on_step(index, len(pairs))
    for parent in parents.values():
        with transaction.atomic():
            task_rules.roll_up(Task.objects.select_for_update().get(pk=parent.pk))
    transaction.on_commit(lambda: _tell_units(plan, result.units))
    return result


def _make_share(task: Task, unit: OrgUnit) -> bool:
    """The unit's share of ``task``, made unless it exists; True when made. One transaction each, so a
    job stopped half-way keeps what it made and the next run goes on from there."""
    if Task.objects.filter(parent_task=task, assigned_unit=unit).exists():
        return False
    try:
        with transaction.atomic():
            share = Task(
                plan=task.plan,
                section=task.section,
                order=task.order,
                text=task.text,
                lead_agency=unit.standing_agency,
                deadline=task.deadline,
                deadline_text=task.deadline_text,
                parent_task=task,
                assigned_unit=unit,
            )
            share.due_date = task_rules.compute_due_date(share)
            share.save()
            deadline = task_rules.deadline_of(share)
            if occurrences.ensure(share, deadline):
                occurrences.summarise(share, list(occurrences.of(share)))
                share.save(update_fields=["due_date", "progress", "status", "last_done_on"])
    except IntegrityError:
        return False  # another run made it at the same moment: one share per unit and task
    return True


def _tell_units(plan: Plan, unit_ids: set[int]) -> int:
    """Each unit's people (its standing agency's members and its coordinators) learn of their share."""
    if not unit_ids:
        return 0
    counts: dict[int, int] = defaultdict(int)
    for unit_id in plan.tasks.filter(assigned_unit__in=unit_ids).values_list("assigned_unit_id", flat=True):
        counts[unit_id] += 1
    people: dict[int, set[int]] = defaultdict(set)
    for unit in OrgUnit.objects.filter(pk__in=unit_ids):
        members = Membership.objects.filter(
            user__is_active=True, agency__org_unit=unit, role=Role.COORDINATOR
        )
        if unit.standing_agency_id is not None:
            members = members | Membership.objects.filter(
                user__is_active=True, agency_id=unit.standing_agency_id
            )
        for user_id in members.values_list("user_id", flat=True):
            people[user_id].add(unit.pk)
    url = reverse("plans:my-tasks")
    rows = []
    with translation.override("vi"):
        for user_id, units in people.items():
            n = sum(counts[u] for u in units)
            rows.append(
                Notification(
                    user_id=user_id,
                    key=f"handed:{plan.pk}",
                    title=Truncator(_("New tasks from %(plan)s") % {"plan": plan}).chars(250),
                    body=_("%(n)s task(s) of this plan are now your unit's to carry out and report on.")
                    % {"n": n},
                    url=url,
                )
            )
    return len(Notification.objects.bulk_create(rows, ignore_conflicts=True))
