"""The plan as an official document: the layout of Nghị định 30/2020/NĐ-CP, Annex I, as data.

The plan page, and any export of a plan (DOCX, PDF, a report's annex), read the
same :class:`PlanDocument`: the header's two columns, the place and date line,
the legal bases ("Căn cứ …;"), the outline of numbered sections with their
tasks, the signer's lines and the recipients ("Nơi nhận"). Nothing here knows
about requests or templates.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field

from django.utils import translation

from gemis.legal.models import LegalDocument
from gemis.orgs.models import AgencyKind
from gemis.plans.models import Plan, PlanSection, Task
from gemis.vn.text import fold


@dataclass
class OutlineEntry:
    """A section of the document in reading order, with its depth and its tasks."""

    section: PlanSection | None
    depth: int
    tasks: list[Task] = field(default_factory=list)
    label: str = ""
    is_first: bool = False
    is_last: bool = False


@dataclass
class PlanDocument:
    """Everything of a plan that is laid out as the official document."""

    upper_body: str
    issuing_body: str
    place: str
    date_day: str
    date_month: str
    date_year: str
    basis_lines: list[str]
    outline: list[OutlineEntry]
    signer_lines: list[str]
    recipients: list[str]


def section_label(number: str) -> str:
    """How a document writes a section number: "I." "1." "a)" "-"."""
    number = number.strip()
    if not number or number[-1] in ".)" or number in "-–+*•":
        return number
    if number.isalpha() and len(number) == 1 and number.islower():
        return f"{number})"
    return f"{number}."


def outline(sections: list[PlanSection], tasks: list[Task]) -> list[OutlineEntry]:
    """Sections depth-first in their order, each with its tasks; tasks outside any section last."""
    by_parent: dict[int | None, list[PlanSection]] = defaultdict(list)
    for section in sections:
        by_parent[section.parent_id].append(section)
    tasks_by_section: dict[int | None, list[Task]] = defaultdict(list)
    for task in tasks:
        tasks_by_section[task.section_id].append(task)
    entries: list[OutlineEntry] = []
    seen: set[int] = set()

    def walk(parent_id: int | None, depth: int) -> None:
        siblings = by_parent.get(parent_id, [])
        for index, section in enumerate(siblings):
            if section.pk in seen:
                continue
            seen.add(section.pk)
            entries.append(
                OutlineEntry(
                    section,
                    depth,
                    tasks_by_section.get(section.pk, []),
                    section_label(section.number),
                    is_first=index == 0,
                    is_last=index == len(siblings) - 1,
                )
            )
            walk(section.pk, depth + 1)

    walk(None, 0)
    # A section whose parent chain is broken still shows, at the top level.
    for section in sections:
        if section.pk not in seen:
            seen.add(section.pk)
            entries.append(
                OutlineEntry(section, 0, tasks_by_section.get(section.pk, []), section_label(section.number))
            )
    loose = tasks_by_section.get(None, [])
    if loose:
        entries.append(OutlineEntry(None, 0, loose))
    return entries


def date_line_parts(day: dt.date | None) -> tuple[str, str, str]:
    """Day and month as Nghị định 30/2020 writes them: a leading zero for days below 10 and months 1–2."""
    if day is None:
        return "…", "…", "…"
    day_text = f"{day.day:02d}" if day.day < 10 else str(day.day)
    month_text = f"{day.month:02d}" if day.month < 3 else str(day.month)
    return day_text, month_text, str(day.year)


def issuing_body_lines(plan: Plan) -> tuple[str, str]:
    """The header's left column: the body above (plain) and the issuing body (bold)."""
    unit_name = plan.org_unit.name
    agency = plan.issuing_agency
    if agency is None:
        return "", unit_name.upper()
    folded = fold(agency.name)
    if agency.kind == AgencyKind.PEOPLES_COMMITTEE or folded.startswith(("uy ban nhan dan", "ubnd")):
        # The People's Committee is the top of its unit: nothing above it in the header.
        return "", agency.name.upper()
    upper = f"UBND {unit_name}".upper()
    name = agency.name
    # "Sở Y tế tỉnh Kon Tum" reads "SỞ Y TẾ" under "UBND TỈNH KON TUM".
    for suffix in (unit_name, plan.org_unit.short_name):
        if suffix and name.lower().endswith(suffix.lower()) and len(name) > len(suffix):
            name = name[: -len(suffix)].strip()
            break
    return upper, name.upper()


def basis_line(document: LegalDocument) -> str:
    """ "Căn cứ Nghị quyết số 28/NQ-CP ngày 03/03/2021 của Chính phủ ban hành Chiến lược…"."""
    subject = document.subject.strip().rstrip(";.")
    if subject:
        subject = " " + subject[:1].lower() + subject[1:]
    return f"Căn cứ {document.citation}{subject};"


def recipients(tasks: Iterable[Task]) -> list[str]:
    """ "Nơi nhận": the agencies and units the plan gives tasks to, in order of appearance."""
    names: list[str] = []
    for task in tasks:
        candidates = [task.lead_agency, *task.partners.all(), *task.addressed_units.all()]
        for item in candidates:
            if item is not None and item.name not in names:
                names.append(item.name)
    return names


def signer_lines(plan: Plan) -> list[str]:
    """The signer's title as lines: "KT. CHỦ TỊCH / PHÓ CHỦ TỊCH" is written on two lines."""
    return [line.strip() for line in plan.signer_title.replace("\n", "/").split("/") if line.strip()]


def plan_document(plan: Plan, sections: list[PlanSection], tasks: list[Task]) -> PlanDocument:
    """The plan laid out as its document (``tasks`` with partners and addressed units prefetched).

    A Vietnamese document stays Vietnamese whatever the interface language ("Căn cứ Luật…", not
    "Căn cứ Law…"): its words are taken in Vietnamese here, and the template does the same for its own.
    """
    with translation.override("vi"):
        return _plan_document(plan, sections, tasks)


def _plan_document(plan: Plan, sections: list[PlanSection], tasks: list[Task]) -> PlanDocument:
    day, month, year = date_line_parts(plan.issue_date)
    upper_body, issuing_body = issuing_body_lines(plan)
    return PlanDocument(
        upper_body=upper_body,
        issuing_body=issuing_body,
        place=plan.place or plan.org_unit.short_name,
        date_day=day,
        date_month=month,
        # A draft has no date yet: its line shows the first year of the plan.
        date_year=year if plan.issue_date else str(plan.period_start),
        basis_lines=[basis_line(doc) for doc in plan.legal_bases.order_by("issue_date", "pk")],
        outline=outline(sections, tasks),
        signer_lines=signer_lines(plan),
        recipients=recipients(tasks),
    )
