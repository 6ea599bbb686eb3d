"""The original text with what the parser found marked, for the review screen."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe


@dataclass(frozen=True)
class Mark:
    start: int
    end: int
    css: str
    anchor: str = ""
    title: str = ""


def marks_of(result: dict[str, Any]) -> list[Mark]:
    """Every span the parser gave: references, tasks with their lead, partners and time, reports, targets."""
    marks: list[Mark] = []

    def add(span: Any, css: str, anchor: str = "", title: str = "") -> None:
        if isinstance(span, list | tuple) and len(span) == 2 and all(isinstance(v, int) for v in span):
            if 0 <= span[0] < span[1]:
                marks.append(Mark(span[0], span[1], css, anchor, title))

    for i, ref in enumerate(result.get("references") or []):
        add(ref.get("span"), "hl-ref", f"src-ref-{i}", ref.get("number") or "")
    for i, task in enumerate(result.get("tasks") or []):
        add(task.get("span"), "hl-task", f"src-task-{i}", task.get("section") or "")
        for span in task.get("lead_spans") or []:
            add(span, "hl-lead")
        for span in task.get("partner_spans") or []:
            add(span, "hl-partner")
        add(task.get("deadline_span"), "hl-deadline")
    for i, report in enumerate(result.get("reports") or []):
        add(report.get("span"), "hl-report", f"src-report-{i}")
    for target in result.get("targets") or []:
        add(target.get("span"), "hl-target")
    return marks


def highlight(text: str, marks: list[Mark]) -> SafeString:
    """``text`` as HTML with nested ``<mark>`` elements; a mark crossing another's edge is left out."""
    ordered = sorted({m for m in marks if m.end <= len(text)}, key=lambda m: (m.start, -m.end))
    out: list[str] = []
    stack: list[Mark] = []
    position = 0

    def close_until(limit: int) -> None:
        nonlocal position
        while stack and stack[-1].end <= limit:
            top = stack.pop()
            out.append(escape(text[position : top.end]))
            position = top.end
            out.append("</mark>")

    for mark in ordered:
        close_until(mark.start)
        if stack and mark.end > stack[-1].end:
            continue  # crosses the enclosing mark: nesting would be broken HTML
        out.append(escape(text[position : mark.start]))
        position = mark.start
        attrs = f' class="{mark.css}"'
        if mark.anchor:
            attrs += f' id="{mark.anchor}"'
        if mark.title:
            attrs += f' title="{escape(mark.title)}"'
        out.append(f"<mark{attrs}>")
        stack.append(mark)
    close_until(len(text) + 1)
    out.append(escape(text[position:]))
    return mark_safe("".join(out))  # every piece of text above went through escape()
