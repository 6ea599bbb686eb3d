"""The shared form helpers: an id beyond any database key is refused as a wrong choice, not a 500."""

from __future__ import annotations

import pytest
from django import forms

from gemis.core.forms import BootstrapFormMixin
from gemis.orgs.models import Agency, OrgUnit
from gemis.orgs.testing import make_agency, make_unit

pytestmark = pytest.mark.django_db


class UnitForm(BootstrapFormMixin, forms.Form):
    unit = forms.ModelChoiceField(queryset=OrgUnit.objects.all())
    agencies = forms.ModelMultipleChoiceField(queryset=Agency.objects.all(), required=False)


@pytest.mark.parametrize("typed", ["99999999999999999999", "1" + "0" * 400])
def test_an_id_no_database_can_hold_is_a_wrong_choice(typed):
    unit = make_unit("Tỉnh Thử Nghiệm", code="93")
    agency = make_agency(unit, "Sở Nội vụ")
    single = UnitForm({"unit": typed, "agencies": [agency.pk]})
    assert not single.is_valid()
    assert single.has_error("unit", "invalid_choice")
    several = UnitForm({"unit": unit.pk, "agencies": [agency.pk, typed]})
    assert not several.is_valid() and several.has_error("agencies", "invalid_choice")


def test_ordinary_ids_still_choose():
    unit = make_unit("Tỉnh Thử Nghiệm", code="93")
    agency = make_agency(unit, "Sở Nội vụ")
    form = UnitForm({"unit": str(unit.pk), "agencies": [str(agency.pk)]})
    assert form.is_valid(), form.errors
    assert form.cleaned_data["unit"] == unit and list(form.cleaned_data["agencies"]) == [agency]
