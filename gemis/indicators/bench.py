"""``gemis bench analytics``: indicator values for a whole country, loaded, aggregated, updated.

It builds, in a throwaway database (never the configured one), a synthetic
country at the legacy scale — 63 provinces, 693 districts, ~10,600 communes —
and its 2025 counterpart (34 provinces, one new commune for every three old
ones, with the successions), ``--indicators`` data elements broken down by sex
with one indicator each (half counts, half "share of women" percentages), and
``--years`` yearly values for every commune, element and sex: 12.7 million
values at full scale. Then it measures

* the bulk load (``rollups.copy_values``: PostgreSQL ``COPY``), in values
  per second; target ≥ 200,000/s; and, for information, the rebuild of the
  rollups that follows a raw load and the ordinary upload path
  (``rollups.load_values``, with history and rollups) on a sample;
* a percentage indicator for all 63 provinces for one year, p95 of
  ``--repeat`` calls; target < 200 ms;
* one province's districts over all the years; target p95 < 200 ms;
* saving one commune value (``save_checked``, history, rollups) then reading
  its province's total, which must show the new value; target < 50 ms (p95);
* for information: the 34 provinces of 2025 for a legacy year (through the
  successions) and one 2025 province over all the years.

``--scale`` takes a fraction of the communes (the provinces and districts stay);
the default is 1 on PostgreSQL and 0.05 on SQLite.
"""

from __future__ import annotations

import datetime as dt
import random
import statistics
import time
from dataclasses import dataclass
from typing import Any

from django.db import connection, transaction

from gemis.core.bench import (
    Figure,
    database_description,
    measurement_settings,
    percentile,
    throwaway_database,
)

LOAD_RATE_TARGET = 200_000.0
QUERY_TARGET_MS = 200.0
SAVE_AND_READ_TARGET_MS = 50.0
PROVINCES = 63
DISTRICTS = 693
COMMUNES = 10_600
NEW_PROVINCES = 34
MERGED_COMMUNES = 3  # legacy communes per 2025 commune
FIRST_YEAR = 2016


def add_analytics_arguments(parser: Any) -> None:
    parser.add_argument(
        "--scale",
        type=float,
        default=None,
        help="Fraction of the ~10,600 communes that report (default 1 on PostgreSQL, 0.05 on SQLite).",
    )
    parser.add_argument("--indicators", type=int, default=60, help="Indicators (default 60).")
    parser.add_argument("--years", type=int, default=10, help="Years of values (default 10, from 2016).")
    parser.add_argument(
        "--repeat", type=int, default=30, help="Timed repetitions of each query (default 30)."
    )
    parser.add_argument("--seed", type=int, default=2026, help="Random seed of the synthetic data.")


def run_analytics(options: dict[str, Any], out: Any) -> list[Figure]:
    """Indicator values for a synthetic country: bulk load, provinces, districts, save-then-read."""
    with measurement_settings(), throwaway_database(out) as name:
        out.write(f"Database: {database_description()} ({name})")
        return measure_analytics(options, out)


@dataclass
class Country:
    provinces: list[Any]
    districts: list[Any]
    communes: list[Any]
    new_provinces: list[Any]
    new_communes: int


def _default_scale() -> float:
    return 1.0 if connection.vendor == "postgresql" else 0.05


def build_country(scale: float, seed: int) -> Country:
    """The legacy tree, the 2025 tree and the successions, in bulk (no history, no signals)."""
    from gemis.orgs.models import OrgUnit, Scheme, Tier, UnitSuccession, unit_path
    from gemis.vn.text import fold

    rng = random.Random(seed)
    n_communes = max(DISTRICTS, round(COMMUNES * scale))

    def unit(scheme, code, name, tier, depth, parent, kind):
        path = unit_path(scheme, code, parent.path if parent else None)
        return OrgUnit(
            scheme=scheme,
            code=code,
            name=name,
            short_name=name.split(" ", 1)[1],
            kind=kind,
            tier=tier,
            depth=depth,
            parent=parent,
            path=path,
            search_name=fold(name),
            valid_to=dt.date(2025, 6, 30) if scheme == Scheme.LEGACY else None,
            valid_from=dt.date(2025, 7, 1) if scheme == Scheme.CURRENT else None,
        )

    with transaction.atomic():
        provinces = [
            unit(Scheme.LEGACY, f"{p:02d}", f"Tỉnh Thử {p}", Tier.PROVINCE, 1, None, "Tỉnh")
            for p in range(1, PROVINCES + 1)
        ]
        OrgUnit.objects.bulk_create(provinces, batch_size=1000)
        districts = []
        for i in range(DISTRICTS):
            province = provinces[i % PROVINCES]
            districts.append(
                unit(Scheme.LEGACY, f"{i + 1:03d}", f"Huyện Thử {i + 1}", Tier.DISTRICT, 2, province, "Huyện")
            )
        OrgUnit.objects.bulk_create(districts, batch_size=1000)
        communes = []
        for i in range(n_communes):
            district = districts[i % DISTRICTS]
            communes.append(
                unit(Scheme.LEGACY, f"{i + 1:05d}", f"Xã Thử {i + 1}", Tier.COMMUNE, 3, district, "Xã")
            )
        OrgUnit.objects.bulk_create(communes, batch_size=2000)

        new_provinces = [
            unit(Scheme.CURRENT, f"{p:02d}", f"Tỉnh Mới {p}", Tier.PROVINCE, 1, None, "Tỉnh")
            for p in range(1, NEW_PROVINCES + 1)
        ]
        OrgUnit.objects.bulk_create(new_provinces, batch_size=1000)
        successor_of = {p.code: new_provinces[i % NEW_PROVINCES] for i, p in enumerate(provinces)}
        # Legacy communes of one new province, three by three, make a new commune.
        by_new_province: dict[str, list[Any]] = {}
        for commune in communes:
            province_code = commune.path.split("/")[1]
            by_new_province.setdefault(successor_of[province_code].code, []).append(commune)
        new_communes, links = [], []
        number = 0
        for new_province in new_provinces:
            olds = by_new_province.get(new_province.code, [])
            for start in range(0, len(olds), MERGED_COMMUNES):
                number += 1
                new_commune = unit(
                    Scheme.CURRENT, f"{number:05d}", f"Xã Mới {number}", Tier.COMMUNE, 2, new_province, "Xã"
                )
                new_communes.append(new_commune)
                links += [(old, new_commune) for old in olds[start : start + MERGED_COMMUNES]]
        OrgUnit.objects.bulk_create(new_communes, batch_size=2000)
        effective = dt.date(2025, 7, 1)
        successions = [
            UnitSuccession(predecessor=p, successor=successor_of[p.code], effective_date=effective)
            for p in provinces
        ]
        successions += [
            UnitSuccession(predecessor=o, successor=n, effective_date=effective) for o, n in links
        ]
        # One split commune in a hundred: part of its territory went to the neighbouring new commune.
        position = {id(n): i for i, n in enumerate(new_communes)}
        for old, new in rng.sample(links, len(links) // 100):
            neighbour = new_communes[position[id(new)] - 1]
            if neighbour.parent_id == new.parent_id and neighbour is not new:
                successions.append(
                    UnitSuccession(
                        predecessor=old, successor=neighbour, is_default=False, effective_date=effective
                    )
                )
        UnitSuccession.objects.bulk_create(successions, batch_size=2000, ignore_conflicts=True)
    return Country(provinces, districts, communes, new_provinces, len(new_communes))


def build_catalog(n_indicators: int) -> tuple[list[Any], list[Any], dict[str, int]]:
    """``n`` sex-disaggregated elements, one indicator each: counts, then shares of women."""
    from gemis.indicators.catalog import combo_for, ensure_categories
    from gemis.indicators.models import DataElement, Indicator, IndicatorKind

    ensure_categories()
    combo = combo_for(["sex"])
    cells = {c.code: c.pk for c in combo.option_combos.all()}
    elements = DataElement.objects.bulk_create(
        [
            DataElement(code=f"bench.{i:02d}", name=f"Phần tử thử {i}", category_combo=combo)
            for i in range(1, n_indicators + 1)
        ]
    )
    elements = list(DataElement.objects.filter(code__startswith="bench.").order_by("code"))
    indicators = []
    for i, element in enumerate(elements):
        if i % 2 == 0:
            kind, numerator, denominator = IndicatorKind.COUNT, [{"element": element.code}], []
        else:
            kind = IndicatorKind.PERCENTAGE
            numerator = [{"element": element.code, "options": {"sex": "female"}}]
            denominator = [{"element": element.code}]
        indicators.append(
            Indicator(
                code=f"B{i + 1:02d}",
                name=f"Chỉ tiêu thử {i + 1}",
                kind=kind,
                numerator=numerator,
                denominator=denominator,
                is_national=True,
            )
        )
    Indicator.objects.bulk_create(indicators)
    return elements, list(Indicator.objects.filter(code__startswith="B").order_by("code")), cells


def _value_rows(communes, period_ids, elements, cells, seed):
    """Plausible counts: each commune has a size; each element a level; women 40–55 %."""
    rng = random.Random(seed)
    male, female = cells["male"], cells["female"]
    levels = [rng.uniform(5, 400) for _ in elements]
    for commune in communes:
        size = rng.uniform(0.3, 3.0)
        unit_id = commune.pk
        for year_index, period_id in enumerate(period_ids):
            growth = 1 + 0.02 * year_index
            for level, element in zip(levels, elements, strict=True):
                total = int(level * size * growth) + 1
                women = int(total * (0.40 + 0.15 * ((unit_id * 7 + element.pk) % 100) / 100))
                yield (unit_id, period_id, element.pk, male, float(total - women))
                yield (unit_id, period_id, element.pk, female, float(women))


def _timed(function, repeat: int) -> list[float]:
    function()  # warm-up
    timings = []
    for _ in range(max(1, repeat)):
        started = time.perf_counter()
        function()
        timings.append((time.perf_counter() - started) * 1000)
    return timings


def measure_analytics(options: dict[str, Any], out: Any) -> list[Figure]:
    """Build the country in the current database and measure (the tests call this directly)."""
    from gemis.indicators import aggregate, rollups
    from gemis.indicators.models import DataValue, Period

    scale = options.get("scale") or _default_scale()
    repeat = options.get("repeat", 30)
    seed = options.get("seed", 2026)
    years = [FIRST_YEAR + i for i in range(options.get("years", 10))]

    started = time.perf_counter()
    country = build_country(scale, seed)
    elements, indicators, cells = build_catalog(options.get("indicators", 60))
    periods = [Period.get(str(year)) for year in years]
    build_seconds = time.perf_counter() - started
    out.write(
        f"Built {len(country.provinces)} provinces, {len(country.districts)} districts, "
        f"{len(country.communes)} communes (2025: {len(country.new_provinces)} provinces, "
        f"{country.new_communes} communes), {len(indicators)} indicators in {build_seconds:.1f} s."
    )

    expected = len(country.communes) * len(periods) * len(elements) * 2
    out.write(f"Loading {expected:,} values …")
    started = time.perf_counter()
    with transaction.atomic():
        loaded = rollups.copy_values(
            _value_rows(country.communes, [p.pk for p in periods], elements, cells, seed), initial=True
        )
    load_seconds = time.perf_counter() - started
    method = "COPY" if connection.vendor == "postgresql" else "INSERT"
    out.write(f"Loaded {loaded:,} values in {load_seconds:.1f} s ({loaded / load_seconds:,.0f}/s).")
    started = time.perf_counter()
    rollup_rows = rollups.rebuild_rollups()
    rollup_seconds = time.perf_counter() - started
    out.write(f"Rebuilt {rollup_rows:,} rollup rows in {rollup_seconds:.1f} s.")
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")  # as autovacuum would after a bulk load

    # The ordinary upload path (history, rollups) on a sample of a new year.
    sample_period = Period.get(str(years[-1] + 1))
    sample = list(
        _value_rows(
            country.communes[:200], [sample_period.pk], elements[: min(10, len(elements))], cells, seed
        )
    )
    started = time.perf_counter()
    rollups.load_values(sample, reason="bench")
    upload_seconds = time.perf_counter() - started

    share = next(i for i in indicators if i.kind == "percentage")
    count = indicators[0]
    year = str(years[-2])
    provinces_timings = _timed(lambda: aggregate.indicator_values(share, country.provinces, [year]), repeat)
    results = aggregate.indicator_values(share, country.provinces, [year])
    if any(r.value is None for r in results.values()):
        raise RuntimeError("a province has no value")
    raw_timings = _timed(lambda: _provinces_by_path(share, year), repeat)
    province = country.provinces[0]
    districts = [d for d in country.districts if d.parent_id == province.pk]
    codes = [p.code for p in periods]
    districts_timings = _timed(lambda: aggregate.indicator_values(share, districts, codes), repeat)
    new_timings = _timed(lambda: aggregate.indicator_values(share, country.new_provinces, [year]), repeat)
    new_series_timings = _timed(
        lambda: aggregate.indicator_values(count, country.new_provinces[:1], codes), repeat
    )
    legacy_total = sum(
        r.numerator
        for r in aggregate.indicator_values(count, country.provinces, [year]).values()
        if r.numerator
    )
    current_total = sum(
        r.numerator
        for r in aggregate.indicator_values(count, country.new_provinces, [year]).values()
        if r.numerator
    )
    if abs(legacy_total - current_total) > 1e-6 * max(1.0, legacy_total):
        raise RuntimeError(f"the 2025 provinces show {current_total}, the legacy ones {legacy_total}")

    # Save a commune's value, then read its province's total: the new value must be there.
    rng = random.Random(seed)
    element = elements[0]
    save_timings = []
    for _ in range(max(1, repeat)):
        commune = rng.choice(country.communes)
        dv = DataValue.objects.get(
            org_unit=commune, period=periods[-2], data_element=element, option_combo_id=cells["female"]
        )
        before = aggregate.indicator_value(count, province_of(commune, country), year).value
        started = time.perf_counter()
        dv.value += 1
        dv.save_checked(dv.version)
        after = aggregate.indicator_value(count, province_of(commune, country), year).value
        save_timings.append((time.perf_counter() - started) * 1000)
        if after != before + 1:
            raise RuntimeError(f"saved +1 but the province total went from {before} to {after}")

    return [
        Figure(
            f"bulk load ({method}), {loaded:,} values",
            round(loaded / load_seconds),
            "values/s",
            LOAD_RATE_TARGET,
            True,
        ),
        Figure(f"rebuilding the rollups ({rollup_rows:,} rows)", rollup_seconds, "s"),
        Figure(
            "bulk load and rollups together",
            round(loaded / (load_seconds + rollup_seconds)),
            "values/s",
            None,
            True,
        ),
        Figure(
            f"upload path (load_values, history, rollups), {len(sample):,} values",
            round(len(sample) / upload_seconds),
            "values/s",
            None,
            True,
        ),
        Figure(
            f"% indicator, {len(country.provinces)} provinces × 1 year, p95",
            percentile(provinces_timings, 0.95),
            "ms",
            QUERY_TARGET_MS,
        ),
        Figure("  same, median", statistics.median(provinces_timings), "ms"),
        Figure(
            "  same without rollups: one GROUP BY over the commune values by path prefix, p95",
            percentile(raw_timings, 0.95),
            "ms",
        ),
        Figure(
            f"% indicator, one province's {len(districts)} districts × {len(codes)} years, p95",
            percentile(districts_timings, 0.95),
            "ms",
            QUERY_TARGET_MS,
        ),
        Figure(
            "save one commune value, then read its province total, p95",
            percentile(save_timings, 0.95),
            "ms",
            SAVE_AND_READ_TARGET_MS,
        ),
        Figure("  same, median", statistics.median(save_timings), "ms"),
        Figure(
            f"% indicator, {len(country.new_provinces)} provinces of 2025 × 1 legacy year (mapping), p95",
            percentile(new_timings, 0.95),
            "ms",
        ),
        Figure(
            f"count, one 2025 province × {len(codes)} years (mapping), p95",
            percentile(new_series_timings, 0.95),
            "ms",
        ),
        Figure("building the synthetic country and catalog", build_seconds, "s"),
    ]


def _provinces_by_path(indicator: Any, year: str) -> list[tuple[str, int, float]]:
    """The alternative to rollups, measured for comparison: sum the commune values per province path."""
    from gemis.indicators.models import DataElement, DataValue, Period
    from gemis.orgs.models import OrgUnit

    element = DataElement.objects.get(code=indicator.denominator[0]["element"])
    period = Period.objects.get(code=year)
    values = connection.ops.quote_name(DataValue._meta.db_table)
    units = connection.ops.quote_name(OrgUnit._meta.db_table)
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT substr(u.path, 1, 10), v.option_combo_id, SUM(v.value) FROM {values} v "
            f"JOIN {units} u ON u.id = v.org_unit_id "
            "WHERE v.data_element_id = %s AND v.period_id = %s AND u.path LIKE 'legacy/%%' GROUP BY 1, 2",
            [element.pk, period.pk],
        )
        return cursor.fetchall()


def province_of(commune: Any, country: Country) -> Any:
    code = commune.path.split("/")[1]
    return next(p for p in country.provinces if p.code == code)
