"""The outbox for administrators: every email (sent or not) newest first, paginated, filtered
by state and searched by recipient or subject; one email's page with its text, a sandboxed
preview of its HTML and its attachments as downloads. Administrators only."""

import html
import re
from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from sqlalchemy import update

from app.auth.models import Role
from app.extensions import db
from app.outbox.models import OutboxMessage, OutboxState
from tests import factories
from tests.outbox.helpers import ICS, queue, row
from tests.requests.helpers import login_as

T0 = datetime(2026, 12, 1, 2, 0, tzinfo=UTC)


@pytest.fixture
def admin(app):
    user = factories.user(Role.ADMIN, name="Admin DJPK")
    db.session.commit()
    return user


def _queued(app, minutes: int, to: str, *, state=OutboxState.SENT, **values) -> int:
    """An email queued `minutes` after T0, then put in `state`."""
    with time_machine.travel(T0 + timedelta(minutes=minutes), tick=False), app.test_request_context():
        message = queue(to=to, attachments=values.pop("attachments", None))
        db.session.commit()
    values = {"state": state, **values}
    if state == OutboxState.SENT:
        values.setdefault("sent_at", T0 + timedelta(minutes=minutes, seconds=5))
        values.setdefault("attempts", 1)
    db.session.execute(update(OutboxMessage).where(OutboxMessage.id == message.id).values(**values))
    db.session.commit()
    return message.id


def _page(client, url: str) -> str:
    response = client.get(url)
    assert response.status_code == 200
    return html.unescape(response.get_data(as_text=True))


def _listed(page: str) -> list[int]:
    return [int(n) for n in re.findall(r'<tr id="outbox-(\d+)"', page)]


def test_every_email_is_listed_newest_first(app, client, admin, production_delivery):
    sent = _queued(app, 1, "terkirim@brebeskab.go.id")
    failed = _queued(app, 2, "gagal@brebeskab.go.id", state=OutboxState.FAILED, attempts=6, last_error="550")
    pending = _queued(app, 3, "menunggu@brebeskab.go.id", state=OutboxState.PENDING)
    login_as(client, admin)
    page = _page(client, "/admin/email/")
    assert _listed(page) == [pending, failed, sent]
    assert "Terkirim: 1" in page and "Gagal: 1" in page and "Menunggu: 1" in page
    assert f'href="/admin/email/{sent}"' in page
    assert page.count(">Kirim ulang<") == 1


def test_filter_by_state_and_search_recipient_or_subject(app, client, admin, production_delivery):
    brebes = _queued(app, 1, "siti@brebeskab.go.id")
    jayapura = _queued(app, 2, "operator@jayapurakota.go.id", state=OutboxState.FAILED)
    db.session.execute(
        update(OutboxMessage).where(OutboxMessage.id == jayapura).values(subject="Undangan 100% hadir")
    )
    db.session.commit()
    login_as(client, admin)
    assert _listed(_page(client, "/admin/email/?state=failed")) == [jayapura]
    assert _listed(_page(client, "/admin/email/?state=sent")) == [brebes]
    assert _listed(_page(client, "/admin/email/?q=BREBESKAB")) == [brebes]
    assert _listed(_page(client, "/admin/email/?q=100%25")) == [jayapura]  # % typed is a %
    assert _listed(_page(client, "/admin/email/?q=0%25_")) == []
    assert _listed(_page(client, "/admin/email/?q=siti&state=failed")) == []
    page = _page(client, "/admin/email/?q=tidak-ada")
    assert "Tidak ada email yang cocok." in page
    # A tampered state shows everything rather than an error.
    assert sorted(_listed(_page(client, "/admin/email/?state=bogus"))) == [brebes, jayapura]


def test_the_list_is_paginated_and_keeps_the_filters(app, client, admin, production_delivery):
    ids = [_queued(app, i, f"tamu{i}@brebeskab.go.id") for i in range(52)]
    login_as(client, admin)
    first = _page(client, "/admin/email/?state=sent&q=brebeskab")
    assert _listed(first) == ids[::-1][:50]
    assert "Halaman 1 dari 2" in first
    assert re.search(r'href="/admin/email/\?[^"]*page=2', first)
    link = re.search(r'href="(/admin/email/\?[^"]*page=2[^"]*)"', first).group(1)
    assert "state=sent" in link and "q=brebeskab" in link
    assert _listed(_page(client, link)) == ids[1::-1]


def test_the_email_page_shows_everything_and_previews_html_safely(app, client, admin, production_delivery):
    message_id = _queued(
        app,
        1,
        "siti@brebeskab.go.id",
        state=OutboxState.FAILED,
        attempts=6,
        last_error="SMTPRecipientsRefused: 550 mailbox full",
        html_body='<p style="color:red">Halo</p><script>alert("x")</script><img src="https://evil.example/t.gif">',
    )
    login_as(client, admin)
    response = client.get(f"/admin/email/{message_id}")
    raw = response.get_data(as_text=True)
    page = html.unescape(raw)
    assert "Atur ulang kata sandi Konsultasi DJPK" in page and "siti@brebeskab.go.id" in page
    assert "Gagal" in page and "SMTPRecipientsRefused: 550 mailbox full" in page
    assert "http://localhost/atur/abc" in page  # the text body, with its link
    assert '<iframe sandbox=""' in raw
    # The HTML is only inside srcdoc, escaped: nothing of it is markup of this page.
    assert "<script>alert" not in raw and '<img src="https://evil.example' not in raw
    assert 'srcdoc="&lt;p style=&#34;color:red&#34;&gt;Halo' in raw
    policy = response.headers["Content-Security-Policy"]
    assert "img-src 'self' data:" in policy and "default-src 'self'" in policy
    assert "frame-ancestors 'none'" in policy
    assert response.headers["Cache-Control"] == "no-store"
    assert page.count(">Kirim ulang<") == 1
    answer = client.post(f"/admin/email/{message_id}/kirim-ulang", data={"back": "detail"})
    assert answer.headers["Location"] == f"/admin/email/{message_id}"
    assert row(message_id).state == OutboxState.PENDING


def test_attachments_download_with_a_safe_name_and_type(app, client, admin, production_delivery):
    attachments = [
        ("undangan.ics", "text/calendar; method=REQUEST", ICS),
        ("../../etc/pass\x00wd", "text/html<script>", b"<script>alert(1)</script>"),
        ("", "application/pdf", b"%PDF-1.4\n"),
        ('surat "resmi" Brebes.pdf', "application/pdf", b"%PDF-1.7\n"),
    ]
    message_id = _queued(app, 1, "siti@brebeskab.go.id", attachments=attachments)
    login_as(client, admin)
    page = _page(client, f"/admin/email/{message_id}")
    assert f'href="/admin/email/{message_id}/lampiran/0"' in page and "undangan.ics" in page

    ics = client.get(f"/admin/email/{message_id}/lampiran/0")
    assert ics.status_code == 200 and ics.data == ICS.encode()
    assert ics.headers["Content-Type"].startswith("text/calendar; method=REQUEST")
    assert ics.headers["Content-Disposition"] == "attachment; filename=undangan.ics"
    assert ics.headers["X-Content-Type-Options"] == "nosniff"

    evil = client.get(f"/admin/email/{message_id}/lampiran/1")
    assert evil.headers["Content-Type"] == "application/octet-stream"
    assert evil.headers["Content-Disposition"] == "attachment; filename=passwd"
    assert "sandbox" in evil.headers["Content-Security-Policy"]

    unnamed = client.get(f"/admin/email/{message_id}/lampiran/2")
    assert unnamed.headers["Content-Disposition"] == "attachment; filename=lampiran-3.pdf"
    quoted = client.get(f"/admin/email/{message_id}/lampiran/3")
    assert quoted.headers["Content-Disposition"] == 'attachment; filename="surat _resmi_ Brebes.pdf"'

    assert client.get(f"/admin/email/{message_id}/lampiran/4").status_code == 404
    assert client.get("/admin/email/99999").status_code == 404
    assert client.get("/admin/email/99999/lampiran/0").status_code == 404


@pytest.mark.parametrize("role", [Role.COORDINATOR, Role.PEMDA, Role.NARASUMBER, Role.RECEPTIONIST])
def test_only_administrators_see_email(app, client, role, production_delivery):
    message_id = _queued(app, 1, "siti@brebeskab.go.id", attachments=[("a.ics", "text/calendar", ICS)])
    other = factories.pemda_user() if role == Role.PEMDA else factories.user(role)
    db.session.commit()
    login_as(client, other)
    for url in ("/admin/email/", f"/admin/email/{message_id}", f"/admin/email/{message_id}/lampiran/0"):
        assert client.get(url).status_code == 403, url


def test_anonymous_is_sent_to_login(app, client, production_delivery):
    message_id = _queued(app, 1, "siti@brebeskab.go.id", attachments=[("a.ics", "text/calendar", ICS)])
    for url in (f"/admin/email/{message_id}", f"/admin/email/{message_id}/lampiran/0"):
        response = client.get(url)
        assert response.status_code == 302 and "/masuk" in response.headers["Location"]
