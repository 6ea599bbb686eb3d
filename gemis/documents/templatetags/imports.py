from __future__ import annotations

from typing import Any

from django import template

register = template.Library()


@register.filter
def as_strings(value: Any) -> list[str]:
    """A field's value(s) as strings, to compare with option values (initial ints, posted strings)."""
    if value is None or value == "":
        return []
    if isinstance(value, list | tuple):
        return [str(v) for v in value]
    return [str(value)]
