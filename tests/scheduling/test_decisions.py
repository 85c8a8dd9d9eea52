"""Every decision route of the coordinator: happy path, permission, illegal transition, reason.

Approve, reschedule and cancel go through app.scheduling.services (the booking helper's);
these tests check what the coordinator sees and what the Pemda is told.
"""

import re

import pytest
from flask import url_for
from sqlalchemy import select

from app.core.audit import AuditLog
from app.domain.policy import Mode
from app.domain.states import RequestState
from app.extensions import db, mail
from app.requests.models import ConsultationRequest
from app.scheduling.models import NarasumberAssignment, RoomBooking
from tests import factories
from tests.scheduling import coord_helpers as h
from tests.scheduling.coord_helpers import booked, login_as, narasumber, request_at, text_of, wib

outsider, frozen, dau, dbh = h.outsider, h.frozen, h.dau, h.dbh
S = RequestState
POST_ENDPOINTS = [
    "scheduling.approve",
    "scheduling.reject",
    "scheduling.request_changes",
    "scheduling.convert",
    "scheduling.reschedule",
    "scheduling.cancel",
]


def _path(app, endpoint, req):
    with app.test_request_context():
        return url_for(endpoint, request_id=req.id)


def _reload(req) -> ConsultationRequest:
    db.session.expire_all()
    return db.session.get(ConsultationRequest, req.id)


def _audit(req, action) -> AuditLog:
    return db.session.scalars(
        select(AuditLog).where(AuditLog.object_id == str(req.id), AuditLog.action == action)
    ).one()


@pytest.fixture
def setting(app, frozen, pemda, coordinator, dau):
    """A submitted FTF request for Tuesday 8 December 09:00-11:00 WIB, a narasumber who
    knows DAU and a room."""
    ani = narasumber("Ani Rahmawati", [dau])
    room = factories.room("Ruang Rapat 9A", capacity=10)
    req = request_at(pemda, "2026-12-08")
    db.session.commit()
    return {"req": req, "ani": ani, "room": room}


# Permissions -------------------------------------------------------------------------------


@pytest.mark.parametrize("endpoint", POST_ENDPOINTS)
def test_anonymous_is_sent_to_login(client, app, setting, endpoint):
    response = client.post(_path(app, endpoint, setting["req"]), data={"reason": "Alasan yang cukup"})
    assert response.status_code == 302 and "/masuk" in response.headers["Location"]
    assert _reload(setting["req"]).state == S.SUBMITTED


@pytest.mark.parametrize("endpoint", POST_ENDPOINTS)
def test_other_roles_are_refused(client, app, setting, outsider, endpoint):
    login_as(client, outsider)
    response = client.post(_path(app, endpoint, setting["req"]), data={"reason": "Alasan yang cukup"})
    assert response.status_code == 403
    assert _reload(setting["req"]).state == S.SUBMITTED


# Approve and schedule ----------------------------------------------------------------------


def test_detail_lists_suggestions_with_people_room_and_reasons(client, setting, coordinator):
    login_as(client, coordinator)
    page = text_of(client.get(f"/koordinator/permohonan/{setting['req'].id}"))
    assert "Saran jadwal dan narasumber" in page
    assert "Selasa, 8 Desember 2026 09.00–10.00 WIB" in page
    assert "Ani Rahmawati" in page and "Ruang Rapat 9A" in page
    assert "Menguasai DAU" in page


def test_taking_a_suggestion_schedules_and_tells_the_pemda(client, setting, coordinator, pemda):
    req, ani, room = setting["req"], setting["ani"], setting["room"]
    login_as(client, coordinator)
    with mail.record_messages() as outbox:
        response = client.post(
            f"/koordinator/permohonan/{req.id}/jadwalkan",
            data={
                "day": "2026-12-08",
                "start_time": "09:00",
                "end_time": "10:00",
                "narasumber_ids": [str(ani.id)],
                "suggested_ids": str(ani.id),
                "room_id": str(room.id),
            },
        )
    assert response.status_code == 302
    req = _reload(req)
    assert req.state == S.SCHEDULED
    assert req.scheduled_start == wib("2026-12-08", "09:00") and req.room_id == room.id
    assignment = db.session.scalars(select(NarasumberAssignment)).one()
    assert assignment.narasumber_id == ani.id and assignment.override_reason is None
    assert any(pemda.email in m.recipients for m in outbox)
    page = text_of(client.get(response.headers["Location"]))
    assert "disetujui dan dijadwalkan" in page
    login_as(client, pemda)
    assert "Selasa, 8 Desember 2026 09.00–10.00 WIB" in text_of(client.get(f"/permohonan/{req.id}"))


def test_choosing_other_people_needs_an_override_reason(client, setting, coordinator, dau):
    req, ani, room = setting["req"], setting["ani"], setting["room"]
    budi = narasumber("Budi Santoso", [dau])
    db.session.commit()
    data = {
        "day": "2026-12-08",
        "start_time": "09:00",
        "end_time": "10:00",
        "narasumber_ids": [str(budi.id)],
        "suggested_ids": str(ani.id),
        "room_id": str(room.id),
    }
    login_as(client, coordinator)
    response = client.post(f"/koordinator/permohonan/{req.id}/jadwalkan", data=data)
    assert response.status_code == 200
    assert "berbeda dari saran sistem; tuliskan alasannya" in text_of(response)
    assert _reload(req).state == S.SUBMITTED
    data["override_reason"] = "Budi menangani DAU Jawa Tengah"
    response = client.post(f"/koordinator/permohonan/{req.id}/jadwalkan", data=data)
    assert response.status_code == 302
    assignment = db.session.scalars(select(NarasumberAssignment)).one()
    assert assignment.narasumber_id == budi.id
    assert assignment.override_reason == "Budi menangani DAU Jawa Tengah"


def test_a_conflict_is_a_message_and_keeps_the_form(client, setting, coordinator, pemda):
    req, ani, room = setting["req"], setting["ani"], setting["room"]
    booked(pemda, wib("2026-12-08", "09:30"), people=[ani], room=factories.room("Ruang Lain"))
    db.session.commit()
    login_as(client, coordinator)
    response = client.post(
        f"/koordinator/permohonan/{req.id}/jadwalkan",
        data={
            "day": "2026-12-08",
            "start_time": "09:00",
            "end_time": "10:00",
            "narasumber_ids": [str(ani.id)],
            "suggested_ids": str(ani.id),
            "room_id": str(room.id),
        },
    )
    page = text_of(response)
    assert response.status_code == 200
    assert "Narasumber Ani Rahmawati sudah terjadwal pada" in page
    assert 'value="2026-12-08"' in page and 'value="09:00"' in page
    assert _reload(req).state == S.SUBMITTED
    assert db.session.scalars(select(RoomBooking).where(RoomBooking.request_id == req.id)).first() is None


def test_vc_gets_a_generated_meeting_link(client, app, coordinator, pemda, dau, frozen):
    ani = narasumber("Ani Rahmawati", [dau])
    req = request_at(pemda, "2026-12-04", mode=Mode.VC)
    db.session.commit()
    login_as(client, coordinator)
    response = client.post(
        f"/koordinator/permohonan/{req.id}/jadwalkan",
        data={
            "day": "2026-12-04",
            "start_time": "10:00",
            "end_time": "11:00",
            "narasumber_ids": [str(ani.id)],
        },
    )
    assert response.status_code == 302
    req = _reload(req)
    assert req.meeting_url == app.config["MEETING_URL_TEMPLATE"].format(reference=req.reference)


def test_invalid_schedule_form_shows_field_errors(client, setting, coordinator):
    login_as(client, coordinator)
    response = client.post(
        f"/koordinator/permohonan/{setting['req'].id}/jadwalkan",
        data={"day": "2026-12-08", "start_time": "10:00", "end_time": "09:00"},
    )
    page = text_of(response)
    assert response.status_code == 200
    assert "Jam selesai harus sesudah jam mulai." in page
    assert "Pilih paling sedikit satu narasumber." in page


def test_approving_a_rejected_request_is_refused_clearly(client, setting, coordinator):
    req, ani, room = setting["req"], setting["ani"], setting["room"]
    req.state = S.REJECTED
    db.session.commit()
    login_as(client, coordinator)
    response = client.post(
        f"/koordinator/permohonan/{req.id}/jadwalkan",
        data={
            "day": "2026-12-08",
            "start_time": "09:00",
            "end_time": "10:00",
            "narasumber_ids": [str(ani.id)],
            "room_id": str(room.id),
        },
        follow_redirects=True,
    )
    assert "tidak dapat diambil untuk permohonan berstatus “Ditolak”" in text_of(response)
    assert _reload(req).state == S.REJECTED


# Reject, request changes -------------------------------------------------------------------


@pytest.mark.parametrize(
    ("endpoint", "state", "action", "subject"),
    [
        ("reject", S.REJECTED, "request.reject", "ditolak"),
        ("request_changes", S.CHANGES_REQUESTED, "request.request_changes", "perlu diperbaiki"),
    ],
)
def test_reason_decisions_are_audited_emailed_and_shown_to_the_pemda(
    client, app, setting, coordinator, pemda, endpoint, state, action, subject
):
    req = setting["req"]
    login_as(client, coordinator)
    reason = "Surat permohonan belum ditandatangani Sekretaris Daerah."
    with mail.record_messages() as outbox:
        response = client.post(_path(app, f"scheduling.{endpoint}", req), data={"reason": reason})
    assert response.status_code == 302
    req = _reload(req)
    assert req.state == state and req.state_reason == reason
    entry = _audit(req, action)
    assert entry.actor_id == coordinator.id
    assert entry.before == {"state": "submitted"} and entry.after == {"state": state.value, "reason": reason}
    assert len(outbox) == 1 and subject in outbox[0].subject and reason in outbox[0].body
    assert pemda.email in outbox[0].recipients
    login_as(client, pemda)
    assert reason in text_of(client.get(f"/permohonan/{req.id}"))


@pytest.mark.parametrize("endpoint", ["reject", "request_changes", "convert", "cancel"])
def test_a_reason_is_required(client, app, setting, coordinator, endpoint):
    req = setting["req"]
    login_as(client, coordinator)
    with mail.record_messages() as outbox:
        response = client.post(_path(app, f"scheduling.{endpoint}", req), data={"reason": "  "})
    assert response.status_code == 200
    assert "Tuliskan alasannya; Pemda akan membacanya pada permohonannya." in text_of(response)
    assert _reload(req).state == S.SUBMITTED and _reload(req).mode == Mode.FTF
    assert outbox == []


@pytest.mark.parametrize("endpoint", ["reject", "request_changes", "convert", "reschedule"])
def test_illegal_transition_is_a_clear_message(client, app, setting, coordinator, endpoint):
    req = setting["req"]
    req.state = S.HELD
    db.session.commit()
    login_as(client, coordinator)
    response = client.post(
        _path(app, f"scheduling.{endpoint}", req),
        data={
            "reason": "Alasan yang cukup panjang",
            "day": "2026-12-09",
            "start_time": "09:00",
            "end_time": "10:00",
        },
        follow_redirects=True,
    )
    assert response.status_code == 200
    assert "tidak dapat diambil untuk permohonan berstatus “Terlaksana”" in text_of(response)
    assert _reload(req).state == S.HELD


def test_pemda_edit_after_changes_requested_resubmits(client, app, setting, coordinator):
    req = setting["req"]
    login_as(client, coordinator)
    client.post(_path(app, "scheduling.request_changes", req), data={"reason": "Lengkapi daftar delegasi."})
    page = text_of(client.get("/koordinator/"))
    assert req.reference in page and "Perlu perbaikan" in page


# Convert FTF to VC -------------------------------------------------------------------------


def test_convert_a_submitted_request(client, app, setting, coordinator):
    req = setting["req"]
    login_as(client, coordinator)
    with mail.record_messages() as outbox:
        response = client.post(_path(app, "scheduling.convert", req), data={"reason": "Sesuai S-38/PK/2023"})
    assert response.status_code == 302
    req = _reload(req)
    assert req.mode == Mode.VC and req.state == S.SUBMITTED and req.meeting_url is None
    entry = _audit(req, "request.convert_to_vc")
    assert entry.before["mode"] == "ftf" and entry.after["mode"] == "vc"
    assert entry.after["reason"] == "Sesuai S-38/PK/2023"
    assert "video conference" in outbox[0].subject


def test_convert_a_scheduled_session_frees_its_room_and_gets_a_link(
    client, app, coordinator, pemda, dau, frozen
):
    ani = narasumber("Ani Rahmawati", [dau])
    room = factories.room("Ruang Rapat 9A")
    req = booked(pemda, wib("2026-12-08", "09:00"), people=[ani], room=room)
    db.session.commit()
    login_as(client, coordinator)
    response = client.post(
        _path(app, "scheduling.convert", req),
        data={
            "reason": "Delegasi tidak dapat hadir ke Jakarta",
            "meeting_url": "https://teams.microsoft.com/l/abc",
        },
    )
    assert response.status_code == 302
    req = _reload(req)
    assert req.mode == Mode.VC and req.state == S.SCHEDULED
    assert req.room_id is None and req.meeting_url == "https://teams.microsoft.com/l/abc"
    assert all(not b.active for b in req.room_bookings)
    assert [a.active for a in req.assignments] == [True]


def test_converting_a_vc_request_is_refused(client, app, coordinator, pemda, dau, frozen):
    req = request_at(pemda, "2026-12-08", mode=Mode.VC)
    db.session.commit()
    login_as(client, coordinator)
    response = client.post(
        _path(app, "scheduling.convert", req), data={"reason": "Alasan yang cukup"}, follow_redirects=True
    )
    assert "tidak dapat diambil" in text_of(response)


# Reschedule and cancel ---------------------------------------------------------------------


@pytest.fixture
def scheduled(setting, pemda):
    req = booked(pemda, wib("2026-12-08", "09:00"), people=[setting["ani"]], room=setting["room"])
    db.session.commit()
    return req


def test_reschedule_moves_the_session(client, app, scheduled, coordinator, pemda):
    login_as(client, coordinator)
    with mail.record_messages() as outbox:
        response = client.post(
            _path(app, "scheduling.reschedule", scheduled),
            data={
                "day": "2026-12-09",
                "start_time": "13:00",
                "end_time": "14:00",
                "reason": "Narasumber dinas luar",
            },
        )
    assert response.status_code == 302
    req = _reload(scheduled)
    assert req.state == S.SCHEDULED and req.scheduled_start == wib("2026-12-09", "13:00")
    assert req.state_reason == "Narasumber dinas luar"
    assert any(pemda.email in m.recipients for m in outbox)


def test_reschedule_needs_a_reason_and_a_valid_time(client, app, scheduled, coordinator):
    login_as(client, coordinator)
    response = client.post(
        _path(app, "scheduling.reschedule", scheduled),
        data={"day": "2026-12-09", "start_time": "13:00", "end_time": "12:00", "reason": ""},
    )
    page = text_of(response)
    assert response.status_code == 200
    assert "Tuliskan alasannya" in page and "Jam selesai harus sesudah jam mulai." in page
    assert _reload(scheduled).scheduled_start == wib("2026-12-08", "09:00")


def test_reschedule_conflict_is_a_message(client, app, scheduled, coordinator, pemda, setting):
    booked(pemda, wib("2026-12-09", "13:00"), people=[setting["ani"]], room=factories.room("Ruang Lain"))
    db.session.commit()
    login_as(client, coordinator)
    response = client.post(
        _path(app, "scheduling.reschedule", scheduled),
        data={"day": "2026-12-09", "start_time": "13:00", "end_time": "14:00", "reason": "Permintaan Pemda"},
    )
    assert response.status_code == 200
    assert "sudah terjadwal pada" in text_of(response)
    assert _reload(scheduled).scheduled_start == wib("2026-12-08", "09:00")


def test_cancel_frees_people_and_room(client, app, scheduled, coordinator, pemda):
    login_as(client, coordinator)
    with mail.record_messages() as outbox:
        response = client.post(
            _path(app, "scheduling.cancel", scheduled), data={"reason": "Pemda berhalangan"}
        )
    assert response.status_code == 302
    req = _reload(scheduled)
    assert req.state == S.CANCELLED and req.state_reason == "Pemda berhalangan"
    assert not any(a.active for a in req.assignments) and not any(b.active for b in req.room_bookings)
    assert any(pemda.email in m.recipients for m in outbox)
    login_as(client, pemda)
    assert "Pemda berhalangan" in text_of(client.get(f"/permohonan/{req.id}"))


def test_cancel_of_a_rejected_request_is_refused(client, app, setting, coordinator):
    req = setting["req"]
    req.state = S.REJECTED
    db.session.commit()
    login_as(client, coordinator)
    response = client.post(
        _path(app, "scheduling.cancel", req), data={"reason": "Alasan"}, follow_redirects=True
    )
    assert "tidak dapat diambil untuk permohonan berstatus “Ditolak”" in text_of(response)
    assert _reload(req).state == S.REJECTED


def test_decision_panel_offers_only_allowed_decisions(client, scheduled, coordinator):
    login_as(client, coordinator)
    page = text_of(client.get(f"/koordinator/permohonan/{scheduled.id}"))
    assert "Jadwal ulang" in page and "Batalkan" in page and "Ubah menjadi video conference" in page
    assert "Tolak permohonan" not in page and "Saran jadwal" not in page


def test_adjust_prefills_the_manual_form_from_a_suggestion(client, setting, coordinator):
    ani = setting["ani"]
    login_as(client, coordinator)
    page = text_of(client.get(f"/koordinator/permohonan/{setting['req'].id}?slot=1"))
    form = page[page.index('id="jadwalkan"') :]
    assert form.startswith('id="jadwalkan" open')
    assert re.search(r'<input[^>]*name="day"[^>]*value="2026-12-08"', form)
    assert re.search(r'<input[^>]*name="start_time"[^>]*value="09:30"', form)
    assert re.search(rf'<input[^>]*name="suggested_ids"[^>]*value="{ani.id}"', form)
    assert re.search(rf'<input checked[^>]*name="narasumber_ids"[^>]*value="{ani.id}"', form)


def test_vc_keeps_a_pasted_meeting_link(client, coordinator, pemda, dau, frozen):
    ani = narasumber("Ani Rahmawati", [dau])
    req = request_at(pemda, "2026-12-04", mode=Mode.VC)
    db.session.commit()
    login_as(client, coordinator)
    client.post(
        f"/koordinator/permohonan/{req.id}/jadwalkan",
        data={
            "day": "2026-12-04",
            "start_time": "10:00",
            "end_time": "11:00",
            "narasumber_ids": [str(ani.id)],
            "meeting_url": "https://teams.microsoft.com/l/meetup-join/abc",
        },
    )
    assert _reload(req).meeting_url == "https://teams.microsoft.com/l/meetup-join/abc"
