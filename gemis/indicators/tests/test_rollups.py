"""The unit totals kept on every write: one value saved or deleted, bulk loads, a rebuild."""

from __future__ import annotations

import pytest

from gemis.indicators import rollups
from gemis.indicators.models import DataValue, Period, ValueRollup
from gemis.indicators.testing import cell, put, put_sexes
from gemis.indicators.tests.test_aggregate import value


def test_saving_changing_and_deleting_a_value_updates_every_total_at_once(country, deputies):
    element, count, _share = deputies
    dv = put(element, country.a1, "2024", 5, "female")
    assert value(count, country.province) == 5
    dv.value = 8
    dv.save_checked(dv.version)
    assert value(count, country.province) == 8 and value(count, country.district_a) == 8
    dv.org_unit = country.b1  # corrected: it was the other commune's figure
    dv.save()
    assert value(count, country.district_a) is None and value(count, country.district_b) == 8
    dv.delete()
    assert value(count, country.province) is None
    put(element, country.a1, "2024", 2, "female")
    DataValue.objects.filter(org_unit=country.a1).delete()  # a queryset delete too
    assert value(count, country.province) is None


def test_rebuild_gives_what_saving_kept(country, deputies):
    element, count, _share = deputies
    put_sexes(element, country.a1, "2024", male=3, female=4)
    put_sexes(element, country.b2, "2024", male=1, female=2)
    put(element, country.district_b, "2024", 7, "male")
    kept = sorted(
        ValueRollup.objects.filter(count__gt=0).values_list(
            "org_unit_id", "option_combo_id", "value", "count"
        )
    )
    rollups.rebuild_rollups()
    rebuilt = sorted(ValueRollup.objects.values_list("org_unit_id", "option_combo_id", "value", "count"))
    assert rebuilt == kept
    assert value(count, country.province) == 17


def test_rebuild_rollups_command(country, deputies):
    from io import StringIO

    from django.core.management import call_command

    element, count, _share = deputies
    put(element, country.a1, "2024", 3, "female")
    ValueRollup.objects.all().delete()  # as after a raw load
    out = StringIO()
    call_command("rebuild_rollups", stdout=out)
    assert out.getvalue().startswith("2 ")  # the district and the province
    assert value(count, country.province) == 3


def test_load_values_keeps_history_and_totals(country, deputies):
    element, count, _share = deputies
    period = Period.get("2024")
    female, male = cell(element, "female"), cell(element, "male")
    rows = [
        (country.a1.pk, period.pk, element.pk, female.pk, 4),
        (country.a2.pk, period.pk, element.pk, female.pk, 6),
        (country.b1.pk, period.pk, element.pk, male.pk, 1),
    ]
    assert rollups.load_values(rows, user=country.world.district_a_focal) == (3, 0)
    assert value(count, country.province) == 11
    rows[0] = (country.a1.pk, period.pk, element.pk, female.pk, 9)
    assert rollups.load_values(rows) == (0, 1)
    assert value(count, country.province) == 16
    changed = DataValue.objects.get(org_unit=country.a1)
    assert changed.version == 2 and changed.history.count() == 2


def test_copy_values_then_rebuild(country, deputies):
    element, count, _share = deputies
    period = Period.get("2023")
    female = cell(element, "female")
    rows = [(u.pk, period.pk, element.pk, female.pk, 2.0) for u in (country.a1, country.b1)]
    assert rollups.copy_values(rows[:1]) == 1
    assert rollups.copy_values(rows[1:], initial=True) == 1  # indexes dropped and rebuilt on PostgreSQL
    rollups.rebuild_rollups()
    assert value(count, country.province, "2023") == 4


def test_copy_values_in_statements_of_several_rows(country, deputies, monkeypatch):
    element, count, _share = deputies
    periods = [Period.get(str(year)) for year in range(2016, 2023)]
    female = cell(element, "female")
    communes = (country.a1, country.a2, country.b1)
    rows = [(u.pk, p.pk, element.pk, female.pk, float(i)) for i, p in enumerate(periods) for u in communes]
    monkeypatch.setattr(rollups, "_parameter_limit", lambda: 12)  # two rows a statement; 21 rows
    assert rollups.copy_values(iter(rows), initial=True) == 21
    rollups.rebuild_rollups()
    assert sorted(DataValue.objects.values_list("value", flat=True)) == sorted(r[4] for r in rows)
    assert value(count, country.province, "2022") == 18  # 6 in each of the three communes


def test_an_initial_load_refuses_values_that_point_nowhere(country, deputies):
    from django.db import IntegrityError, connection, transaction

    if connection.vendor != "postgresql":
        pytest.skip("the initial-load checks are PostgreSQL's")
    element, _count, _share = deputies
    period = Period.get("2023")
    with pytest.raises(IntegrityError), transaction.atomic():
        rollups.copy_values([(999_999, period.pk, element.pk, cell(element, "female").pk, 1.0)], initial=True)
    assert not DataValue.objects.exists()
    constraints = connection.introspection.get_constraints(connection.cursor(), DataValue._meta.db_table)
    assert any(c["foreign_key"] for c in constraints.values())  # rolled back with the load: still there
