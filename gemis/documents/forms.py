"""Forms of the document import: the upload, and the review of what the parser proposes."""

from __future__ import annotations

from pathlib import PurePath
from typing import Any

from django import forms
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext_lazy as _

from gemis.core.forms import BootstrapFormMixin, DayMonthYearInput
from gemis.legal.models import DocumentKind
from gemis.orgs.models import Agency, User
from gemis.plans.forms import check_subject, check_task_text
from gemis.plans.models import PlanKind
from gemis.plans.permissions import plan_units
from gemis.vn.parser import MAX_BYTES

ACCEPTED_SUFFIXES = (".txt", ".docx", ".pdf", ".html", ".htm")
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


class UploadForm(BootstrapFormMixin, forms.Form):
    unit = forms.ModelChoiceField(label=_("Whose plan"), queryset=None, empty_label=None)
    file = forms.FileField(
        label=_("Document file"),
        required=False,
        help_text=_("Word (.docx), PDF with text, web page (.html) or text (.txt); up to 50 MB."),
        widget=forms.ClearableFileInput(attrs={"accept": ",".join(ACCEPTED_SUFFIXES)}),
    )
    text = forms.CharField(
        label=_("…or paste the text"),
        required=False,
        max_length=MAX_PASTED_CHARS,
        widget=forms.Textarea(attrs={"rows": 8}),
    )

    def __init__(self, *args: Any, user: User, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = plan_units(user)

    def clean_file(self):
        return check_document_file(self.cleaned_data.get("file"))

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
    number = forms.CharField(label=_("Number and symbol"), max_length=80)
    issue_date = forms.DateField(label=_("Issue date"), required=False, widget=DayMonthYearInput())
    issuer = forms.CharField(label=_("Issuer"), required=False, max_length=255)


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
    addressed = forms.CharField(label=_("Addressed to (as written)"), required=False, max_length=300)
    deadline_text = forms.CharField(label=_("Time frame"), required=False, max_length=300)

    def clean(self):
        data = super().clean()
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
