"""Forms of the plan screens: the plan, its legal bases, sections and tasks."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django import forms
from django.db.models import Q, QuerySet
from django.urls import reverse
from django.utils.formats import number_format
from django.utils.translation import gettext_lazy as _

from gemis.core.forms import BootstrapFormMixin, DayMonthYearInput
from gemis.core.versioning import VersionedModelForm
from gemis.legal.models import DocumentKind
from gemis.orgs import access
from gemis.orgs.models import Agency, OrgUnit, User
from gemis.plans.models import Plan, PlanSection, Task
from gemis.plans.permissions import plan_units
from gemis.plans.task_rules import set_deadline
from gemis.vn.deadlines import Deadline, DeadlineKind, parse_deadline

YEAR_MIN, YEAR_MAX = 1990, 2100
# The longest real ones in the seed documents: a subject of 63 characters, a task of 1,283.
# The limits leave ample room and stop pasted garbage (a million characters) before it is stored.
SUBJECT_MAX_CHARS = 1_000
TASK_TEXT_MAX_CHARS = 10_000


def _count(number: int) -> str:
    return number_format(number, force_grouping=True)


def check_subject(text: str) -> str:
    """Refuse a plan subject longer than any real one (never cut it short silently)."""
    if len(text) > SUBJECT_MAX_CHARS:
        raise forms.ValidationError(
            _(
                "The subject is %(count)s characters long; a subject takes at most %(limit)s. "
                "Keep only the document's subject line (trích yếu)."
            ),
            code="subject_too_long",
            params={
                "count": _count(len(text)),
                "limit": _count(SUBJECT_MAX_CHARS),
            },
        )
    return text


def check_task_text(text: str) -> str:
    """Refuse a task text longer than any real one (never cut it short silently)."""
    if len(text) > TASK_TEXT_MAX_CHARS:
        raise forms.ValidationError(
            _(
                "The task is %(count)s characters long; a task takes at most %(limit)s. "
                "Shorten it or split it into several tasks."
            ),
            code="task_too_long",
            params={
                "count": _count(len(text)),
                "limit": _count(TASK_TEXT_MAX_CHARS),
            },
        )
    return text


def nearby_agencies(unit: OrgUnit) -> QuerySet[Agency]:
    """The agencies a plan of ``unit`` usually names: the unit's, its parents' and its children's."""
    paths = [u.path for u in unit.ancestors()] + [unit.path]
    return (
        Agency.objects.filter(Q(org_unit__path__in=paths) | Q(org_unit__parent=unit), valid_to__isnull=True)
        .select_related("org_unit")
        .order_by("org_unit__depth", "org_unit__path", "name")
    )


class PlanForm(VersionedModelForm):
    class Meta:
        model = Plan
        fields = [
            "kind",
            "org_unit",
            "issuing_agency",
            "number",
            "place",
            "issue_date",
            "period_start",
            "period_end",
            "subject",
            "budget",
            "signer_title",
            "signer",
        ]
        widgets = {
            "subject": forms.Textarea(attrs={"rows": 2}),
            "budget": forms.Textarea(attrs={"rows": 4}),
            "issue_date": DayMonthYearInput(),
        }
        labels = {"issuing_agency": _("Issuing agency"), "subject": _("Subject (trích yếu)")}
        help_texts = {
            "budget": _("The budget part of the plan (“Kinh phí thực hiện”): amounts and funding sources."),
            "signer_title": _("One line per part, separated by “/”: KT. CHỦ TỊCH / PHÓ CHỦ TỊCH"),
        }

    def __init__(self, *args: Any, user: User, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        current = self.instance.org_unit if self.instance.org_unit_id else None
        units = plan_units(user, current)
        self.fields["org_unit"].queryset = units
        # Choosing the unit reloads the issuing-agency choices (htmx); the server re-checks them anyway.
        self.fields["org_unit"].widget.attrs.update(
            {
                "hx-get": reverse("plans:plan-issuing-agency-options"),
                "hx-target": "#id_issuing_agency",
                "hx-trigger": "change",
            }
        )
        for name in ("period_start", "period_end"):
            self.fields[name].widget.attrs.update(min=YEAR_MIN, max=YEAR_MAX)
        # The issuing agency is one of the chosen unit's own agencies.
        unit_id = access.id_param(self.data.get(self.add_prefix("org_unit"))) if self.is_bound else None
        if unit_id is not None:
            unit = units.filter(pk=unit_id).first()
        else:
            unit = current or (units.first() if not self.is_bound else None)
            if unit is not None and not self.is_bound:
                self.fields["org_unit"].initial = unit.pk
        self.fields["issuing_agency"].queryset = (
            Agency.objects.filter(org_unit=unit).order_by("valid_to", "name")
            if unit
            else Agency.objects.none()
        )
        if not self.instance.pk:
            year = dt.date.today().year
            for name in ("period_start", "period_end"):
                if self.initial.get(name) is None:  # the unsaved instance gives None, which would win
                    self.initial[name] = year

    def clean_subject(self) -> str:
        return check_subject(self.cleaned_data.get("subject") or "")

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        start, end = data.get("period_start"), data.get("period_end")
        for name, year in (("period_start", start), ("period_end", end)):
            if year is not None and not YEAR_MIN <= year <= YEAR_MAX:
                self.add_error(
                    name, _("Enter a year between %(min)d and %(max)d.") % {"min": YEAR_MIN, "max": YEAR_MAX}
                )
        if start and end and end < start:
            self.add_error("period_end", _("The last year cannot come before the first year."))
        return data


class LegalBasisForm(BootstrapFormMixin, forms.Form):
    """A document the plan is based on, typed as the plan cites it."""

    kind = forms.ChoiceField(label=_("Kind"), choices=DocumentKind.choices, initial=DocumentKind.DECISION)
    number = forms.CharField(label=_("Number and symbol"), max_length=80, required=False)
    issue_date = forms.DateField(
        label=_("Issue date"),
        required=False,
        widget=DayMonthYearInput(),
    )
    issuer = forms.CharField(label=_("Issuer"), max_length=255, required=False)
    subject = forms.CharField(label=_("Subject"), required=False, widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("prefix", "basis")
        super().__init__(*args, **kwargs)
        self.fields["number"].widget.attrs["placeholder"] = "28/NQ-CP"

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        if not (data.get("number") or "").strip() and not (data.get("subject") or "").strip():
            raise forms.ValidationError(_("Give at least the number or the subject of the document."))
        return data


def _descendant_ids(section: PlanSection) -> set[int]:
    ids: set[int] = set()
    frontier = [section.pk]
    rows = list(PlanSection.objects.filter(plan_id=section.plan_id).values_list("pk", "parent_id"))
    while frontier:
        children = [pk for pk, parent in rows if parent in frontier and pk not in ids]
        ids.update(children)
        frontier = children
    return ids


def label_sections(field: forms.ModelChoiceField, plan: Plan) -> None:
    """Show a section with its parents ("II › 1. Tuyên truyền"): numbers repeat across a plan."""
    sections = {s.pk: s for s in plan.sections.all()}

    def label(section: PlanSection) -> str:
        parts, seen, current = [], set(), sections.get(section.pk, section)
        while current is not None and current.pk not in seen:
            seen.add(current.pk)
            parts.append(current.number or current.title[:30])
            current = sections.get(current.parent_id) if current.parent_id else None
        parts[0] = str(section)
        return " › ".join(reversed(parts))

    field.label_from_instance = label


class SectionForm(VersionedModelForm):
    class Meta:
        model = PlanSection
        fields = ["parent", "number", "title", "body"]
        widgets = {"body": forms.Textarea(attrs={"rows": 5})}
        labels = {"parent": _("Inside section")}

    def __init__(self, *args: Any, plan: Plan, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        sections = plan.sections.all()
        if self.instance.pk:
            # A section cannot sit inside itself or one of its own subsections.
            sections = sections.exclude(pk__in={self.instance.pk, *_descendant_ids(self.instance)})
        self.fields["parent"].queryset = sections
        label_sections(self.fields["parent"], plan)
        self.fields["parent"].empty_label = _("(top level)")
        self.fields["number"].widget.attrs["placeholder"] = "I, 1, a, -"

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        if not any((data.get(name) or "").strip() for name in ("number", "title", "body")):
            raise forms.ValidationError(
                _("A section needs a title (or at least its number or some text): this one is empty.")
            )
        return data


class TaskForm(VersionedModelForm):
    """A task of a draft plan; the deadline is typed as the document writes it and parsed.

    Lead and partner agencies may be any agency the person sees; the template
    renders them with a search-as-you-type picker, never as a list of every agency.
    """

    deadline_text = forms.CharField(
        label=_("Deadline (as written)"),
        max_length=300,
        required=False,
        help_text=_(
            "Type it as the document says: “trước ngày 15/5”, “trong tháng 4/2026”, “quý III”, "
            "“từ 15/11 đến 15/12”, “thường xuyên”, “hằng năm”, “sau khi có hướng dẫn của Bộ”."
        ),
    )
    event_date = forms.DateField(
        label=_("Date of the event"),
        required=False,
        widget=DayMonthYearInput(),
        help_text=_(
            "Only for a deadline tied to an event (“trước thời gian bầu cử”), once its date is known."
        ),
    )
    all_units_below = forms.BooleanField(label=_("All units directly below"), required=False)

    class Meta:
        model = Task
        fields = ["section", "text", "lead_agency", "partners", "addressed_units", "addressed_text"]
        widgets = {"text": forms.Textarea(attrs={"rows": 4}), "addressed_units": forms.CheckboxSelectMultiple}
        labels = {
            "section": _("In section"),
            "text": _("Task"),
            "lead_agency": _("Lead agency"),
            "partners": _("Partner agencies"),
            "addressed_units": _("Units that carry it out themselves"),
        }

    def __init__(self, *args: Any, plan: Plan, user: User, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.plan = plan
        self.deadline: Deadline | None = None
        self.fields["section"].queryset = plan.sections.all()
        label_sections(self.fields["section"], plan)
        self.fields["section"].empty_label = _("(no section)")
        visible = access.filter_for(user, Agency.objects.all())
        self.fields["lead_agency"].queryset = visible
        self.fields["partners"].queryset = visible
        self.fields["addressed_units"].queryset = plan.org_unit.children.order_by("code")
        self.fields["addressed_units"].widget.attrs["class"] = "form-check-input"
        self.fields["addressed_text"].widget.attrs["placeholder"] = "UBND các xã, phường, đặc khu"
        if self.instance.pk and not self.is_bound:
            self.fields["deadline_text"].initial = self.instance.deadline_text
            event_date = (self.instance.deadline or {}).get("event_date")
            if event_date:
                self.fields["event_date"].initial = event_date

    def clean_text(self) -> str:
        return check_task_text(self.cleaned_data.get("text") or "")

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        if data.get("all_units_below"):
            data["addressed_units"] = self.fields["addressed_units"].queryset
        partners = data.get("partners")
        lead = data.get("lead_agency")
        if partners is not None and lead is not None:
            # The lead is not also its own partner.
            data["partners"] = [agency for agency in partners if agency != lead]
        text = (data.get("deadline_text") or "").strip()
        event_date = data.get("event_date")
        stored = self.instance.deadline or {}
        unchanged = (
            self.instance.pk
            and text == self.instance.deadline_text
            and (event_date.isoformat() if event_date else None) == stored.get("event_date")
        )
        if unchanged and stored:
            # Keep a deadline built elsewhere (an import, the demo) instead of re-reading its label.
            self.deadline = Deadline.from_dict(stored)
            return data
        self.deadline, problem = understand_deadline(text, self.plan, event_date)
        if problem:
            self.add_error("event_date", problem)
        return data

    def save(self, commit: bool = True) -> Task:
        task = self.instance
        if self.deadline is None:
            task.deadline, task.deadline_text, task.due_date = {}, "", None
        else:
            set_deadline(task, self.deadline)
        return super().save(commit)


def understand_deadline(
    text: str, plan: Plan, event_date: dt.date | None = None
) -> tuple[Deadline | None, str | None]:
    """The deadline a person typed, read in the plan's first year: (deadline or None if empty, problem).

    The same reading serves the live preview and the saved task, so what the
    preview shows is what gets stored.
    """
    text = text.strip()
    if not text:
        return None, (
            str(_("Type the deadline before giving the date of its event.")) if event_date else None
        )
    deadline = parse_deadline(text, plan.period_start)
    if event_date is not None:
        if deadline.kind is not DeadlineKind.EVENT:
            return deadline, str(_("Only a deadline tied to an event takes an event date."))
        deadline = deadline.with_event_date(event_date)
    return deadline, None
