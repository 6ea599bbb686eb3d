"""The standard categories (phân tổ) and the cells of every combination of them.

Category and option names are data in Vietnamese with an English name beside
them, as in the statistics office's tables; they are created here, once, by
:func:`ensure_categories` (the loader and the demo call it).
"""

from __future__ import annotations

import itertools
from collections.abc import Sequence

from django.db import transaction

from gemis.indicators.models import Category, CategoryCombo, CategoryOption, CategoryOptionCombo

# code → (name, English name, [(option code, name, English name)]), in the order cells are named.
STANDARD_CATEGORIES: dict[str, tuple[str, str, list[tuple[str, str, str]]]] = {
    "sex": ("Giới tính", "Sex", [("male", "Nam", "Male"), ("female", "Nữ", "Female")]),
    "age_group": (
        "Nhóm tuổi",
        "Age group",
        [
            ("0-14", "0–14 tuổi", "0–14"),
            ("15-24", "15–24 tuổi", "15–24"),
            ("25-59", "25–59 tuổi", "25–59"),
            ("60+", "Từ 60 tuổi trở lên", "60 and over"),
        ],
    ),
    "ethnicity": (
        "Dân tộc",
        "Ethnicity",
        [("kinh", "Kinh", "Kinh"), ("other", "Dân tộc thiểu số", "Ethnic minorities")],
    ),
    "urban_rural": (
        "Thành thị/nông thôn",
        "Urban/rural",
        [("urban", "Thành thị", "Urban"), ("rural", "Nông thôn", "Rural")],
    ),
}
CATEGORY_ORDER = list(STANDARD_CATEGORIES)
DEFAULT_COMBO = "default"


@transaction.atomic
def ensure_categories() -> dict[str, Category]:
    """Create the standard categories and options if missing (idempotent); returns them by code."""
    found = {}
    for code, (name, name_en, options) in STANDARD_CATEGORIES.items():
        category, _ = Category.objects.get_or_create(code=code, defaults={"name": name, "name_en": name_en})
        for order, (option_code, option_name, option_en) in enumerate(options):
            CategoryOption.objects.get_or_create(
                category=category,
                code=option_code,
                defaults={"name": option_name, "name_en": option_en, "order": order},
            )
        found[code] = category
    return found


def _ordered(codes: Sequence[str]) -> list[str]:
    known = [c for c in CATEGORY_ORDER if c in codes]
    return known + sorted(c for c in codes if c not in CATEGORY_ORDER)


@transaction.atomic
def combo_for(category_codes: Sequence[str]) -> CategoryCombo:
    """The combination of these categories ("default" for none), with its cells; created if missing."""
    codes = _ordered(list(dict.fromkeys(category_codes)))
    combo_code = "_".join(codes) if codes else DEFAULT_COMBO
    combo = CategoryCombo.objects.filter(code=combo_code).first()
    if combo is None:
        categories = [Category.objects.get(code=c) for c in codes]
        name = " × ".join(c.name for c in categories) if categories else "Không phân tổ"
        combo = CategoryCombo.objects.create(code=combo_code, name=name)
        combo.categories.set(categories)
    ensure_option_combos(combo)
    return combo


def ensure_option_combos(combo: CategoryCombo) -> list[CategoryOptionCombo]:
    """Every cell of ``combo`` (the cross product of its categories' options); idempotent."""
    categories = sorted(
        combo.categories.all(), key=lambda c: _ordered([c.code, *CATEGORY_ORDER]).index(c.code)
    )
    existing = {c.code: c for c in combo.option_combos.all()}
    if not categories:
        if DEFAULT_COMBO not in existing:
            existing[DEFAULT_COMBO] = CategoryOptionCombo.objects.create(
                combo=combo, code=DEFAULT_COMBO, name="Tổng số", option_codes={}
            )
        return [existing[DEFAULT_COMBO]]
    option_lists = [list(c.options.order_by("order", "code")) for c in categories]
    cells = []
    for options in itertools.product(*option_lists):
        code = "|".join(o.code for o in options)
        cell = existing.get(code)
        if cell is None:
            cell = CategoryOptionCombo.objects.create(
                combo=combo,
                code=code,
                name=", ".join(o.name for o in options),
                option_codes={c.code: o.code for c, o in zip(categories, options, strict=True)},
            )
            cell.options.set(options)
        cells.append(cell)
    return cells


def cells_by_code(combo: CategoryCombo) -> dict[str, CategoryOptionCombo]:
    """``{"male": …, "female": …}`` for a combination."""
    return {c.code: c for c in combo.option_combos.all()}
