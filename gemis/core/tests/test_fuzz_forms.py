"""Fuzzing every form of GEMIS: no 500 anywhere, nothing stored that fails validation.

Every URL pattern is taken from the resolver and filled with a real object of the fuzz world
(``fuzz_world.py``); its page is fetched as the superuser and as a unit coordinator, and every
``<form method="post">`` and htmx ``hx-post`` on it is collected with its fields. Each form target is
then posted:

* a sweep: every field (hidden ones kept valid, then all of them) set to each value of ``NASTY`` —
  huge and non-finite numbers, mixed separators, 100k-character and odd Unicode text, NUL, bad dates,
  wrong choices, ids beyond any integer column — plus the form with no field at all;
* ``GEMIS_FUZZ_EXAMPLES`` hypothesis examples (default 8; ``GEMIS_FUZZ_ONLY=name,name`` fuzzes only
  those URL names) mixing valid values, nasty values,
  generated text, odd files and missing fields.

Each post runs inside a savepoint that is rolled back, so every one starts from the same world.
After each: the response is not a 500, every row saved during the request passes ``full_clean()``
and holds only finite numbers, and no float column anywhere holds inf or NaN.

Every URL name whose view accepts POST must be reached by a discovered form or be listed in
``NOT_DISCOVERED`` with the reason, so a new form is fuzzed without anybody remembering to.
A 500 is written to ``/work/fuzz-findings.md`` (``GEMIS_FUZZ_FINDINGS``) as soon as it is seen.
"""

from __future__ import annotations

import contextlib
import inspect
import json
import math
import os
import re
import time
import traceback
import unicodedata
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlencode, urlsplit

import pytest
from django.apps import apps
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection, models, transaction
from django.db.models.signals import post_save
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, resolve, reverse
from django.urls.exceptions import Resolver404
from hypothesis import HealthCheck, given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st
from lxml import html as lxml_html

from gemis.core.tests.fuzz_world import (
    FuzzWorld,
    build_fuzz_world,
    grid_kwargs,
    hold_catalog_upload,
    hold_excel_upload,
)
from gemis.plans.models import Attachment, CalendarFeed, Notification

pytestmark = pytest.mark.django_db

EXAMPLES = int(os.environ.get("GEMIS_FUZZ_EXAMPLES", "8"))
# A comma-separated list of URL names to fuzz only those (when working on one view); all by default.
ONLY = {name for name in os.environ.get("GEMIS_FUZZ_ONLY", "").split(",") if name}
# Where 500s are written as they are found (for the people who fix them); nowhere if its folder is missing.
FINDINGS = Path(os.environ.get("GEMIS_FUZZ_FINDINGS") or "/work/fuzz-findings.md")

# --------------------------------------------------------------------------- values

LONG = "Kế hoạch bình đẳng giới " * 4200  # ~100k characters
NASTY: list[str] = [
    "",
    "-0",
    "1e400",
    "-1e400",
    "inf",
    "NaN",
    "1" + "0" * 400,
    "9" * 5000,  # beyond Python's int() digit limit
    "99999999999999999999",  # beyond any integer column (ids, foreign keys, versions)
    "1.234,5",
    "1,234.5",
    "١٢٣",
    "31/02/2026",
    "99/99/9999",
    "2026-13-01",
    LONG,
    unicodedata.normalize("NFD", "Bình đẳng giới Hòa Lạc Ủy ban") * 50,
    "\u202egpj.exe\u202c a\u200b\u200c\u200d\ufeffb",
    "x\x00y 😀👩‍👩‍👧 🇻🇳",
    "\\ud800\\udfff",
    "'; DROP TABLE plans_plan; --<script>alert(1)</script>\"'><img src=x>{{ 7|add:7 }}%s",
]
# The subset also tried in hidden fields (versions, element and cell codes, ids).
NASTY_HIDDEN = ["", "1e400", "NaN", "99999999999999999999", "9" * 5000, "x\x00y"]

ODD_FILES: list[tuple[str, bytes]] = [
    ("bao-cao.txt", "Báo cáo kết quả thực hiện.\n".encode()),
    ("rong.docx", b""),
    ("\u202excod.txt", b"PK\x03\x04" + b"\x00" * 64),  # right-to-left override in the name; a broken zip
    ("a" * 300 + ".xlsx", b"\xff\xfe\x00garbage"),
    ("bieu.xlsx", b"PK\x05\x06" + b"\x00" * 18),  # an empty zip
    ("..\\..\\x.pdf", b"%PDF-1.4\n%%EOF"),
    ("so-lieu.csv", b'=HYPERLINK("http://x")\n1e400,NaN\n'),
]

# --------------------------------------------------------------------------- routes


@dataclass
class Route:
    name: str
    route: str
    callback: Callable
    params: list[str]
    view_name: str = ""  # the name to reverse: with the app's namespace


def routes(patterns: list | None = None, prefix: str = "", namespace: str = "") -> Iterator[Route]:
    """Every named URL pattern with its full route and the names of its path converters."""
    if patterns is None:
        patterns = get_resolver().url_patterns
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            inner = f"{namespace}{pattern.namespace}:" if pattern.namespace else namespace
            yield from routes(pattern.url_patterns, prefix + str(pattern.pattern), inner)
        elif isinstance(pattern, URLPattern) and pattern.name:
            route = prefix + str(pattern.pattern)
            params = re.findall(r"<(?:\w+:)?(\w+)>", route)
            yield Route(pattern.name, route, pattern.callback, params, namespace + pattern.name)


def accepts_post(callback: Callable) -> bool:
    """Whether a view does anything with POST: a class view with ``post``, a ``require_POST``-like
    decorator, or a function that reads ``request.POST`` / compares ``request.method``."""
    view_class = getattr(callback, "view_class", None)
    if view_class is not None:
        return hasattr(view_class, "post")
    function: Any = callback
    while function is not None:
        for cell in function.__closure__ or ():
            with contextlib.suppress(ValueError):
                if isinstance(cell.cell_contents, (list, tuple, set)) and "POST" in cell.cell_contents:
                    return True
        inner = getattr(function, "__wrapped__", None)
        if inner is None:
            with contextlib.suppress(OSError, TypeError):
                return "POST" in inspect.getsource(function)
        function = inner
    return False


# Whole URL families not crawled, with why.
NOT_CRAWLED_PREFIXES = {
    "admin/": "Django's own admin site (no GEMIS ModelAdmin; superusers only; Django tests its forms).",
}
# Views that accept POST but whose form cannot be found on a page, with why; they are still fuzzed
# with the fields given here.
NOT_DISCOVERED: dict[str, tuple[str, list[str]]] = {
    "login-verify": (
        "The second sign-in step is shown only between the password and the code of a person with an "
        "authenticator app (a pending sign-in in the session); posted here with its one field.",
        ["code"],
    ),
    "plan-issue": (
        "Issuing asks first: its confirm form is shown only when nothing blocks issuing, and the fuzz "
        "world's draft has no number (the blocked page is visited; the POST is fuzzed with its fields).",
        ["expected_version", "confirm"],
    ),
    "plan-hand-down": (
        "The button shows only while an issued plan's addressed units lack their share, which issuing "
        "makes at once (the fuzz world's plans have none missing); posted here with no field, as it is.",
        [],
    ),
    "password_reset_confirm": (
        "The new-password form is reached only through the link in a reset e-mail (a signed token for "
        "one person); posted here with its two fields to a real person's link.",
        ["new_password1", "new_password2"],
    ),
}


def _one(model: type[models.Model], **filters: Any) -> Any:
    found = model.objects.filter(**filters).order_by("pk").first()
    return found.pk if found else 0


def _job(world: FuzzWorld, client: Client) -> list[dict[str, Any]]:
    from gemis.core.models import BackgroundJob

    job = (
        BackgroundJob.objects.order_by("-created_at").first()
        if hasattr(BackgroundJob, "created_at")
        else None
    )
    job = job or BackgroundJob.objects.first()
    return [{"pk": job.pk}] if job else []


def _token(kind: str) -> Callable[[FuzzWorld, Client], list[dict[str, Any]]]:
    def fill(world: FuzzWorld, client: Client) -> list[dict[str, Any]]:
        cache = client.__dict__.setdefault("fuzz_tokens", {})
        if kind not in cache:
            cache[kind] = hold_excel_upload(world, client) if kind == "excel" else hold_catalog_upload(client)
        token = cache[kind]
        if token is None:
            return []
        return [{**grid_kwargs(world), "token": token}] if kind == "excel" else [{"token": token}]

    return fill


def _reset_link(user: Any) -> dict[str, Any]:
    from django.contrib.auth.tokens import default_token_generator
    from django.utils.encoding import force_bytes
    from django.utils.http import urlsafe_base64_encode

    return {
        "uidb64": urlsafe_base64_encode(force_bytes(user.pk)),
        "token": default_token_generator.make_token(user),
    }


def _user_of(client: Client) -> int:
    return int(client.session.get("_auth_user_id", 0))


Filler = Callable[[FuzzWorld, Client], list[dict[str, Any]]]
FILL: dict[str, Filler] = {
    "job-detail": _job,
    "job-download": _job,
    "import-review": lambda w, c: [{"pk": w.imported.pk}],
    "import-agency-options": lambda w, c: [{"pk": w.imported.pk}],
    "import-file": lambda w, c: [{"pk": w.imported.pk}],
    "catalog-import-preview": _token("catalog"),
    "catalog-import-toml": _token("catalog"),
    "indicator-edit": lambda w, c: [{"code": w.local_indicator.code}],
    "indicator-delete": lambda w, c: [{"code": w.local_indicator.code}],
    "indicator-detail": lambda w, c: [{"code": w.local_indicator.code}, {"code": w.form.indicator.code}],
    "target-new": lambda w, c: [{"code": w.local_indicator.code}],
    "target-edit": lambda w, c: [{"pk": w.target.pk}],
    "target-delete": lambda w, c: [{"pk": w.target.pk}],
    "unit-profile": lambda w, c: [{"pk": w.province.pk}],
    "chart-data": lambda w, c: [{"page": "indicators", "fmt": "json"}],
    "excel-preview": _token("excel"),
    "excel-errors": _token("excel"),
    "unit-detail": lambda w, c: [{"pk": w.province.pk}, {"pk": w.commune.pk}],
    "unit-standing-agency": lambda w, c: [{"pk": w.province.pk}],
    "agency-detail": lambda w, c: [{"pk": w.standing.pk}],
    "user-detail": lambda w, c: [{"pk": w.focal.pk}],
    "membership-add": lambda w, c: [{"pk": w.focal.pk}],
    "membership-remove": lambda w, c: [{"pk": w.membership.pk}],
    "calendar-feed-revoke": lambda w, c: [{"pk": _one(CalendarFeed, user_id=_user_of(c))}],
    "calendar-feed": lambda w, c: [
        {"token": feed.token} for feed in CalendarFeed.objects.filter(user_id=_user_of(c))[:1]
    ],
    "notification-open": lambda w, c: [{"pk": _one(Notification, user_id=_user_of(c))}],
    "plan-detail": lambda w, c: [{"pk": w.draft.pk}, {"pk": w.issued.pk}],
    "plan-legal-basis-remove": lambda w, c: [{"pk": w.draft.pk, "document_pk": w.legal.pk}],
    "plan-close": lambda w, c: [{"pk": w.issued.pk}],
    "plan-cascade": lambda w, c: [{"pk": w.issued.pk}],
    "plan-section-edit": lambda w, c: [{"pk": w.draft_section.pk}],
    "plan-section-delete": lambda w, c: [{"pk": w.draft_section.pk}],
    "plan-section-move": lambda w, c: [{"pk": w.draft_section.pk}],
    "plan-task-edit": lambda w, c: [{"pk": w.draft_task.pk}],
    "plan-task-delete": lambda w, c: [{"pk": w.draft_task.pk}],
    "plan-task-move": lambda w, c: [{"pk": w.draft_task.pk}],
    "trash-restore": lambda w, c: [{"kind": "task", "pk": w.extra["deleted_task"]}],
    "task-export": lambda w, c: [{"fmt": "csv"}],
    "task-detail": lambda w, c: [{"pk": w.issued_task.pk}, {"pk": w.draft_task.pk}],
    "attachment-download": lambda w, c: [{"pk": _one(Attachment)}],
    "password_reset_confirm": lambda w, c: [_reset_link(w.focal)],
}
# Any other "plans/<pk>/..." URL is about the draft plan; any other grid URL about the commune's grid.
GRID_PARAMS = {"dataset", "unit", "period"}


def fill(route: Route, world: FuzzWorld, client: Client) -> list[dict[str, Any]] | None:
    """The keyword arguments to reverse ``route`` with, or None when nobody said how to fill it."""
    if route.name in FILL:
        return FILL[route.name](world, client)
    if not route.params:
        return [{}]
    if set(route.params) == GRID_PARAMS:
        # The commune's open grid (cells, notes), the province's (deadlines for the units under it)
        # and the commune's past, locked period (exceptions).
        return [
            grid_kwargs(world),
            {**grid_kwargs(world), "unit": world.province.pk},
            {**grid_kwargs(world), "period": world.form.last_period},
        ]
    if route.params == ["pk"] and route.route.startswith("plans/<int:pk>/"):
        return [{"pk": world.draft.pk}]
    return None


# Extra query strings for pages that show their form only for something chosen.
GET_QUERY: dict[str, Callable[[FuzzWorld], dict[str, str]]] = {
    "entry-cell-detail": lambda w: {"element": w.form.households.code, "cell": "default"},
}

# --------------------------------------------------------------------------- forms on pages


@dataclass
class FormField:
    name: str
    kind: str  # text, textarea, select, checkbox, radio, hidden, file, number, date, ...
    value: str = ""
    options: list[str] = field(default_factory=list)
    multiple: bool = False


@dataclass
class FoundForm:
    url_name: str
    path: str
    fields: dict[str, FormField]
    users: set[int] = field(default_factory=set)
    htmx: bool = False


def _fields_of(element: Any) -> dict[str, FormField]:
    found: dict[str, FormField] = {}
    for control in element.iter("input", "select", "textarea"):
        name = control.get("name")
        if not name or name == "csrfmiddlewaretoken":
            continue
        tag = control.tag
        kind = tag if tag != "input" else (control.get("type") or "text").lower()
        if kind in {"submit", "button", "reset", "image"}:
            continue
        entry = found.setdefault(name, FormField(name, kind))
        if kind == "select":
            entry.multiple = control.get("multiple") is not None
            for option in control.iter("option"):
                value = option.get("value", option.text_content())
                entry.options.append(value)
                if option.get("selected") is not None and not entry.value:
                    entry.value = value
            if not entry.value and entry.options:
                entry.value = entry.options[0]
        elif kind in {"checkbox", "radio"}:
            value = control.get("value", "on")
            entry.options.append(value)
            entry.multiple = entry.multiple or (kind == "checkbox" and len(entry.options) > 1)
            if control.get("checked") is not None and not entry.value:
                entry.value = value
        elif kind == "textarea":
            entry.value = control.text_content()
        else:
            entry.value = control.get("value", "")
    return found


def _hx_vals(element: Any) -> dict[str, FormField]:
    raw = element.get("hx-vals")
    if not raw:
        return {}
    with contextlib.suppress(ValueError):
        return {k: FormField(k, "hidden", str(v)) for k, v in json.loads(raw).items()}
    return {}


def forms_on(page_path: str, content: bytes) -> list[tuple[str, dict[str, FormField], bool]]:
    """(target path, fields, is htmx) of every POST form and hx-post element on a page."""
    if not content.strip():
        return []
    try:
        tree = lxml_html.fromstring(content)
    except (ValueError, lxml_html.etree.ParserError):
        return []
    found = []
    for form in tree.iter("form"):
        if (form.get("method") or "get").lower() == "post":
            action = form.get("action") or page_path
            found.append((action, _fields_of(form), False))
    for element in tree.xpath("//*[@hx-post]"):
        action = element.get("hx-post") or page_path
        if element.tag == "form":
            fields = _fields_of(element)
        else:
            fields = _fields_of(element) if element.tag not in {"input", "select", "textarea"} else {}
            if element.get("name"):
                fields[element.get("name")] = FormField(
                    element.get("name"),
                    (element.get("type") or element.tag).lower(),
                    element.get("value", ""),
                )
        fields.update(_hx_vals(element))
        found.append((action, fields, True))
    return found


# --------------------------------------------------------------------------- payloads


def _file(name: str, content: bytes) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content, "application/octet-stream")


def valid_payload(form: FoundForm) -> dict[str, Any]:
    payload: dict[str, Any] = {}
    for f in form.fields.values():
        if f.kind == "file":
            continue
        if f.kind in {"checkbox", "radio"} and not f.value:
            continue
        payload[f.name] = f.value
    return payload


def sweep_payloads(form: FoundForm) -> Iterator[tuple[str, dict[str, Any]]]:
    """Deterministic: each nasty value in every visible field, then in every field; no field at all."""
    yield "no fields", {}
    base = valid_payload(form)
    visible = [f for f in form.fields.values() if f.kind != "hidden"]
    for value in NASTY:
        payload = dict(base)
        for f in visible:
            payload[f.name] = _file("x.txt", value.encode("utf-8", "replace")) if f.kind == "file" else value
        yield f"visible fields = {value[:40]!r}", payload
    if any(f.kind == "hidden" for f in form.fields.values()):
        for value in NASTY_HIDDEN:
            payload = {f.name: value for f in form.fields.values() if f.kind != "file"}
            yield f"every field = {value[:40]!r}", payload
    for name, content in ODD_FILES if any(f.kind == "file" for f in form.fields.values()) else []:
        payload = dict(base)
        for f in form.fields.values():
            if f.kind == "file":
                payload[f.name] = _file(name, content)
        yield f"file {name[:40]!r} ({len(content)} bytes)", payload


odd_text = st.text(st.characters(exclude_categories=("Cs",)), max_size=60)
numbers_text = st.one_of(
    st.floats(allow_nan=True, allow_infinity=True).map(repr),
    st.integers(min_value=-(10**30), max_value=10**30).map(str),
    st.decimals(allow_nan=True, allow_infinity=True).map(str),
    st.from_regex(r"-?[0-9]{1,6}([.,][0-9]{3})*([.,][0-9]{1,4})?", fullmatch=True),
)
dates_text = st.one_of(
    st.dates().map(lambda d: d.strftime("%d/%m/%Y")),
    st.from_regex(r"[0-9]{1,3}/[0-9]{1,3}/[0-9]{1,5}", fullmatch=True),
    st.from_regex(r"[0-9]{4}-[0-9]{1,2}-[0-9]{1,2}", fullmatch=True),
)
odd_files = st.sampled_from(ODD_FILES).map(lambda pair: _file(*pair))


def field_value(f: FormField) -> st.SearchStrategy:
    nasty = st.sampled_from(NASTY)
    valid = st.just(f.value)
    if f.kind == "file":
        return odd_files
    if f.kind == "hidden":
        return st.one_of(valid, valid, valid, st.sampled_from(NASTY_HIDDEN), numbers_text)
    if f.options:
        choice = st.sampled_from(f.options)
        wrong = st.sampled_from(["99999999999999999999", "-1", "x", "", "0", "1e400"])
        if f.multiple:
            return st.lists(st.one_of(choice, wrong), max_size=4)
        return st.one_of(choice, choice, wrong, nasty)
    if f.kind == "date":
        return st.one_of(dates_text, nasty)
    return st.one_of(valid, nasty, odd_text, numbers_text, dates_text)


@st.composite
def payloads(draw: Any, form: FoundForm) -> dict[str, Any]:
    payload: dict[str, Any] = {}
    for f in form.fields.values():
        if draw(st.integers(0, 9)) == 0:
            continue  # a missing field
        payload[f.name] = draw(field_value(f))
    return payload


def describe(payload: dict[str, Any]) -> str:
    def short(value: Any) -> str:
        if isinstance(value, SimpleUploadedFile):
            return f"<file {value.name[:40]!r}, {value.size} bytes>"
        if isinstance(value, list):
            return "[" + ", ".join(short(v) for v in value) + "]"
        text = repr(value)
        return text if len(text) <= 60 else f"{text[:50]}… ({len(value)} chars)"

    return "{" + ", ".join(f"{k!r}: {short(v)}" for k, v in payload.items()) + "}"


# --------------------------------------------------------------------------- checks


@contextlib.contextmanager
def rolled_back() -> Iterator[None]:
    with transaction.atomic():
        yield
        transaction.set_rollback(True)


@contextlib.contextmanager
def saves() -> Iterator[list[models.Model]]:
    saved: list[models.Model] = []

    def record(sender: type[models.Model], instance: models.Model, **kwargs: Any) -> None:
        saved.append(instance)

    post_save.connect(record, weak=False, dispatch_uid="fuzz-saves")
    try:
        yield saved
    finally:
        post_save.disconnect(dispatch_uid="fuzz-saves")


IGNORED_WRITES = ("django_session", "axes_")


@contextlib.contextmanager
def writes() -> Iterator[list[str]]:
    """The data-changing statements a request ran (sessions and sign-in bookkeeping aside)."""
    written: list[str] = []

    def watch(execute: Any, sql: str, params: Any, many: bool, context: Any) -> Any:
        if sql.lstrip()[:6].upper() in {"INSERT", "UPDATE", "DELETE"} and not any(
            table in sql for table in IGNORED_WRITES
        ):
            written.append(sql[:80])
        return execute(sql, params, many, context)

    with connection.execute_wrapper(watch):
        yield written


def _float_fields(model: type[models.Model]) -> list[str]:
    return [f.attname for f in model._meta.concrete_fields if isinstance(f, models.FloatField)]


FLOAT_MODELS = None


def non_finite_rows() -> list[str]:
    """Rows anywhere holding inf (or NaN on PostgreSQL, where NaN sorts above every number)."""
    global FLOAT_MODELS
    if FLOAT_MODELS is None:
        FLOAT_MODELS = [(m, _float_fields(m)) for m in apps.get_models() if _float_fields(m)]
    bad = []
    biggest = 1.7976931348623157e308
    for model, names in FLOAT_MODELS:
        condition = models.Q()
        for name in names:
            condition |= models.Q(**{f"{name}__gt": biggest}) | models.Q(**{f"{name}__lt": -biggest})
        for row in model._default_manager.filter(condition).values("pk", *names)[:3]:
            bad.append(f"{model._meta.label} {row}")
    return bad


SKIP_CLEAN = {"sessions.Session", "axes.AccessAttempt", "axes.AccessLog", "axes.AccessFailureLog"}


def invalid_rows(saved: list[models.Model]) -> list[str]:
    """Rows saved during a request, read back, that full_clean() refuses or that hold inf/NaN."""
    problems = []
    seen = set()
    for instance in saved:
        model = type(instance)
        label = model._meta.label
        key = (label, instance.pk)
        if key in seen or label in SKIP_CLEAN or model.__name__.startswith("Historical"):
            continue
        seen.add(key)
        stored = model._default_manager.filter(pk=instance.pk).first()
        if stored is None:
            continue
        for name in _float_fields(model):
            value = getattr(stored, name)
            if value is not None and not math.isfinite(value):
                problems.append(f"{label} #{stored.pk}: {name} = {value}")
        try:
            stored.full_clean()
        except ValidationError as error:
            problems.append(f"{label} #{stored.pk} fails full_clean(): {error.message_dict}")
    return problems


# --------------------------------------------------------------------------- findings


@dataclass
class Finding:
    url_name: str
    path: str
    user: str
    input: str
    problem: str
    where: str
    trace: str = ""


def last_frame(exc_info: Any) -> str:
    if not exc_info:
        return "?"
    frames = traceback.extract_tb(exc_info[2])
    root = str(Path(__file__).resolve().parents[3])
    own = [f for f in frames if f.filename.startswith(root) and "/.venv/" not in f.filename]
    frame = (own or frames)[-1]
    deepest = frames[-1]
    name = frame.filename
    if name.startswith(root):
        name = str(Path(name).resolve().relative_to(root))
    text = f"{name}:{frame.lineno}"
    if deepest is not frame:
        text += f" (raised in {Path(deepest.filename).name}:{deepest.lineno})"
    return text


OWNERS = [
    ("gemis/core/numbers.py", "numbers"),
    ("gemis/indicators/grid.py", "numbers"),
    ("gemis/indicators/excel.py", "numbers"),
    ("gemis/indicators/forms.py", "numbers"),
    ("gemis/indicators/target_rules.py", "numbers"),
    ("gemis/indicators/aggregate.py", "numbers"),
    ("gemis/indicators/models.py", "numbers"),
    ("gemis/indicators/validation.py", "numbers"),
    ("gemis/indicators/views_entry.py", "numbers"),
    ("gemis/indicators/views_excel.py", "numbers"),
    ("gemis/core/exports.py", "safety"),
    ("gemis/plans/exports.py", "safety"),
    ("gemis/indicators/views_dashboards.py", "safety"),
    ("gemis/indicators/dashboards.py", "safety"),
    ("gemis/indicators/views_local.py", "safety"),
    ("gemis/indicators/views_catalog.py", "safety"),
    ("gemis/indicators/permissions.py", "safety"),
    ("gemis/indicators/local.py", "safety"),
    ("gemis/orgs/auth.py", "accounts"),
    ("gemis/orgs/forms.py", "accounts"),
    ("gemis/orgs/validators.py", "accounts"),
    ("gemis/orgs/models.py", "accounts"),
    ("gemis/orgs/access.py", "rules"),
    ("gemis/plans/views_plans.py", "rules"),
    ("gemis/plans/forms.py", "rules"),
    ("gemis/plans/models.py", "history"),
    ("gemis/plans/trash.py", "history"),
    ("gemis/core/backup.py", "backup"),
    ("gemis/vn/text.py", "backup"),
    ("gemis/core/uploads.py", "backup"),
    ("gemis/core/middleware.py", "headers"),
]


def owner_of(where: str) -> str:
    for prefix, owner in OWNERS:
        if where.startswith(prefix):
            return owner
    if where.startswith("gemis/orgs/views.py"):
        return "accounts (people views) / fuzz (units, agencies)"
    if where.startswith("gemis/documents/"):
        return "backup (import cleanup) / rules (access) / fuzz (otherwise)"
    return "fuzz (no owner listed)"


def write_finding(finding: Finding, database: str) -> None:
    """Append the finding to the shared file, once per (view, place) whatever the number of runs."""
    if not FINDINGS.parent.is_dir():
        return
    header = f"## {finding.url_name} — {finding.where}"
    existing = FINDINGS.read_text(encoding="utf-8") if FINDINGS.exists() else ""
    if header + "\n" in existing:
        return
    with FINDINGS.open("a", encoding="utf-8") as out:
        if not existing:
            out.write(
                "# Fuzz findings (gemis/core/tests/test_fuzz_forms.py)\n\n"
                "Each entry: a 500 or an invalid stored row found by the form fuzzer, with the last frame\n"
                'in GEMIS code. Owners: fix it with a regression test, then mark it "fixed by <name>".\n\n'
            )
        found = time.strftime("%H:%M UTC", time.gmtime())
        out.write(
            f"{header}\n"
            f"- problem: {finding.problem.splitlines()[0][:300]}\n"
            f"- found: {found} on {database}, posting as {finding.user} to {finding.path}\n"
            f"- input: `{finding.input[:600]}`\n"
            f"- owner: {owner_of(finding.where)}\n"
            f"- status: open\n\n"
        )


# --------------------------------------------------------------------------- the test


def discover(
    world: FuzzWorld, clients: dict[int, Client]
) -> tuple[dict[str, FoundForm], list[str], set[str]]:
    """Crawl every fillable route as each user; the POST forms found, by target URL name."""
    found: dict[tuple[str, str], FoundForm] = {}
    unfillable: list[str] = []
    crawled: set[str] = set()
    for route in routes():
        if any(route.route.startswith(p) for p in NOT_CRAWLED_PREFIXES):
            continue
        for user_pk, client in clients.items():
            kwargs_list = fill(route, world, client)
            if kwargs_list is None:
                unfillable.append(f"{route.name} ({route.route})")
                break
            for kwargs in kwargs_list:
                path = reverse(route.view_name, kwargs=kwargs)
                query = GET_QUERY.get(route.name)
                url = path + ("?" + urlencode(query(world)) if query else "")
                with rolled_back():
                    response = client.get(url)
                crawled.add(route.name)
                if response.status_code >= 500:
                    raise AssertionError(f"GET {url} as user {user_pk} returned {response.status_code}")
                if response.status_code != 200 or "html" not in response.get("Content-Type", ""):
                    continue
                for action, fields, htmx in forms_on(path, response.content):
                    target = urlsplit(action).path or path
                    try:
                        match = resolve(target)
                    except Resolver404:
                        continue
                    if not match.url_name or any(
                        target.lstrip("/").startswith(p) for p in NOT_CRAWLED_PREFIXES
                    ):
                        continue
                    key = (match.url_name, target)
                    form = found.setdefault(key, FoundForm(match.url_name, target, {}, htmx=htmx))
                    for name, f in fields.items():
                        known = form.fields.setdefault(name, f)
                        known.options.extend(o for o in f.options if o not in known.options)
                    form.users.add(user_pk)
    by_name: dict[str, FoundForm] = {}
    for (name, _path), form in sorted(found.items()):
        by_name.setdefault(name, form)  # one concrete target per URL name: the first object found
    return by_name, unfillable, crawled


def hypothesis_examples(form: FoundForm, post: Callable[..., None]) -> Callable[[], None]:
    """``GEMIS_FUZZ_EXAMPLES`` generated posts to ``form``, each as one of the people who saw it."""

    @settings_for_examples
    @given(data=st.data())
    def fuzz(data: Any) -> None:
        user_pk = data.draw(st.sampled_from(sorted(form.users)), label="user")
        post(form, user_pk, "hypothesis", data.draw(payloads(form), label="payload"))

    return fuzz


def world_users(world: FuzzWorld) -> list[tuple[int, Any]]:
    return [(u.pk, u) for u in world.users]


def _still_signed_in(client: Client, user: Any) -> None:
    if user is not None and _user_of(client) != user.pk:
        client.force_login(user)


def test_every_form_survives_fuzzing(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    started = time.monotonic()
    world = build_fuzz_world()
    users: dict[int, Any] = {u.pk: u for u in world.users}
    users[0] = None  # anonymous: the sign-in page is only shown to people not signed in
    clients = {0: Client(raise_request_exception=False)}
    for pk, user in world_users(world):
        client = Client(raise_request_exception=False)
        client.force_login(user)
        clients[pk] = client

    forms, unfillable, crawled = discover(world, clients)
    assert not unfillable, (
        "These URLs have path parameters the fuzz test cannot fill; add them to FILL in "
        f"{Path(__file__).name} (or NOT_CRAWLED_PREFIXES with the reason): {unfillable}"
    )
    for name, (_why, field_names) in NOT_DISCOVERED.items():
        assert name not in forms, f"{name} is discovered now: remove it from NOT_DISCOVERED"
        route = next(r for r in routes() if r.name == name)
        kwargs = fill(route, world, next(iter(clients.values())))
        assert kwargs, f"NOT_DISCOVERED {name}: no object to post to"
        forms[name] = FoundForm(
            name,
            reverse(route.view_name, kwargs=kwargs[0]),
            {n: FormField(n, "text") for n in field_names},
            set(users),
        )
    post_names = {
        r.name
        for r in routes()
        if accepts_post(r.callback) and not any(r.route.startswith(p) for p in NOT_CRAWLED_PREFIXES)
    }
    missing = post_names - set(forms) - set(NOT_DISCOVERED)
    assert not missing, (
        f"Views that accept POST but whose form was found on no page: {sorted(missing)}. Make the page "
        "show it in the fuzz world, or list it in NOT_DISCOVERED with the reason and its fields."
    )
    database = settings.DATABASES["default"]["ENGINE"].rsplit(".", 1)[-1]
    findings: list[Finding] = []
    seen: set[tuple[str, str]] = set()
    counts: dict[str, int] = {}
    seconds: dict[str, float] = {}

    def post(form: FoundForm, user_pk: int, label: str, payload: dict[str, Any]) -> None:
        client = clients[user_pk]
        user = users[user_pk]
        counts[form.url_name] = counts.get(form.url_name, 0) + 1
        began = time.monotonic()
        with rolled_back(), saves() as saved, writes() as written:
            extra = {"HTTP_HX_REQUEST": "true"} if form.htmx else {}
            response = client.post(form.path, payload, **extra)
            problems = []
            where = ""
            trace = ""
            if response.status_code >= 500:
                exc_info = getattr(response, "exc_info", None)
                where = last_frame(exc_info)
                error = exc_info[1] if exc_info else None
                problems.append(f"{response.status_code}: {type(error).__name__}: {str(error)[:200]}")
                trace = "".join(traceback.format_exception(*exc_info))[-3000:] if exc_info else ""
            elif written:  # only a request that wrote something can have stored something wrong
                problems += invalid_rows(saved)
                problems += [f"non-finite value stored: {row}" for row in non_finite_rows()]
                where = "stored rows"
        seconds[form.url_name] = seconds.get(form.url_name, 0.0) + time.monotonic() - began
        if os.environ.get("GEMIS_FUZZ_TIMES"):
            print(f"{time.monotonic() - began:6.2f} s {form.url_name} {label[:70]}")
        _still_signed_in(client, user)
        for problem in problems:
            key = (form.url_name, where if response.status_code >= 500 else problem[:80])
            if key in seen:
                continue
            seen.add(key)
            finding = Finding(
                form.url_name,
                form.path,
                user.username if user else "anonymous",
                f"{label}: {describe(payload)}",
                problem,
                where,
                trace,
            )
            findings.append(finding)
            write_finding(finding, database)

    # Sign-out, sign-in and password change last: they end the session the held uploads live in.
    order = sorted(
        forms.values(), key=lambda f: (f.url_name in {"logout", "login", "password_change"}, f.url_name)
    )
    for form in order:
        if ONLY and form.url_name not in ONLY:
            continue
        form_users = sorted(form.users)
        for index, (label, payload) in enumerate(sweep_payloads(form)):
            post(form, form_users[index % len(form_users)], f"sweep, {label}", payload)

        hypothesis_examples(form, post)()

    elapsed = time.monotonic() - started
    slowest = sorted(seconds.items(), key=lambda item: -item[1])[:8]
    print("\nslowest:", ", ".join(f"{name} {spent:.1f} s" for name, spent in slowest))
    print(f"fuzzed {len(forms)} form targets, {sum(counts.values())} posts in {elapsed:.0f} s on {database}")
    assert not findings, "\n\n".join(
        f"{f.url_name} as {f.user}: {f.problem}\n  at {f.where}\n  input {f.input[:300]}" for f in findings
    )


settings_for_examples = hypothesis_settings(
    max_examples=EXAMPLES,
    deadline=None,
    database=None,
    suppress_health_check=list(HealthCheck),
)


# --------------------------------------------------------------------------- the fuzzer's own parts


def _route(name: str) -> Route:
    return next(r for r in routes() if r.name == name and not r.route.startswith("admin/"))


def test_views_that_take_posts_are_told_from_those_that_do_not():
    for name in ("entry-cell", "plan-edit", "login", "logout", "set_language", "notification-mark-all-read"):
        assert accepts_post(_route(name).callback), name
    for name in ("plan-list", "chart-data", "javascript-catalog", "catalog-import-toml", "task-export"):
        assert not accepts_post(_route(name).callback), name


def test_post_forms_and_htmx_posts_are_read_with_their_fields():
    page = """<html><head><meta charset="utf-8"></head><body>
      <form method="get" action="/plans/"><input name="q"></form>
      <form method="POST" action="/plans/1/edit/"><input type="hidden" name="csrfmiddlewaretoken" value="t">
        <input type="hidden" name="expected_version" value="3"><input name="number" value="1/KH">
        <select name="kind"><option value="plan">P</option>
          <option value="programme" selected>C</option></select>
        <select name="partners" multiple><option value="4">A</option><option value="5">B</option></select>
        <input type="checkbox" name="all_units_below" value="1"><textarea name="subject">Chủ đề</textarea>
        <input type="file" name="files"><button type="submit" name="go">OK</button></form>
      <td><input name="value" value="12" hx-post="/indicators/entry/x/1/2026/cell/"
        hx-vals='{"element": "W.people", "cell": "female", "version": "2"}'></td>
    </body></html>""".encode()
    found = forms_on("/plans/1/", page)
    assert [(action, htmx) for action, _fields, htmx in found] == [
        ("/plans/1/edit/", False),
        ("/indicators/entry/x/1/2026/cell/", True),
    ]
    fields = found[0][1]
    assert list(fields) == [
        "expected_version", "number", "kind", "partners", "all_units_below", "subject", "files"
    ]  # fmt: skip
    assert fields["expected_version"].kind == "hidden" and fields["expected_version"].value == "3"
    assert fields["kind"].value == "programme" and fields["kind"].options == ["plan", "programme"]
    assert fields["partners"].multiple and fields["subject"].value == "Chủ đề"
    assert fields["files"].kind == "file" and fields["all_units_below"].options == ["1"]
    cell = found[1][1]
    assert {name: f.value for name, f in cell.items()} == {
        "value": "12", "element": "W.people", "cell": "female", "version": "2"
    }  # fmt: skip


def test_the_checks_see_an_infinite_number_and_a_row_that_fails_validation(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    world = build_fuzz_world()
    assert non_finite_rows() == [] and invalid_rows([world.target, world.draft]) == []
    from gemis.indicators.models import DataValue

    DataValue.objects.filter(pk=DataValue.objects.first().pk).update(value=float("inf"))
    assert [row for row in non_finite_rows() if row.startswith("indicators.DataValue")]
    type(world.target).objects.filter(pk=world.target.pk).update(comparator="??")
    assert any("fails full_clean()" in problem for problem in invalid_rows([world.target]))
