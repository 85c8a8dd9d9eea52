"""Checking a delegation in: the visit, the session held after its end, the breaches (never doubled, never
dropped silently), the arrival emails, and checking in twice."""

from datetime import timedelta

import pytest
from sqlalchemy import select

from app.checkin.models import Visit
from app.compliance.services import CORRECTED_AT_DESK
from app.core.audit import AuditLog
from app.domain.states import RequestState
from app.extensions import db
from app.requests.models import ConsultationRequest
from tests.checkin import helpers
from tests.checkin.helpers import checkin_data


@pytest.fixture
def expert(app, frozen):
    person = helpers.narasumber()
    db.session.commit()
    return person


def _post(client, req, data):
    return client.post(f"/resepsionis/kunjungan/{req.id}", data=data, follow_redirects=True)


def test_compliant_check_in_records_the_visit_and_nothing_else(client, auth, receptionist, pemda):
    req = helpers.session(pemda)
    db.session.commit()
    auth.login(receptionist)
    page = _post(client, req, checkin_data(range(5))).get_data(as_text=True)
    assert "Kedatangan delegasi Kab. Brebes telah dicatat." in page
    visit = db.session.scalars(select(Visit)).one()
    assert visit.request_id == req.id and visit.checked_in_by_id == receptionist.id
    assert visit.arrived_at == helpers.NOW and visit.regional_head_present is False
    assert [g.present for g in visit.guests] == [True] * 5
    # Held only once its end has passed (app.checkin.tasks): checked in at 09:10 of 09:00-10:00.
    assert db.session.get(ConsultationRequest, req.id).state == RequestState.CONFIRMED
    assert helpers.breaches() == []


def test_six_for_a_limit_of_five_is_one_breach_one_over(client, auth, receptionist, pemda):
    req = helpers.session(pemda)
    db.session.commit()
    auth.login(receptionist)
    _post(client, req, checkin_data(range(5), extra=[("Tamu Tambahan", "Staf")]))
    (breach,) = helpers.breaches()
    assert breach.type_code == "guests_over_limit"
    assert breach.evidence == {"allowed": 5, "came": 6, "over": 1, "confirmed": 5, "not_on_list": 1}
    assert breach.request_id == req.id and breach.visit_id == req.visit.id
    assert breach.recorded_by_kind == "system" and breach.recorded_by_id == receptionist.id


def test_the_issue_case_records_two_breaches_and_shows_them(client, auth, receptionist, pemda):
    req = helpers.session(pemda, head_attends=True)
    db.session.commit()
    auth.login(receptionist)
    extra = [("Tamu Enam", "Staf"), ("Tamu Tujuh", "Staf")]
    page = _post(client, req, checkin_data(range(5), extra=extra, head=False)).get_data(as_text=True)
    found = {b.type_code: b for b in helpers.breaches()}
    assert set(found) == {"guests_over_limit", "regional_head_invalid"}
    assert found["guests_over_limit"].evidence["over"] == 2
    assert found["regional_head_invalid"].evidence == {"confirmed": 1, "present": 0}
    assert "Jumlah tamu melebihi batas" in page and "lebih 2 orang" in page
    assert "Informasi kehadiran Kepala Daerah tidak sesuai" in page
    assert "2 pelanggaran tercatat untuk kunjungan ini." in page


def test_arrival_emails_the_narasumber_and_coordinators_once(
    client, auth, receptionist, coordinator, pemda, expert
):
    req = helpers.session(pemda, narasumber=expert)
    db.session.commit()
    auth.login(receptionist)
    _post(client, req, checkin_data(range(5)))
    _post(client, req, checkin_data(range(4)))
    (message,) = helpers.outbox("checkin/arrived")
    assert set(message.recipients) == {expert.user.email.lower(), coordinator.email}
    assert "Kab. Brebes" in message.subject
    assert message.dedupe_key == f"checkin:arrived:{req.visit.id}"


def test_each_new_breach_emails_the_pemda_once(client, auth, receptionist, pemda):
    req = helpers.session(pemda)
    db.session.commit()
    auth.login(receptionist)
    _post(client, req, checkin_data(range(5), extra=[("A", ""), ("B", "")]))
    _post(client, req, checkin_data(range(5), extra=[("A", ""), ("B", ""), ("C", "")]))
    (message,) = helpers.outbox("compliance/breach_recorded")
    assert pemda.email in message.recipients
    assert "Jumlah tamu melebihi batas" in message.subject


def test_checking_in_twice_shows_when_and_by_whom(client, auth, receptionist, pemda):
    req = helpers.session(pemda)
    db.session.commit()
    auth.login(receptionist)
    _post(client, req, checkin_data(range(5)))
    page = client.get(f"/resepsionis/kunjungan/{req.id}").get_data(as_text=True)
    assert "Kedatangan sudah dicatat pukul 09.10 WIB oleh Rina Resepsionis." in page
    assert "Simpan perbaikan" in page
    assert db.session.scalar(select(db.func.count(Visit.id))) == 1


def test_a_correction_updates_the_breach_instead_of_adding_one(client, auth, receptionist, pemda):
    req = helpers.session(pemda)
    db.session.commit()
    auth.login(receptionist)
    _post(client, req, checkin_data(range(5), extra=[("A", "")]))
    _post(client, req, checkin_data(range(6), extra=[("B", "")]))  # row 5 is A now; B added
    (breach,) = helpers.breaches()
    assert breach.evidence["came"] == 7 and breach.evidence["over"] == 2
    assert db.session.scalar(select(db.func.count(Visit.id))) == 1
    actions = db.session.scalars(select(AuditLog.action).where(AuditLog.object_type == "Breach")).all()
    assert actions == ["breach.record", "breach.evidence"]


def test_a_breach_corrected_away_is_voided_not_deleted_and_comes_back(client, auth, receptionist, pemda):
    req = helpers.session(pemda)
    db.session.commit()
    auth.login(receptionist)
    _post(client, req, checkin_data(range(5), extra=[("A", "")]))
    page = _post(client, req, checkin_data(range(5))).get_data(as_text=True)  # A untick'd
    (breach,) = helpers.breaches()
    assert breach.voided and breach.void_reason == CORRECTED_AT_DESK
    assert breach.voided_by_id == receptionist.id
    assert f"Dibatalkan: {CORRECTED_AT_DESK}" in page
    _post(client, req, checkin_data(range(6)))
    (breach,) = helpers.breaches()
    assert not breach.voided and breach.evidence["over"] == 1
    assert len(helpers.outbox("compliance/breach_recorded")) == 1


def test_unconfirmed_delegation_ticks_the_requested_list_and_is_a_breach(client, auth, receptionist, pemda):
    req = helpers.session(pemda, confirmed_guests=None, delegation=3)
    db.session.commit()
    auth.login(receptionist)
    page = client.get(f"/resepsionis/kunjungan/{req.id}").get_data(as_text=True)
    assert "Pemda belum mengonfirmasi kehadiran" in page and "Tamu 3" in page
    _post(client, req, checkin_data(range(3), head=True))
    (breach,) = helpers.breaches()
    assert breach.type_code == "unconfirmed_arrival" and breach.evidence == {"came": 3}


@pytest.mark.parametrize("minutes, late", [(30, False), (31, True)])
def test_late_arrival_on_its_boundary(client, auth, receptionist, pemda, frozen, minutes, late):
    req = helpers.session(pemda)
    db.session.commit()
    frozen.move_to(helpers.START + timedelta(minutes=45))
    auth.login(receptionist)
    clock = (helpers.START + timedelta(minutes=minutes)).strftime("%H:%M")
    _post(client, req, checkin_data(range(5), time=clock))
    assert [b.type_code for b in helpers.breaches()] == (["late_arrival"] if late else [])


def test_a_future_arrival_time_is_refused(client, auth, receptionist, pemda):
    req = helpers.session(pemda)
    db.session.commit()
    auth.login(receptionist)
    page = _post(client, req, checkin_data(range(5), time="11:00")).get_data(as_text=True)
    assert "Waktu kedatangan tidak boleh di masa depan." in page
    assert db.session.scalars(select(Visit)).first() is None


def test_nobody_ticked_or_no_head_answer_is_refused(client, auth, receptionist, pemda):
    req = helpers.session(pemda)
    db.session.commit()
    auth.login(receptionist)
    assert "Centang paling sedikit satu tamu" in _post(client, req, checkin_data([])).get_data(as_text=True)
    page = _post(client, req, checkin_data(range(5), head=None)).get_data(as_text=True)
    assert "Pilih apakah Kepala Daerah hadir." in page
    assert db.session.scalars(select(Visit)).first() is None


def test_a_session_of_another_day_cannot_be_checked_in(client, auth, receptionist, coordinator, pemda):
    """The front desk does not even see it (404); a coordinator reads it, without the form."""
    req = helpers.session(pemda, start=helpers.START + timedelta(days=1))
    db.session.commit()
    auth.login(receptionist)
    assert client.get(f"/resepsionis/kunjungan/{req.id}").status_code == 404
    assert _post(client, req, checkin_data(range(5))).status_code == 404
    auth.logout()
    auth.login(coordinator)
    page = client.get(f"/resepsionis/kunjungan/{req.id}").get_data(as_text=True)
    assert "tidak dijadwalkan hari ini" in page and "checkin-form" not in page
    _post(client, req, checkin_data(range(5)))
    assert db.session.scalars(select(Visit)).first() is None


def test_missing_letter_is_a_walk_in_breach(client, auth, receptionist, pemda):
    req = helpers.session(pemda, with_letter=False)
    db.session.commit()
    auth.login(receptionist)
    _post(client, req, checkin_data(range(5)))
    (breach,) = helpers.breaches()
    assert breach.type_code == "walk_in" and breach.evidence == {"booking": 1, "letter": 0}


def test_a_simultaneous_save_from_another_desk_is_shown_not_a_crash(
    client, auth, receptionist, pemda, monkeypatch
):
    from sqlalchemy.exc import IntegrityError

    from app.checkin import services

    req = helpers.session(pemda)
    db.session.commit()
    auth.login(receptionist)

    def collide(*args, **kwargs):
        raise IntegrityError("INSERT INTO visits", {}, Exception("duplicate key"))

    monkeypatch.setattr(services, "check_in", collide)
    page = _post(client, req, checkin_data(range(5))).get_data(as_text=True)
    assert "baru saja dicatat dari meja lain" in page
