"""queue_email(): the email is rendered at once and becomes an outbox row that commits or
rolls back with the caller's change; a dedupe key stores one email once."""

import base64

import pytest

from app.core.mail import drop_queued, queue_email, send_email, send_queued
from app.extensions import db, mail
from app.outbox.models import OutboxState
from app.requests.models import ConsultationRequest
from tests import factories
from tests.outbox.helpers import ICS, queue, rows


def test_queued_email_is_rendered_and_commits_with_the_change(app, production_delivery):
    with app.test_request_context():
        user = factories.user(email="operator@brebeskab.go.id")
        queue(to=[user.email, "kontak@brebeskab.go.id"], name=user.name)
        db.session.commit()
        assert send_queued() == 0  # production: the sender job delivers
    (message,) = rows()
    assert message.recipients == ["operator@brebeskab.go.id", "kontak@brebeskab.go.id"]
    assert message.subject == "Atur ulang kata sandi Konsultasi DJPK"
    assert message.text_body.startswith("Yth. ")  # the Subject line is not part of the body
    assert (
        "http://localhost/atur/abc" in message.text_body and "http://localhost/atur/abc" in message.html_body
    )
    assert message.kind == "auth/reset_password"
    assert message.state == OutboxState.PENDING and message.attempts == 0
    assert message.next_attempt_at == message.created_at
    assert message.dedupe_key.startswith("auth/reset_password:")


def test_rollback_of_the_callers_transaction_leaves_no_row(app):
    with app.test_request_context():
        factories.user(email="operator@brebeskab.go.id")
        db.session.commit()
        with mail.record_messages() as outbox:
            factories.user(email="kedua@brebeskab.go.id")
            queue(to="kedua@brebeskab.go.id")
            db.session.rollback()
            drop_queued()
            assert send_queued() == 0
    assert rows() == []
    assert outbox == []


def test_a_dedupe_key_stores_the_email_once_and_never_fails_the_caller(app, production_delivery):
    with app.test_request_context():
        first = queue(dedupe_key="reminder:7:2026-12-07")
        again = queue(dedupe_key="reminder:7:2026-12-07", name="Orang Lain")
        assert again is first  # the same transaction: the queued row
        db.session.commit()
        factories.user(email="operator@brebeskab.go.id")
        later = queue(dedupe_key="reminder:7:2026-12-07")
        db.session.commit()  # the caller's change is saved
    assert later.id == first.id
    assert len(rows()) == 1
    assert rows()[0].text_body.startswith("Yth. Siti Rahmawati,")


def test_the_session_of_the_template_context_is_linked(app, production_delivery):
    with app.test_request_context():
        operator = factories.pemda_user()
        req = factories.consultation(operator)
        queue(req=req)  # a new request: its id comes with the flush, the link still holds
        db.session.commit()
        other = factories.consultation(operator)
        db.session.commit()
        queue(request_id=other.id)
        db.session.commit()
    first, second = rows()
    assert first.request_id == db.session.get(ConsultationRequest, req.id).id
    assert second.request_id == other.id


def test_attachments_are_stored_base64_with_their_content_type(app, production_delivery):
    with app.test_request_context():
        queue(
            attachments=[
                {"filename": "undangan.ics", "content_type": "text/calendar; method=REQUEST", "data": ICS},
                ("surat.pdf", "application/pdf", b"%PDF-1.4\n"),
                {
                    "filename": "catatan.txt",
                    "content_type": "text/plain",
                    "content": base64.b64encode(b"halo").decode(),
                },
            ]
        )
        db.session.commit()
    (message,) = rows()
    ics, pdf, note = message.attachments
    assert ics["content_type"] == "text/calendar; method=REQUEST" and ics["filename"] == "undangan.ics"
    assert base64.b64decode(ics["content"]).decode() == ICS
    assert pdf == {
        "filename": "surat.pdf",
        "content_type": "application/pdf",
        "content": base64.b64encode(b"%PDF-1.4\n").decode(),
    }
    assert base64.b64decode(note["content"]) == b"halo"


def test_outside_a_request_links_use_the_public_address(app, production_delivery, monkeypatch):
    # A scheduler job has no request: public_url_for() gives PUBLIC_URL's links.
    monkeypatch.setitem(app.config, "PUBLIC_URL", "https://konsultasi.djpk.kemenkeu.go.id")
    operator = factories.pemda_user()
    req = factories.consultation(operator)
    db.session.commit()
    queue_email("kontak@brebeskab.go.id", "requests/received", req=req, zone="Asia/Jakarta", mode_label=str)
    db.session.commit()
    (message,) = rows()
    assert f"https://konsultasi.djpk.kemenkeu.go.id/permohonan/{req.id}" in message.text_body
    assert message.request_id == req.id


def test_send_email_goes_through_the_outbox_and_is_delivered_after_the_commit(app):
    with app.test_request_context(), mail.record_messages() as outbox:
        send_email("siti@brebeskab.go.id", "auth/reset_password", user=factories.user(), link="http://x/")
        assert outbox == []
        db.session.commit()
        assert send_queued() == 1
    assert [m.recipients for m in outbox] == [["siti@brebeskab.go.id"]]
    assert rows()[0].state == OutboxState.SENT


def test_send_queued_before_the_commit_is_refused(app):
    with app.test_request_context():
        queue()
        with pytest.raises(RuntimeError):
            send_queued()
        db.session.rollback()
        drop_queued()
