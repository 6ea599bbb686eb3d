"""Cascade: a district or a department builds its own draft plan from an issued plan.

The tasks addressed to the unit ("UBND các xã, phường"), or led or partnered by
the department, become tasks of the new draft, each linked to the task it came
from — for an addressed unit, to its share of it (``handdown``); once the draft is
issued the parent's progress is the roll-up of its children (see
``task_rules.roll_up``). Cascading twice gives back the same draft.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q, QuerySet
from django.utils.translation import gettext as _

from gemis.legal.models import DocumentKind, LegalDocument, number_key
from gemis.orgs.models import Agency, OrgUnit, User
from gemis.plans.models import Plan, PlanKind, PlanSection, PlanStatus, Task
from gemis.plans.task_rules import compute_due_date

_KIND_TO_DOCUMENT = {
    PlanKind.PLAN: DocumentKind.PLAN,
    PlanKind.WORK_PROGRAMME: DocumentKind.PROGRAMME,
    PlanKind.GUIDANCE_LETTER: DocumentKind.OFFICIAL_LETTER,
    PlanKind.STRATEGY: DocumentKind.PLAN,
}


@dataclass(frozen=True)
class CascadeTarget:
    """Who can receive a cascade: a unit (its own plan) or an agency (a department's plan)."""

    unit: OrgUnit
    agency: Agency | None
    task_count: int

    @property
    def label(self) -> str:
        return self.agency.name if self.agency else self.unit.name


def tasks_for(plan: Plan, unit: OrgUnit, agency: Agency | None) -> QuerySet[Task]:
    """The plan's own tasks for the target (the units' shares are not the plan's document)."""
    if agency is not None:
        condition = Q(lead_agency=agency) | Q(partners=agency)
    else:
        condition = Q(addressed_units=unit)
    return plan.tasks.filter(condition, assigned_unit__isnull=True).distinct().order_by("order", "pk")


def targets(plan: Plan) -> list[CascadeTarget]:
    """Every unit addressed and every agency named in the plan's tasks, with how many tasks each gets."""
    found: dict[tuple[int, int | None], CascadeTarget] = {}
    units = OrgUnit.objects.filter(addressed_tasks__plan=plan).distinct().order_by("path")
    for unit in units:
        found[(unit.pk, None)] = CascadeTarget(unit, None, tasks_for(plan, unit, None).count())
    agencies = (
        _named_agencies(plan)
        .exclude(pk=plan.issuing_agency_id)
        .select_related("org_unit")
        .distinct()
        .order_by("name")
    )
    for agency in agencies:
        found[(agency.org_unit_id, agency.pk)] = CascadeTarget(
            agency.org_unit, agency, tasks_for(plan, agency.org_unit, agency).count()
        )
    return list(found.values())


def _named_agencies(plan: Plan) -> QuerySet[Agency]:
    # The agencies the plan's document names; a unit's share is led by its standing agency, which cascades
    # as the unit, not as an agency of its own.
    return Agency.objects.filter(
        Q(led_tasks__plan=plan, led_tasks__assigned_unit__isnull=True)
        | Q(partner_tasks__plan=plan, partner_tasks__assigned_unit__isnull=True)
    )


def existing_cascade(plan: Plan, unit: OrgUnit, agency: Agency | None) -> Plan | None:
    """The draft already built for this target, even if its writers have since set its issuing agency.

    A unit's own plan starts without an issuing agency and the district may then
    name its People's Committee; it is still the unit's plan, unlike the plan of
    an agency the parent plan names (which stays that agency's).
    """
    children = plan.cascaded_plans.filter(org_unit=unit).order_by("pk")
    if agency is not None:
        return children.filter(issuing_agency=agency).first()
    return children.exclude(issuing_agency__in=_named_agencies(plan).values("pk")).first()


def citation_of(plan: Plan) -> LegalDocument | None:
    """The parent plan as a legal basis of its children (one record, shared)."""
    if not plan.number:
        return None
    document, _created = LegalDocument.objects.get_or_create(
        number_key=number_key(plan.number),
        issue_year=plan.issue_date.year if plan.issue_date else 0,
        defaults={
            "kind": _KIND_TO_DOCUMENT[PlanKind(plan.kind)],
            "number": plan.number,
            "issue_date": plan.issue_date,
            "issuer": plan.issuing_agency.name if plan.issuing_agency else plan.org_unit.name,
            "subject": plan.subject,
        },
    )
    return document


@transaction.atomic
def cascade(plan: Plan, unit: OrgUnit, agency: Agency | None, user: User | None) -> tuple[Plan, bool]:
    """Create (or return) the draft plan of ``unit``/``agency`` built from ``plan``: (plan, created)."""
    if plan.status != PlanStatus.ISSUED:
        raise ValidationError(_("Only an issued plan can be cascaded."))
    # Two people pressing the button at once get one draft: cascades of a plan run one at a time.
    Plan.objects.select_for_update().filter(pk=plan.pk).first()
    existing = existing_cascade(plan, unit, agency)
    if existing is not None:
        return existing, False
    source_tasks = list(tasks_for(plan, unit, agency).select_related("section"))
    if not source_tasks:
        raise ValidationError(_("No task of this plan is addressed to %(who)s.") % {"who": agency or unit})
    lead = agency or unit.standing_agency
    child = Plan.objects.create(
        kind=plan.kind,
        org_unit=unit,
        issuing_agency=agency,
        period_start=plan.period_start,
        period_end=plan.period_end,
        subject=plan.subject,
        place=unit.short_name,
        parent_plan=plan,
        created_by=user,
    )
    bases = [doc for doc in [citation_of(plan), *plan.legal_bases.all()] if doc is not None]
    child.legal_bases.set(bases)

    section_copies: dict[int, PlanSection] = {}

    def copy_section(section: PlanSection | None) -> PlanSection | None:
        if section is None:
            return None
        if section.pk not in section_copies:
            section_copies[section.pk] = PlanSection.objects.create(
                plan=child,
                parent=copy_section(section.parent),
                number=section.number,
                title=section.title,
                order=section.order,
            )
        return section_copies[section.pk]

    # A unit's own plan carries out its share: its tasks roll up into the share, and the share into the
    # province's task (handdown.py); without a share (an agency's plan), into the task itself.
    shares = (
        {t.parent_task_id: t for t in plan.tasks.filter(assigned_unit=unit, parent_task__in=source_tasks)}
        if agency is None
        else {}
    )
    for order, source in enumerate(source_tasks, start=1):
        task = Task(
            plan=child,
            section=copy_section(source.section),
            order=order,
            text=source.text,
            lead_agency=lead,
            deadline=source.deadline,
            deadline_text=source.deadline_text,
            parent_task=shares.get(source.pk, source),
        )
        # The child has done nothing yet: a recurring deadline starts from its first occurrence,
        # exactly as the daily refresh would compute it, not from where the parent has got to.
        task.due_date = compute_due_date(task)
        task.save()
    return child, True
