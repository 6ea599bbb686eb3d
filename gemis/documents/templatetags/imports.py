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


@register.filter
def as_ints(value: Any) -> set[int]:
    """A multiple field's value(s) as a set of ids (initial ints or posted strings; junk left out)."""
    found = set()
    for item in as_strings(value):
        if item.isdecimal() and len(item) < 19:
            found.add(int(item))
    return found
