"""Optimistic versioning: a save against a stale version is refused, never silently overwritten.

Every model a person edits inherits :class:`VersionedModel`; its edit form inherits
:class:`VersionedModelForm`, which carries the version the person started from
and turns a conflict into a form error while keeping what they typed.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.db import models, transaction
from django.utils.translation import gettext_lazy as _

from gemis.core.forms import BootstrapFormMixin


class ConflictError(Exception):
    """The row changed since the editor loaded it."""

    def __init__(self, current_version: int) -> None:
        super().__init__(f"stale version; current is {current_version}")
        self.current_version = current_version


class VersionedModel(models.Model):
    version = models.PositiveIntegerField(_("version"), default=1, editable=False)

    class Meta:
        abstract = True

    def save_checked(self, expected_version: int, **kwargs: Any) -> None:
        """Save only if the stored row still has ``expected_version``; bump the version."""
        with transaction.atomic():
            current = (
                type(self)
                ._default_manager.select_for_update()
                .filter(pk=self.pk)
                .values_list("version", flat=True)
                .first()
            )
            if current is not None and current != expected_version:
                raise ConflictError(current)
            self.version = (current or 0) + 1
            self.save(**kwargs)


CONFLICT_MESSAGE = _(
    "Someone else saved this record after you opened it. Your changes have not been saved: "
    "they are still in the form below. Open the record again in a new tab to see the latest "
    "version, then re-apply your changes."
)


class VersionedModelForm(BootstrapFormMixin, forms.ModelForm):
    expected_version = forms.IntegerField(widget=forms.HiddenInput, min_value=0)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if self.instance.pk and not self.is_bound:
            self.fields["expected_version"].initial = self.instance.version
        elif not self.instance.pk:
            self.fields["expected_version"].required = False

    def save(self, commit: bool = True) -> Any:
        instance = super().save(commit=False)
        if not commit:
            return instance
        if instance.pk:
            try:
                instance.save_checked(self.cleaned_data["expected_version"])
            except ConflictError:
                self.add_error(None, CONFLICT_MESSAGE)
                raise
        else:
            instance.save()
        self.save_m2m()
        return instance
