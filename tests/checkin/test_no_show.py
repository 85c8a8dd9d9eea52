"""The no-show job (time frozen) and the coordinator's VC no-show by hand."""

from datetime import timedelta

from sqlalchemy import select

from app.checkin.tasks import mark_no_shows
from app.core.audit import AuditLog
from app.domain.states import RequestState
from app.extensions import db
from app.requests.models import ConsultationRequest
from tests.checkin import helpers
from tests.checkin.helpers import checkin_data

S = RequestState


def _state(req) -> RequestState:
    db.session.expire_all()
    return db.session.get(ConsultationRequest, req.id).state


def test_nothing_happens_before_the_end(app, frozen, pemda):
    req = helpers.session(pemda)
    db.session.commit()
    assert mark_no_shows() == {"no_show": 0, "held": 0}
    frozen.move_to(req.scheduled_end - timedelta(seconds=1))
    assert mark_no_shows() == {"no_show": 0, "held": 0}
    assert _state(req) == S.CONFIRMED


def test_ftf_without_check_in_is_a_no_show_once(app, frozen, pemda):
    req = helpers.session(pemda)
    db.session.commit()
    frozen.move_to(req.scheduled_end)
    assert mark_no_shows() == {"no_show": 1, "held": 0}
    assert mark_no_shows() == {"no_show": 0, "held": 0}
    assert _state(req) == S.NO_SHOW
    (breach,) = helpers.breaches()
    assert breach.type_code == "no_show" and breach.dedupe_key == f"no_show:request:{req.id}"
    assert breach.recorded_by_kind == "system" and breach.recorded_by_id is None
    (message,) = helpers.outbox("compliance/breach_recorded")
    assert pemda.email in message.recipients and "Tidak hadir" in message.subject
    audit = db.session.scalars(
        select(AuditLog.action).where(AuditLog.object_type == "ConsultationRequest")
    ).all()
    assert audit == ["request.mark_no_show"]


def test_checked_in_session_is_held_after_its_end_never_a_no_show(client, auth, receptionist, pemda, frozen):
    req = helpers.session(pemda)
    db.session.commit()
    auth.login(receptionist)
    client.post(f"/resepsionis/kunjungan/{req.id}", data=checkin_data(range(5)))
    assert _state(req) == S.CONFIRMED  # checked in, not yet happened
    frozen.move_to(req.scheduled_end - timedelta(seconds=1))
    assert mark_no_shows() == {"no_show": 0, "held": 0}
    frozen.move_to(req.scheduled_end + timedelta(minutes=5))
    assert mark_no_shows() == {"no_show": 0, "held": 1}
    assert mark_no_shows() == {"no_show": 0, "held": 0}
    assert _state(req) == S.HELD
    assert helpers.breaches() == []
    held = db.session.scalars(select(AuditLog).where(AuditLog.action == "request.mark_held")).one()
    assert held.at == req.scheduled_end + timedelta(minutes=5) and held.actor_id is None


def test_vc_after_its_end_is_marked_held(app, frozen, pemda):
    req = helpers.session(pemda, mode=helpers.Mode.VC, confirmed_guests=None)
    db.session.commit()
    frozen.move_to(req.scheduled_end + timedelta(minutes=5))
    assert mark_no_shows() == {"no_show": 0, "held": 1}
    assert _state(req) == S.HELD
    assert helpers.breaches() == []


def test_coordinator_records_a_vc_no_show_with_a_reason(client, auth, coordinator, pemda, frozen):
    req = helpers.session(pemda, mode=helpers.Mode.VC, confirmed_guests=None)
    db.session.commit()
    frozen.move_to(req.scheduled_end + timedelta(minutes=5))
    mark_no_shows()
    auth.login(coordinator)
    page = client.get(f"/koordinator/permohonan/{req.id}").get_data(as_text=True)
    assert "Catat tidak hadir (video conference)" in page
    url = f"/resepsionis/sesi/{req.id}/tidak-hadir"
    assert "Isi alasan." in client.post(url, data={"reason": ""}, follow_redirects=True).get_data(
        as_text=True
    )
    page = client.post(url, data={"reason": "Pemda tidak bergabung ke rapat."}, follow_redirects=True)
    assert "dicatat tidak hadir" in page.get_data(as_text=True)
    assert _state(req) == S.NO_SHOW
    (breach,) = helpers.breaches()
    assert breach.type_code == "no_show" and breach.recorded_by_kind == "coordinator"
    assert breach.recorded_by_id == coordinator.id and breach.note == "Pemda tidak bergabung ke rapat."
    again = client.post(url, data={"reason": "lagi"}, follow_redirects=True).get_data(as_text=True)
    assert "tidak dapat dicatat tidak hadir" in again
    assert len(helpers.breaches()) == 1


def test_vc_no_show_is_not_offered_before_the_start(client, auth, coordinator, pemda, frozen):
    req = helpers.session(pemda, mode=helpers.Mode.VC, start=helpers.NOW + timedelta(hours=2))
    db.session.commit()
    auth.login(coordinator)
    assert "Catat tidak hadir" not in client.get(f"/koordinator/permohonan/{req.id}").get_data(as_text=True)
    client.post(f"/resepsionis/sesi/{req.id}/tidak-hadir", data={"reason": "x"})
    assert _state(req) == S.CONFIRMED


def test_one_failing_session_does_not_stop_the_others(app, frozen, pemda, monkeypatch, caplog):
    from app.checkin import tasks

    first = helpers.session(pemda)
    second = helpers.session(pemda, start=helpers.START + timedelta(minutes=30))
    db.session.commit()
    real = tasks.mark_no_show

    def flaky(req, **kwargs):
        if req.id == first.id:
            raise RuntimeError("boom")
        return real(req, **kwargs)

    monkeypatch.setattr(tasks, "mark_no_show", flaky)
    frozen.move_to(helpers.START + timedelta(hours=3))
    assert mark_no_shows() == {"no_show": 1, "held": 0}
    assert _state(first) == S.CONFIRMED and _state(second) == S.NO_SHOW
    assert "could not settle session" in caplog.text
