"""Resolve a free-text agency name to an Agency. (Placeholder: being written.)"""

from __future__ import annotations

from gemis.core.text import canonical


def agency_key(text: str) -> str:
    return canonical(text)
