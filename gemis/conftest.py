"""Fixtures shared by every app's tests: a small unit tree with people in it."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

import pytest
from hypothesis import settings as hypothesis_settings

from gemis.orgs.models import Agency, OrgUnit, Role, Scheme, User
from gemis.orgs.testing import make_agency, make_unit, make_user

SHARED_DIR = Path(__file__).resolve().parent.parent.parent / "shared"

# Property-based tests: in CI the same examples every run (a failure there is reproducible, never luck);
# on a developer's machine hypothesis explores new ones each time.
hypothesis_settings.register_profile("ci", derandomize=True, deadline=None, print_blob=True)
hypothesis_settings.register_profile("dev", deadline=None)
hypothesis_settings.load_profile("ci" if os.environ.get("CI") else "dev")


@dataclass
class World:
    """Two districts of one province, and another province; people with every role."""

    province: OrgUnit
    district_a: OrgUnit
    district_b: OrgUnit
    commune_a: OrgUnit
    other_province: OrgUnit
    province_agency: Agency
    district_a_agency: Agency
    district_b_agency: Agency
    commune_a_agency: Agency
    other_agency: Agency
    province_coordinator: User
    district_a_coordinator: User
    district_b_coordinator: User
    district_a_focal: User
    district_a_viewer: User
    province_leader: User
    province_admin: User
    other_coordinator: User
    nobody: User


@pytest.fixture
def world(db) -> World:
    return build_world()


@pytest.fixture
def live_world(transactional_db) -> World:
    """The same world for tests that drive a browser against ``live_server``."""
    return build_world()


def build_world() -> World:
    # Units in force (the 2025 scheme): former units are read-only history (orgs/access.py), so a
    # world people work in must be a current one. Its depth of three levels is kept on purpose:
    # nothing may assume how many levels a tree has.
    province = make_unit("Tỉnh Thử Nghiệm", code="91", scheme=Scheme.CURRENT)
    district_a = make_unit("Huyện An Bình", code="911", parent=province)
    district_b = make_unit("Huyện Bắc Sơn", code="912", parent=province)
    commune_a = make_unit("Xã Hòa Lạc", code="91101", parent=district_a)
    other = make_unit("Tỉnh Khác", code="92", scheme=Scheme.CURRENT)
    p_agency = make_agency(province, "Sở Lao động - Thương binh và Xã hội", "Sở LĐTBXH")
    a_agency = make_agency(district_a, "Phòng Lao động - Thương binh và Xã hội", "Phòng LĐTBXH")
    b_agency = make_agency(district_b, "Phòng Lao động - Thương binh và Xã hội", "Phòng LĐTBXH")
    c_agency = make_agency(commune_a, "Ủy ban nhân dân xã Hòa Lạc", "UBND xã")
    o_agency = make_agency(other, "Sở Lao động - Thương binh và Xã hội", "Sở LĐTBXH")
    ubnd = make_agency(province, "Ủy ban nhân dân tỉnh Thử Nghiệm", "UBND tỉnh")
    return World(
        province=province,
        district_a=district_a,
        district_b=district_b,
        commune_a=commune_a,
        other_province=other,
        province_agency=p_agency,
        district_a_agency=a_agency,
        district_b_agency=b_agency,
        commune_a_agency=c_agency,
        other_agency=o_agency,
        province_coordinator=make_user("tinh", p_agency, Role.COORDINATOR, full_name="Nguyễn Thị Tỉnh"),
        district_a_coordinator=make_user("huyen.a", a_agency, Role.COORDINATOR),
        district_b_coordinator=make_user("huyen.b", b_agency, Role.COORDINATOR),
        district_a_focal=make_user("dau.moi.a", a_agency, Role.FOCAL_POINT),
        district_a_viewer=make_user("xem.a", a_agency, Role.VIEWER),
        province_leader=make_user("lanh.dao", ubnd, Role.LEADER),
        province_admin=make_user("quan.tri", ubnd, Role.ADMIN),
        other_coordinator=make_user("khac", o_agency, Role.COORDINATOR),
        nobody=make_user("khong.ai"),
    )


@pytest.fixture
def shared_dir() -> Path:
    if not SHARED_DIR.is_dir():
        pytest.skip(f"../shared is not beside the project ({SHARED_DIR}); these tests read its documents")
    return SHARED_DIR


@pytest.fixture(autouse=True)
def _test_settings(settings):
    """Fast password hashing (the real hasher costs ~0.3 s a user); Vietnamese default.

    Background tasks run at once, inside the test (no worker process); the tests of
    :mod:`gemis.core.jobs` switch to the database backend to check the queue itself.
    """
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    settings.LANGUAGE_CODE = "vi"
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}


CHROMIUM = Path("/usr/bin/chromium")
SCREENSHOTS = Path(__file__).resolve().parent.parent / "test-artifacts" / "screenshots"
# Playwright's sync API runs an event loop in the test thread; Django refuses ORM calls there otherwise.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


@pytest.fixture(scope="session")
def chromium():
    """Debian's headless Chromium driven by Playwright (no browser download)."""
    if not CHROMIUM.exists():
        if os.environ.get("GEMIS_REQUIRE_BROWSER"):
            pytest.fail("/usr/bin/chromium is missing (apt-get install chromium chromium-driver)")
        pytest.skip("/usr/bin/chromium is missing: install Debian's chromium to run the browser tests")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=str(CHROMIUM),
            args=[
                "--no-sandbox",
                "--disable-background-networking",
                "--disable-gpu",
                "--disable-dev-shm-usage",
                # The browser's own widgets (date inputs: dd/mm/yyyy) in Vietnamese, as officers see them.
                "--lang=vi-VN",
            ],
        )
        yield browser
        browser.close()


@pytest.fixture
def page(chromium, live_server):
    """A fresh browser tab (Vietnamese, laptop size); ``page.base_url`` is the live server."""
    context = chromium.new_context(locale="vi-VN", viewport={"width": 1280, "height": 800})
    tab = context.new_page()
    tab.set_default_timeout(15_000)
    tab.base_url = live_server.url
    yield tab
    context.close()


def screenshot(tab, name: str) -> Path:
    """Save a full-page screenshot under test-artifacts/screenshots/ for people to look at."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    path = SCREENSHOTS / f"{name}.png"
    tab.screenshot(path=str(path), full_page=True)
    return path


def sign_in(tab, username: str, password: str = "Mat-khau-2026!") -> None:
    """Log in through the login page, as a person does, and wait for the home page."""
    from django.urls import reverse

    tab.goto(tab.base_url + reverse("orgs:login"))
    tab.locator("input[name=username]").fill(username)
    tab.locator("input[name=password]").fill(password)
    tab.locator("form button[type=submit]").click()
    tab.wait_for_url(tab.base_url + "/")
