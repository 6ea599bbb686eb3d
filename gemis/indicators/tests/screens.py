"""A small form for the tests of the indicator screens, on top of the shared ``world``.

``W.people`` and ``W.literate`` are broken down by sex, ``W.households`` is not;
``LIT`` is literate / people × 100 with a national target of at least 95 % in
2030; the dataset ``bdg-test`` is yearly, ``W.people`` is required.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.utils import timezone

from gemis.indicators.catalog import ensure_categories
from gemis.indicators.models import Comparator, DataElement, Dataset, Indicator, IndicatorKind, NationalTarget
from gemis.indicators.testing import make_element, make_indicator


@dataclass
class Form:
    dataset: Dataset
    people: DataElement
    literate: DataElement
    households: DataElement
    indicator: Indicator
    open_period: str  # the current year: not ended, so open
    last_period: str


def make_form() -> Form:
    ensure_categories()
    people = make_element("W.people", name="Số người từ 15 tuổi trở lên")
    literate = make_element("W.literate", name="Số người biết chữ")
    households = make_element("W.households", categories=(), name="Số hộ gia đình")
    indicator = make_indicator(
        "LIT",
        IndicatorKind.PERCENTAGE,
        ["W.literate"],
        ["W.people"],
        name="Tỷ lệ người biết chữ",
        unit_label="%",
        disaggregations=["sex"],
    )
    NationalTarget.objects.create(
        indicator=indicator,
        code="T-LIT",
        year=2030,
        comparator=Comparator.AT_LEAST,
        value=95,
        text="Đến năm 2030, 95% người từ 15 tuổi trở lên biết chữ.",
    )
    dataset = Dataset.objects.create(code="bdg-test", name="Biểu thử nghiệm", open_days_after_period=45)
    dataset.data_elements.set([people, literate, households])
    dataset.required_elements.set([people])
    year = timezone.localdate().year
    return Form(dataset, people, literate, households, indicator, str(year), str(year - 1))


def yesterday() -> dt.date:
    return timezone.localdate() - dt.timedelta(days=1)


# The targets of the bundled catalog a commune's form asks for in the tests of its words: the sex
# ratio at birth (boys and girls, one number each), key leaders (bodies, not people) and the
# population reached by gender-equality knowledge (people, by sex).
CATALOG_TARGETS = ("NQ28-4.1", "NQ28-1.1", "NQ28-6.1")


def make_catalog_form(targets: tuple[str, ...] = CATALOG_TARGETS) -> Dataset:
    """A yearly commune form of the bundled catalog's elements (``loader.load_all``), as the demo's is."""
    from gemis.indicators.loader import load_all

    load_all()
    codes = {
        code
        for indicator in Indicator.objects.filter(targets__code__in=targets).distinct()
        for code in indicator.element_codes()
    }
    dataset = Dataset.objects.create(
        code="bdg-xa-thu", name="Biểu thu thập chỉ tiêu bình đẳng giới cấp xã", open_days_after_period=45
    )
    dataset.data_elements.set(DataElement.objects.filter(code__in=codes))
    return dataset
