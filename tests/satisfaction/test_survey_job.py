"""The survey request goes out once after each held session."""

from datetime import timedelta

from app.domain.states import RequestState
from app.extensions import db
from app.outbox.models import OutboxMessage
from app.satisfaction import services
from app.satisfaction.tasks import send_survey_requests
from tests.satisfaction.conftest import NOW


def surveys():
    return list(db.session.scalars(db.select(OutboxMessage).filter_by(kind="satisfaction/survey_request")))


def test_each_held_session_gets_one_survey_request(app, pemda, held):
    req = held(start=NOW - timedelta(hours=3))
    assert send_survey_requests(NOW) == 1
    assert send_survey_requests(NOW) == 0
    assert send_survey_requests(NOW + timedelta(hours=1)) == 0
    (message,) = surveys()
    assert message.recipients == ["operator@brebeskab.go.id"]
    assert message.request_id == req.id
    assert f"/permohonan/{req.id}/penilaian" in message.text_body
    assert message.subject.startswith(f"Bagaimana konsultasi {req.reference}")


def test_not_before_the_session_ended(app, pemda, held):
    held(start=NOW - timedelta(minutes=30))  # ends in 30 minutes
    assert send_survey_requests(NOW) == 0
    assert send_survey_requests(NOW + timedelta(minutes=30)) == 1


def test_not_for_rated_unheld_or_stale_sessions(app, pemda, held):
    rated = held(start=NOW - timedelta(hours=3))
    services.rate(pemda, rated, 5, 5, None)
    held(start=NOW - timedelta(hours=3), state=RequestState.NO_SHOW)
    held(start=NOW - timedelta(hours=3), state=RequestState.CANCELLED)
    held(start=NOW - timedelta(days=15))
    db.session.commit()
    assert send_survey_requests(NOW) == 0
    assert surveys() == []


def test_a_session_that_cannot_be_asked_does_not_block_the_others(app, pemda, held, monkeypatch, caplog):
    from app.satisfaction import tasks

    broken = held(start=NOW - timedelta(hours=4))
    fine = held(start=NOW - timedelta(hours=3))
    real = tasks.queue_email

    def failing(to, name, **context):
        if context["req"].id == broken.id:
            raise RuntimeError("template broke")
        return real(to, name, **context)

    monkeypatch.setattr(tasks, "queue_email", failing)
    assert send_survey_requests(NOW) == 1
    assert [m.request_id for m in surveys()] == [fine.id]
    assert "could not queue the survey request" in caplog.text


def test_a_video_conference_waits_for_a_no_show_to_be_recorded(app, pemda, held):
    from app.domain.policy import Mode
    from app.satisfaction.tasks import VC_NO_SHOW_GRACE

    joined = held(start=NOW - timedelta(hours=1))  # ends now
    absent = held(start=NOW - timedelta(hours=1))
    joined.mode = absent.mode = Mode.VC
    db.session.commit()
    assert send_survey_requests(NOW + VC_NO_SHOW_GRACE - timedelta(minutes=1)) == 0
    absent.state = RequestState.NO_SHOW  # the coordinator records that the Pemda did not join
    db.session.commit()
    assert send_survey_requests(NOW + VC_NO_SHOW_GRACE) == 1
    assert [m.request_id for m in surveys()] == [joined.id]
