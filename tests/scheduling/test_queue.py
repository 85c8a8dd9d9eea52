"""The coordinator's queue (filters, counts, age) and the review page of one request."""

import pytest
from flask import url_for

from app.auth.models import Role, UnitType
from app.domain.policy import Mode
from app.domain.states import RequestState
from app.extensions import db
from tests import factories
from tests.scheduling import coord_helpers as h
from tests.scheduling.coord_helpers import login_as, request_at, text_of

# Fixtures shared by the coordinator-page tests.
outsider, frozen, dau, dbh = h.outsider, h.frozen, h.dau, h.dbh

S = RequestState
GET_ENDPOINTS = ["scheduling.queue", "scheduling.calendar"]


def _url(app, endpoint, **kwargs):
    with app.test_request_context():
        return url_for(endpoint, **kwargs)


def _queue(client, **args):
    response = client.get("/koordinator/", query_string=args)
    assert response.status_code == 200
    return text_of(response)


# Permissions -------------------------------------------------------------------------------


@pytest.mark.parametrize("endpoint", [*GET_ENDPOINTS, "scheduling.detail"])
def test_anonymous_is_sent_to_login(client, app, pemda, dau, endpoint):
    req = request_at(pemda, "2026-12-08")
    db.session.commit()
    kwargs = {"request_id": req.id} if endpoint == "scheduling.detail" else {}
    response = client.get(_url(app, endpoint, **kwargs))
    assert response.status_code == 302
    assert response.headers["Location"].startswith(_url(app, "auth.login"))


@pytest.mark.parametrize("endpoint", [*GET_ENDPOINTS, "scheduling.detail"])
def test_other_roles_are_refused(client, app, pemda, dau, outsider, endpoint):
    req = request_at(pemda, "2026-12-08")
    db.session.commit()
    kwargs = {"request_id": req.id} if endpoint == "scheduling.detail" else {}
    login_as(client, outsider)
    assert client.get(_url(app, endpoint, **kwargs)).status_code == 403


def test_admin_may_open_the_queue(client, frozen):
    admin = factories.user(Role.ADMIN)
    db.session.commit()
    login_as(client, admin)
    assert client.get("/koordinator/").status_code == 200


def test_coordinator_lands_on_the_queue(client, coordinator):
    login_as(client, coordinator)
    response = client.get("/")
    assert response.headers["Location"].endswith("/koordinator/")


# The queue ---------------------------------------------------------------------------------


def test_default_view_is_open_requests_oldest_first(client, coordinator, pemda, dau, frozen):
    frozen.shift(-3 * 24 * 3600)
    oldest = request_at(pemda, "2026-12-08", agenda="yang tertua")
    frozen.shift(2 * 24 * 3600)
    waiting = request_at(pemda, "2026-12-09", state=S.CHANGES_REQUESTED)
    frozen.shift(24 * 3600)
    newest = request_at(pemda, "2026-12-10")
    request_at(pemda, "2026-12-11", state=S.REJECTED)
    request_at(pemda, "2026-12-14", state=S.SCHEDULED)
    db.session.commit()
    login_as(client, coordinator)
    page = _queue(client)
    refs = [r.reference for r in (oldest, waiting, newest)]
    positions = [page.index(ref) for ref in refs]
    assert positions == sorted(positions)
    assert page.count("KNS-") == 2 * 3  # phone cards and table rows, three requests
    assert "diajukan 3 hari lalu" in page
    assert "diajukan kemarin" in page
    assert "diajukan hari ini" in page
    assert "Kab. Brebes" in page and "DAU" in page


def test_counts_per_state_follow_the_other_filters(client, coordinator, pemda, dau, dbh):
    request_at(pemda, "2026-12-08")
    request_at(pemda, "2026-12-09", topics=[dbh])
    request_at(pemda, "2026-12-10", state=S.REJECTED)
    request_at(pemda, "2026-12-11", state=S.SCHEDULED, topics=[dbh])
    db.session.commit()
    login_as(client, coordinator)
    page = client.get("/koordinator/").get_data(as_text=True)
    assert _count(page, "Diajukan") == 2
    assert _count(page, "Ditolak") == 1
    assert _count(page, "Dijadwalkan") == 1
    assert _count(page, "Semua") == 4
    page = client.get("/koordinator/", query_string={"topic": dbh.id}).get_data(as_text=True)
    assert _count(page, "Diajukan") == 1 and _count(page, "Ditolak") == 0 and _count(page, "Semua") == 2


def test_counts_per_state_follow_every_change(client, coordinator, pemda, dau, dbh):
    """The counts of sessions (requests once scheduled) are kept between requests under the
    report data version (app.scheduling.queue.state_counts); those never scheduled are counted
    each time. Every change to either shows in the next view."""
    waiting = request_at(pemda, "2026-12-08")
    session = h.booked(pemda, h.wib("2026-12-10", "09:00"))
    db.session.commit()
    login_as(client, coordinator)

    def counts(**args):
        page = client.get("/koordinator/", query_string=args).get_data(as_text=True)
        return {label: _count(page, label) for label in ("Diajukan", "Dijadwalkan", "Terlaksana", "Semua")}

    assert counts() == {"Diajukan": 1, "Dijadwalkan": 1, "Terlaksana": 0, "Semua": 2}
    assert counts() == {"Diajukan": 1, "Dijadwalkan": 1, "Terlaksana": 0, "Semua": 2}
    # A session's state changes.
    session.state = S.HELD
    db.session.commit()
    assert counts() == {"Diajukan": 1, "Dijadwalkan": 0, "Terlaksana": 1, "Semua": 2}
    # A request is scheduled: from the requests counted each time to the kept sessions.
    waiting.state = S.SCHEDULED
    waiting.scheduled_start, waiting.scheduled_end = (
        h.wib("2026-12-08", "09:00"),
        h.wib("2026-12-08", "10:00"),
    )
    db.session.commit()
    assert counts() == {"Diajukan": 0, "Dijadwalkan": 1, "Terlaksana": 1, "Semua": 2}
    # A new request, a new session.
    request_at(pemda, "2026-12-09")
    h.booked(pemda, h.wib("2026-12-11", "09:00"))
    db.session.commit()
    assert counts() == {"Diajukan": 1, "Dijadwalkan": 2, "Terlaksana": 1, "Semua": 4}
    # The filters: a session's mode, topics and start, and a region's name.
    assert counts(mode="vc")["Dijadwalkan"] == 0
    waiting.mode = Mode.VC
    db.session.commit()
    assert counts(mode="vc")["Dijadwalkan"] == 1
    assert counts(topic=str(dbh.id))["Terlaksana"] == 0
    session.topics.append(dbh)
    db.session.commit()
    assert counts(topic=str(dbh.id))["Terlaksana"] == 1
    week = {"date_field": "session", "date_from": "2026-12-07", "date_to": "2026-12-09"}
    assert counts(**week)["Dijadwalkan"] == 1
    waiting.scheduled_start, waiting.scheduled_end = (
        h.wib("2026-12-15", "09:00"),
        h.wib("2026-12-15", "10:00"),
    )
    db.session.commit()
    assert counts(**week)["Dijadwalkan"] == 0
    region = db.session.get(type(pemda.region), pemda.region_id)
    old = region.display_name
    assert counts(region="Contohan")["Semua"] == 0
    try:  # regions are kept between tests: the old name is put back
        region.display_name = "Kab. Contohan"
        db.session.commit()
        assert counts(region="Contohan")["Semua"] == 4
    finally:
        region.display_name = old
        db.session.commit()


def _count(page: str, label: str) -> int:
    import re

    match = re.search(rf">\s*{label} <span class=\"badge text-bg-light\">(\d+)</span>", page)
    assert match, label
    return int(match.group(1))


def test_filter_by_state_mode_and_topic(client, coordinator, pemda, dau, dbh):
    vc = request_at(pemda, "2026-12-08", mode=Mode.VC, topics=[dbh])
    ftf = request_at(pemda, "2026-12-09")
    rejected = request_at(pemda, "2026-12-10", state=S.REJECTED)
    db.session.commit()
    login_as(client, coordinator)
    page = _queue(client, mode="vc")
    assert vc.reference in page and ftf.reference not in page
    page = _queue(client, topic=str(dau.id))
    assert ftf.reference in page and vc.reference not in page
    page = _queue(client, state="rejected")
    assert rejected.reference in page and ftf.reference not in page
    page = _queue(client, state="all")
    assert all(r.reference in page for r in (vc, ftf, rejected))


def test_filter_by_region_name_and_time_zone(client, coordinator, pemda, dau, app):
    jayapura = factories.pemda_user(factories.JAYAPURA)
    balikpapan_dprd = factories.pemda_user(factories.BALIKPAPAN, UnitType.DPRD)
    mine = request_at(pemda, "2026-12-08")
    papua = request_at(jayapura, "2026-12-08")
    kaltim = request_at(balikpapan_dprd, "2026-12-08")
    db.session.commit()
    login_as(client, coordinator)
    page = _queue(client, region="brebes")
    assert mine.reference in page and papua.reference not in page
    page = _queue(client, zone="WIT")
    assert papua.reference in page and mine.reference not in page and kaltim.reference not in page
    page = _queue(client, zone="WITA")
    assert kaltim.reference in page and "Kota Balikpapan (DPRD)" in page
    # The first preferred window in the Pemda's zone, with WIB beside it.
    assert "10.00–12.00 WITA (09.00–11.00 WIB)" in page


def test_filter_by_submission_date_and_session_date(client, coordinator, pemda, dau, frozen):
    frozen.shift(-10 * 24 * 3600)
    early = request_at(pemda, "2026-12-15")
    frozen.shift(10 * 24 * 3600)
    late = request_at(pemda, "2026-12-08")
    db.session.commit()
    login_as(client, coordinator)
    page = _queue(client, date_field="submitted", date_from="2026-11-30")
    assert late.reference in page and early.reference not in page
    page = _queue(client, date_field="submitted", date_to="2026-11-25")
    assert early.reference in page and late.reference not in page
    page = _queue(client, date_field="session", date_from="2026-12-14", date_to="2026-12-18")
    assert early.reference in page and late.reference not in page


def test_invalid_filters_are_ignored_not_fatal(client, coordinator, pemda, dau):
    req = request_at(pemda, "2026-12-08")
    db.session.commit()
    login_as(client, coordinator)
    page = _queue(client, date_from="kemarin", topic="abc", state="nonsense", page="x")
    assert req.reference in page


# The review page ---------------------------------------------------------------------------


def test_detail_shows_request_letter_and_passing_checks(client, coordinator, pemda, dau):
    req = request_at(pemda, "2026-12-08")
    db.session.commit()
    login_as(client, coordinator)
    response = client.get(f"/koordinator/permohonan/{req.id}")
    page = text_of(response)
    assert response.status_code == 200
    assert req.letter.number in page
    assert f"/permohonan/{req.id}/surat" in page
    assert "Pemeriksaan ketentuan saat ini" in page
    assert "Tidak memenuhi" not in page
    assert "Surat ditujukan kepada Direktur Jenderal Perimbangan Keuangan" in page
    assert "Nomor surat belum dipakai oleh permohonan lain" in page


def test_detail_rechecks_the_policy_as_of_now(client, coordinator, pemda, dau):
    # A FTF request for Thursday 3 December breaks the 5-working-day lead time today.
    req = request_at(pemda, "2026-12-03", guests=7)
    req.letter.addressee = "Bupati Brebes"
    db.session.commit()
    login_as(client, coordinator)
    page = text_of(client.get(f"/koordinator/permohonan/{req.id}"))
    assert page.count("Tidak memenuhi") == 3
    assert "paling lambat 5 hari kerja" in page
    assert "Jumlah peserta 7 orang melebihi batas 5 orang" in page
    assert "harus ditujukan kepada Direktur Jenderal Perimbangan Keuangan" in page


def test_vc_without_letter_needs_none(client, coordinator, pemda, dau):
    req = request_at(pemda, "2026-12-08", mode=Mode.VC)
    db.session.commit()
    login_as(client, coordinator)
    page = text_of(client.get(f"/koordinator/permohonan/{req.id}"))
    assert "Tidak diwajibkan untuk jenis konsultasi ini." in page
    assert "Tidak memenuhi" not in page


def test_detail_warns_of_a_letter_number_used_before(client, coordinator, pemda, dau):
    other_pemda = factories.pemda_user(factories.BALIKPAPAN)
    first = request_at(other_pemda, "2026-12-08")
    req = request_at(pemda, "2026-12-09")
    req.letter.number = " " + first.letter.number.upper() + " "
    db.session.commit()
    login_as(client, coordinator)
    page = text_of(client.get(f"/koordinator/permohonan/{req.id}"))
    assert "sudah dipakai oleh permohonan lain" in page
    assert first.reference in page and "Kota Balikpapan" in page


def test_detail_lists_the_pemdas_earlier_requests_only(client, coordinator, pemda, dau, frozen):
    dprd = factories.pemda_user(factories.BREBES, UnitType.DPRD)
    frozen.shift(-30 * 24 * 3600)
    earlier = request_at(pemda, "2026-11-10", state=S.HELD)
    other_unit = request_at(dprd, "2026-11-10")
    frozen.shift(30 * 24 * 3600)
    req = request_at(pemda, "2026-12-08")
    db.session.commit()
    login_as(client, coordinator)
    page = text_of(client.get(f"/koordinator/permohonan/{req.id}"))
    assert earlier.reference in page and "Terlaksana" in page
    assert other_unit.reference not in page


def test_unknown_request_is_404(client, coordinator):
    login_as(client, coordinator)
    assert client.get("/koordinator/permohonan/999").status_code == 404


def test_queue_pages_by_fifty(client, coordinator, pemda, dau, frozen):
    for i in range(51):
        frozen.shift(60)
        request_at(pemda, "2026-12-08", agenda=f"Agenda {i}")
    db.session.commit()
    login_as(client, coordinator)
    first = _queue(client)
    assert "Halaman 1 dari 2" in first
    second = _queue(client, page=2)
    assert second.count("KNS-") == 2
