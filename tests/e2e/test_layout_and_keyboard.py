"""What every page shares, in Debian's chromium: the skip link is the first stop of the
keyboard and leads into the page; a very long account name never pushes "Keluar" off a
1366 px laptop screen nor widens a phone's page (the audit measures both widths)."""

import pytest

from app.auth.models import Role
from app.extensions import db
from tests import factories
from tests.e2e.helpers import login, shot

pytestmark = pytest.mark.e2e

# 114 characters: within users.name (120), far wider than the navbar leaves for it.
LONG_NAME = (
    "Raden Ajeng Siti Nurhaliza Kusumawardhani Prawirodirdjo Hadiningrat "
    "Mangkunegara Sastrowardoyo Tjokroaminoto Wiryo"
)


def test_the_skip_link_comes_first_and_leads_into_the_page(app, live_server, browser_page):
    page = browser_page
    page.goto(f"{live_server}/verifikasi")
    page.evaluate("document.activeElement && document.activeElement.blur()")  # as on arrival
    page.keyboard.press("Tab")
    focused = page.evaluate(
        "[document.activeElement.textContent.trim(), document.activeElement.getAttribute('href')]"
    )
    assert focused == ["Langsung ke isi halaman", "#isi"]
    assert page.locator("a.skip-link").is_visible()  # shown while focused
    page.keyboard.press("Enter")
    assert page.evaluate("document.activeElement.id") == "isi"
    page.keyboard.press("Tab")  # the next stop is inside the page, not the navigation
    assert page.evaluate("!!document.activeElement.closest('main')")


@pytest.mark.parametrize("role", [Role.COORDINATOR, Role.ADMIN])
def test_a_long_name_keeps_the_logout_button_on_screen(app, live_server, browser_page, role):
    """The two roles with the most entries, in Indonesian and in English (longer labels)."""
    staff = factories.user(role, name=LONG_NAME, email="panjang@djpk.go.id")
    db.session.commit()
    page = browser_page
    page.set_viewport_size({"width": 1366, "height": 768})
    login(page, live_server, staff.email)
    for language in ("id", "en"):
        if language == "en":
            with page.expect_navigation():
                page.click("nav form[action*='/bahasa/'] button")
            assert page.evaluate("document.documentElement.lang") == "en"
        box = page.locator("nav form[action$='/keluar'] button").bounding_box()
        assert box is not None and box["x"] + box["width"] <= 1366, language
        assert page.evaluate("document.documentElement.scrollWidth") <= 1366
        name = page.locator("nav a.nav-user")
        assert LONG_NAME in name.get_attribute("title")  # the whole name on hover
        assert name.bounding_box()["width"] >= 40  # a few letters of it remain
        shot(page, f"long-name-{role}-{language}-desktop")
