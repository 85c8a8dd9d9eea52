"""Small steps the browser journeys share: logging in through the real form, sending a form
and waiting for the answer, and reading rows back from the database."""

import re

from playwright.sync_api import TimeoutError as PlaywrightTimeout

from app.extensions import db
from tests import factories
from tests.e2e.conftest import ARTIFACTS


def login(page, base: str, email: str, password: str = factories.PASSWORD) -> None:
    """Log in through /masuk like a person; ends on the page the app sends them to.

    A user with a second factor types the code of their authenticator (factories.TOTP_SECRET);
    a staff member without one (the seeded demo) enrols with the key the page shows."""
    page.goto(f"{base}/masuk")
    page.fill("#email", email)
    page.fill("#password", password)
    with page.expect_navigation():
        page.click("main form button[type=submit]")
    if "/masuk/kode" in page.url:
        factories.forget_last_code(email)  # a journey may log the same person in twice in 30 s
        page.fill("#code", factories.totp_code())
        submit(page)
    elif "/masuk/daftarkan-kode" in page.url:
        secret = page.inner_text("#kunci-rahasia").replace(" ", "")
        page.fill("#code", factories.totp_code(secret))
        submit(page)
        with page.expect_navigation():
            page.click("main a.btn-primary")  # "I have saved these codes, continue"
    assert "/masuk" not in page.url, page.inner_text("main")


def logout(page) -> None:
    if page.is_visible("nav button.navbar-toggler"):
        page.click("nav button.navbar-toggler")
        page.wait_for_selector("nav .navbar-collapse.show")  # opened, no longer animating
    with page.expect_navigation():
        page.click("nav form[action$='/keluar'] button[type=submit]")


def submit(page, selector: str = "main form button[type=submit]", url: str | None = None) -> None:
    """Click a submit button and wait for the page the server answers (optionally its URL)."""
    with page.expect_navigation():
        page.click(selector)
    if url is not None:
        page.wait_for_url(re.compile(url))


def error_focused(page) -> bool:
    """After a failed submit, focus is on the error summary (static/js/app.js).

    Waits (up to the page's default timeout, 15 s) for the script rather than reading the
    focus once: on a loaded machine the answer's scripts may still be running when the
    navigation is reported done. Only ever asserted true, so the wait costs nothing when the
    focus is there."""
    try:
        page.wait_for_function(
            "() => document.activeElement && document.activeElement.id === 'ringkasan-kesalahan'"
        )
    except PlaywrightTimeout:
        return False
    return True


def summary_has_focus(page, *messages: str) -> str:
    """The error summary is shown, names each message and holds the focus; its text."""
    summary = page.locator("#ringkasan-kesalahan")
    assert summary.is_visible()
    text = summary.inner_text()
    for message in messages:
        assert message in text, text
    assert error_focused(page)
    return text


def fresh(model, ident):
    """The row as it is in the database now (the server thread committed it)."""
    db.session.expire_all()
    return db.session.get(model, ident)


def shot(page, name: str) -> None:
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=True)
