"""`flask seed-demo`: a complete demo system, loaded twice without a single duplicate."""

from datetime import UTC, datetime

import time_machine
from sqlalchemy import func, select

from app.attendance.models import AttendanceConfirmation
from app.auth.models import Role, UnitType, User
from app.catalog.models import NarasumberProfile, Room, Topic
from app.checkin.models import Visit
from app.compliance.models import Breach
from app.core.audit import AuditLog
from app.core.clock import now_utc
from app.domain.states import RequestState
from app.extensions import db
from app.history.models import HistorySession
from app.policy.models import PolicyVersion
from app.reports.models import ReportRecipient
from app.requests.models import ConsultationRequest, RequestLetter
from app.satisfaction.models import SatisfactionRating
from app.seed_data import DEMO_PASSWORD
from tests import factories

MODELS = (User, Topic, Room, NarasumberProfile, PolicyVersion, ConsultationRequest, RequestLetter, AuditLog)
TOPIC_CODES = [
    "DAU", "DBH", "DAK Fisik", "DAK Non Fisik", "Dana Desa", "IF", "Hibah", "PDRD", "SHSR", "APBD",
    "Pembiayaan", "TKD", "JF AKPD", "Lainnya",
]  # fmt: skip


def _counts():
    return {m.__name__: db.session.scalar(select(func.count()).select_from(m)) for m in MODELS}


def test_seed_twice_is_complete_and_idempotent(app, runner):
    first = runner.invoke(args=["seed-demo"])
    assert first.exit_code == 0, first.output
    db.session.expire_all()
    counts = _counts()
    second = runner.invoke(args=["seed-demo"])
    assert second.exit_code == 0, second.output
    assert "0 users added" in second.output and "0 requests added" in second.output
    db.session.expire_all()
    assert _counts() == counts

    assert db.session.scalars(select(Topic.code).order_by(Topic.sort_order)).all() == TOPIC_CODES
    assert counts["Room"] == 3 and counts["PolicyVersion"] == 1
    assert db.session.scalars(select(PolicyVersion)).one().effective_from < now_utc()
    narasumber = db.session.scalars(select(User).where(User.role == Role.NARASUMBER)).all()
    assert len(narasumber) == 8 and counts["NarasumberProfile"] == 8
    profile = db.session.scalars(select(NarasumberProfile)).first()
    assert profile.unit.startswith("Direktorat") and profile.topics and profile.working_hours
    for role in (Role.ADMIN, Role.COORDINATOR, Role.RECEPTIONIST):
        assert db.session.scalars(select(User).where(User.role == role)).one().is_active

    pemda = db.session.scalars(select(User).where(User.role == Role.PEMDA)).all()
    active = [u for u in pemda if u.is_active]
    assert len(active) == 3
    assert {u.timezone for u in active} == {"Asia/Jakarta", "Asia/Makassar", "Asia/Jayapura"}
    assert [u.unit_type for u in active].count(UnitType.DPRD) == 1
    (pending,) = [u for u in pemda if not u.is_active]
    assert pending.email_verified_at is not None and pending.activated_at is None

    _check_requests(app)


@time_machine.travel(datetime(2026, 3, 21, 16, 30, tzinfo=UTC), tick=False)  # Sat 23:30 WIB, Idul Fitri
def test_demo_requests_fit_any_moment_they_are_seeded(app, runner):
    assert runner.invoke(args=["seed-demo"]).exit_code == 0
    _check_requests(app)


def _check_requests(app):
    requests = db.session.scalars(select(ConsultationRequest)).all()
    assert {r.state for r in requests} == set(RequestState)
    now = now_utc()
    for req in requests:
        if req.state in (RequestState.SCHEDULED, RequestState.CONFIRMED, RequestState.HELD):
            assert req.scheduled_start and req.scheduled_end and req.room_id
        if req.state in (RequestState.SUBMITTED, RequestState.CHANGES_REQUESTED, RequestState.SCHEDULED):
            assert req.windows[0].start > now
        if req.state in (RequestState.HELD, RequestState.NO_SHOW):
            assert req.scheduled_end < now
        if req.state in (RequestState.CHANGES_REQUESTED, RequestState.REJECTED, RequestState.CANCELLED):
            assert req.state_reason
        assert req.delegation and req.topics and req.submitted_at < now
        if req.mode == "ftf":
            assert req.letter.file.content.startswith(b"%PDF-1.4")
        entries = db.session.scalars(
            select(AuditLog).where(
                AuditLog.object_type == "ConsultationRequest", AuditLog.object_id == str(req.id)
            )
        ).all()
        assert entries[0].action == "request.submit" and entries[-1].after["state"] == req.state


def test_demo_accounts_log_in_with_the_documented_password(app, runner):
    assert runner.invoke(args=["seed-demo"]).exit_code == 0
    client = app.test_client()
    response = client.post("/masuk", data={"email": "koordinator@demo.djpk.go.id", "password": DEMO_PASSWORD})
    # Demo staff set up their authenticator app at the first login, as real staff do.
    assert response.status_code == 302 and response.headers["Location"] == "/masuk/daftarkan-kode"
    response = factories.pass_code_step(client, response, "koordinator@demo.djpk.go.id")
    assert "Kode pemulihan" in response.get_data(as_text=True)
    assert client.get("/akun").status_code == 200


def test_passwords_are_printed_only_where_demo_logins_are_shown(app, runner):
    quiet = runner.invoke(args=["seed-demo"])
    assert DEMO_PASSWORD not in quiet.output
    app.config["SHOW_DEMO_LOGINS"] = True
    try:
        shown = runner.invoke(args=["seed-demo"])
    finally:
        del app.config["SHOW_DEMO_LOGINS"]
    assert DEMO_PASSWORD in shown.output and f"{app.config['PUBLIC_URL']}/masuk" in shown.output
    assert "admin@demo.djpk.go.id" in shown.output and "operator.jayapura@demo.go.id" in shown.output


def test_production_config_never_shows_demo_logins():
    from config import CONFIGS

    assert not getattr(CONFIGS["production"], "SHOW_DEMO_LOGINS", False)
    assert CONFIGS["development"].SHOW_DEMO_LOGINS is True


def test_scheduled_demo_sessions_have_people_and_rooms(runner):
    from app.domain.states import RequestState
    from app.requests.models import ConsultationRequest
    from app.scheduling.models import NarasumberAssignment, RoomBooking

    runner.invoke(args=["seed-demo"])
    booked = db.session.scalars(
        select(ConsultationRequest).where(ConsultationRequest.scheduled_start.is_not(None))
    ).all()
    assert booked
    for req in booked:
        active = [a for a in req.assignments if a.active]
        if req.state in (RequestState.CANCELLED, RequestState.REJECTED):
            assert active == []
            continue
        covered = {code for a in active for code in a.topic_codes}
        assert covered == {t.code for t in req.topics}
        assert all((a.start, a.end) == (req.scheduled_start, req.scheduled_end) for a in active)
        if req.mode == "ftf":
            assert [b.room_id for b in req.room_bookings if b.active] == [req.room_id]
    runner.invoke(args=["seed-demo"])
    assert db.session.scalar(select(func.count()).select_from(NarasumberAssignment)) == sum(
        len(r.assignments) for r in booked
    )
    assert db.session.scalar(select(func.count()).select_from(RoomBooking)) == sum(
        len(r.room_bookings) for r in booked
    )


def test_demo_activity_covers_the_desk_the_ledger_the_ratings_and_the_history(app, runner):
    first = runner.invoke(args=["seed-demo"])
    assert first.exit_code == 0, first.output
    assert "20 history sessions added" in first.output
    scheduled = db.session.scalars(
        select(ConsultationRequest).where(ConsultationRequest.scheduled_start.is_not(None))
    ).all()
    assert scheduled and all(req.booking_code for req in scheduled)
    confirmed = [r for r in scheduled if r.state in (RequestState.CONFIRMED, RequestState.HELD)]
    assert len(confirmed) == db.session.scalar(select(func.count()).select_from(AttendanceConfirmation))
    assert db.session.scalar(select(func.count()).select_from(Visit)) == 1
    assert db.session.scalar(select(func.count()).select_from(SatisfactionRating)) == 1
    (breach,) = db.session.scalars(select(Breach)).all()
    assert breach.type_code == "no_show" and breach.request.state == RequestState.NO_SHOW
    assert db.session.scalar(select(func.count()).select_from(HistorySession)) == 20
    assert db.session.scalars(select(ReportRecipient)).one().email == "admin@demo.djpk.go.id"

    second = runner.invoke(args=["seed-demo"])
    assert "0 history sessions added" in second.output
    assert db.session.scalar(select(func.count()).select_from(Breach)) == 1
