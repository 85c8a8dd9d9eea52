"""The demo works whenever it is seeded: its face-to-face visit waits for the next time the
front desk is open (today from an hour on while service hours allow, else the next working
day), the scheduler's jobs leave it alone, and every other demo session stays coherent
(held ones over, future ones ahead, confirmations inside their windows, before now)."""

from datetime import datetime, timedelta

import pytest
import time_machine
from sqlalchemy import select

from app.attendance.models import AttendanceConfirmation
from app.auth.models import User
from app.compliance.models import Breach
from app.core.audit import AuditLog
from app.core.clock import WIB, now_utc
from app.domain import attendance
from app.domain.policy import PolicyValues
from app.domain.states import RequestState
from app.domain.workdays import WorkCalendar
from app.extensions import db
from app.requests.models import ConsultationRequest
from app.scheduler import jobs
from app.seed_data import DEMO_PASSWORD, REQUESTS
from tests import factories

S = RequestState
# The confirmed face-to-face visit of Kab. Brebes that the desk checks in.
(VISIT,) = [spec for spec in REQUESTS if spec["agenda"].startswith("Klarifikasi penyesuaian DAU")]
CAL = WorkCalendar()  # the real Indonesian calendar, as the seed uses
POLICY = PolicyValues()


def wib(text: str) -> datetime:
    return datetime.fromisoformat(text).replace(tzinfo=WIB)


# (seeded at, the WIB day of the visit, its start)
MOMENTS = {
    "friday-23h": (wib("2026-11-27 23:00"), "2026-11-30", "14:00"),
    "saturday": (wib("2026-11-28 10:00"), "2026-11-30", "14:00"),
    "nyepi-and-lebaran-eve": (wib("2026-03-17 23:00"), "2026-03-25", "14:00"),
    "christmas-eve-eve": (wib("2026-12-23 23:00"), "2026-12-28", "14:00"),
    "monday-7h": (wib("2026-11-30 07:00"), "2026-11-30", "14:00"),
    "monday-13h50": (wib("2026-11-30 13:50"), "2026-11-30", "15:00"),
    "monday-15h30": (wib("2026-11-30 15:30"), "2026-12-01", "14:00"),
}


def _visit() -> ConsultationRequest:
    db.session.expire_all()
    return db.session.scalars(
        select(ConsultationRequest).where(ConsultationRequest.agenda == VISIT["agenda"])
    ).one()


def _desk(app, email: str = "resepsionis@demo.djpk.go.id"):
    client = app.test_client()
    response = client.post("/masuk", data={"email": email, "password": DEMO_PASSWORD})
    assert response.status_code == 302
    user = db.session.scalars(select(User).where(User.email == email)).one()
    db.session.refresh(user)
    # Enrols at the first login (the seeded demo has no second factor), then uses that key.
    factories.pass_code_step(client, response, email, secret=user.mfa_secret or factories.TOTP_SECRET)
    return client


@pytest.mark.parametrize("moment", MOMENTS.values(), ids=MOMENTS.keys())
def test_the_demo_visit_waits_for_the_desk(app, runner, moment):
    seeded_at, day, clock = moment
    with time_machine.travel(seeded_at, tick=False):
        result = runner.invoke(args=["seed-demo"])
        assert result.exit_code == 0, result.output
        visit = _visit()
        start = visit.scheduled_start.astimezone(WIB)
        assert (start.date().isoformat(), start.strftime("%H:%M")) == (day, clock)
        assert visit.state == S.CONFIRMED and visit.scheduled_start >= now_utc() + timedelta(hours=1)
        assert CAL.is_working_day(start.date()) and visit.scheduled_end.astimezone(WIB).hour <= 16

        # The desk lists it today; on another day the front desk sees nothing of it yet (only
        # its own day), and the coordinator's view of the desk lists the next working day's.
        same_day = start.date() == seeded_at.date()
        desk = _desk(app).get("/resepsionis/").get_data(as_text=True)
        assert (f'href="/resepsionis/kunjungan/{visit.id}"' in desk) == same_day
        if not same_day:
            page = _desk(app, "koordinator@demo.djpk.go.id").get("/resepsionis/").get_data(as_text=True)
            assert f'href="/resepsionis/kunjungan/{visit.id}"' in page
            assert "Dikonfirmasi" in page or "dikonfirmasi" in page

        # The scheduler at this moment: nothing to settle, nothing to flag.
        assert jobs.job("no_shows")(now_utc()) == {"no_show": 0, "held": 0}
        jobs.job("confirmation_deadlines")(now_utc())
        visit = _visit()
        assert visit.state == S.CONFIRMED and visit.visit is None
        assert db.session.scalars(select(Breach).where(Breach.request_id == visit.id)).all() == []
        _check_coherent(now_utc())

    # On its day, before it starts, the desk can check it in.
    with time_machine.travel(visit.scheduled_start - timedelta(minutes=15), tick=False):
        client = _desk(app)
        today = client.get("/resepsionis/").get_data(as_text=True)
        assert f'href="/resepsionis/kunjungan/{visit.id}"' in today
        page = client.get(f"/resepsionis/kunjungan/{visit.id}").get_data(as_text=True)
        assert 'id="checkin-form"' in page


def _check_coherent(now: datetime) -> None:
    for req in db.session.scalars(select(ConsultationRequest)):
        if req.state in (S.HELD, S.NO_SHOW):
            assert req.scheduled_end < now, req.agenda
        if req.state in (S.SCHEDULED, S.CONFIRMED):
            assert req.scheduled_start > now, req.agenda
        if req.state in (S.SUBMITTED, S.CHANGES_REQUESTED):
            assert req.windows[0].start > now, req.agenda
        entries = db.session.scalars(
            select(AuditLog)
            .where(AuditLog.object_type == "ConsultationRequest", AuditLog.object_id == str(req.id))
            .order_by(AuditLog.id)
        ).all()
        times = [e.at for e in entries]
        assert times == sorted(times) and times[-1] <= now, req.agenda
        approved = next((e.at for e in entries if e.action == "request.approve"), None)
        confirmation = db.session.scalars(
            select(AttendanceConfirmation).where(AttendanceConfirmation.request_id == req.id)
        ).first()
        if confirmation is not None:
            opens = attendance.confirmation_opens(req.scheduled_start, POLICY, CAL)
            deadline = attendance.confirmation_deadline(req.scheduled_start, POLICY, CAL)
            assert approved < confirmation.confirmed_at <= now, req.agenda
            assert opens <= confirmation.confirmed_at < deadline, req.agenda
