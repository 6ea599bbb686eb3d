"""``gemis parse-doc FILE [--format json|text]``: what the parser finds in a plan document.

``--format json`` (the default) prints the JSON of shared/parse-schema.md on
stdout; ``--format text`` a short Vietnamese summary for a person. A file the
parser cannot read prints one line on stderr, in Vietnamese then English
("Lỗi: tệp rỗng. / Error: the file is empty.") and exits with status 2.
"""

from __future__ import annotations

import json
import sys
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from gemis.vn.parser import ParseError, parse_file


class Command(BaseCommand):
    help = "Parse a plan document (.txt, .docx, .pdf, .html) and print what it says: JSON or a summary."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", help="the document to read")
        parser.add_argument("--format", choices=("json", "text"), default="json")
        parser.add_argument(
            "--no-text", action="store_true", help="leave the normalised text out of the JSON"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            result = parse_file(options["file"])
        except ParseError as error:
            sys.stderr.write(f"{error}\n")
            sys.stderr.flush()
            raise SystemExit(2) from None
        data = result.to_dict(include_text=not options["no_text"])
        if options["format"] == "json":
            self.stdout.write(json.dumps(data, ensure_ascii=False, indent=1))
        else:
            self.stdout.write(summary(data))


def _vi(iso: str | None) -> str:
    """ "2021-04-12" → "12/04/2021", "2021-04" → "04/2021" (how Vietnamese documents write dates)."""
    if not iso:
        return "?"
    parts = iso.split("-")
    return "/".join(reversed(parts))


def _deadline(deadline: dict) -> str:
    kind = deadline.get("kind")
    if kind == "range":
        return f"từ {_vi(deadline.get('date'))} đến {_vi(deadline.get('end'))}"
    if kind in ("date", "month"):
        return f"hạn {_vi(deadline.get('date'))}"
    if kind in ("recurring", "event"):
        return deadline.get("text") or kind
    return "không nêu thời hạn"


def summary(data: dict) -> str:
    """A readable Vietnamese summary of the parse result."""
    doc = data["document"]
    lines = [
        f"Văn bản: {doc.get('kind') or '?'} số {doc.get('number') or '(chưa có số)'}"
        f", ngày {_vi(doc.get('date'))}, của {doc.get('issuer') or '?'}",
        f"Trích yếu: {doc.get('subject') or '?'}",
        "",
        f"Văn bản được dẫn ({len(data['references'])}):",
    ]
    for ref in data["references"]:
        lines.append(
            f"  - {ref['kind']} số {ref['number']}" + (f" ngày {_vi(ref['date'])}" if ref["date"] else "")
        )
    lines += ["", f"Nhiệm vụ ({len(data['tasks'])}):"]
    for task in data["tasks"]:
        text = task["text"] if len(task["text"]) <= 110 else task["text"][:107] + "…"
        lines.append(f"  [{task['section']}] {text}")
        lines.append(
            f"      chủ trì: {', '.join(task['lead']) or '—'};"
            f" phối hợp: {', '.join(task['partners']) or '—'};"
            f" {_deadline(task['deadline'])}"
        )
    lines += ["", f"Báo cáo định kỳ ({len(data['reports'])}):"]
    for report in data["reports"]:
        lines.append(f"  - {report['name']}: trước {_vi(report['due'])}, gửi {report['recipient'] or '?'}")
    lines += ["", f"Chỉ tiêu ({len(data['targets'])}):"]
    for target in data["targets"]:
        unit = target["unit"] if target["unit"] == "%" else " " + target["unit"]
        lines.append(f"  - {target['value']}{unit}: {target['text']}")
    return "\n".join(lines)
