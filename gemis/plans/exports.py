"""The task table as a spreadsheet: XLSX for people who keep working in Excel, CSV for everything else.

One generator (:func:`task_rows`) turns a filtered queryset into rows of plain
values (dates stay dates), and one writer per format turns the rows into bytes.
Both go through the shared table exporter (:mod:`gemis.core.exports`): CSV is
streamed with a byte-order mark, and a text that a spreadsheet would read as a
formula ("=HYPERLINK(…)", "- Tổ chức…") stays text in both formats.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Iterator
from types import SimpleNamespace
from typing import Any

from django.db.models import OuterRef, QuerySet, Subquery
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from gemis.core import exports
from gemis.plans import task_rules
from gemis.plans.models import ProgressUpdate, Task

Row = tuple[Any, ...]
# Above this many tasks the workbook is built in the background (about 0.35 ms a row: ~1 s).
XLSX_INLINE_LIMIT = 3000
# Rows are read in chunks so that 20,000 tasks never sit in memory at once.
CHUNK_SIZE = 1000
# Column widths in characters, in the order of headers().
COLUMN_WIDTHS = (6, 70, 18, 30, 40, 28, 16, 16, 10, 18)
DATE_COLUMN = 6
DATETIME_COLUMN = 9
WRAP_COLUMNS = (1, 4)


SHEET_TITLE = gettext_lazy("Tasks")


def headers() -> list[str]:
    # "Lead unit"/"Partner units": the official column titles say "Đơn vị chủ trì/phối hợp".
    return [
        _("No."),
        _("Task"),
        _("Plan"),
        _("Lead unit"),
        _("Partner units"),
        _("Deadline"),
        _("Due date (dd/mm/yyyy)"),
        _("Status"),
        _("Progress (%)"),
        _("Last update"),
    ]


_FIELDS = (
    "pk",
    "text",
    "plan__number",
    "plan__subject",
    "lead_agency__name",
    "deadline_text",
    "due_date",
    "status",
    "progress",
    "last_update_at",
    "plan__status",
    "last_done_on",
)


def export_values(queryset: QuerySet[Task]) -> QuerySet:
    """The columns as plain values (no model instances: an export may hold 20,000 tasks)."""
    latest = (
        ProgressUpdate.objects.filter(task=OuterRef("pk")).order_by("-created_at").values("created_at")[:1]
    )
    return queryset.annotate(last_update_at=Subquery(latest)).values_list(*_FIELDS)


def _partner_names(task_ids: list[int]) -> dict[int, str]:
    names: dict[int, list[str]] = {}
    links = Task.partners.through.objects.filter(task_id__in=task_ids).values_list("task_id", "agency__name")
    for task_id, name in links:
        names.setdefault(task_id, []).append(name)
    return {task_id: "; ".join(sorted(found)) for task_id, found in names.items()}


def _chunks(rows: Iterable[tuple], size: int) -> Iterator[list[tuple]]:
    chunk: list[tuple] = []
    for row in rows:
        chunk.append(row)
        if len(chunk) == size:
            yield chunk
            chunk = []
    if chunk:
        yield chunk


def task_rows(queryset: QuerySet[Task], today: dt.date | None = None) -> Iterator[Row]:
    """One row per task, numbered from 1, in the queryset's order; two queries per thousand tasks."""
    today = today or task_rules.today()
    number = 0
    values = export_values(queryset).iterator(chunk_size=CHUNK_SIZE)
    for chunk in _chunks(values, CHUNK_SIZE):
        partners = _partner_names([row[0] for row in chunk])
        for row in chunk:
            pk, text, plan_number, subject, lead, deadline_text, due, status, progress, last_update = row[:10]
            plan_status, last_done_on = row[10:]
            number += 1
            if last_update is not None:
                # Excel has no time zones: write the local wall-clock time without tzinfo.
                last_update = timezone.localtime(last_update).replace(tzinfo=None, microsecond=0)
            shown = task_rules.display_status(
                SimpleNamespace(
                    status=status,
                    due_date=due,
                    plan=SimpleNamespace(status=plan_status),
                    last_done_on=last_done_on,
                ),
                today,
            )
            yield (
                number,
                text,
                plan_number or subject[:60],
                lead or "",
                partners.get(pk, ""),
                deadline_text,
                due,
                str(task_rules.DISPLAY_LABELS[shown]),
                progress,
                last_update,
            )


def columns() -> list[exports.Column]:
    """The task table's columns: titles, widths, date formats, wrapped text."""
    formats = {DATE_COLUMN: exports.DATE_FORMAT, DATETIME_COLUMN: exports.DATETIME_FORMAT}
    return [
        exports.Column(title, width=width, number_format=formats.get(index), wrap=index in WRAP_COLUMNS)
        for index, (title, width) in enumerate(zip(headers(), COLUMN_WIDTHS, strict=True))
    ]


def csv_lines(rows: Iterable[Row]) -> Iterator[str]:
    """The CSV file line by line: BOM, header, rows (dates as dd/mm/yyyy text, formulas defused)."""
    return exports.csv_lines(headers(), rows)


def xlsx_bytes(rows: Iterable[Row]) -> bytes:
    """The XLSX workbook: bold frozen header, set widths, real Excel dates shown dd/mm/yyyy."""
    return exports.xlsx_bytes(columns(), rows, sheet_title=str(SHEET_TITLE))


def file_name(extension: str, today: dt.date | None = None) -> str:
    """ "nhiem-vu-2026-11-22.xlsx": ASCII, dated, the same in every language."""
    return f"nhiem-vu-{(today or task_rules.today()):%Y-%m-%d}.{extension}"
