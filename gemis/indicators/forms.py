"""Web forms of the indicator screens (choosing a grid, reopening a period, uploading a workbook,
loading the catalog, a unit's own indicators and targets)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from gemis.core import numbers
from gemis.core.forms import BootstrapFormMixin, DayMonthYearInput
from gemis.core.versioning import VersionedModelForm
from gemis.documents.forms import ACCEPTED_SUFFIXES, check_document_file
from gemis.indicators.local import CATEGORIES, LOCAL_KINDS
from gemis.indicators.models import (
    Category,
    Comparator,
    Dataset,
    Indicator,
    IndicatorGroup,
    IndicatorKind,
    Periodicity,
    Target,
)
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


class LocalIndicatorForm(BootstrapFormMixin, forms.Form):
    """A unit's own indicator: what it measures, how, and broken down by what."""

    owner_unit = UnitChoiceField(label=_("Unit"), queryset=OrgUnit.objects.none())
    code = forms.RegexField(
        label=_("Code"),
        max_length=30,
        regex=r"^[A-Za-z0-9][A-Za-z0-9._-]*$",
        error_messages={"invalid": _("Use letters without accents, digits, “-”, “_” or “.”, e.g. 51-01.")},
        help_text=_("Short and unique, e.g. the unit's code and a number."),
    )
    name = forms.CharField(label=_("Name"), max_length=500)
    name_en = forms.CharField(label=_("Name (English)"), max_length=500, required=False)
    group = forms.ModelChoiceField(
        label=_("Group"),
        queryset=IndicatorGroup.objects.order_by("code"),
        required=False,
        empty_label=_("Without a group"),
    )
    definition = forms.CharField(label=_("Concept"), widget=forms.Textarea(attrs={"rows": 3}), required=False)
    kind = forms.ChoiceField(label=_("Kind"), choices=[(k.value, k.label) for k in LOCAL_KINDS])
    formula_text = forms.CharField(
        label=_("Formula (as written)"), widget=forms.Textarea(attrs={"rows": 2}), required=False
    )
    unit_label = forms.CharField(label=_("Unit of measure"), max_length=120, required=False)
    categories = forms.MultipleChoiceField(
        label=_("Broken down by"),
        choices=[],
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Each value is entered for every combination of these (e.g. men and women)."),
    )
    periodicity = forms.ChoiceField(
        label=_("Periodicity"), choices=Periodicity.choices, initial=Periodicity.YEAR
    )
    source = forms.CharField(label=_("Data source"), widget=forms.Textarea(attrs={"rows": 2}), required=False)
    responsible_agency = forms.CharField(
        label=_("Responsible agency"), widget=forms.Textarea(attrs={"rows": 2}), required=False
    )
    note = forms.CharField(label=_("Note"), widget=forms.Textarea(attrs={"rows": 2}), required=False)
    expected_version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args: Any, units: Any, indicator: Indicator | None = None, **kwargs: Any) -> None:
        if indicator is not None and "initial" not in kwargs:
            kwargs["initial"] = {
                **{name: getattr(indicator, name) for name in self.base_fields if hasattr(indicator, name)},
                "categories": list(indicator.disaggregations),
                "expected_version": indicator.version,
            }
        super().__init__(*args, **kwargs)
        self.indicator = indicator
        self.fields["owner_unit"].queryset = units
        found = {c.code: c.name for c in Category.objects.filter(code__in=CATEGORIES)}
        self.fields["categories"].choices = [(code, found[code]) for code in CATEGORIES if code in found]
        if indicator is not None:  # the code and the unit name the indicator: fixed once made
            del self.fields["owner_unit"], self.fields["code"]

    def descriptive(self) -> dict[str, Any]:
        """The cleaned fields the indicator stores as they are."""
        names = ("name", "name_en", "group", "definition", "formula_text", "unit_label", "periodicity")
        return {
            **{name: self.cleaned_data[name] for name in names},
            "source": self.cleaned_data["source"],
            "responsible_agency": self.cleaned_data["responsible_agency"],
            "note": self.cleaned_data["note"],
        }


class LocalTargetForm(VersionedModelForm):
    """A unit's own target for an indicator and a year."""

    org_unit = UnitChoiceField(label=_("Unit"), queryset=OrgUnit.objects.none())

    class Meta:
        model = Target
        fields = [
            "org_unit",
            "year",
            "comparator",
            "value",
            "low",
            "high",
            "text",
            "baseline_year",
            "baseline_value",
            "note",
        ]
        widgets = {"text": forms.Textarea(attrs={"rows": 2}), "note": forms.Textarea(attrs={"rows": 2})}
        # Finite and within ±numbers.MAX_MAGNITUDE ("Số quá lớn…"), like every number GEMIS stores.
        field_classes = {
            name: numbers.BoundedFloatField for name in ("value", "low", "high", "baseline_value")
        }

    def __init__(self, *args: Any, units: Any, indicator: Indicator, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.indicator = indicator
        self.fields["org_unit"].queryset = units
        self.fields["year"].widget.attrs.update({"min": 2000, "max": 2100})

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        comparator, value, low, high = (data.get(k) for k in ("comparator", "value", "low", "high"))
        if comparator == Comparator.RANGE:
            if low is None or high is None:
                self.add_error("low", _("A range needs a lower and an upper bound."))
            elif low > high:
                self.add_error("high", _("The upper bound must not be below the lower bound."))
        elif comparator and value is None:
            self.add_error("value", _("Give the value to reach."))
        if self.indicator.kind == IndicatorKind.PERCENTAGE:
            for name in ("value", "low", "high", "baseline_value"):
                number = data.get(name)
                if number is not None and not 0 <= number <= 100:
                    self.add_error(name, _("A percentage is between 0 and 100."))
        year, unit = data.get("year"), data.get("org_unit")
        if year and not 2000 <= year <= 2100:
            self.add_error("year", _("Give a year between 2000 and 2100."))
        if year and unit:
            clash = Target.objects.filter(indicator=self.indicator, org_unit=unit, year=year)
            if self.instance.pk:
                clash = clash.exclude(pk=self.instance.pk)
            if clash.exists():
                self.add_error(
                    "year",
                    _("%(unit)s already has a target for this indicator in %(year)s; edit that one.")
                    % {"unit": unit.name, "year": year},
                )
        return data

    def save(self, commit: bool = True) -> Target:
        self.instance.indicator = self.indicator
        if not self.instance.unit_label:
            self.instance.unit_label = self.indicator.unit_label
        return super().save(commit)
