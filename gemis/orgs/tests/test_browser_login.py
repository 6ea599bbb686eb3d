"""In a real headless Chromium: sign in through the page, see the home page, browse, sign out."""

from __future__ import annotations

import pytest

from gemis.conftest import screenshot

pytestmark = pytest.mark.browser

PASSWORD = "Mat-khau-2026!"


def _sign_in(page, username: str) -> None:
    page.goto(page.base_url + "/")
    assert "/login/" in page.url
    page.get_by_label("Tên đăng nhập hoặc email").fill(username)
    page.get_by_label("Mật khẩu").fill(PASSWORD)
    page.get_by_role("button", name="Đăng nhập").click()
    page.wait_for_url(page.base_url + "/")


def test_coordinator_signs_in_and_sees_home(page, live_world):
    page.goto(page.base_url + "/login/")
    screenshot(page, "login")
    _sign_in(page, "tinh@example.vn")
    assert page.get_by_role("heading", name="Xin chào, Nguyễn Thị Tỉnh").is_visible()
    # Her work first: nothing is overdue in this world, and she chases no one.
    assert "Không cơ quan nào có nhiệm vụ quá hạn" in page.get_by_test_id("home-late").inner_text()
    assert "Sở Lao động - Thương binh và Xã hội" in page.get_by_test_id("memberships").inner_text()
    screenshot(page, "home")

    page.get_by_role("link", name="Đơn vị hành chính").first.click()
    page.get_by_label("Hệ thống đơn vị").select_option("2025")
    page.get_by_label("Tìm theo tên").fill("an binh")
    page.get_by_test_id("unit-table").get_by_role("link", name="Huyện An Bình").click()
    # The click navigates: wait for the unit's page rather than asking the page being left.
    page.get_by_role("heading", name="Huyện An Bình").wait_for(state="visible")
    assert page.get_by_role("heading", name="Huyện An Bình").is_visible()
    assert "Xã Hòa Lạc" in page.get_by_test_id("children").inner_text()
    screenshot(page, "unit-detail")

    page.get_by_test_id("user-menu").click()
    page.get_by_role("button", name="Đăng xuất").click()
    page.wait_for_url("**/login/")


def test_wrong_password_is_explained(page, live_world):
    page.goto(page.base_url + "/login/")
    page.get_by_label("Tên đăng nhập hoặc email").fill("tinh")
    page.get_by_label("Mật khẩu").fill("sai-mat-khau")
    page.get_by_role("button", name="Đăng nhập").click()
    assert page.get_by_role("alert").inner_text().startswith("Tên đăng nhập/email hoặc mật khẩu không đúng")


def test_district_user_gets_nothing_of_another_district_in_the_browser(page, live_world):
    _sign_in(page, "huyen.b")
    response = page.goto(f"{page.base_url}/units/{live_world.district_a.pk}/")
    assert response.status == 404
    assert "không có quyền truy cập" in page.content()


def test_home_on_a_phone(page, live_world):
    page.set_viewport_size({"width": 390, "height": 844})
    _sign_in(page, "tinh")
    assert page.get_by_role("button", name="Danh mục").is_visible()  # the collapsed menu
    screenshot(page, "home-phone")
