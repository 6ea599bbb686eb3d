"""Forms of the document import: the upload, and the review of what the parser proposes."""

from __future__ import annotations

from pathlib import PurePath
from typing import Any

from django import forms
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext_lazy as _

from gemis.core.forms import BootstrapFormMixin, DayMonthYearInput
from gemis.documents.imports import as_written
from gemis.legal.models import DocumentKind
from gemis.orgs.models import Agency, User
from gemis.plans.forms import check_subject, check_task_text
from gemis.plans.models import PlanKind
from gemis.plans.permissions import plan_units
from gemis.vn.parser import MAX_BYTES

ACCEPTED_SUFFIXES = (".txt", ".docx", ".pdf", ".html", ".htm")
TASK_AS_WRITTEN_MAX = 300  # Task.addressed_text's length
MAX_PASTED_CHARS = 2_000_000


def check_document_file(upload: Any) -> Any:
    """The checks a document upload passes before the parser reads it (type by name, size)."""
    if not upload:
        return upload
    suffix = PurePath(upload.name).suffix.lower()
    if suffix == ".doc":
        raise forms.ValidationError(
            _(
                "%(name)s is in the old Word format (.doc). Open it in Word and save it as .docx, then upload it."  # noqa: E501
            )
            % {"name": upload.name}
        )
    if suffix not in ACCEPTED_SUFFIXES:
        raise forms.ValidationError(
            _("%(name)s: GEMIS reads .docx, .pdf, .html and .txt files.") % {"name": upload.name}
        )
    if upload.size > MAX_BYTES:
        raise forms.ValidationError(
            _(
                "%(name)s is %(size)s, larger than the %(limit)s limit. Split the document, or paste its text."  # noqa: E501
            )
            % {
                "name": upload.name,
                "size": filesizeformat(upload.size),
                "limit": filesizeformat(MAX_BYTES),
            }
        )
    if upload.size == 0:
        raise forms.ValidationError(_("%(name)s is empty. Choose the file again.") % {"name": upload.name})
    return upload


def _grouped(n: int) -> str:
    """2000000 → "2.000.000", as Vietnamese writes thousands."""
    return f"{n:,}".replace(",", ".")


class UploadForm(BootstrapFormMixin, forms.Form):
    unit = forms.ModelChoiceField(label=_("Whose plan"), queryset=None, empty_label=None)
    file = forms.FileField(
        label=_("Document file"),
        required=False,
        help_text=_("Word (.docx), PDF with text, web page (.html) or text (.txt); up to 50 MB."),
        widget=forms.ClearableFileInput(attrs={"accept": ",".join(ACCEPTED_SUFFIXES)}),
    )
    # No max_length: the browser would cut a long paste at it without a word. The length is
    # checked here instead (clean_text), and the text comes back whole with the message.
    text = forms.CharField(
        label=_("…or paste the text"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 8}),
    )

    def __init__(self, *args: Any, user: User, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = plan_units(user)

    def clean_file(self):
        return check_document_file(self.cleaned_data.get("file"))

    def clean_text(self) -> str:
        text = self.cleaned_data.get("text") or ""
        if len(text) > MAX_PASTED_CHARS:
            raise forms.ValidationError(
                _(
                    "The pasted text has %(n)s characters, more than the %(limit)s that can be pasted. "
                    "Save it as a .txt or .docx file and upload the file instead (up to 50 MB)."
                )
                % {
                    "n": f"{len(text):,}".replace(",", "."),
                    "limit": f"{MAX_PASTED_CHARS:,}".replace(",", "."),
                }
            )
        return text

    def clean(self):
        data = super().clean()
        if not self.errors and not data.get("file") and not (data.get("text") or "").strip():
            raise forms.ValidationError(_("Choose a file or paste the text of the document."))
        if data.get("file") and (data.get("text") or "").strip():
            raise forms.ValidationError(_("Give either a file or pasted text, not both."))
        return data


def agency_choices(agencies: list[Agency]) -> list[tuple[str, str]]:
    return [("", "—")] + [(str(a.pk), f"{a.name} ({a.org_unit.short_name})") for a in agencies]


class _AgencyFields:
    """Agency pickers whose choices are computed once for the whole review, not once per field."""

    def set_agency_choices(self, choices: list[tuple[str, str]]) -> None:
        for field in self.fields.values():
            if isinstance(field, forms.TypedChoiceField | forms.TypedMultipleChoiceField):
                field.choices = choices if isinstance(field, forms.TypedChoiceField) else choices[1:]


class PlanReviewForm(_AgencyFields, BootstrapFormMixin, forms.Form):
    kind = forms.ChoiceField(label=_("Kind"), choices=PlanKind.choices)
    number = forms.CharField(label=_("Number and symbol"), required=False, max_length=80)
    issue_date = forms.DateField(label=_("Issue date"), required=False, widget=DayMonthYearInput())
    period_start = forms.IntegerField(label=_("First year covered"), min_value=1990, max_value=2100)
    period_end = forms.IntegerField(label=_("Last year covered"), min_value=1990, max_value=2100)
    subject = forms.CharField(label=_("Subject (trích yếu)"), widget=forms.Textarea(attrs={"rows": 2}))
    issuing_agency = forms.TypedChoiceField(
        label=_("Issuing agency"), required=False, coerce=int, empty_value=None
    )
    place = forms.CharField(label=_("Place"), required=False, max_length=100)
    signer = forms.CharField(label=_("Signer"), required=False, max_length=150)
    signer_title = forms.CharField(label=_("Signer's title"), required=False, max_length=150)

    def clean_subject(self):
        # The plan's own limit, said at review: an imported text is never cut short silently.
        return check_subject(self.cleaned_data.get("subject") or "")

    def clean(self):
        data = super().clean()
        start, end = data.get("period_start"), data.get("period_end")
        if start and end and end < start:
            self.add_error("period_end", _("The last year cannot be before the first year."))
        return data


class ReferenceReviewForm(BootstrapFormMixin, forms.Form):
    include = forms.BooleanField(label=_("Cite"), required=False)
    kind = forms.ChoiceField(label=_("Kind"), choices=DocumentKind.choices)
    number = forms.CharField(label=_("Number and symbol"), required=False, max_length=80)
    issue_date = forms.DateField(label=_("Issue date"), required=False, widget=DayMonthYearInput())
    issuer = forms.CharField(label=_("Issuer"), required=False, max_length=255)
    # A document cited without a number ("Căn cứ Luật Bình đẳng giới năm 2006") is cited by its title.
    title = forms.CharField(label=_("Title"), required=False, max_length=500)

    def clean(self):
        data = super().clean()
        if (
            data.get("include")
            and not (data.get("number") or "").strip()
            and not (data.get("title") or "").strip()
        ):
            self.add_error("number", _("Give the number, or the title of a document cited without one."))
        return data


class TaskReviewForm(_AgencyFields, BootstrapFormMixin, forms.Form):
    include = forms.BooleanField(label=_("Keep"), required=False)
    index = forms.IntegerField(widget=forms.HiddenInput, required=False)
    section = forms.CharField(label=_("Section"), required=False, max_length=40)
    text = forms.CharField(label=_("Task"), required=False, widget=forms.Textarea(attrs={"rows": 3}))
    lead = forms.TypedChoiceField(label=_("Lead agency"), required=False, coerce=int, empty_value=None)
    partners = forms.TypedMultipleChoiceField(
        label=_("Partner agencies"),
        required=False,
        coerce=int,
        widget=forms.SelectMultiple(attrs={"size": 3}),
    )
    number = forms.CharField(label=_("No."), required=False, max_length=10)
    addressed = forms.CharField(label=_("Addressed to (as written)"), required=False, max_length=300)
    partners_text = forms.CharField(
        label=_("Partners not in the registry (kept as text)"), required=False, max_length=300
    )
    deadline_text = forms.CharField(label=_("Time frame"), required=False, max_length=300)

    def clean(self):
        data = super().clean()
        written = as_written(data)
        if len(written) > TASK_AS_WRITTEN_MAX:
            # Both are kept in the task's one "as written" field: said here, never cut short.
            self.add_error(
                "partners_text",
                _(
                    "The names kept as text are %(n)d characters together, more than %(limit)d: "
                    "create the agencies they name, or shorten them."
                )
                % {"n": len(written), "limit": TASK_AS_WRITTEN_MAX},
            )
        if data.get("include") and not (data.get("text") or "").strip():
            self.add_error("text", _("A task needs its text; untick “Keep” to leave it out."))
        elif data.get("include"):
            # The plan's own limit, said at review: an imported text is never cut short silently.
            try:
                check_task_text(data.get("text") or "")
            except forms.ValidationError as error:
                self.add_error("text", error)
        return data


class ReportReviewForm(_AgencyFields, BootstrapFormMixin, forms.Form):
    include = forms.BooleanField(label=_("Keep"), required=False)
    name = forms.CharField(label=_("Report"), max_length=300)
    due_date = forms.DateField(label=_("Due date"), required=False, widget=DayMonthYearInput())
    recipient = forms.CharField(label=_("Sent to (as written)"), required=False, max_length=300)
    recipient_agency = forms.TypedChoiceField(
        label=_("Sent to"), required=False, coerce=int, empty_value=None
    )


ReferenceFormSet = forms.formset_factory(ReferenceReviewForm, extra=0)
TaskFormSet = forms.formset_factory(TaskReviewForm, extra=0)
ReportFormSet = forms.formset_factory(ReportReviewForm, extra=0)
