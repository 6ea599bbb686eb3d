"""Split shares add up to 100 %: refused otherwise, and found if stored before."""

from __future__ import annotations

from io import StringIO

import pytest
from django.core.exceptions import ValidationError
from django.core.management import CommandError, call_command

from gemis.indicators import shares
from gemis.indicators.aggregate import indicator_value
from gemis.indicators.models import IndicatorKind, SuccessionShare
from gemis.indicators.testing import make_element, make_indicator, put
from gemis.orgs.models import UnitSuccession

pytestmark = pytest.mark.django_db


@pytest.fixture
def split(country):
    """The legacy commune B2, split between the 2025 communes N2 and N3."""
    return country.b2, [country.b2_to_n2.successor, country.b2_to_n3.successor]


def test_shares_that_add_up_are_kept_and_split_the_values(country, split):
    legacy, (first, second) = split
    element = make_element("people", categories=())
    count = make_indicator("P", IndicatorKind.COUNT, ["people"])
    put(element, legacy, "2024", 100)
    shares.set_shares(legacy, shares={first.pk: 0.7, second.pk: 0.3}, note="Theo dân số")
    assert indicator_value(count, first, "2024").value == pytest.approx(70)
    assert indicator_value(count, second, "2024").value == pytest.approx(30)


@pytest.mark.parametrize("values", [(0.7, 0.5), (0.5, 0.4), (1.2, -0.2), (float("nan"), 1.0)])
def test_shares_that_do_not_add_up_are_refused_and_nothing_changes(country, split, values):
    legacy, (first, second) = split
    shares.set_shares(legacy, shares={first.pk: 0.6, second.pk: 0.4})
    with pytest.raises(ValidationError):
        shares.set_shares(legacy, shares={first.pk: values[0], second.pk: values[1]})
    assert sorted(SuccessionShare.objects.values_list("share", flat=True)) == [0.4, 0.6]


def test_only_a_successor_gets_a_share(country, split):
    legacy, (first, _second) = split
    with pytest.raises(ValidationError) as refused:
        shares.set_shares(legacy, shares={first.pk: 0.5, country.b1.pk: 0.5})
    assert refused.value.code == "not_a_successor"


def test_stored_shares_that_do_not_add_up_are_found(country, split):
    legacy, (first, second) = split
    for successor, value in ((first, 0.7), (second, 0.5)):  # as an old version let them in
        SuccessionShare.objects.create(
            succession=UnitSuccession.objects.get(predecessor=legacy, successor=successor), share=value
        )
    [problem] = shares.share_problems()
    assert problem.predecessor == legacy and problem.total == pytest.approx(1.2)
    err = StringIO()
    with pytest.raises(CommandError):
        call_command("rebuild_rollups", "--check", stdout=StringIO(), stderr=err)
    assert legacy.name in err.getvalue() and "120" in err.getvalue()
