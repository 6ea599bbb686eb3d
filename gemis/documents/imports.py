"""From an uploaded plan document to a draft plan: read, propose, accept.

1. :func:`read` runs the parser (:mod:`gemis.vn.parser`) on the stored
   file or pasted text and keeps what it found on the :class:`ImportedDocument`.
2. :func:`propose` turns that into the initial values of the review screen:
   the plan's details, its references, the tasks with their lead and partner
   agencies already resolved against the agency registry (as seen from the
   importing unit on the document's date), and the reports it asks for.
3. :func:`accept` creates the draft plan from what the officer confirmed, in
   one transaction, and links the document to it. Accepting the same document
   again returns the plan already made instead of a second one.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from typing import Any

from django.db import transaction
from django.db.models import Q, QuerySet
from django.utils import timezone

from gemis.documents.models import ImportedDocument, ImportStatus
from gemis.legal.models import LegalDocument
from gemis.legal.register import kind_of, record_document
from gemis.orgs.models import Agency, OrgUnit, User
from gemis.orgs.resolver import AgencyResolver
from gemis.plans.models import Plan, PlanKind, PlanSection, ReportObligation, Task
from gemis.plans.task_rules import set_deadline
from gemis.vn.agency_names import agency_key
from gemis.vn.deadlines import parse_deadline
from gemis.vn.parser import ParseError, parse_bytes, parse_text
from gemis.vn.text import fold

# --- 1. read ---------------------------------------------------------------------------------------


def read(imported: ImportedDocument, progress: Any = None) -> None:
    """Parse the document and keep the result.

    A file the parser refuses (damaged, zip bomb, scanned...) leaves nothing behind:
    :func:`discard` removes its row, its history and its stored file, and the
    ParseError goes on to the caller, whose message says what to do.
    """
    step = getattr(progress, "update", lambda *a, **k: None)
    try:
        if imported.file:
            step(0, 3, "reading")
            with imported.file.open("rb") as handle:
                data = handle.read()
            step(1, 3, "parsing")
            result = parse_bytes(data, imported.original_name)
        else:
            step(1, 3, "parsing")
            result = parse_text(imported.pasted_text)
    except ParseError:
        discard(imported)
        raise
    imported.result = result.to_dict(include_text=True)
    imported.status = ImportStatus.READY
    imported.error = ""
    imported.save()
    step(3, 3, "done")


def discard(imported: ImportedDocument) -> None:
    """Forget a refused upload: the row, its history rows and the stored file."""
    pk, stored = imported.pk, imported.file.name if imported.file else ""
    storage = imported.file.storage
    with transaction.atomic():
        imported.delete()
        # The upload never happened as far as anyone can see: no "created", no "deleted" rows either.
        ImportedDocument.history.filter(id=pk).delete()
    if stored:
        storage.delete(stored)


# --- 2. propose ------------------------------------------------------------------------------------

_PLAN_KINDS = [
    ("chuong trinh", PlanKind.WORK_PROGRAMME),
    ("cong van", PlanKind.GUIDANCE_LETTER),
    ("huong dan", PlanKind.GUIDANCE_LETTER),
    ("chien luoc", PlanKind.STRATEGY),
    ("de an", PlanKind.STRATEGY),
]
_YEAR_SPAN = re.compile(r"(?<!\d)((?:19|20)\d{2})\s*[-–—]\s*((?:19|20)\d{2})(?!\d)")
_PLURAL_RE = re.compile(r"(?:^|\s)(?:cac|nhung)\s")
SECTION_TITLE_MAX = 500  # PlanSection.title's length
_YEAR = re.compile(r"(?<!\d)((?:19|20)\d{2})(?!\d)")


def parse_iso(value: Any) -> dt.date | None:
    """ "2020-03-09" → date; "2024-04" (month only) → the 1st; anything else → None."""
    if not isinstance(value, str):
        return None
    try:
        if len(value) == 7:
            return dt.date.fromisoformat(value + "-01")
        return dt.date.fromisoformat(value[:10])
    except ValueError:
        return None


def plan_kind_of(kind_text: str) -> str:
    folded = fold(kind_text or "")
    for words, kind in _PLAN_KINDS:
        if folded.startswith(words):
            return kind
    if "giai doan" in folded:
        return PlanKind.STRATEGY
    return PlanKind.PLAN


def period_of(subject: str, issue_date: dt.date | None) -> tuple[int, int]:
    """The years a plan covers: "giai đoạn 2021 - 2025" → (2021, 2025); "năm 2020" → (2020, 2020)."""
    span = _YEAR_SPAN.search(subject or "")
    if span and int(span.group(1)) <= int(span.group(2)):
        return int(span.group(1)), int(span.group(2))
    year = _YEAR.search(subject or "")
    if year:
        return int(year.group(1)), int(year.group(1))
    fallback = (issue_date or timezone.localdate()).year
    return fallback, fallback


def agency_scope(unit: OrgUnit) -> QuerySet[Agency]:
    """The agencies a plan of ``unit`` may give tasks to: its own, those above it and one level below."""
    ancestors = [a.pk for a in unit.ancestors()]
    return (
        Agency.objects.filter(Q(org_unit=unit) | Q(org_unit__in=ancestors) | Q(org_unit__parent=unit))
        .select_related("org_unit")
        .order_by("org_unit__depth", "org_unit__path", "name")
    )


@dataclass
class Proposal:
    plan: dict[str, Any]
    references: list[dict[str, Any]] = field(default_factory=list)
    tasks: list[dict[str, Any]] = field(default_factory=list)
    reports: list[dict[str, Any]] = field(default_factory=list)
    extra_agencies: list[Agency] = field(default_factory=list)  # resolved outside agency_scope
    # What the document says that the plan cannot hold as found: see :func:`not_carried`.
    not_carried: list[dict[str, Any]] = field(default_factory=list)


def propose(imported: ImportedDocument) -> Proposal:
    """The review screen's starting point, from the parse result (nothing is saved)."""
    result = imported.result
    meta = result.get("document") or {}
    issue_date = parse_iso(meta.get("date"))
    resolver = AgencyResolver(imported.org_unit, on_date=issue_date)
    extra: dict[int, Agency] = {}

    def resolve(names: list[str], keys: list[str] | None = None) -> list[Agency]:
        """Agencies for the names as written; a short name the text defined resolves by its full name."""
        found: list[Agency] = []
        for index, name in enumerate(names or []):
            agency = resolver.resolve(name)
            key = keys[index] if keys and index < len(keys) else ""
            # Only a key the parser took from a defined short name's full name says more than the name:
            # "UBND các xã, phường" keys to "ủy ban nhân dân", which must not become one agency.
            if agency is None and key and key != agency_key(name):
                agency = resolver.resolve(key)
            if agency is not None and agency not in found:
                found.append(agency)
                extra.setdefault(agency.pk, agency)
        return found

    start, end = period_of(meta.get("subject") or "", issue_date)
    signature = result.get("signature") or {}
    issuer = resolve([meta.get("issuer") or ""])
    plan = {
        "kind": plan_kind_of(meta.get("kind") or ""),
        "number": meta.get("number") or "",
        "issue_date": issue_date if meta.get("date") and len(meta["date"]) == 10 else None,
        "period_start": start,
        "period_end": end,
        "subject": meta.get("subject") or "",
        "issuing_agency": issuer[0].pk if issuer else None,
        "place": (result.get("place") or "")[:100],
        "signer": (signature.get("name") or "")[:150],
        "signer_title": (signature.get("title") or "")[:150],
    }
    references = [
        {
            "include": True,
            "kind": kind_of(ref.get("kind") or "", ref.get("number") or ""),
            "number": ref.get("number") or "",
            "issue_date": parse_iso(ref.get("date")),
            "issuer": ref.get("issuer") or "",
            "title": "",
        }
        for ref in result.get("references") or []
        if ref.get("number")
    ] + [
        # "Căn cứ Luật Bình đẳng giới năm 2006;": cited by its title, with no number to find it by.
        {
            "include": True,
            "kind": kind_of(basis["kind"]),
            "number": "",
            "issue_date": parse_iso(basis.get("date")),
            "issuer": "",
            "title": basis.get("title") or "",
        }
        for basis in result.get("bases") or []
        if basis.get("kind")
    ]
    tasks = []
    nodes, _parents = _section_chain(result)
    for index, task in enumerate(result.get("tasks") or []):
        leads = resolve(task.get("lead") or [], task.get("lead_keys"))
        partners = [
            a for a in resolve(task.get("partners") or [], task.get("partner_keys")) if a not in leads[:1]
        ] + leads[1:]
        unresolved = [n for n in task.get("lead") or [] if resolver.resolve(n) is None]
        lost_partners = [
            name
            for i, name in enumerate(task.get("partners") or [])
            if not resolve([name], (task.get("partner_keys") or [])[i : i + 1])
        ]
        deadline = task.get("deadline") or {}
        tasks.append(
            {
                "include": True,
                "index": index,
                "section": task.get("section") or "",
                # "text" is the item's opening words (as the scorer's gold cuts it); the plan keeps all of it.
                "text": task.get("full_text") or task.get("text") or "",
                "lead": leads[0].pk if leads else None,
                "partners": [a.pk for a in partners],
                "number": own_number(task, nodes),
                "addressed": "; ".join(unresolved),
                # Partners not in the registry are kept as text until the reviewer creates them.
                "partners_text": "; ".join(lost_partners),
                # The plan page adds its own full stop after the time frame.
                "deadline_text": (deadline.get("text") or "").strip().rstrip(".;,").strip(),
                "lead_names": task.get("lead") or [],
                "partner_names": task.get("partners") or [],
            }
        )
    reports = []
    for report in result.get("reports") or []:
        recipient = resolve([report.get("recipient") or ""])
        reports.append(
            {
                "include": True,
                "name": report.get("name") or "",
                "due_date": parse_iso(report.get("due")),
                "recipient": report.get("recipient") or "",
                "recipient_agency": recipient[0].pk if recipient else None,
            }
        )
    scope_ids = set(agency_scope(imported.org_unit).values_list("pk", flat=True))
    proposal = Proposal(
        plan=plan,
        references=references,
        tasks=tasks,
        reports=reports,
        extra_agencies=[a for pk, a in extra.items() if pk not in scope_ids],
    )
    issuer_name = meta.get("issuer") or ""
    proposal.not_carried = not_carried(result, proposal, issuer_name if not issuer else "")
    return proposal


def not_carried(result: dict[str, Any], proposal: Proposal, lost_issuer: str = "") -> list[dict[str, Any]]:
    """Everything found that the draft plan will not hold as found, each with why (``kind``).

    ``agency``: a name the agency registry does not know (roles and task numbers where it is
    written); its task keeps it as text until someone creates the agency. ``ground``: a
    "Căn cứ …" that names no document. ``target``: a figure, set on the targets page instead.
    """
    found: list[dict[str, Any]] = []
    agencies: dict[str, dict[str, Any]] = {}

    def lost(name: str, role: str, row: int | None) -> None:
        if _PLURAL_RE.search(fold(name)):
            return  # "các sở, ban, ngành", "UBND các xã": many bodies, rightly kept as written
        entry = agencies.setdefault(
            agency_key(name) or name, {"kind": "agency", "name": name, "roles": [], "tasks": []}
        )
        if role not in entry["roles"]:
            entry["roles"].append(role)
        if row is not None and row not in entry["tasks"]:
            entry["tasks"].append(row)

    if lost_issuer:
        lost(lost_issuer, "issuer", None)
    for row, task in enumerate(proposal.tasks, start=1):
        for name in split_names(task.get("addressed") or ""):
            lost(name, "lead", row)
        for name in split_names(task.get("partners_text") or ""):
            lost(name, "partner", row)
    found.extend(agencies.values())
    for basis in result.get("bases") or []:
        if not basis.get("kind"):
            found.append({"kind": "ground", "name": basis.get("text") or ""})
    for target in result.get("targets") or []:
        found.append({"kind": "target", "name": f"{target.get('value')}{target.get('unit') or ''}",
                      "text": target.get("text") or ""})  # fmt: skip
    return found


def split_names(text: str) -> list[str]:
    """The names of an "as written" field: "Đoàn Thanh niên xã; Hội Nông dân xã"."""
    return [name.strip() for name in text.split(";") if name.strip()]


def own_number(task: dict[str, Any], nodes: dict[str, dict]) -> str:
    """The number the task is written under when it is a numbered item itself ("1", "b"), else ""."""
    node = nodes.get(task.get("section") or "")
    span = task.get("span")
    if node is not None and span and node.get("span") and node["span"][0] >= span[0] - 5:
        return str(node.get("label") or "")[:10]
    return ""


def outline(result: dict[str, Any]) -> list[dict[str, Any]]:
    """The sections the plan will get, in document order: every numbered part that is not a task
    itself ("I. MỤC ĐÍCH, YÊU CẦU" too, with its text as the section's body)."""
    nodes, parents = _section_chain(result)
    carried = _carried_sections(result, nodes)
    bodies = section_bodies(result, nodes)
    return [
        {
            "path": path,
            "label": node.get("label") or path,
            "title": node.get("title") or "",
            "depth": _depth(path, parents, carried),
            "body": bodies.get(path, ""),
        }
        for path, node in nodes.items()
        if path in carried
    ]


def _depth(path: str, parents: dict[str, str | None], carried: set[str]) -> int:
    depth, parent = 0, parents.get(path)
    while parent:
        depth += parent in carried
        parent = parents.get(parent)
    return depth


def _carried_sections(result: dict[str, Any], nodes: dict[str, dict]) -> set[str]:
    """Paths of the nodes that become sections: all but the numbered items that are tasks."""
    task_nodes = {task.get("section") for task in result.get("tasks") or [] if own_number(task, nodes)}
    return {path for path in nodes if path not in task_nodes}


def section_bodies(result: dict[str, Any], nodes: dict[str, dict] | None = None) -> dict[str, str]:
    """Each section's own text (its paragraphs before its first subsection) when no task is in it."""
    if nodes is None:
        nodes, _parents = _section_chain(result)
    text = result.get("text") or ""
    spans = [task.get("span") for task in result.get("tasks") or [] if task.get("span")]
    bodies: dict[str, str] = {}
    for path, node in nodes.items():
        start, end = node.get("span") or (0, 0)
        line_end = text.find("\n", start, end)
        if line_end == -1:
            continue
        children = [c["span"][0] for c in node.get("children") or [] if c.get("span")]
        stop = min([end, *children])
        if any(span[0] < stop and span[1] > line_end for span in spans):
            continue  # its text is the tasks'; the tasks carry it
        body = text[line_end:stop].strip()
        if body:
            bodies[path] = body
    return bodies


# --- 3. accept -------------------------------------------------------------------------------------


def with_agencies(values: dict[str, Any], agencies: dict[int, Agency] | None = None) -> dict[str, Any]:
    """Reviewed values with agency ids replaced by agencies, as :func:`accept` takes them.

    ``agencies`` are the allowed ones by id (the review's choices: an id outside
    them never got through the form); without it they are read from the database.
    """
    if agencies is None:
        ids = {values["plan"].get("issuing_agency")}
        for task in values.get("tasks", []):
            ids |= {task.get("lead"), *(task.get("partners") or [])}
        ids |= {report.get("recipient_agency") for report in values.get("reports", [])}
        agencies = Agency.objects.in_bulk([pk for pk in ids if pk])
    tasks = []
    for task in values.get("tasks", []):
        partners = [agencies[pk] for pk in task.get("partners") or [] if pk in agencies]
        index = task.get("index")
        lead = agencies.get(task.get("lead"))
        tasks.append({**task, "lead": lead, "partners": partners, "index": -1 if index is None else index})
    return {
        "plan": {**values["plan"], "issuing_agency": agencies.get(values["plan"].get("issuing_agency"))},
        "references": list(values.get("references", [])),
        "tasks": tasks,
        "reports": [
            {**report, "recipient_agency": agencies.get(report.get("recipient_agency"))}
            for report in values.get("reports", [])
        ],
    }


def as_proposed(proposal: Proposal) -> dict[str, Any]:
    """The proposal accepted without corrections (the demo, and tests)."""
    values = {"plan": proposal.plan, "references": proposal.references}
    return with_agencies({**values, "tasks": proposal.tasks, "reports": proposal.reports})


def numbered_text(number: str, text: str) -> str:
    """The task's text with the number it is written under: "1. Tổ chức …".

    Task has no field for its number, so the number leads its text, as the document writes it.
    """
    text, number = text.strip(), number.strip().rstrip(".)")
    if not number:
        return text
    label = f"{number})" if number.isalpha() and number.islower() else f"{number}."
    return text if text.startswith(label) else f"{label} {text}"


def as_written(task: dict[str, Any]) -> str:
    """The task's agencies kept as text: unresolved leads, then "phối hợp với" the unresolved partners.

    The words are the document's own (the plan page writes the task's line in Vietnamese).
    """
    parts = [task.get("addressed", "").strip()]
    partners = task.get("partners_text", "").strip()
    if partners:
        parts.append(f"phối hợp với {partners}")
    return "; ".join(part for part in parts if part)


def _unnumbered_document(ref: dict[str, Any]) -> LegalDocument:
    """The record of a document cited by title only ("Luật Bình đẳng giới năm 2006"), made once."""
    title = ref["title"].strip()
    found = LegalDocument.objects.filter(number="", kind=ref["kind"], subject__iexact=title)
    if ref.get("issue_date"):
        found = found.filter(issue_date=ref["issue_date"])
    document = found.first()
    if document is None:
        document = LegalDocument.objects.create(
            kind=ref["kind"], number="", issue_date=ref.get("issue_date"), subject=title
        )
    return document


def _section_chain(result: dict[str, Any]) -> tuple[dict[str, dict], dict[str, str | None]]:
    """Every node of the parser's section tree by path, and each node's parent path."""
    nodes: dict[str, dict] = {}
    parents: dict[str, str | None] = {}

    def walk(items: list[dict], parent: str | None) -> None:
        for item in items or []:
            path = item.get("path") or ""
            if not path or path in nodes:
                continue
            nodes[path] = item
            parents[path] = parent
            walk(item.get("children") or [], path)

    walk(result.get("sections") or [], None)
    return nodes, parents


def _container_path(
    task: dict[str, Any], nodes: dict[str, dict], parents: dict[str, str | None]
) -> str | None:
    """The section a task sits in: its own numbered item is the task, not a section."""
    path = task.get("section") or ""
    node = nodes.get(path)
    span = task.get("span")
    if node is not None and span and node.get("span") and node["span"][0] >= span[0] - 5:
        return parents.get(path)
    if node is None:
        # The item is not in the tree: its nearest ancestor that is.
        while path and path not in nodes:
            path = path.rpartition(".")[0]
        return path or None
    return path


@transaction.atomic
def accept(imported: ImportedDocument, user: User, confirmed: dict[str, Any]) -> tuple[Plan, bool]:
    """Create the draft plan; ``(plan, False)`` if this document was already accepted.

    ``confirmed`` has the reviewed ``plan`` values and lists of ``references``,
    ``tasks`` and ``reports`` (each with ``include``), agencies as instances.
    """
    locked = ImportedDocument.objects.select_for_update().get(pk=imported.pk)
    if locked.plan_id is not None:
        return locked.plan, False
    values = confirmed["plan"]
    plan = Plan.objects.create(
        org_unit=locked.org_unit,
        kind=values["kind"],
        number=values["number"].strip(),
        issuing_agency=values.get("issuing_agency"),
        issue_date=values.get("issue_date"),
        period_start=values["period_start"],
        period_end=values["period_end"],
        subject=values["subject"].strip(),
        place=(values.get("place") or "").strip(),
        signer=(values.get("signer") or "").strip(),
        signer_title=(values.get("signer_title") or "").strip(),
        created_by=user,
    )
    for ref in confirmed.get("references", []):
        if not ref.get("include"):
            continue
        if ref.get("number", "").strip():
            document, _created = record_document(
                kind=ref["kind"],
                number=ref["number"],
                issue_date=ref.get("issue_date"),
                issuer=ref.get("issuer", ""),
                subject=ref.get("title", ""),
            )
            plan.legal_bases.add(document)
        elif ref.get("title", "").strip():
            plan.legal_bases.add(_unnumbered_document(ref))

    nodes, parents = _section_chain(locked.result)
    carried = _carried_sections(locked.result, nodes)
    bodies = section_bodies(locked.result, nodes)
    sections: dict[str, PlanSection] = {}

    def section_for(path: str | None) -> PlanSection | None:
        while path and path in nodes and path not in carried:
            path = parents.get(path)  # a numbered task's own items sit in the task's section
        if not path or path not in nodes:
            return None
        if path not in sections:
            parent = section_for(parents.get(path))
            node = nodes[path]
            title, body = node.get("title") or "", bodies.get(path, "")
            if len(title) > SECTION_TITLE_MAX:
                # A numbered purpose written as a paragraph: its text is the section's body, not cut.
                title, body = "", f"{title}\n{body}".strip()
            sections[path] = PlanSection.objects.create(
                plan=plan,
                parent=parent,
                number=(node.get("label") or path.rpartition(".")[2])[:20],
                title=title,
                body=body,
                order=len(sections) + 1,
            )
        return sections[path]

    # Every part of the document, in its order, whether or not it holds tasks.
    for path in nodes:
        section_for(path)

    default_year = plan.issue_date.year if plan.issue_date else plan.period_start
    order = 0
    for task_values in confirmed.get("tasks", []):
        if not task_values.get("include") or not task_values.get("text", "").strip():
            continue
        order += 1
        parsed = locked.result.get("tasks") or []
        source = parsed[task_values["index"]] if 0 <= task_values.get("index", -1) < len(parsed) else {}
        source = {**source, "section": task_values.get("section") or source.get("section")}
        task = Task(
            plan=plan,
            section=section_for(_container_path(source, nodes, parents)),
            order=order,
            text=numbered_text(task_values.get("number", ""), task_values["text"]),
            lead_agency=task_values.get("lead"),
            addressed_text=as_written(task_values),
        )
        deadline_text = task_values.get("deadline_text", "").strip()
        if deadline_text:
            set_deadline(task, parse_deadline(deadline_text, default_year=default_year))
        task.save()
        partners = [a for a in task_values.get("partners", []) if a != task.lead_agency]
        if partners:
            task.partners.set(partners)

    report_order = 0
    for report in confirmed.get("reports", []):
        if not report.get("include") or not report.get("name", "").strip():
            continue
        report_order += 1
        ReportObligation.objects.create(
            plan=plan,
            order=report_order,
            name=report["name"].strip()[:300],
            due_date=report.get("due_date"),
            recipient=report.get("recipient", "")[:300],
            recipient_agency=report.get("recipient_agency"),
        )
    locked.plan = plan
    locked.status = ImportStatus.ACCEPTED
    locked.accepted_by = user
    locked.accepted_at = timezone.now()
    locked.save()
    return plan, True
