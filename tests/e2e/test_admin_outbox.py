"""An administrator reads the email outbox in Debian's chromium: sent mail is listed with the
rest, the filter finds one email by recipient and state, its page shows the text, the HTML
in a sandboxed frame and the invite attachment (downloaded), and a failed email is sent
again, which the database shows as sent."""

import re
from datetime import UTC, datetime

import pytest
import time_machine
from sqlalchemy import update

from app.auth.models import Role
from app.extensions import db
from app.outbox.models import OutboxMessage, OutboxState
from tests import factories
from tests.e2e.helpers import fresh, login, shot, submit
from tests.outbox.helpers import ICS, queue

pytestmark = pytest.mark.e2e

NOW = datetime(2026, 6, 1, 3, 0, tzinfo=UTC)  # Monday 1 June 2026, 10:00 WIB
DESKTOP = {"width": 1366, "height": 900}


def _email(app, to: str, state: OutboxState, **values) -> int:
    with app.test_request_context():
        message = queue(to=to, attachments=values.pop("attachments", None))
        db.session.commit()
    db.session.execute(
        update(OutboxMessage).where(OutboxMessage.id == message.id).values(state=state, **values)
    )
    db.session.commit()
    return message.id


def test_admin_reads_the_outbox_downloads_an_invite_and_resends_a_failed_email(
    app, live_server, browser_page
):
    with time_machine.travel(NOW, tick=True):
        admin = factories.user(Role.ADMIN, name="Admin DJPK", email="admin@djpk.go.id")
        db.session.commit()
        sent = _email(
            app,
            "siti@brebeskab.go.id",
            OutboxState.SENT,
            attempts=1,
            sent_at=NOW,
            attachments=[("undangan-KNS-0001.ics", "text/calendar; method=REQUEST", ICS)],
        )
        failed = _email(
            app,
            "operator@jayapurakota.go.id",
            OutboxState.FAILED,
            attempts=6,
            last_error="SMTPRecipientsRefused: 550 mailbox full",
        )
        page = browser_page
        login(page, live_server, admin.email)

        page.goto(f"{live_server}/admin/email/")
        assert page.locator("main tbody tr").count() == 2  # sent mail is listed too
        assert "Terkirim: 1" in page.inner_text("#outbox-counts")
        shot(page, "admin-outbox-phone")
        page.fill("#q", "brebeskab")
        page.select_option("#state", label="Terkirim")
        submit(page, "#outbox-filter button[type=submit]", url=r".*/admin/email/\?.*state=sent")
        rows = page.locator("main tbody tr")
        assert rows.count() == 1 and "siti@brebeskab.go.id" in rows.inner_text()

        rows.locator("a").first.click()
        page.wait_for_url(re.compile(rf".*/admin/email/{sent}$"))
        assert "Terkirim" in page.inner_text("#outbox-facts")
        assert "http://localhost/atur/abc" in page.inner_text("#outbox-text")
        frame = page.locator("#outbox-html")
        assert frame.get_attribute("sandbox") == ""
        assert "Siti Rahmawati" in page.frame_locator("#outbox-html").locator("body").inner_text()
        with page.expect_download() as download:
            page.click("#outbox-attachments a:has-text('undangan-KNS-0001.ics')")
        assert download.value.suggested_filename == "undangan-KNS-0001.ics"
        with open(download.value.path(), "rb") as saved:
            assert saved.read() == ICS.encode()
        page.set_viewport_size(DESKTOP)
        shot(page, "admin-outbox-email-desktop")
        page.set_viewport_size({"width": 390, "height": 844})

        page.click("main nav[aria-label=breadcrumb] a:has-text('Kotak keluar email')")
        page.wait_for_url(re.compile(r".*/admin/email/$"))
        page.click(f"#outbox-{failed} a")
        page.wait_for_url(re.compile(rf".*/admin/email/{failed}$"))
        assert "550 mailbox full" in page.inner_text("#outbox-facts")
        submit(page, "main button:has-text('Kirim ulang')", url=rf".*/admin/email/{failed}$")
        assert "Email dijadwalkan untuk dikirim ulang." in page.inner_text("main")
        row = fresh(OutboxMessage, failed)
        assert row.state == OutboxState.SENT and row.sent_at is not None
        assert "Terkirim" in page.inner_text("#outbox-facts")
        assert page.locator("main button:has-text('Kirim ulang')").count() == 0
