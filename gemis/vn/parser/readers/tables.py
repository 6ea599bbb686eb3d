"""Tables of any format written out as lines: a task table one item per row, others cell by cell."""

from __future__ import annotations

import re

_ROLE_WORDS: tuple[tuple[str, tuple[str, ...]], ...] = (
    # checked in this order, on the canonical header text
    ("content", ("nội dung", "nhiệm vụ", "hoạt động", "công việc", "tên hoạt động", "tên nhiệm vụ")),
    ("partners", ("phối hợp",)),
    ("deadline", ("thời gian", "thời hạn", "tiến độ", "hoàn thành")),
    ("product", ("sản phẩm", "kết quả")),
    ("budget", ("kinh phí", "nguồn")),
    ("lead", ("chủ trì", "thực hiện", "phụ trách", "cơ quan", "đơn vị", "trách nhiệm")),
)
_NUMBER_HEADERS = ("stt", "tt", "số tt", "số thứ tự")
_ATTRIBUTE_LABEL = {
    "lead": "Chủ trì",
    "partners": "Phối hợp",
    "deadline": "Thời gian",
    "product": "Sản phẩm",
    "budget": "Kinh phí",
}


def _column_roles(header: list[str]) -> list[str | None]:
    from gemis.vn.text import canonical

    roles: list[str | None] = []
    for cell in header:
        key = canonical(cell)
        role = "number" if key.strip(" .") in _NUMBER_HEADERS else None
        for name, words in _ROLE_WORDS:
            if role:
                break
            if (
                name == "content"
                and key.startswith(words)
                or name != "content"
                and any(w in key for w in words)
            ):
                role = name
        roles.append(role)
    return roles


def table_lines(rows: list[list[str]]) -> list[str]:
    """A table as lines: a task table as numbered items with attribute lines, else cell by cell."""
    rows = [
        ["\n".join(" ".join(line.split()) for line in cell.split("\n") if line.strip()) for cell in row]
        for row in rows
        if any(c.strip() for c in row)
    ]
    if not rows:
        return []
    for header_at in range(min(2, len(rows))):
        roles = _column_roles(rows[header_at])
        if "content" in roles and ("lead" in roles or "deadline" in roles):
            body = rows[header_at + 1 :]
            # a two-row header: "Cơ quan thực hiện" over "Chủ trì" | "Phối hợp"
            if body:
                sub = _column_roles(body[0])
                content_at = roles.index("content")
                content_cell = body[0][content_at] if content_at < len(body[0]) else ""
                if any(sub) and (not content_cell or sub[content_at] is not None):
                    roles = [
                        s_role or role for role, s_role in zip(roles, sub + [None] * len(roles), strict=False)
                    ]
                    body = body[1:]
            return _task_table_lines(body, roles)
    lines: list[str] = []
    for row in rows:
        seen: set[str] = set()
        for cell in row:
            if cell and cell not in seen:  # merged cells repeat their text
                seen.add(cell)
                lines.extend(part for part in cell.split("\n") if part.strip())
    return lines


_ROW_NUMBER_RE = re.compile(r"^\s*(\d{1,3}(?:\.\d{1,3})*|[IVXLC]{1,6}|[a-zđ])[.)]?\s*$")


def _task_table_lines(rows: list[list[str]], roles: list[str | None]) -> list[str]:
    lines: list[str] = []
    counter = 0
    for row in rows:
        cells = {role: "" for role in _ATTRIBUTE_LABEL}
        cells["content"] = cells["number"] = ""
        for role, cell in zip(roles, row, strict=False):
            if role and cell and not cells.get(role):
                cells[role] = cell
        distinct = {c for c in row if c}
        content = cells["content"]
        if not content:
            continue
        if len(distinct) == 1 or (not any(cells[r] for r in _ATTRIBUTE_LABEL) and cells["number"] != ""):
            # a group row ("I. Công tác tuyên truyền" across the table)
            number = cells["number"]
            lines.append(f"{' '.join(content.split())}:")
            continue
        number = cells["number"].strip(" .)")
        if not (number and _ROW_NUMBER_RE.match(number) and number[0].isdigit()):
            counter += 1
            number = str(counter)
        else:
            counter = int(number.split(".")[0]) if number.split(".")[0].isdigit() else counter + 1
        # "(1)": a row is an item one level below the heading the table sits under.
        lines.append(f"({number}) {' '.join(content.split()).rstrip(':')}")
        for role, label in _ATTRIBUTE_LABEL.items():
            if cells[role]:
                lines.append(f"- {label}: {' '.join(cells[role].split())}")
    return lines
