"""Security headers: private responses are never stored by a browser or proxy, every page carries a
Content-Security-Policy that allows no inline or eval'd script, and a Permissions-Policy.

The template scan keeps inline handlers and inline scripts from coming back: the policy would
silently break them in the browser (the browser test in test_browser_csp.py proves the pages
work under it)."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from gemis.plans.models import CalendarFeed, PlanStatus
from gemis.plans.progress import record_progress
from gemis.plans.testing import make_plan, make_task

pytestmark = pytest.mark.django_db

GEMIS = Path(__file__).resolve().parents[2]


def directives(response) -> dict[str, list[str]]:
    """The Content-Security-Policy header as {directive: [sources]}."""
    policy = response["Content-Security-Policy"]
    parsed = {}
    for part in policy.split(";"):
        name, *sources = part.split()
        parsed[name] = sources
    return parsed


def cache_directives(response) -> set[str]:
    return {d.strip().lower() for d in response.get("Cache-Control", "").split(",") if d.strip()}


def assert_strict_csp(response) -> None:
    policy = directives(response)
    assert policy["default-src"] == ["'self'"]
    assert policy["script-src"] == ["'self'"]
    assert policy["object-src"] == ["'none'"]
    assert policy["base-uri"] == ["'self'"]
    assert policy["frame-ancestors"] == ["'none'"]
    assert policy["form-action"] == ["'self'"]
    assert policy["img-src"] == ["'self'", "data:"]
    assert "'unsafe-inline'" not in policy["style-src"]  # only style="" attributes are allowed
    for name, sources in policy.items():
        assert "'unsafe-eval'" not in sources, name
        if name.startswith("script-src") or name == "default-src":
            assert "'unsafe-inline'" not in sources, name


def assert_permissions_policy(response) -> None:
    policy = response["Permissions-Policy"]
    for feature in ("camera", "microphone", "geolocation", "payment", "usb"):
        assert f"{feature}=()" in policy


def assert_not_stored(response) -> None:
    assert "no-store" in cache_directives(response), response.get("Cache-Control")
    assert "public" not in cache_directives(response)


# --- the headers -------------------------------------------------------------------------------------------


def test_signed_in_page_is_not_stored_and_has_the_policies(client, world):
    client.force_login(world.province_coordinator)
    response = client.get(reverse("orgs:home"))
    assert response.status_code == 200
    assert_not_stored(response)
    assert_strict_csp(response)
    assert_permissions_policy(response)


def test_htmx_partial_of_a_signed_in_person_is_not_stored(client, world):
    client.force_login(world.province_coordinator)
    response = client.get(reverse("plans:task-list"), headers={"HX-Request": "true"})
    assert response.status_code == 200
    assert_not_stored(response)


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_exports_are_not_stored(client, world, fmt):
    plan = make_plan(world.province, world.province_agency, status=PlanStatus.ISSUED)
    make_task(plan, "Tổ chức Tháng hành động vì bình đẳng giới", lead=world.province_agency)
    client.force_login(world.province_coordinator)
    response = client.get(reverse("plans:task-export", args=[fmt]))
    assert response.status_code == 200
    assert "attachment" in response["Content-Disposition"]
    assert_not_stored(response)
    assert_strict_csp(response)


def test_evidence_download_keeps_its_own_no_store(client, world, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    plan = make_plan(world.district_a, world.district_a_agency, status=PlanStatus.ISSUED)
    task = make_task(plan, "Tập huấn", lead=world.district_a_agency)
    upload = SimpleUploadedFile("Biên bản.pdf", b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj<<>>endobj\n%%EOF\n")
    update = record_progress(task, world.district_a_focal, note="Có biên bản", progress=30, files=[upload])
    client.force_login(world.district_a_focal)
    response = client.get(reverse("plans:attachment-download", args=[update.attachments.get().pk]))
    assert response.status_code == 200
    assert response["Cache-Control"] == "private, no-store"


def test_calendar_feed_is_private_although_it_has_no_session(client, world):
    """The feed's secret address is its credential: what it returns is as private as a page."""
    feed = CalendarFeed.objects.create(user=world.district_a_focal)
    response = client.get(reverse("plans:calendar-feed", args=[feed.token]))
    assert response.status_code == 200
    assert_not_stored(response)
    assert "max-age=900" not in response["Cache-Control"]


def test_login_page_has_the_policies(client):
    response = client.get(reverse("orgs:login"))
    assert response.status_code == 200
    assert_strict_csp(response)
    assert_permissions_policy(response)
    # The page of someone not signed in holds nothing private: no-store comes only from Django's
    # own never_cache on the login view, and a public page (no session) is left cacheable.
    assert "no-store" in cache_directives(response)


def test_anonymous_redirect_is_left_alone(client):
    response = client.get(reverse("orgs:home"))
    assert response.status_code == 302
    assert "no-store" not in cache_directives(response)
    assert_strict_csp(response)


def test_not_found_for_a_signed_in_person_is_not_stored(client, world):
    client.force_login(world.district_a_focal)
    response = client.get("/plans/999999999/")
    assert response.status_code == 404
    assert_not_stored(response)


def test_htmx_is_told_not_to_eval(client, world):
    client.force_login(world.province_coordinator)
    page = client.get(reverse("orgs:home")).content.decode()
    config = re.search(r"<meta name=\"htmx-config\" content='([^']*)'>", page)
    assert config is not None
    assert json.loads(config.group(1)) == {
        "allowEval": False,
        "allowScriptTags": False,
        "includeIndicatorStyles": False,
    }
    # The configuration is read when htmx starts: it must come before htmx's script.
    assert page.index('name="htmx-config"') < page.index("vendor/htmx/htmx")


# --- templates: no inline script, no inline handler ------------------------------------------------

SCRIPT_TAG = re.compile(r"<script\b([^>]*)>", re.IGNORECASE)
STYLE_TAG = re.compile(r"<style\b[^>]*>", re.IGNORECASE)  # style="" attributes are allowed, blocks not
INLINE_HANDLER = re.compile(r"""\son[a-z]+\s*=\s*["'{]""", re.IGNORECASE)
JAVASCRIPT_URL = re.compile(r"""=\s*["']\s*javascript:""", re.IGNORECASE)
HX_ON = re.compile(r"""\s(?:data-)?hx-on[:\-]""", re.IGNORECASE)
TEMPLATE_COMMENT = re.compile(r"\{#.*?#\}|\{%\s*comment\s*%\}.*?\{%\s*endcomment\s*%\}", re.DOTALL)


def templates() -> list[Path]:
    # E-mails are read in mail programs, not under the site's policy.
    found = sorted(p for p in GEMIS.glob("**/templates/**/*.html") if "email" not in p.parent.name)
    assert len(found) > 50  # the scan really sees the templates
    return found


def problems_in(text: str) -> list[str]:
    text = TEMPLATE_COMMENT.sub("", text)
    found = []
    for match in SCRIPT_TAG.finditer(text):
        attributes = match.group(1)
        if "src=" not in attributes and 'type="application/json"' not in attributes:
            found.append(f"inline <script>: {match.group(0)}")
    found += [f"inline <style> block: {m.group(0)}" for m in STYLE_TAG.finditer(text)]
    found += [f"inline handler: {m.group(0).strip()}" for m in INLINE_HANDLER.finditer(text)]
    found += [f"javascript: URL: {m.group(0)}" for m in JAVASCRIPT_URL.finditer(text)]
    found += [f"hx-on (evaluated by htmx): {m.group(0).strip()}" for m in HX_ON.finditer(text)]
    return found


def test_the_scan_finds_what_the_policy_forbids():
    bad = (
        '<select onchange="this.form.submit()">'
        "<script>alert(1)</script>"
        '<button hx-on:click="go()">'
        '<a href="javascript:void(0)">'
        "<form onsubmit='return confirm(1)'>"
        "<style>.a { color: red }</style>"
    )
    assert len(problems_in(bad)) == 6
    good = (
        '<script src="/static/gemis/app.js" defer></script>'
        '<script id="chart-specs" type="application/json">{}</script>'
        '<select data-autosubmit data-confirm="Xóa?">'
        "{# <script>alert(1)</script> in a comment #}"
        '<p class="button-on-top" style="width: 5%">'
    )
    assert problems_in(good) == []


def test_no_template_has_inline_scripts_or_handlers():
    problems = {}
    for path in templates():
        found = problems_in(path.read_text(encoding="utf-8"))
        if found:
            problems[str(path.relative_to(GEMIS))] = found
    assert problems == {}
