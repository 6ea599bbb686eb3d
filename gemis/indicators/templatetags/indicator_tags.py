"""Numbers and statuses as the indicator pages show them (Vietnamese separators by default)."""

from __future__ import annotations

from typing import Any

from django import template
from django.utils.translation import ngettext

from gemis.core import numbers

register = template.Library()


@register.filter
def num(value: Any, places: int | None = None) -> str:
    """1234.5 → "1.234,5" (vi) or "1,234.5" (en); ``|num:1`` rounds to one decimal; "—" for nothing."""
    return numbers.show(value, places)


@register.filter
def signed(value: Any, places: int = 1) -> str:
    """A difference with its sign: "+2,5", "−1,0"."""
    if value is None:
        return "—"
    text = num(abs(float(value)), places)
    return ("+" if float(value) > 0 else "−" if float(value) < 0 else "±") + text


@register.filter
def fig(value: Any, indicator: Any) -> str:
    """A figure of ``indicator``: one decimal for a share or a rate, whole numbers for a count."""
    if value is None:
        return "—"
    return num(value, 1 if getattr(indicator, "is_ratio", True) else 0)


@register.filter
def coverage(found: Any) -> str:
    """ "3/4 đơn vị đã báo cáo" for a figure (or an aggregate result) that rests on units below; "" else."""
    expected = getattr(found, "expected", 0) or 0
    if expected <= 1 and getattr(found, "reported", 0) >= expected:
        return ""
    reported = getattr(found, "reported", 0)
    return ngettext(
        "%(reported)s/%(expected)s unit reported", "%(reported)s/%(expected)s units reported", expected
    ) % {"reported": reported, "expected": expected}
