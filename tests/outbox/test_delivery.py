"""Delivery over a real SMTP server (aiosmtpd): exactly once, retried with backoff while the
relay is down, failed after the last attempt, attachments with their exact content type."""

import socket
import time
from datetime import UTC, datetime, timedelta

import time_machine
from sqlalchemy import update

from app.core.clock import now_utc
from app.core.mail import send_queued
from app.extensions import db, mail
from app.outbox import mime
from app.outbox.models import OutboxMessage, OutboxState
from app.outbox.sender import deliver_pending
from tests import factories
from tests.outbox.helpers import ICS, queue, row, rows

T0 = datetime(2026, 12, 1, 2, 0, tzinfo=UTC)


def _queue_committed(**kwargs) -> int:
    message = queue(**kwargs)
    db.session.commit()
    return message.id


def test_a_queued_email_is_delivered_exactly_once(app, smtp, production_delivery):
    with app.test_request_context():
        message_id = _queue_committed(to=["siti@brebeskab.go.id", "kontak@brebeskab.go.id"])
    assert deliver_pending() == 1
    assert deliver_pending() == 0
    (received,) = smtp.received
    assert sorted(received["to"]) == ["kontak@brebeskab.go.id", "siti@brebeskab.go.id"]
    assert received["from"] == "konsultasi@djpk.kemenkeu.go.id"
    msg = received["message"]
    assert msg["Subject"] == "Atur ulang kata sandi Konsultasi DJPK"
    assert msg["Message-ID"].startswith(f"<outbox.{message_id}.")
    assert msg.get_body(("plain",)).get_content().startswith("Yth. Siti Rahmawati,")
    assert "http://localhost/atur/abc" in msg.get_body(("html",)).get_content()
    sent = row(message_id)
    assert sent.state == OutboxState.SENT and sent.attempts == 1 and sent.sent_at is not None
    assert sent.locked_by is None and sent.last_error is None


def test_after_the_commit_in_development_and_tests(app, smtp):
    # OUTBOX_DELIVER_AFTER_COMMIT: the route's send_queued() delivers through the same path.
    factory_user = _pemda_with_password()
    client = app.test_client()
    response = client.post("/lupa-kata-sandi", data={"email": factory_user})
    assert response.status_code == 302
    (msg,) = smtp.messages
    assert msg["To"] == factory_user
    assert "/atur-ulang-kata-sandi/" in msg.get_body(("plain",)).get_content()
    assert [r.state for r in rows()] == [OutboxState.SENT]
    assert deliver_pending() == 0 and len(smtp.messages) == 1


def test_smtp_down_during_a_user_action_then_back_delivered_once(app, smtp):
    email = _pemda_with_password()
    smtp.stop()
    with time_machine.travel(T0, tick=False):
        response = app.test_client().post("/lupa-kata-sandi", data={"email": email})
        assert response.status_code == 302  # the action succeeded
        (waiting,) = rows()
        assert waiting.state == OutboxState.PENDING and waiting.attempts == 1
        assert "ConnectionRefusedError" in waiting.last_error
        assert waiting.next_attempt_at == T0 + timedelta(minutes=1)
    smtp.start()
    with time_machine.travel(T0 + timedelta(seconds=30), tick=False):
        assert deliver_pending() == 0  # not due yet
    with time_machine.travel(T0 + timedelta(minutes=1), tick=False):
        assert deliver_pending() == 1
        assert deliver_pending() == 0
    assert len(smtp.messages) == 1 and smtp.messages[0]["To"] == email
    assert row(waiting.id).state == OutboxState.SENT and row(waiting.id).attempts == 2


def test_in_production_the_action_never_touches_smtp(app, smtp, production_delivery):
    email = _pemda_with_password()
    smtp.stop()
    response = app.test_client().post("/lupa-kata-sandi", data={"email": email})
    assert response.status_code == 302
    (waiting,) = rows()
    assert waiting.state == OutboxState.PENDING and waiting.attempts == 0 and waiting.last_error is None
    smtp.start()
    assert deliver_pending() == 1 and deliver_pending() == 0
    assert len(smtp.messages) == 1


def test_retries_back_off_and_the_last_attempt_marks_failed(app, smtp, production_delivery):
    smtp.stop()
    with app.test_request_context(), time_machine.travel(T0, tick=False):
        message_id = _queue_committed()
    at = T0
    waits = []
    for attempt in range(1, 7):
        with time_machine.travel(at, tick=False):
            assert deliver_pending() == 0
            assert deliver_pending() == 0  # a second run at the same moment: nothing due
        current = row(message_id)
        assert current.attempts == attempt
        if attempt < 6:
            assert current.state == OutboxState.PENDING
            waits.append(current.next_attempt_at - at)
            at = current.next_attempt_at
    assert waits == [timedelta(minutes=m) for m in (1, 5, 15, 60, 180)]
    failed = row(message_id)
    assert failed.state == OutboxState.FAILED and "ConnectionRefusedError" in failed.last_error
    smtp.start()
    with time_machine.travel(at + timedelta(days=1), tick=False):
        assert deliver_pending() == 0  # failed stays failed until an administrator resends it
    assert smtp.messages == []


def test_max_attempts_comes_from_the_configuration(app, smtp, production_delivery, monkeypatch):
    monkeypatch.setitem(app.config, "OUTBOX_MAX_ATTEMPTS", 2)
    smtp.stop()
    with app.test_request_context(), time_machine.travel(T0, tick=False):
        message_id = _queue_committed()
        deliver_pending()
    with time_machine.travel(T0 + timedelta(minutes=1), tick=False):
        deliver_pending()
    assert row(message_id).state == OutboxState.FAILED and row(message_id).attempts == 2


def test_the_calendar_part_keeps_its_method_parameter(app, smtp, production_delivery):
    with app.test_request_context():
        _queue_committed(
            attachments=[
                {"filename": "undangan.ics", "content_type": "text/calendar; method=REQUEST", "data": ICS},
                ("surat.pdf", "application/pdf", b"%PDF-1.4\n%\xe2\xe3\n"),
            ]
        )
    assert deliver_pending() == 1
    (msg,) = smtp.messages
    parts = {p.get_content_type(): p for p in msg.walk() if not p.is_multipart()}
    assert set(parts) == {"text/plain", "text/html", "text/calendar", "application/pdf"}
    calendar = parts["text/calendar"]
    assert calendar.get_param("method") == "REQUEST"
    assert calendar.get_content_charset() == "utf-8"
    assert calendar.get_filename() == "undangan.ics"
    assert calendar.get_payload(decode=True) == ICS.encode()  # CRLF line ends intact
    assert parts["application/pdf"].get_payload(decode=True) == b"%PDF-1.4\n%\xe2\xe3\n"


def test_recorded_messages_show_the_attachments(app):
    # The suite's mail.record_messages() sees what Flask-Mail would have sent.
    with app.test_request_context(), mail.record_messages() as outbox:
        queue(attachments=[("undangan.ics", "text/calendar; method=CANCEL", ICS)])
        db.session.commit()
        send_queued()
    (message,) = outbox
    (attachment,) = message.attachments
    assert attachment.content_type == "text/calendar; method=CANCEL" and attachment.data == ICS.encode()
    assert 'Content-Type: text/calendar; method=CANCEL; charset="utf-8"' in message.as_string()


def test_a_relay_that_never_answers_times_out(app, smtp, production_delivery, monkeypatch):
    # A socket that accepts connections but never sends the SMTP greeting.
    with socket.socket() as silent:
        silent.bind(("127.0.0.1", 0))
        silent.listen(8)
        monkeypatch.setitem(app.config, "MAIL_PORT", silent.getsockname()[1])
        monkeypatch.setitem(app.config, "MAIL_TIMEOUT", 0.5)
        with app.test_request_context():
            message_id = _queue_committed()
        started = time.monotonic()
        assert deliver_pending() == 0
        elapsed = time.monotonic() - started
    assert elapsed < 5
    failed = row(message_id)
    assert failed.state == OutboxState.PENDING and "timed out" in failed.last_error


def test_the_smtp_timeout_is_at_most_ten_seconds(app, monkeypatch):
    monkeypatch.setitem(app.config, "MAIL_TIMEOUT", 60)
    assert mime.timeout() == 10
    monkeypatch.setitem(app.config, "MAIL_TIMEOUT", 3)
    assert mime.timeout() == 3


def test_a_crashed_workers_row_is_sent_after_its_lease(app, smtp, production_delivery):
    with app.test_request_context():
        message_id = _queue_committed()
    lease_end = now_utc() + timedelta(minutes=15)
    db.session.execute(
        update(OutboxMessage)
        .where(OutboxMessage.id == message_id)
        .values(state=OutboxState.SENDING, locked_by="crashed", lease_until=lease_end, attempts=1)
    )
    db.session.commit()
    assert deliver_pending() == 0  # still leased to the other worker
    assert deliver_pending(now=lease_end) == 1
    assert len(smtp.messages) == 1
    assert row(message_id).state == OutboxState.SENT and row(message_id).attempts == 2


def test_a_worker_that_keeps_crashing_ends_failed(app, smtp, production_delivery):
    with app.test_request_context():
        message_id = _queue_committed()
    db.session.execute(
        update(OutboxMessage)
        .where(OutboxMessage.id == message_id)
        .values(state=OutboxState.SENDING, locked_by="crashed", lease_until=now_utc(), attempts=6)
    )
    db.session.commit()
    assert deliver_pending() == 0
    assert row(message_id).state == OutboxState.FAILED and "lease expired" in row(message_id).last_error
    assert smtp.messages == []


def test_development_writes_to_the_log(app, production_delivery, monkeypatch, caplog):
    monkeypatch.setitem(app.config, "MAIL_TO_LOG", True)
    monkeypatch.setitem(app.config, "MAIL_SERVER", "192.0.2.1")  # never contacted
    with app.test_request_context():
        message_id = _queue_committed()
    with caplog.at_level("INFO", logger="konsultasi.mail"):
        assert deliver_pending() == 1
    assert "Atur ulang kata sandi Konsultasi DJPK" in caplog.text
    assert row(message_id).state == OutboxState.SENT


def test_flask_outbox_send_runs_the_sender_once(app, smtp, production_delivery, runner):
    with app.test_request_context():
        _queue_committed()
        _queue_committed(to="kedua@brebeskab.go.id")
    result = runner.invoke(args=["outbox", "send"])
    assert result.exit_code == 0, result.output
    assert "2 email sent." in result.output
    assert len(smtp.messages) == 2
    assert runner.invoke(args=["outbox", "send"]).output.strip() == "0 email sent."


def _pemda_with_password() -> str:
    user = factories.pemda_user(email="siti@brebeskab.go.id")
    db.session.commit()
    return user.email
