"""Writing through the API with the web form's rules: a Pemda submits (multipart, letter
included), withdraws and rates; a coordinator decides. Idempotency-Key makes a retry safe."""

import io
from datetime import timedelta

from sqlalchemy import func, select

from app.api.models import IdempotencyKey
from app.auth.models import Role
from app.domain.policy import Mode
from app.domain.states import RequestState
from app.extensions import db
from app.outbox.models import OutboxMessage
from app.requests.models import ConsultationRequest, RequestLetter
from app.satisfaction.models import SatisfactionRating
from tests import factories
from tests.api.conftest import vc_body
from tests.api.helpers import bearer, token_for
from tests.files import PDF
from tests.requests.helpers import NOW
from tests.scheduling.coord_helpers import booked, narasumber, request_at, wib

S = RequestState


def _count(model, *where) -> int:
    db.session.expire_all()
    return db.session.scalar(select(func.count()).select_from(model).where(*where))


def test_a_pemda_submits_a_request_and_gets_its_location(client, operator):
    secret = token_for(operator, "requests:write", "requests:read")
    response = client.post("/api/v1/requests", headers=bearer(secret), data=vc_body())
    assert response.status_code == 201, response.get_data(as_text=True)
    body = response.get_json()
    assert response.headers["Location"] == f"/api/v1/requests/{body['id']}"
    assert body["state"] == "submitted" and [t["code"] for t in body["topics"]] == ["DAU", "DBH"]
    req = db.session.get(ConsultationRequest, body["id"])
    assert req.region_id == operator.region_id and req.created_by_id == operator.id
    assert _count(OutboxMessage, OutboxMessage.kind == "requests/received") == 1
    assert client.get(response.headers["Location"], headers=bearer(secret)).status_code == 200


def test_the_policy_refuses_as_on_the_page_with_messages_on_fields(client, operator):
    secret = token_for(operator, "requests:write")
    # Tomorrow is inside the lead time of a video conference (2 working days).
    response = client.post(
        "/api/v1/requests", headers=bearer(secret), data=vc_body(**{"windows-0-day": "2026-12-02"})
    )
    assert response.status_code == 422 and response.mimetype == "application/problem+json"
    errors = response.get_json(force=True)["errors"]
    assert any("hari kerja sebelum" in m for m in errors["windows-0"]), errors
    bad = client.post(
        "/api/v1/requests", headers=bearer(secret), data=vc_body(topics=["XYZ"], contact_email="bukan-email")
    ).get_json(force=True)["errors"]
    assert bad["topics"] == ["Topik yang dipilih tidak tersedia."] and bad["contact_email"] == [
        "Alamat email tidak valid."
    ]
    assert _count(ConsultationRequest) == 0 and _count(OutboxMessage) == 0


def test_a_face_to_face_request_carries_its_letter(client, operator):
    secret = token_for(operator, "requests:write")
    body = vc_body(
        mode="ftf",
        **{
            "windows-0-day": "2026-12-08",
            "letter_number": "900/123/BPKAD/2026",
            "letter_date": "2026-11-30",
            "letter_signatory": "Sekretaris Daerah",
            "letter_addressee": "Direktur Jenderal Perimbangan Keuangan",
        },
    )
    missing = client.post("/api/v1/requests", headers=bearer(secret), data=body)
    assert missing.status_code == 422 and "letter_file" in missing.get_json(force=True)["errors"]
    not_pdf = client.post(
        "/api/v1/requests",
        headers=bearer(secret),
        data={**body, "letter_file": (io.BytesIO(b"hello"), "surat.pdf")},
    )
    assert not_pdf.status_code == 422 and "letter_file" in not_pdf.get_json(force=True)["errors"]
    made = client.post(
        "/api/v1/requests",
        headers=bearer(secret),
        data={**body, "letter_file": (io.BytesIO(PDF), "surat.pdf")},
    )
    assert made.status_code == 201, made.get_data(as_text=True)
    assert made.get_json()["letter"]["filename"] == "surat.pdf" and _count(RequestLetter) == 1


def test_a_retry_with_the_same_key_creates_nothing_more(client, operator):
    secret = token_for(operator, "requests:write")
    headers = bearer(secret, **{"Idempotency-Key": "2f1c9a3e-retry"})
    first = client.post("/api/v1/requests", headers=headers, data=vc_body())
    again = client.post("/api/v1/requests", headers=headers, data=vc_body())
    assert first.status_code == again.status_code == 201
    assert again.headers["Idempotent-Replayed"] == "true" and again.get_json()["id"] == first.get_json()["id"]
    assert _count(ConsultationRequest) == 1 and _count(OutboxMessage) == 1
    other = client.post(
        "/api/v1/requests",
        headers=headers,
        data=vc_body(agenda="Agenda lain yang cukup panjang untuk lolos."),
    )
    assert other.status_code == 422 and other.get_json(force=True)["type"].endswith("/idempotency-key-reused")
    bad_key = client.post(
        "/api/v1/requests", headers=bearer(secret, **{"Idempotency-Key": "x" * 256}), data=vc_body()
    )
    assert bad_key.status_code == 422 and "Idempotency-Key" in bad_key.get_json(force=True)["errors"]
    assert _count(ConsultationRequest) == 1


def test_keys_are_per_owner_and_expire(client, operator, frozen):
    from app.api.idempotency import clean_up

    other = factories.pemda_user(factories.BALIKPAPAN)
    db.session.commit()
    key = {"Idempotency-Key": "sama"}
    mine = client.post(
        "/api/v1/requests", headers=bearer(token_for(operator, "requests:write"), **key), data=vc_body()
    )
    theirs = client.post(
        "/api/v1/requests", headers=bearer(token_for(other, "requests:write"), **key), data=vc_body()
    )
    assert mine.status_code == theirs.status_code == 201 and mine.get_json()["id"] != theirs.get_json()["id"]
    frozen.move_to(NOW + timedelta(hours=49))
    assert clean_up() == 2
    db.session.commit()
    assert _count(IdempotencyKey) == 0


def test_only_a_pemda_submits(client, operator):
    coordinator = factories.user(Role.COORDINATOR)
    db.session.commit()
    response = client.post(
        "/api/v1/requests", headers=bearer(token_for(coordinator, "requests:write")), data=vc_body()
    )
    assert response.status_code == 403 and _count(ConsultationRequest) == 0


def test_a_pemda_withdraws_its_own_request_only(client, operator):
    mine = factories.consultation(operator, mode=Mode.VC)
    theirs = factories.consultation(factories.pemda_user(factories.BALIKPAPAN), mode=Mode.VC)
    db.session.commit()
    secret = token_for(operator, "requests:write")
    assert (
        client.post(f"/api/v1/requests/{theirs.id}/withdraw", headers=bearer(secret), json={}).status_code
        == 404
    )
    done = client.post(
        f"/api/v1/requests/{mine.id}/withdraw", headers=bearer(secret), json={"reason": "Jadwal bentrok"}
    )
    assert done.status_code == 200 and done.get_json()["state"] == "cancelled"
    again = client.post(f"/api/v1/requests/{mine.id}/withdraw", headers=bearer(secret), json={})
    assert again.status_code == 409 and "tidak dapat ditarik" in again.get_json(force=True)["title"]
    db.session.expire_all()
    assert db.session.get(ConsultationRequest, theirs.id).state == S.SUBMITTED


def test_a_pemda_rates_a_held_session_once(client, operator, frozen):
    held = booked(operator, wib("2026-11-24", "09:00"), state=S.HELD, mode=Mode.VC)
    db.session.commit()
    secret = token_for(operator, "requests:write")
    url = f"/api/v1/requests/{held.id}/rating"
    bad = client.post(url, headers=bearer(secret), json={"service_score": 9, "substance_score": 4})
    assert bad.status_code == 422 and "service_score" in bad.get_json(force=True)["errors"]
    made = client.post(
        url, headers=bearer(secret), json={"service_score": 5, "substance_score": 4, "comment": "Jelas"}
    )
    assert made.status_code == 201 and made.get_json()["service_score"] == 5
    twice = client.post(url, headers=bearer(secret), json={"service_score": 1, "substance_score": 1})
    assert twice.status_code == 409 and _count(SatisfactionRating) == 1


def test_a_coordinator_approves_with_a_slot_and_rejects_with_a_reason(client, operator, frozen):
    coordinator = factories.user(Role.COORDINATOR)
    dau = factories.topic("DAU")
    ani = narasumber("Ani Rahmawati", [dau])
    room = factories.room("Ruang Rapat 9A")
    ftf = request_at(operator, "2026-12-08")
    other = factories.consultation(operator, mode=Mode.VC)
    db.session.commit()
    secret = token_for(coordinator, "requests:write")
    url = f"/api/v1/requests/{ftf.id}/decisions"
    incomplete = client.post(url, headers=bearer(secret), json={"action": "approve", "day": "2026-12-08"})
    assert incomplete.status_code == 422 and {"start_time", "narasumber_ids"} <= set(
        incomplete.get_json(force=True)["errors"]
    )
    approved = client.post(
        url,
        headers=bearer(secret),
        json={
            "action": "approve",
            "day": "2026-12-08",
            "start_time": "09:00",
            "end_time": "10:00",
            "narasumber_ids": [ani.id],
            "room_id": room.id,
        },
    )
    assert approved.status_code == 200, approved.get_data(as_text=True)
    body = approved.get_json()
    assert body["state"] == "scheduled" and body["booking_code"] and body["room"] == "Ruang Rapat 9A"
    assert body["scheduled_start"] == "2026-12-08T02:00:00+00:00"  # 09:00 WIB
    no_reason = client.post(
        f"/api/v1/requests/{other.id}/decisions", headers=bearer(secret), json={"action": "reject"}
    )
    assert no_reason.status_code == 422 and "reason" in no_reason.get_json(force=True)["errors"]
    rejected = client.post(
        f"/api/v1/requests/{other.id}/decisions",
        headers=bearer(secret),
        json={"action": "reject", "reason": "Di luar kewenangan DJPK"},
    )
    assert rejected.status_code == 200 and rejected.get_json()["state"] == "rejected"
    again = client.post(
        f"/api/v1/requests/{other.id}/decisions",
        headers=bearer(secret),
        json={"action": "request_changes", "reason": "Lengkapi agenda"},
    )
    assert again.status_code == 409


def test_a_pemda_cannot_decide(client, operator):
    req = factories.consultation(operator, mode=Mode.VC)
    db.session.commit()
    secret = token_for(operator, "requests:write")
    response = client.post(
        f"/api/v1/requests/{req.id}/decisions",
        headers=bearer(secret),
        json={"action": "reject", "reason": "Saya sendiri"},
    )
    assert response.status_code == 403
    unknown = client.post(
        f"/api/v1/requests/{req.id}/decisions", headers=bearer(secret), json={"action": "hapus"}
    )
    assert unknown.status_code in (403, 422)


def test_a_coordinator_records_and_voids_a_breach(client, operator):
    from app.compliance.models import Breach

    coordinator = factories.user(Role.COORDINATOR, name="Sri Koordinator")
    db.session.commit()
    secret = token_for(coordinator, "breaches:write", "breaches:read")
    body = {"type_code": "walk_in", "region_code": factories.BREBES, "note": "Datang tanpa jadwal"}
    unknown = client.post("/api/v1/breaches", headers=bearer(secret), json={**body, "region_code": "99.99"})
    assert unknown.status_code == 422 and "region_code" in unknown.get_json(force=True)["errors"]
    missing = client.post("/api/v1/breaches", headers=bearer(secret), json={"region_code": factories.BREBES})
    assert missing.status_code == 422 and {"type_code", "note"} <= set(missing.get_json(force=True)["errors"])
    headers = bearer(secret, **{"Idempotency-Key": "catat-1"})
    made = client.post("/api/v1/breaches", headers=headers, json=body)
    assert made.status_code == 201 and made.get_json()["service_user"].startswith("Kab. Brebes")
    assert (
        client.post("/api/v1/breaches", headers=headers, json=body).headers["Idempotent-Replayed"] == "true"
    )
    assert _count(Breach) == 1
    breach_id = made.get_json()["id"]
    no_reason = client.post(
        f"/api/v1/breaches/{breach_id}/void", headers=bearer(secret), json={"reason": "  "}
    )
    assert no_reason.status_code == 422
    voided = client.post(
        f"/api/v1/breaches/{breach_id}/void", headers=bearer(secret), json={"reason": "Salah catat"}
    )
    assert voided.status_code == 200 and voided.get_json()["void_reason"] == "Salah catat"
    pemda_secret = token_for(operator, "breaches:read")
    refused = client.post("/api/v1/breaches", headers=bearer(pemda_secret), json=body)
    assert refused.status_code == 403


def test_a_pemda_confirms_attendance_in_its_window(client, operator, frozen):
    from tests.attendance.helpers import INSIDE, scheduled

    session = scheduled(operator)
    theirs = scheduled(factories.pemda_user(factories.BALIKPAPAN))
    db.session.commit()
    secret = token_for(operator, "requests:write")
    url = f"/api/v1/requests/{session.id}/attendance"
    guests = [{"name": "Siti Aminah", "title": "Kepala Bidang"}, {"name": "Budi", "title": "Staf"}]
    early = client.post(url, headers=bearer(secret), json={"guests": guests, "regional_head_attends": False})
    assert early.status_code == 422 and "dapat dilakukan mulai" in early.get_json(force=True)["detail"]
    frozen.move_to(INSIDE)
    too_many = [{"name": f"Tamu {n}", "title": "Staf"} for n in range(30)]
    refused = client.post(
        url, headers=bearer(secret), json={"guests": too_many, "regional_head_attends": False}
    )
    assert refused.status_code == 422 and "paling banyak" in refused.get_json(force=True)["detail"]
    done = client.post(url, headers=bearer(secret), json={"guests": guests, "regional_head_attends": False})
    assert done.status_code == 200, done.get_data(as_text=True)
    assert done.get_json()["state"] == "confirmed"
    stale = client.post(
        url, headers=bearer(secret), json={"guests": guests[:1], "regional_head_attends": False, "version": 0}
    )
    assert stale.status_code == 409
    changed = client.post(
        url, headers=bearer(secret), json={"guests": guests[:1], "regional_head_attends": False, "version": 1}
    )
    assert changed.status_code == 200
    assert (
        client.post(
            f"/api/v1/requests/{theirs.id}/attendance",
            headers=bearer(secret),
            json={"guests": guests, "regional_head_attends": False},
        ).status_code
        == 404
    )


def test_a_huge_letter_or_a_broken_body_is_a_clear_problem(app, client, operator):
    from tests.requests.helpers import post_in_memory

    secret = token_for(operator, "requests:write")
    coordinator = factories.user(Role.COORDINATOR)
    db.session.commit()
    huge = io.BytesIO(b"%PDF-1.4\n" + b"0" * (app.config["MAX_CONTENT_LENGTH"] + 1))
    response = post_in_memory(
        client,
        "/api/v1/requests",
        {**vc_body(mode="ftf"), "letter_file": (huge, "surat.pdf")},
        headers=bearer(secret),
    )
    assert response.status_code == 413 and response.mimetype == "application/problem+json"
    assert "5 MB" in response.get_json(force=True)["title"]
    broken = client.post(
        "/api/v1/breaches",
        headers=bearer(token_for(coordinator, "breaches:write"), **{"Content-Type": "application/json"}),
        data=b'{"type_code": ',
    )
    assert broken.status_code in (400, 422) and broken.mimetype == "application/problem+json"
    assert _count(ConsultationRequest) == 0


def test_a_retried_rating_answers_as_the_first(client, operator, frozen):
    held = booked(operator, wib("2026-11-24", "09:00"), state=S.HELD, mode=Mode.VC)
    db.session.commit()
    headers = bearer(token_for(operator, "requests:write"), **{"Idempotency-Key": "nilai-1"})
    body = {"service_score": 4, "substance_score": 5}
    first = client.post(f"/api/v1/requests/{held.id}/rating", headers=headers, json=body)
    again = client.post(f"/api/v1/requests/{held.id}/rating", headers=headers, json=body)
    assert first.status_code == again.status_code == 201 and again.headers["Idempotent-Replayed"] == "true"
    assert again.get_json() == first.get_json() and _count(SatisfactionRating) == 1
