"""The Pemda confirms its final delegation: limits, the window, changes and stale forms."""

from datetime import timedelta

from sqlalchemy import select

from app.attendance.models import AttendanceConfirmation
from app.auth.models import Role
from app.core.audit import AuditLog
from app.domain.policy import Mode
from app.domain.states import RequestState
from app.extensions import db
from app.outbox.models import OutboxMessage
from tests.attendance.helpers import DEADLINE, OPENS, confirm_data, scheduled, url
from tests.requests.helpers import login_as


def _session(owner, **kwargs):
    req = scheduled(owner, **kwargs)
    db.session.commit()
    return req


def _reload(req):
    db.session.expire_all()
    return db.session.get(type(req), req.id)


def test_form_starts_from_the_requested_delegation_and_one_blank_row(client, pemda, inside):
    req = _session(pemda, guests=3)
    login_as(client, pemda)
    html = client.get(url(req)).get_data(as_text=True)
    assert 'value="Tamu 1"' in html and 'value="Tamu 3"' in html
    assert 'name="guests-3-name"' in html and 'name="guests-4-name"' not in html  # 3 known, 1 blank
    assert 'name="version" type="hidden" value="0"' in html


def test_five_guests_confirm_a_face_to_face_session(client, pemda, inside):
    req = _session(pemda)
    req.unconfirmed_flagged_at = OPENS  # a flag left by the deadline job is cleared
    db.session.commit()
    login_as(client, pemda)
    response = client.post(url(req), data=confirm_data(5))
    assert response.status_code == 302 and response.headers["Location"].endswith(f"/permohonan/{req.id}")
    req = _reload(req)
    assert req.state == RequestState.CONFIRMED and req.unconfirmed_flagged_at is None
    conf = req.confirmation
    assert conf.version == 1 and not conf.regional_head_attends
    assert [(g.position, g.name, g.title) for g in conf.guests] == [
        (i, f"Peserta {i + 1}", "Kepala Bidang") for i in range(5)
    ]
    assert conf.confirmed_by_id == pemda.id and conf.updated_by_id == pemda.id
    assert [d.name for d in req.delegation] == ["Tamu 1", "Tamu 2", "Tamu 3"]  # the request stays
    audit = db.session.scalars(select(AuditLog).where(AuditLog.action == "request.confirm")).one()
    assert audit.before["state"] == "scheduled" and audit.after["state"] == "confirmed"
    assert audit.actor_id == pemda.id and len(audit.after["guests"]) == 5
    mail = db.session.scalars(select(OutboxMessage).where(OutboxMessage.kind == "attendance/confirmed")).one()
    assert "operator@brebeskab.go.id" in mail.recipients
    assert req.booking_code_display in mail.text_body and "Peserta 5" in mail.text_body


def test_six_guests_are_refused_for_a_face_to_face_session(client, pemda, inside):
    req = _session(pemda)
    login_as(client, pemda)
    response = client.post(url(req), data=confirm_data(6))
    assert response.status_code == 200
    assert "Delegasi paling banyak 5 orang; Anda mengisi 6." in response.get_data(as_text=True)
    req = _reload(req)
    assert req.state == RequestState.SCHEDULED and req.confirmation is None


def test_a_video_conference_allows_fifteen(client, pemda, inside):
    req = _session(pemda, mode=Mode.VC)
    login_as(client, pemda)
    assert client.post(url(req), data=confirm_data(15)).status_code == 302
    assert len(_reload(req).confirmation.guests) == 15
    too_many = client.post(url(req), data=confirm_data(16, version=1))
    assert "paling banyak 15 orang" in too_many.get_data(as_text=True)


def test_names_and_positions_are_required_and_blank_rows_ignored(client, pemda, inside):
    req = _session(pemda)
    login_as(client, pemda)
    data = confirm_data(2, **{"guests-1-title": "", "guests-3-name": "", "guests-3-title": ""})
    html = client.post(url(req), data=data).get_data(as_text=True)
    assert "Baris 2, Jabatan: Wajib diisi." in html
    assert _reload(req).confirmation is None
    empty = client.post(url(req), data={"regional_head_attends": "tidak", "version": "0"})
    assert "Isi paling sedikit satu anggota delegasi." in empty.get_data(as_text=True)


def test_regional_head_answer_must_match_the_list(client, pemda, inside):
    req = _session(pemda)
    login_as(client, pemda)
    said_yes = client.post(url(req), data=confirm_data(2, head="ya")).get_data(as_text=True)
    assert "tandai kepala daerah pada daftar delegasi" in said_yes
    said_no = client.post(url(req), data=confirm_data(2, head="tidak", head_row=0)).get_data(as_text=True)
    assert "kepala daerah dinyatakan tidak hadir" in said_no
    unanswered = confirm_data(2)
    del unanswered["regional_head_attends"]
    assert "Pilih apakah kepala daerah hadir." in client.post(url(req), data=unanswered).get_data(
        as_text=True
    )
    assert _reload(req).confirmation is None
    assert client.post(url(req), data=confirm_data(2, head="ya", head_row=1)).status_code == 302
    conf = _reload(req).confirmation
    assert conf.regional_head_attends and [g.is_regional_head for g in conf.guests] == [False, True]


def test_a_change_before_the_deadline_replaces_the_list_and_raises_the_version(client, pemda, inside):
    req = _session(pemda)
    login_as(client, pemda)
    client.post(url(req), data=confirm_data(3))
    html = client.get(url(req)).get_data(as_text=True)
    assert 'value="Peserta 3"' in html and 'name="version" type="hidden" value="1"' in html
    assert client.post(url(req), data=confirm_data(2, version=1)).status_code == 302
    req = _reload(req)
    assert req.state == RequestState.CONFIRMED
    assert req.confirmation.version == 2 and len(req.confirmation.guests) == 2
    assert db.session.scalar(select(db.func.count()).select_from(AttendanceConfirmation)) == 1


def test_a_stale_form_is_refused_and_shows_what_is_saved(client, pemda, inside):
    req = _session(pemda)
    login_as(client, pemda)
    client.post(url(req), data=confirm_data(3))
    client.post(url(req), data=confirm_data(4, version=1))
    response = client.post(url(req), data=confirm_data(1, version=1))  # opened before version 2
    html = response.get_data(as_text=True)
    assert response.status_code == 200 and "telah diubah sejak formulir dibuka" in html
    assert 'value="Peserta 4"' in html and 'name="version" type="hidden" value="2"' in html
    conf = _reload(req).confirmation
    assert conf.version == 2 and len(conf.guests) == 4
    # A first confirmation posted after someone else confirmed is stale too.
    assert "telah diubah" in client.post(url(req), data=confirm_data(1)).get_data(as_text=True)


def test_confirmation_opens_two_working_days_before(client, pemda, clock):
    req = _session(pemda)
    login_as(client, pemda)
    clock.move_to(OPENS - timedelta(seconds=1))
    html = client.get(url(req)).get_data(as_text=True)
    assert "Konfirmasi kehadiran dapat dilakukan mulai Jumat, 4 Desember 2026 08.00" in html
    assert 'name="guests-0-name"' not in html
    refused = client.post(url(req), data=confirm_data(2)).get_data(as_text=True)
    assert "dapat dilakukan mulai" in refused and _reload(req).confirmation is None
    clock.move_to(OPENS)
    assert client.post(url(req), data=confirm_data(2)).status_code == 302
    assert _reload(req).state == RequestState.CONFIRMED


def test_the_deadline_locks_the_confirmation(client, pemda, clock):
    req = _session(pemda)
    login_as(client, pemda)
    clock.move_to(DEADLINE - timedelta(seconds=1))
    assert client.post(url(req), data=confirm_data(3)).status_code == 302
    clock.move_to(DEADLINE)
    response = client.post(url(req), data=confirm_data(1, version=1))
    html = response.get_data(as_text=True)
    assert "Senin, 7 Desember 2026 15.00" in html and "terkunci" in html
    assert "Peserta 3" in html and 'name="guests-0-name"' not in html  # what was confirmed, read-only
    conf = _reload(req).confirmation
    assert conf.version == 1 and len(conf.guests) == 3


def test_unconfirmed_after_the_deadline_says_so(client, pemda, clock):
    req = _session(pemda)
    login_as(client, pemda)
    clock.move_to(DEADLINE + timedelta(hours=1))
    html = client.get(url(req)).get_data(as_text=True)
    assert "terkunci" in html and "Belum ada konfirmasi kehadiran" in html
    assert "Belum dikonfirmasi, batas waktu telah lewat" in html


def test_a_cancelled_session_cannot_be_confirmed(client, pemda, inside):
    req = _session(pemda, state=RequestState.CANCELLED)
    login_as(client, pemda)
    assert "tidak dapat dikonfirmasi" in client.get(url(req)).get_data(as_text=True)
    client.post(url(req), data=confirm_data(2))
    req = _reload(req)
    assert req.state == RequestState.CANCELLED and req.confirmation is None


def test_a_request_without_a_time_goes_back_to_its_page(client, pemda, inside):
    from tests import factories

    req = factories.consultation(pemda)
    db.session.commit()
    login_as(client, pemda)
    response = client.get(url(req))
    assert response.status_code == 302 and response.headers["Location"].endswith(f"/permohonan/{req.id}")


def test_a_checked_in_session_cannot_be_reconfirmed(client, pemda, staff, clock):
    """Under a policy whose deadline is the session's start, the list is still open on the
    day; once the desk checked the delegation in against it, it is locked (the session stays
    CONFIRMED until its end, app.checkin.tasks)."""
    from datetime import UTC, datetime

    from app.domain.policy import PolicyValues
    from app.policy.services import create_version
    from tests.attendance.helpers import WIB
    from tests.checkin.helpers import checkin_data

    version = create_version(PolicyValues(confirm_deadline_working_days=0), datetime(2026, 1, 1, tzinfo=UTC))
    req = _session(pemda, policy_version_id=version.id)
    clock.move_to(datetime(2026, 12, 8, 8, 30, tzinfo=WIB))
    login_as(client, pemda)
    assert client.post(url(req), data=confirm_data(3)).status_code == 302
    clock.move_to(datetime(2026, 12, 8, 8, 50, tzinfo=WIB))
    desk = client.application.test_client()
    login_as(desk, staff[Role.RECEPTIONIST])
    desk.post(f"/resepsionis/kunjungan/{req.id}", data=checkin_data(range(3), time="08:50"))
    assert _reload(req).visit is not None and _reload(req).state == RequestState.CONFIRMED
    html = client.get(url(req)).get_data(as_text=True)
    assert "Kedatangan delegasi telah dicatat di meja resepsionis; konfirmasi kehadiran terkunci." in html
    refused = client.post(url(req), data=confirm_data(1, version=1)).get_data(as_text=True)
    assert "terkunci" in refused and len(_reload(req).confirmation.guests) == 3
