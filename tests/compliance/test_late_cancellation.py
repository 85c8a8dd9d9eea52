"""A Pemda withdrawing a scheduled session after the attendance-confirmation deadline (default
15:00 WIB one working day before) records a late_cancellation breach, once."""

from datetime import datetime

import time_machine

from app.compliance.ledger import record_late_cancellation
from app.core.clock import WIB
from app.domain.states import RequestState
from app.extensions import db
from tests.compliance.helpers import all_breaches, login_as, scheduled, text_of

START = datetime(2026, 12, 8, 9, 0, tzinfo=WIB)  # Tuesday; the deadline is Monday 7 December 15:00 WIB


def _withdraw_at(client, pemda, when):
    with time_machine.travel(when, tick=False):
        req = scheduled(pemda, START)
        db.session.commit()
        login_as(client, pemda)
        response = client.post(
            f"/permohonan/{req.id}/tarik", data={"reason": "Agenda daerah berubah", "confirm": "y"}
        )
        assert response.status_code == 302
    db.session.expire_all()
    assert db.session.get(type(req), req.id).state == RequestState.CANCELLED
    return req


def test_just_before_the_deadline_is_no_breach(client, pemda):
    _withdraw_at(client, pemda, datetime(2026, 12, 7, 14, 59, tzinfo=WIB))
    assert all_breaches() == []


def test_at_and_after_the_deadline_is_a_late_cancellation(client, pemda):
    req = _withdraw_at(client, pemda, datetime(2026, 12, 7, 15, 0, tzinfo=WIB))
    (b,) = all_breaches()
    assert b.type_code == "late_cancellation" and b.request_id == req.id
    assert b.recorded_by_kind == "system" and b.recorded_by_id == pemda.id
    assert b.dedupe_key == f"late_cancellation:request:{req.id}"
    with time_machine.travel(datetime(2026, 12, 7, 16, 0, tzinfo=WIB), tick=False):
        page = text_of(client.get("/permohonan/pelanggaran"))
    assert "Pembatalan terlambat" in page
    assert "Dibatalkan Senin, 7 Desember 2026 15.00 WIB, setelah batas waktu konfirmasi" in page


def test_recorded_once(client, pemda):
    req = _withdraw_at(client, pemda, datetime(2026, 12, 8, 8, 0, tzinfo=WIB))
    again = datetime(2026, 12, 8, 8, 30, tzinfo=WIB)
    record_late_cancellation(req, pemda, RequestState.CONFIRMED, again)
    db.session.commit()
    assert len(all_breaches()) == 1


def test_a_request_never_scheduled_is_no_breach(client, pemda):
    from tests import factories

    with time_machine.travel(datetime(2026, 12, 7, 16, 0, tzinfo=WIB), tick=False):
        req = factories.consultation(pemda)
        db.session.commit()
        login_as(client, pemda)
        assert client.post(f"/permohonan/{req.id}/tarik", data={"confirm": "y"}).status_code == 302
    assert all_breaches() == []
