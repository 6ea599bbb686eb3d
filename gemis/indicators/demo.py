"""Demo indicators: ten years (2016–2025) of plausible commune values for the demo province.

The figures are invented for GEMIS (they are not statistics of Quảng Ngãi or
Kon Tum). Each indicator follows a trend from its 2016 level to its 2025
level, with a size and a small offset of its own for every commune and some
yearly noise. 2016–2024 are reported by the communes of the former provinces
(the legacy scheme), 2025 by the communes of the province since 1 July 2025,
so the series under today's province runs through the reorganisation.

The indicators are those of the catalog files (national targets of
Nghị quyết 28/NQ-CP and the TT10 indicators, loaded first), plus one local
indicator of the province broken down by sex. A yearly dataset for communes,
two local targets and one lock exception complete the picture. Running the
demo again changes nothing: an indicator that already has values in the
province is left alone.
"""

from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass
from typing import Any

from django.db import transaction
from django.db.models import Exists, OuterRef

from gemis.indicators.catalog import combo_for, ensure_categories
from gemis.indicators.loader import load_all
from gemis.indicators.models import (
    CategoryOptionCombo,
    Comparator,
    DataElement,
    Dataset,
    DataValue,
    Indicator,
    IndicatorKind,
    LockException,
    NationalTarget,
    Period,
    Target,
)
from gemis.indicators.rollups import load_values
from gemis.orgs.models import OrgUnit, Scheme, Tier, User

FIRST_YEAR, LAST_YEAR = 2016, 2025
LOCAL_CODE = "QNG-01"


@dataclass(frozen=True)
class DemoSeries:
    """A ratio's level in 2016 and in 2025, and the size of its denominator in one commune."""

    target_code: str
    start: float
    end: float
    denominator: tuple[int, int]
    noise: float = 1.5
    #: the numerator is whole though its element allows decimals (a sum of ages in whole years)
    whole: bool = False


# Levels chosen so that the statuses differ: some targets met, some on track, some far off.
SERIES = [
    DemoSeries("NQ28-1.1", 34, 57, (6, 14), 4),  # bodies with a woman among key leaders (%)
    DemoSeries("NQ28-2.1", 36, 47, (900, 4500)),  # women workers in wage work (%)
    DemoSeries("NQ28-2.2", 58, 41, (900, 4500)),  # employed women in agriculture (%): far off ≤ 30
    DemoSeries("NQ28-2.3", 21, 26.2, (15, 160), 2),  # women directors or owners (%)
    DemoSeries("NQ28-3.1", 2.15, 1.82, (80, 200), 0.04),  # women's / men's unpaid care hours
    DemoSeries("NQ28-3.2a", 58, 81, (2, 25), 5),  # GBV victims reaching a support service (%)
    DemoSeries("NQ28-3.2b", 28, 46, (1, 12), 6),  # perpetrators counselled (%)
    DemoSeries("NQ28-4.1", 114.5, 111.6, (60, 450), 2),  # sex ratio at birth (boys per 100 girls)
    DemoSeries("NQ28-4.2", 58, 44, (120, 900), 0),  # maternal deaths per 100,000 live births
    DemoSeries("NQ28-5.1", 83, 91.5, (20, 260), 2),  # ethnic-minority primary completion (%)
    DemoSeries("NQ28-5.2", 41, 47, (5, 60), 4),  # women among master's degree holders (%)
    DemoSeries("NQ28-6.1", 33, 58, (300, 2500), 3),  # people reached by gender-equality knowledge (%)
]
# The TT10 indicator 0107 (mean age at first marriage): the sum of ages over the marriages.
MEAN_AGE = (24.6, 25.9)


def _communes(unit: OrgUnit) -> list[OrgUnit]:
    """The units that report under ``unit``: those with none below them (communes, and a district
    without communes), as ``aggregate`` expects them."""
    below = OrgUnit.objects.filter(parent_id=OuterRef("pk"))
    return list(
        OrgUnit.objects.filter(path__startswith=unit.path)
        .exclude(pk=unit.pk)
        .filter(~Exists(below))
        .order_by("code")
    )


def _level(series_start: float, series_end: float, year: int) -> float:
    return series_start + (series_end - series_start) * (year - FIRST_YEAR) / (LAST_YEAR - FIRST_YEAR)


def _cell(element: DataElement, code: str = "default") -> int:
    return CategoryOptionCombo.objects.get(combo=element.category_combo, code=code).pk


def _has_values(element: DataElement, units: list[OrgUnit]) -> bool:
    return DataValue.objects.filter(data_element=element, org_unit__in=units).exists()


def _indicator_for(target_code: str) -> Indicator | None:
    target = NationalTarget.objects.filter(code=target_code).select_related("indicator").first()
    return target.indicator if target else None


def _reporting(province: OrgUnit, legacy: list[OrgUnit]) -> list[tuple[int, list[OrgUnit]]]:
    """(year, the communes reporting it): legacy communes until 2024, today's from 2025."""
    old = [c for unit in legacy for c in _communes(unit)]
    new = _communes(province)
    return [(year, old if year < 2025 else new) for year in range(FIRST_YEAR, LAST_YEAR + 1)]


def _cells(element: DataElement) -> list[int]:
    """The element's cells (the single "default", or male and female), in a fixed order."""
    return list(
        CategoryOptionCombo.objects.filter(combo=element.category_combo)
        .order_by("code")
        .values_list("pk", flat=True)
    )


def _split(total: float, share: float, cells: list[int], whole: bool) -> list[tuple[int, float]]:
    """A commune's number over the element's cells: all in one, or ``share`` of it in the first
    (female, by code) and the rest in the second."""
    if len(cells) == 1:
        return [(cells[0], total)]
    first = round(total * share) if whole else total * share
    return [(cells[0], float(first)), (cells[1], float(total - first))]


def _ratio_rows(
    indicator: Indicator, series: DemoSeries, reporting, periods: dict[int, Period], rng: random.Random
) -> list[tuple[int, int, int, int, float]]:
    numerator = DataElement.objects.get(code=indicator.numerator[0]["element"])
    denominator = DataElement.objects.get(code=indicator.denominator[0]["element"])
    num_cells, den_cells = _cells(numerator), _cells(denominator)
    multiplier = indicator.multiplier or 1
    rows = []
    sizes: dict[int, float] = {}
    offsets: dict[int, float] = {}
    for year, communes in reporting:
        for commune in communes:
            size = sizes.setdefault(commune.pk, rng.uniform(*series.denominator))
            offset = offsets.setdefault(
                commune.pk, rng.gauss(0, abs(series.end - series.start) * 0.15 + 0.01)
            )
            den = max(1, round(size * (1 + 0.015 * (year - FIRST_YEAR)) * rng.uniform(0.95, 1.05)))
            level = _level(series.start, series.end, year) + offset + rng.gauss(0, series.noise)
            num = max(0.0, level / multiplier * den)
            if indicator.kind == IndicatorKind.PERCENTAGE:
                num = min(num, den)
            # People are whole, and so is a sum of ages in whole years; hours keep one decimal.
            num = float(round(num)) if numerator.is_integer or series.whole else round(num, 1)
            # Elements counted by sex (victims, population) get both sexes, in one share for both
            # sides, so that no sex has more in the numerator than in the denominator.
            share = rng.uniform(0.46, 0.54)
            den_split = _split(float(den), share, den_cells, True)
            num_split = _split(num, share, num_cells, numerator.is_integer or series.whole)
            if len(num_cells) == len(den_cells) == 2 and indicator.kind == IndicatorKind.PERCENTAGE:
                num_split = [(c, min(v, d)) for (c, v), (_dc, d) in zip(num_split, den_split, strict=True)]
            for cell, value in num_split:
                rows.append((commune.pk, periods[year].pk, numerator.pk, cell, value))
            for cell, value in den_split:
                rows.append((commune.pk, periods[year].pk, denominator.pk, cell, value))
    return rows


def _local_indicator(province: OrgUnit) -> Indicator:
    """A local count by sex: people reached by the province's training and communication on gender equality."""
    element, _ = DataElement.objects.get_or_create(
        code=f"{LOCAL_CODE}.value",
        defaults={
            "name": "Số lượt người được tập huấn, truyền thông về bình đẳng giới",
            "name_en": "People reached by gender-equality training and communication",
            "category_combo": combo_for(["sex"]),
        },
    )
    indicator, _ = Indicator.objects.get_or_create(
        code=LOCAL_CODE,
        defaults={
            "name": "Số lượt người được tập huấn, truyền thông về bình đẳng giới",
            "name_en": "People reached by gender-equality training and communication",
            "kind": IndicatorKind.COUNT,
            "unit_label": "lượt người",
            "numerator": [{"element": element.code}],
            "disaggregations": ["sex"],
            "is_national": False,
            "owner_unit": province,
            "source": "Báo cáo của UBND cấp xã",
            "responsible_agency": "Sở Nội vụ (trước 2025: Sở Lao động - Thương binh và Xã hội)",
        },
    )
    return indicator


@transaction.atomic
def load_demo_indicators(
    province: OrgUnit, legacy: list[OrgUnit] | None = None, seed: int = 2026
) -> dict[str, Any]:
    """Give ``province`` (a 2025 unit) and its former provinces ten years of values; returns counts."""
    ensure_categories()
    load_all()
    if legacy is None:
        legacy = list(
            OrgUnit.objects.filter(
                scheme=Scheme.LEGACY, tier=Tier.PROVINCE, successions__successor=province
            ).distinct()
        )
    rng = random.Random(seed)
    periods = {year: Period.get(str(year)) for year in range(FIRST_YEAR, LAST_YEAR + 1)}
    reporting = _reporting(province, legacy)
    every_commune = sorted({c.pk: c for _y, cs in reporting for c in cs}.values(), key=lambda c: c.pk)
    rows: list[tuple[int, int, int, int, float]] = []
    indicators: list[Indicator] = []

    for series in SERIES:
        indicator = _indicator_for(series.target_code)
        if indicator is None or not indicator.is_ratio or not indicator.denominator:
            continue
        indicators.append(indicator)
        first = DataElement.objects.filter(code=indicator.numerator[0]["element"]).first()
        if first is None or _has_values(first, every_commune):
            continue
        rows += _ratio_rows(indicator, series, reporting, periods, rng)

    mean_age = Indicator.objects.filter(code="0107", kind=IndicatorKind.RATIO).first()
    if mean_age is not None:
        indicators.append(mean_age)
        first = DataElement.objects.get(code=mean_age.numerator[0]["element"])
        if not _has_values(first, every_commune):
            rows += _ratio_rows(
                mean_age, DemoSeries("0107", *MEAN_AGE, (8, 70), 0.6, whole=True), reporting, periods, rng
            )

    local = _local_indicator(province)
    indicators.append(local)
    element = DataElement.objects.get(code=local.numerator[0]["element"])
    if not _has_values(element, every_commune):
        male, female = _cell(element, "male"), _cell(element, "female")
        former = len(reporting[0][1])
        for year, communes in reporting:
            # A 2025 commune took over about three former ones: it reaches as many people as they did.
            merged = former / len(communes) if communes else 1.0
            for commune in communes:
                reached = rng.randint(40, 400) * (1 + 0.08 * (year - FIRST_YEAR)) * merged
                women = round(reached * rng.uniform(0.52, 0.66))
                rows.append((commune.pk, periods[year].pk, element.pk, female, float(women)))
                rows.append((commune.pk, periods[year].pk, element.pk, male, float(round(reached) - women)))
        rows += _year_in_progress(reporting[-1][1], element, rng)

    created, _updated = load_values(rows, reason="demo") if rows else (0, 0)
    _targets_and_dataset(province, local, indicators, every_commune)
    return {"indicators": len(indicators), "values": created}


IN_PROGRESS_YEAR = LAST_YEAR + 1
IN_PROGRESS_SHARE = 0.6


def _year_in_progress(
    communes: list[OrgUnit], element: DataElement, rng: random.Random
) -> list[tuple[int, int, int, int, float]]:
    """The year under way (2026): six communes in ten have entered it, one of them the women only —
    so the dashboards show a provisional figure, its coverage and who is missing."""
    period = Period.get(str(IN_PROGRESS_YEAR))
    male, female = _cell(element, "male"), _cell(element, "female")
    rows = []
    entered = communes[: round(len(communes) * IN_PROGRESS_SHARE)]
    for index, commune in enumerate(entered):
        reached = rng.randint(120, 1200) * (1 + 0.08 * (IN_PROGRESS_YEAR - FIRST_YEAR))
        women = round(reached * rng.uniform(0.52, 0.66))
        rows.append((commune.pk, period.pk, element.pk, female, float(women)))
        if index != len(entered) - 1:
            rows.append((commune.pk, period.pk, element.pk, male, float(round(reached) - women)))
    return rows


def _targets_and_dataset(province: OrgUnit, local: Indicator, indicators: list[Indicator], communes) -> None:
    Target.objects.get_or_create(
        indicator=local,
        org_unit=province,
        year=2030,
        defaults={
            "comparator": Comparator.AT_LEAST,
            "value": 60000,
            "code": "QNG-2030-01",
            "text": "Đến năm 2030, mỗi năm có ít nhất 60.000 lượt người được tập huấn, truyền thông về bình đẳng giới.",
            "citation": "Kế hoạch 45/KH-UBND (dữ liệu trình diễn)",
            "baseline_year": 2020,
        },
    )
    wage = _indicator_for("NQ28-2.1")
    if wage is not None:
        Target.objects.get_or_create(
            indicator=wage,
            org_unit=province,
            year=2030,
            defaults={
                "comparator": Comparator.AT_LEAST,
                "value": 55,
                "code": "QNG-2030-02",
                "text": "Tỷ lệ lao động nữ làm công hưởng lương của tỉnh đạt 55% vào năm 2030.",
                "citation": "Kế hoạch 45/KH-UBND (dữ liệu trình diễn)",
            },
        )
    dataset, created = Dataset.objects.get_or_create(
        code="bdg-xa-nam",
        defaults={
            "name": "Biểu thu thập chỉ tiêu bình đẳng giới cấp xã (hằng năm)",
            "open_days_after_period": 45,
        },
    )
    if created:
        elements = DataElement.objects.filter(code__in={c for i in indicators for c in i.element_codes()})
        dataset.data_elements.set(elements)
        dataset.required_elements.set(elements.filter(code=f"{LOCAL_CODE}.value"))
    commune = next((c for c in communes if c.scheme == Scheme.CURRENT), None)
    coordinator = User.objects.filter(username="noivu").first()
    if commune is not None:
        LockException.objects.get_or_create(
            dataset=dataset,
            period=Period.get(str(LAST_YEAR)),
            org_unit=commune,
            defaults={
                "until": dt.date(LAST_YEAR + 1, 12, 31),
                "reason": "Xã mới thành lập, bổ sung số liệu năm 2025",
                "granted_by": coordinator,
            },
        )


def build(ctx: Any) -> None:
    """Called by ``gemis demo`` for every installed app with a ``demo`` module."""
    found = load_demo_indicators(ctx.province, ctx.legacy_provinces)
    ctx.extra["indicators"] = found
