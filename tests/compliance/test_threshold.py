"""The compliance profile, the breach threshold (default 3 in 6 months) and the coordinator's
explicit override when approving a face-to-face request of a Pemda over it."""

from datetime import timedelta

import pytest
from sqlalchemy import event, select

from app.compliance import queries
from app.core.audit import AuditLog
from app.domain.policy import Mode, PolicyValues
from app.domain.states import RequestState
from app.extensions import db
from app.requests.models import ConsultationRequest
from tests import factories
from tests.compliance.helpers import NOW, breach, login_as, text_of
from tests.scheduling.coord_helpers import narasumber, request_at

POLICY = PolicyValues()  # 3 breaches in 6 months


def test_months_before_clamps_the_day():
    assert queries.months_before(NOW.replace(month=8, day=31), 6) == NOW.replace(month=2, day=28)
    assert queries.months_before(NOW, 12) == NOW.replace(year=2025)


def test_profile_counts_live_breaches_of_the_last_12_months(app, pemda, dprd):
    breach(pemda, "no_show")
    breach(pemda, "no_show", at=NOW - timedelta(days=300))
    breach(pemda, "walk_in", at=NOW - timedelta(days=40))
    breach(pemda, "walk_in", voided=True)  # voided: not counted
    breach(pemda, "late_arrival", at=NOW - timedelta(days=370))  # older than 12 months
    breach(dprd, "late_arrival")  # another Pemda
    counts = queries.profile(pemda.region_id, pemda.unit_type, NOW)
    assert counts["no_show"] == 2 and counts["walk_in"] == 1 and counts["late_arrival"] == 0
    assert sum(counts.values()) == 3 and list(counts)[0] == "guests_over_limit"


@pytest.mark.parametrize(
    ("ages", "over"),
    [
        ((1, 30), False),  # 2 in the window: no override needed
        ((1, 30, 170), True),  # 3: needed
        ((1, 30, 190), False),  # the 3rd older than 6 months: not needed
    ],
)
def test_threshold_boundary(app, pemda, ages, over):
    for days in ages:
        breach(pemda, at=NOW - timedelta(days=days))
    breach(pemda, voided=True)
    assert queries.over_threshold(pemda.region_id, pemda.unit_type, POLICY, NOW) is over
    stricter = PolicyValues(breach_threshold_count=2)
    assert queries.over_threshold(pemda.region_id, pemda.unit_type, stricter, NOW) is True


def _three(owner):
    for days in (1, 20, 60):
        breach(owner, at=NOW - timedelta(days=days))


@pytest.fixture
def setting(app, frozen, pemda, coordinator):
    dau = factories.topic("DAU", "Dana Alokasi Umum")
    ani = narasumber("Ani Rahmawati", [dau])
    room = factories.room("Ruang Rapat 9A", capacity=10)
    req = request_at(pemda, "2026-12-08")
    db.session.commit()
    return {"req": req, "ani": ani, "room": room}


def _approve(client, s, **extra):
    data = {
        "day": "2026-12-08",
        "start_time": "09:00",
        "end_time": "10:00",
        "narasumber_ids": [str(s["ani"].id)],
        "suggested_ids": str(s["ani"].id),
        "room_id": str(s["room"].id),
        **extra,
    }
    return client.post(f"/koordinator/permohonan/{s['req'].id}/jadwalkan", data=data)


def _reload(req) -> ConsultationRequest:
    db.session.expire_all()
    return db.session.get(ConsultationRequest, req.id)


def test_approve_is_refused_without_an_override_and_accepted_with_one(client, setting, pemda, coordinator):
    _three(pemda)
    db.session.commit()
    login_as(client, coordinator)
    page = text_of(client.get(f"/koordinator/permohonan/{setting['req'].id}"))
    assert "Profil kepatuhan Pemda ini" in page and "melewati ambang pelanggaran" in page
    assert 'name="breach_override_reason"' in page
    response = _approve(client, setting)
    assert response.status_code == 200
    assert "tercatat 3 pelanggaran dalam 6 bulan terakhir (ambang 3)" in text_of(response)
    req = _reload(setting["req"])
    assert req.state == RequestState.SUBMITTED and req.breach_override_reason is None
    response = _approve(client, setting, breach_override_reason="Kunjungan Bupati, sudah dikoordinasikan")
    assert response.status_code == 302
    req = _reload(setting["req"])
    assert req.state == RequestState.SCHEDULED
    assert req.breach_override_reason == "Kunjungan Bupati, sudah dikoordinasikan"
    assert req.breach_override_by_id == coordinator.id and req.breach_override_at == NOW
    entry = db.session.scalars(select(AuditLog).where(AuditLog.action == "request.schedule")).one()
    assert entry.after["breach_override_reason"] == "Kunjungan Bupati, sudah dikoordinasikan"
    assert entry.after["breach_count"] == 3 and entry.after["breach_window_months"] == 6
    assert "Alasan persetujuan khusus (ambang pelanggaran)" in text_of(
        client.get(response.headers["Location"])
    )
    login_as(client, pemda)  # an internal reason: not on the Pemda's history
    assert "Kunjungan Bupati" not in text_of(client.get(f"/permohonan/{req.id}"))


def test_under_the_threshold_no_override_is_asked(client, setting, pemda, coordinator):
    breach(pemda, at=NOW - timedelta(days=1))
    breach(pemda, at=NOW - timedelta(days=2))
    db.session.commit()
    login_as(client, coordinator)
    assert 'name="breach_override_reason"' not in text_of(
        client.get(f"/koordinator/permohonan/{setting['req'].id}")
    )
    assert _approve(client, setting, breach_override_reason="tidak perlu").status_code == 302
    req = _reload(setting["req"])
    assert req.state == RequestState.SCHEDULED and req.breach_override_reason is None


def test_a_vc_request_needs_no_override(client, app, frozen, pemda, coordinator):
    _three(pemda)
    dau = factories.topic("DAU", "Dana Alokasi Umum")
    ani = narasumber("Ani Rahmawati", [dau])
    req = request_at(pemda, "2026-12-04", mode=Mode.VC)
    db.session.commit()
    login_as(client, coordinator)
    data = {
        "day": "2026-12-04",
        "start_time": "09:00",
        "end_time": "10:00",
        "narasumber_ids": [str(ani.id)],
        "suggested_ids": str(ani.id),
    }
    assert client.post(f"/koordinator/permohonan/{req.id}/jadwalkan", data=data).status_code == 302
    assert _reload(req).state == RequestState.SCHEDULED


def test_queue_badge_with_one_grouped_query(client, app, frozen, pemda, dprd, other, coordinator):
    _three(pemda)
    _three(dprd)
    over_ftf = [factories.consultation(pemda) for _ in range(3)]
    vc = factories.consultation(pemda, mode=Mode.VC)
    dprd_ftf = factories.consultation(dprd)
    clean = factories.consultation(other)
    db.session.commit()
    found = queries.standings_for([*over_ftf, vc, dprd_ftf, clean], lambda r, now: POLICY, NOW)
    assert set(found) == {r.id for r in over_ftf} | {dprd_ftf.id}
    assert found[dprd_ftf.id].count == 3

    statements = []

    def count(_conn, _cursor, statement, *_args):
        statements.append(statement)

    login_as(client, coordinator)
    event.listen(db.engine, "before_cursor_execute", count)
    try:
        page = text_of(client.get("/koordinator/"))
    finally:
        event.remove(db.engine, "before_cursor_execute", count)
    assert page.count("3 pelanggaran / 6 bln") == 2 * 4  # mobile card + table row, 4 requests
    assert sum("FROM breaches" in s for s in statements) == 1
