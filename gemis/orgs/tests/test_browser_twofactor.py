"""In a real headless Chromium: turn on two-factor sign-in from the page, then sign in with a code."""

from __future__ import annotations

import pytest
from django_otp.plugins.otp_totp.models import TOTPDevice

from gemis.conftest import screenshot, sign_in
from gemis.orgs.tests.test_twofactor import code_for

pytestmark = pytest.mark.browser


def test_enrol_then_sign_in_with_the_code(page, live_world, settings):
    settings.OTP_TOTP_THROTTLE_FACTOR = 0
    sign_in(page, "tinh")
    page.get_by_test_id("user-menu").click()
    page.get_by_test_id("account-security-link").click()
    page.get_by_role("button", name="Thiết lập đăng nhập hai lớp").click()
    assert page.get_by_test_id("qr").locator("svg").is_visible()
    screenshot(page, "account-security-qr")
    device = TOTPDevice.objects.get(user=live_world.province_coordinator, confirmed=False)
    page.get_by_label("Mã").fill(code_for(device))
    page.get_by_role("button", name="Bật đăng nhập hai lớp").click()
    codes = page.get_by_test_id("recovery-codes").locator("li").all_inner_texts()
    assert len(codes) == 10
    screenshot(page, "account-security-codes")

    page.get_by_test_id("user-menu").click()
    page.get_by_role("button", name="Đăng xuất").click()
    page.wait_for_url("**/login/")
    page.get_by_label("Tên đăng nhập hoặc email").fill("tinh")
    page.get_by_label("Mật khẩu").fill("Mat-khau-2026!")
    page.get_by_role("button", name="Đăng nhập").click()
    page.wait_for_url("**/login/verify/")
    screenshot(page, "login-verify")
    page.get_by_label("Mã").fill(codes[0])
    page.get_by_role("button", name="Xác nhận").click()
    page.wait_for_url(page.base_url + "/")
    assert "còn lại 9 mã" in page.content()
