"""A coordinator opens a submitted request from the queue, takes the first suggested slot and
sees the session on the calendar, in Debian's chromium (phone-sized); kept as screenshots."""

import re
from datetime import datetime, timedelta

import pytest
from sqlalchemy import select

from app.auth.models import Role
from app.catalog.models import NarasumberProfile
from app.core.clock import WIB, now_utc
from app.domain.policy import Mode
from app.domain.states import RequestState
from app.domain.workdays import WorkCalendar
from app.extensions import db, mail
from app.requests.models import ConsultationRequest
from app.scheduling.models import NarasumberAssignment
from tests import factories
from tests.e2e.conftest import ARTIFACTS

pytestmark = pytest.mark.e2e

WEEKDAYS = {str(d): [["08:00", "16:00"]] for d in range(5)}


def test_coordinator_takes_the_first_suggestion_and_sees_it_on_the_calendar(
    app, live_server, browser_page, monkeypatch
):
    monkeypatch.setitem(app.config, "WTF_CSRF_ENABLED", True)
    coordinator = factories.user(Role.COORDINATOR, name="Sri Wahyuni", email="koordinator@djpk.go.id")
    operator = factories.pemda_user(factories.BALIKPAPAN, name="Operator Balikpapan")
    dau = factories.topic("DAU", "Dana Alokasi Umum")
    expert = factories.user(Role.NARASUMBER, name="Ani Rahmawati")
    profile = NarasumberProfile(
        user_id=expert.id, unit="Direktorat Dana Transfer Umum", working_hours=WEEKDAYS
    )
    profile.topics = [dau]
    db.session.add(profile)
    factories.room("Ruang Rapat 9A", capacity=10)
    day = WorkCalendar().shift(now_utc().astimezone(WIB).date(), 8)
    start = datetime.combine(day, datetime.min.time(), WIB) + timedelta(hours=9)
    req = factories.consultation(operator, mode=Mode.FTF, start=start, topics=[dau])
    db.session.commit()
    page = browser_page

    page.goto(f"{live_server}/masuk")
    page.fill("#email", coordinator.email)
    page.fill("#password", factories.PASSWORD)
    page.click("main button[type=submit], main input[type=submit]")
    page.wait_for_url(re.compile(r".*/koordinator/$"))
    assert "Kota Balikpapan" in page.inner_text("main")

    page.click(f"main a[href$='/koordinator/permohonan/{req.id}'] >> visible=true")
    page.wait_for_url(re.compile(rf".*/koordinator/permohonan/{req.id}$"))
    text = page.inner_text("main")
    assert "pemeriksaan ketentuan saat ini" in text.lower()
    assert "Ani Rahmawati" in text and "Ruang Rapat 9A" in text
    assert "WITA" in text and "WIB" in text  # the slot in the Pemda's zone with WIB beside

    with mail.record_messages() as outbox:
        page.click("#saran form.pick-suggestion button[type=submit] >> nth=0")
        page.wait_for_url(re.compile(rf".*/koordinator/permohonan/{req.id}$"))
        assert "disetujui dan dijadwalkan" in page.inner_text("main")
    assert any(operator.email in m.recipients for m in outbox)
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "coordinator-scheduled-request.png"), full_page=True)

    page.click("text=Lihat di kalender")
    page.wait_for_url(re.compile(r".*/koordinator/kalender\?date=.*"))
    session = page.locator(f"a.cal-session[href$='/koordinator/permohonan/{req.id}'] >> visible=true")
    assert session.count() == 1
    assert "Kota Balikpapan" in session.inner_text() and "Ruang Rapat 9A" in session.inner_text()
    page.screenshot(path=str(ARTIFACTS / "coordinator-calendar.png"), full_page=True)

    db.session.expire_all()
    req = db.session.get(ConsultationRequest, req.id)
    assert req.state == RequestState.SCHEDULED
    assert req.scheduled_start == start
    assignment = db.session.scalars(select(NarasumberAssignment)).one()
    assert assignment.narasumber_id == profile.id and assignment.override_reason is None
