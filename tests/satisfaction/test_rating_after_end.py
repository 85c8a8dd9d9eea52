"""A session checked in at 09:01 for 14:00 has not happened yet: it is held, and can be rated,
only once its scheduled end has passed (issue 11, item 2)."""

from datetime import datetime, timedelta

from sqlalchemy import func, select

from app.checkin.tasks import mark_no_shows
from app.core.clock import WIB
from app.domain.states import RequestState
from app.extensions import db
from app.requests.models import ConsultationRequest
from app.satisfaction.models import SatisfactionRating
from tests.checkin import helpers as desk
from tests.people import frozen_at
from tests.requests.helpers import login_as, text_of

MORNING = datetime(2026, 12, 8, 9, 1, tzinfo=WIB)  # Tuesday
START = datetime(2026, 12, 8, 14, 0, tzinfo=WIB)
frozen = frozen_at(MORNING)

RATING = {"service_score": "4", "substance_score": "5", "comment": "Jelas."}


def _state(req) -> RequestState:
    db.session.expire_all()
    return db.session.get(ConsultationRequest, req.id).state


def _ratings() -> int:
    return db.session.scalar(select(func.count(SatisfactionRating.id)))


def _checked_in_at_nine(app, pemda, receptionist):
    req = desk.session(pemda, start=START)
    db.session.commit()
    desk_client = app.test_client()
    login_as(desk_client, receptionist)
    response = desk_client.post(
        f"/resepsionis/kunjungan/{req.id}", data=desk.checkin_data(range(5), time="09:01")
    )
    assert response.status_code == 302 and desk.breaches() == []
    return req


def test_checked_in_in_the_morning_is_not_held_nor_rated_before_the_end(
    app, client, pemda, receptionist, frozen
):
    req = _checked_in_at_nine(app, pemda, receptionist)
    assert _state(req) == RequestState.CONFIRMED
    frozen.move_to(MORNING + timedelta(minutes=1))
    login_as(client, pemda)
    assert "Beri penilaian" not in text_of(client.get(f"/permohonan/{req.id}"))
    page = text_of(client.get(f"/permohonan/{req.id}/penilaian"))
    assert "Kirim penilaian" not in page
    assert "Penilaian dapat diberikan setelah konsultasi terlaksana." in page
    client.post(f"/permohonan/{req.id}/penilaian", data=RATING)
    assert _ratings() == 0

    frozen.move_to(START + timedelta(minutes=59))  # the session is on: still not held
    assert mark_no_shows() == {"no_show": 0, "held": 0}
    assert _state(req) == RequestState.CONFIRMED

    frozen.move_to(START + timedelta(hours=1, minutes=5))  # the scheduler's run after the end
    assert mark_no_shows() == {"no_show": 0, "held": 1}
    assert _state(req) == RequestState.HELD
    assert "Beri penilaian" in text_of(client.get(f"/permohonan/{req.id}"))
    assert client.post(f"/permohonan/{req.id}/penilaian", data=RATING).status_code == 302
    assert _ratings() == 1


def test_a_check_in_after_the_end_is_held_at_once(app, pemda, receptionist, frozen):
    req = desk.session(pemda, start=MORNING - timedelta(hours=2))  # 07:01-08:01, already over
    db.session.commit()
    desk_client = app.test_client()
    login_as(desk_client, receptionist)
    desk_client.post(f"/resepsionis/kunjungan/{req.id}", data=desk.checkin_data(range(5), time="08:30"))
    assert _state(req) == RequestState.HELD


def test_a_held_session_whose_end_has_not_passed_cannot_be_rated(client, pemda, frozen):
    """A row marked held before its end (by the old check-in) waits for the end too."""
    req = desk.session(pemda, start=START)
    req.state = RequestState.HELD
    db.session.commit()
    login_as(client, pemda)
    assert "Beri penilaian" not in text_of(client.get(f"/permohonan/{req.id}"))
    page = text_of(client.get(f"/permohonan/{req.id}/penilaian"))
    assert "Penilaian dapat diberikan setelah konsultasi selesai (Selasa, 8 Desember 2026 15.00 WIB)." in page
    response = client.post(f"/permohonan/{req.id}/penilaian", data=RATING, follow_redirects=True)
    assert "Penilaian dapat diberikan setelah konsultasi selesai" in text_of(response)
    assert _ratings() == 0
