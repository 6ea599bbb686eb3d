"""Keep the unit totals right when a value is deleted, one by one or by a queryset."""

from __future__ import annotations

from typing import Any

from django.db.models.signals import post_delete
from django.dispatch import receiver

from gemis.indicators.models import DataValue


@receiver(post_delete, sender=DataValue, dispatch_uid="indicators_value_deleted")
def value_deleted(sender: type[DataValue], instance: DataValue, **kwargs: Any) -> None:
    from gemis.indicators.aggregate import apply_change

    apply_change(
        (
            instance.org_unit_id,
            instance.period_id,
            instance.data_element_id,
            instance.option_combo_id,
            instance.value,
        ),
        None,
    )
