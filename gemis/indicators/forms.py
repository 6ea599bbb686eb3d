"""Web forms of the indicator screens (choosing a grid, reopening a period, uploading a workbook)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from gemis.core.forms import BootstrapFormMixin, DayMonthYearInput
from gemis.documents.forms import ACCEPTED_SUFFIXES, check_document_file
from gemis.indicators.models import Dataset
from gemis.orgs.models import OrgUnit


def unit_label(unit: OrgUnit) -> str:
    """A unit in a select: indented by depth, with its code."""
    return f"{'— ' * (unit.depth - 1)}{unit.name} ({unit.code})"


class UnitChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: OrgUnit) -> str:
        return unit_label(obj)


class EntryChoiceForm(BootstrapFormMixin, forms.Form):
    """Dataset, unit and period of a grid (read from the address)."""

    dataset = forms.ModelChoiceField(label=_("Form"), queryset=Dataset.objects.all(), to_field_name="code")
    unit = UnitChoiceField(label=_("Unit"), queryset=OrgUnit.objects.none())
    period = forms.ChoiceField(label=_("Reporting period"), required=False)

    def __init__(self, *args: Any, units: Any, periods: list[tuple[str, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = units
        self.fields["period"].choices = [("", _("The last period ended")), *periods]
        # Another form may have other periods: reload the choices (not the grid) when it changes.
        self.fields["dataset"].widget.attrs["onchange"] = "this.form.go.value = ''; this.form.submit()"


class ExceptionForm(BootstrapFormMixin, forms.Form):
    """A coordinator reopens a locked period for one unit until a date."""

    until = forms.DateField(label=_("Open until"), widget=DayMonthYearInput())
    reason = forms.CharField(label=_("Reason"), max_length=300, required=False)

    def __init__(self, *args: Any, today: dt.date, **kwargs: Any) -> None:
        super().__init__(*args, prefix="exception", **kwargs)
        self.today = today

    def clean_until(self) -> dt.date:
        until = self.cleaned_data["until"]
        if until < self.today:
            raise forms.ValidationError(_("The date must be today or later."))
        return until


class DeadlineForm(BootstrapFormMixin, forms.Form):
    """A coordinator sets the last day of entry for the units under their unit."""

    lock_after = forms.DateField(label=_("Entry closes after"), widget=DayMonthYearInput())

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, prefix="deadline", **kwargs)


class UploadForm(BootstrapFormMixin, forms.Form):
    file = forms.FileField(
        label=_("Filled-in template (.xlsx)"),
        allow_empty_file=True,
        widget=forms.ClearableFileInput(attrs={"accept": ".xlsx"}),
    )


class CatalogImportForm(BootstrapFormMixin, forms.Form):
    """The circular whose annexes the national catalog is read from."""

    file = forms.FileField(
        label=_("The circular's file"),
        help_text=_(
            "Word (.docx), PDF, web page (.html) or text (.txt) of the whole circular with its annexes."
        ),
        widget=forms.ClearableFileInput(attrs={"accept": ",".join(ACCEPTED_SUFFIXES)}),
    )

    def clean_file(self):
        return check_document_file(self.cleaned_data.get("file"))
