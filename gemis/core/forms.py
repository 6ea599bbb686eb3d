"""Form helpers shared by every app."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django import forms

from gemis.vn.text import clean_filename, clean_line, clean_multiline


def _cleaned_to_python(field: forms.Field) -> None:
    """Clean what a person typed before the field validates it (so max_length counts what is kept).

    Text loses the invisible direction and zero-width characters (gemis.vn.text.INVISIBLE) and is
    NFC; one-line fields also lose line breaks. File names are cleaned the same way. Passwords and
    hidden fields are left exactly as sent.
    """
    if isinstance(field.widget, forms.PasswordInput | forms.HiddenInput):
        return
    original = field.to_python
    if isinstance(field, forms.FileField):

        def to_python(value: Any) -> Any:
            value = original(value)
            if value is not None and getattr(value, "name", None):
                value.name = clean_filename(value.name)
            return value

    elif isinstance(field, forms.CharField):
        clean = clean_multiline if isinstance(field.widget, forms.Textarea) else clean_line

        def to_python(value: Any) -> Any:
            return original(clean(value) if isinstance(value, str) else value)

    else:
        return
    field.to_python = to_python  # type: ignore[method-assign]  # wraps the field's own conversion


#: The largest key a database holds (a signed 64-bit integer).
MAX_ID = 2**63 - 1


def _refuse_impossible_ids(field: forms.Field) -> None:
    """A choice of a row by an id longer than any key is "not one of the choices", not a crash.

    Django's model choice fields pass the typed id to the query: SQLite raises OverflowError and
    PostgreSQL "out of range" beyond 64 bits, where a wrong id should simply be refused.
    """
    if not isinstance(field, forms.ModelChoiceField) or field.to_field_name:
        return
    original = field.clean

    def clean(value: Any) -> Any:
        values = value if isinstance(value, list | tuple) else [value]
        for one in values:
            text = str(one).strip() if isinstance(one, str | int) else ""
            if text.isdecimal() and (not text.isascii() or len(text) > 19 or int(text) > MAX_ID):
                raise forms.ValidationError(
                    field.error_messages["invalid_choice"], code="invalid_choice", params={"value": text[:20]}
                )
        return original(value)

    field.clean = clean  # type: ignore[method-assign]  # wraps the field's own check


# The mixin goes before a Form class; the type checker sees it as one.
_FormBase: Any = forms.BaseForm if TYPE_CHECKING else object


class BootstrapFormMixin(_FormBase):
    """Give every widget the Bootstrap class it needs, mark invalid fields, clean typed text."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # Never touch self.errors here: it would validate before subclasses narrow their querysets.
        for field in self.fields.values():
            _cleaned_to_python(field)
            _refuse_impossible_ids(field)
            widget = field.widget
            if isinstance(widget, forms.CheckboxInput | forms.HiddenInput):
                continue
            if isinstance(widget, forms.RadioSelect):  # also CheckboxSelectMultiple: a list of boxes
                css = "form-check-input"
            else:
                css = "form-select" if isinstance(widget, forms.Select) else "form-control"
            widget.attrs["class"] = f"{widget.attrs.get('class', '')} {css}".strip()

    def full_clean(self) -> None:
        super().full_clean()
        for name in self.errors:
            if name in self.fields:
                widget = self.fields[name].widget
                if "is-invalid" not in widget.attrs.get("class", ""):
                    widget.attrs["class"] = f"{widget.attrs.get('class', '')} is-invalid".strip()


class DayMonthYearInput(forms.DateInput):
    """A date typed as dd/mm/yyyy, whatever the browser's language.

    A native ``<input type="date">`` shows the browser's own format (mm/dd/yyyy
    on an English browser), which officers misread; this one always shows and
    takes day/month/year ("9/3/2026" too), and still accepts ISO dates in links.
    """

    input_type = "text"

    def __init__(self, attrs: dict[str, Any] | None = None) -> None:
        defaults = {
            "placeholder": "dd/mm/yyyy",
            "inputmode": "numeric",
            "autocomplete": "off",
            "pattern": r"\d{1,2}[/\-.]\d{1,2}[/\-.]\d{4}|\d{4}-\d{2}-\d{2}",
            "title": "dd/mm/yyyy",
            "size": 10,
        }
        super().__init__(attrs={**defaults, **(attrs or {})}, format="%d/%m/%Y")
