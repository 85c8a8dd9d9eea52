"""Withdrawing asks first, without JavaScript: a page that says what will happen (narasumber and
front desk told, a late cancellation breach after the deadline) and an explicit "I am sure"."""

import re
from datetime import datetime, timedelta

from sqlalchemy import select

from app.checkin.models import Visit
from app.compliance.models import Breach
from app.core.clock import WIB
from app.domain.policy import Mode
from app.domain.states import RequestState
from app.extensions import db
from app.requests.models import ConsultationRequest
from tests.checkin import helpers as desk
from tests.requests.helpers import login_as, text_of
from tests.scheduling import factories as people

START = datetime(2026, 12, 8, 9, 0, tzinfo=WIB)  # Tuesday; the deadline is Monday 7 December 15:00 WIB


def _session(owner, mode=Mode.FTF):
    person = people.narasumber("Dr. Rina Narasumber")
    req = desk.session(owner, start=START, mode=mode, narasumber=person)
    db.session.commit()
    return req


def _state(req) -> RequestState:
    db.session.expire_all()
    return db.session.get(ConsultationRequest, req.id).state


def test_the_request_page_leads_to_the_confirmation_page(client, pemda, topics):
    req = _session(pemda)
    login_as(client, pemda)
    page = text_of(client.get(f"/permohonan/{req.id}"))
    assert f'href="/permohonan/{req.id}/tarik"' in page
    assert f'action="/permohonan/{req.id}/tarik"' not in page  # no one-click withdrawal


def test_confirmation_page_says_what_will_happen(client, pemda, topics):
    req = _session(pemda)
    login_as(client, pemda)
    page = text_of(client.get(f"/permohonan/{req.id}/tarik"))
    assert f"Tarik permohonan {req.reference}?" in page
    assert "Narasumber DJPK yang ditugaskan diberi tahu dan dibebaskan dari jadwal ini." in page
    assert "Resepsionis DJPK diberi tahu bahwa kunjungan tatap muka ini batal." in page
    assert "Penarikan sebelum Senin, 7 Desember 2026 15.00 WIB tidak dicatat sebagai pelanggaran." in page
    assert "Pembatalan terlambat." not in page
    assert 'name="confirm" required type="checkbox"' in page
    assert _state(req) == RequestState.CONFIRMED  # opening the page changes nothing


def test_a_video_conference_does_not_mention_the_front_desk(client, pemda, topics):
    req = _session(pemda, mode=Mode.VC)
    login_as(client, pemda)
    page = text_of(client.get(f"/permohonan/{req.id}/tarik"))
    assert "Resepsionis" not in page and "Narasumber DJPK yang ditugaskan" in page


def test_after_the_deadline_it_warns_of_a_late_cancellation(client, pemda, topics, frozen):
    req = _session(pemda)
    frozen.move_to(datetime(2026, 12, 7, 15, 0, tzinfo=WIB))
    login_as(client, pemda)
    page = text_of(client.get(f"/permohonan/{req.id}/tarik"))
    assert "Pembatalan terlambat." in page
    assert (
        "Batas waktu konfirmasi kehadiran (Senin, 7 Desember 2026 15.00 WIB) telah lewat: penarikan ini "
        "dicatat sebagai pelanggaran “Pembatalan terlambat” terhadap Kab. Brebes."
    ) in page
    client.post(f"/permohonan/{req.id}/tarik", data={"confirm": "y"})
    (breach,) = db.session.scalars(select(Breach)).all()
    assert breach.type_code == "late_cancellation"


def test_without_the_tick_nothing_is_withdrawn(client, pemda, topics):
    req = _session(pemda)
    login_as(client, pemda)
    response = client.post(f"/permohonan/{req.id}/tarik", data={"reason": "Bupati berhalangan"})
    assert response.status_code == 200
    page = text_of(response)
    assert "Centang pernyataan bahwa Anda yakin menarik permohonan ini." in page
    assert "Bupati berhalangan" in page  # what was typed is kept
    assert _state(req) == RequestState.CONFIRMED
    # The server's message, in Indonesian, not the browser's own check of the box.
    html = response.get_data(as_text=True)
    assert 'id="ringkasan-kesalahan"' in html
    assert re.search(r'<form method="post" action="/permohonan/\d+/tarik"[^>]* novalidate>', html)


def test_with_the_tick_it_is_withdrawn(client, pemda, topics):
    req = _session(pemda)
    login_as(client, pemda)
    response = client.post(
        f"/permohonan/{req.id}/tarik", data={"reason": "Bupati berhalangan", "confirm": "y"}
    )
    assert response.status_code == 302 and response.headers["Location"].endswith(f"/permohonan/{req.id}")
    assert _state(req) == RequestState.CANCELLED
    assert db.session.scalars(select(Breach)).all() == []


def test_a_session_checked_in_at_the_desk_cannot_be_withdrawn(client, pemda, receptionist, topics, frozen):
    req = _session(pemda)
    frozen.move_to(START + timedelta(minutes=5))
    desk_client = client.application.test_client()
    login_as(desk_client, receptionist)
    desk_client.post(f"/resepsionis/kunjungan/{req.id}", data=desk.checkin_data(range(5), time="09:05"))
    assert db.session.scalars(select(Visit)).one().request_id == req.id
    login_as(client, pemda)
    assert "Tarik permohonan" not in text_of(client.get(f"/permohonan/{req.id}"))
    response = client.post(f"/permohonan/{req.id}/tarik", data={"confirm": "y"}, follow_redirects=True)
    assert "tidak dapat ditarik" in text_of(response)
    assert _state(req) == RequestState.CONFIRMED
