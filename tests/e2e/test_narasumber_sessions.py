"""A narasumber in Debian's chromium (phone-sized), Tuesday 1 December 2026, WIB.

Ani has two assignments waiting for an answer: a video conference with Kota Jayapura (shown
in the Pemda's zone as "16.00–17.00 WIT") and a face-to-face visit of Kab. Brebes. She accepts
the first and downloads its invite, declines the second (a reason too short first: the page
keeps it and says why), subscribes to her own calendar feed, renews its address and revokes
it, then reads her list in English.
"""

import re
from datetime import datetime, timedelta
from pathlib import Path

import pytest
import time_machine
from sqlalchemy import select

from app.core.clock import WIB
from app.domain.policy import Mode
from app.domain.states import RequestState
from app.extensions import db
from app.invites.models import FeedToken
from app.scheduling.models import AssignmentStatus, NarasumberAssignment
from tests import factories, icaljs
from tests.e2e.helpers import fresh, login, shot, submit
from tests.narasumber import factories as people

pytestmark = pytest.mark.e2e

MOMENT = datetime(2026, 12, 1, 10, 0, tzinfo=WIB)  # a Tuesday
VIDEO = datetime(2026, 12, 3, 14, 0, tzinfo=WIB)  # 16.00 WIT in Jayapura
VISIT = datetime(2026, 12, 4, 9, 0, tzinfo=WIB)


def _world():
    dau, dbh = factories.topic("DAU", "Dana Alokasi Umum"), factories.topic("DBH", "Dana Bagi Hasil")
    ani = people.narasumber("Ani Rahmawati", topics=[dau, dbh])
    ani.user.email = "ani@djpk.go.id"
    jayapura = factories.pemda_user(factories.JAYAPURA, name="Operator Jayapura")
    brebes = factories.pemda_user(factories.BREBES, name="Operator Brebes")
    room = factories.room("Ruang Rapat Dahlia", capacity=8)
    video = people.session(jayapura, VIDEO, agenda="Penyaluran DAU triwulan IV", topics=[dau], guests=2)
    visit = people.session(brebes, VISIT, mode=Mode.FTF, room=room, agenda="DBH sawit", topics=[dbh])
    past = people.session(
        brebes, MOMENT - timedelta(days=7), agenda="Evaluasi DAU", topics=[dau], state=RequestState.HELD
    )
    to_accept = people.assignment(video, ani)
    to_decline = people.assignment(visit, ani)
    people.assignment(past, ani, status=AssignmentStatus.ACCEPTED)
    db.session.commit()
    return ani, to_accept, to_decline


def _sessions_page(page, base) -> None:
    assert page.url == f"{base}/narasumber/"
    main = page.inner_text("main")
    assert "2 penugasan menunggu jawaban Anda." in main
    assert "Waktu Pemda: 16.00–17.00 WIT" in main  # the zone named once
    assert "Kota Jayapura" in main and "Kab. Brebes" in main and "Evaluasi" not in main
    shot(page, "narasumber-sessions-phone")
    # The meeting link takes the tap, not the card's "Lihat rincian" stretched over it.
    card = page.locator(".card", has_text="Kota Jayapura")
    card.get_by_text("Tautan rapat").click(trial=True)  # the page's timeout: a loaded CI is slow
    page.goto(f"{base}/beranda")
    assert "Narasumber menjawab pertanyaan Pemda" in page.inner_text("main")


def _accept_and_download(page, base, assignment) -> None:
    page.goto(f"{base}/narasumber/")
    page.locator(".card", has_text="Kota Jayapura").get_by_text("Lihat rincian").click()
    page.wait_for_url(re.compile(rf".*/narasumber/{assignment.id}$"))
    assert "16.00–17.00 WIT" in page.inner_text("main")
    shot(page, "narasumber-detail-phone")
    submit(page, "text=Terima penugasan", url=rf".*/narasumber/{assignment.id}$")
    assert "Terima kasih. Anda menerima penugasan ini." in page.inner_text("main")
    row = fresh(NarasumberAssignment, assignment.id)
    assert row.status == AssignmentStatus.ACCEPTED and row.active and row.responded_at is not None

    with page.expect_download() as info:
        page.click("text=Unduh undangan kalender (.ics)")
    download = info.value
    assert download.suggested_filename.endswith(".ics")
    (calendar,) = icaljs.parse([Path(download.path()).read_bytes()])
    (event,) = calendar["events"]
    assert event["dtstart"] == VIDEO and event["dtend"] == VIDEO + timedelta(hours=1)


def _decline(page, base, assignment) -> None:
    page.goto(f"{base}/narasumber/{assignment.id}")
    page.fill("#reason", "Cuti")
    submit(page, "text=Tolak penugasan", url=rf".*/narasumber/{assignment.id}/tolak$")
    assert "Alasan menolak 5 sampai 1.000 karakter." in page.inner_text("#ringkasan-kesalahan")
    assert page.evaluate("document.activeElement.id") == "ringkasan-kesalahan"
    assert page.input_value("#reason") == "Cuti"  # kept as typed
    assert fresh(NarasumberAssignment, assignment.id).status == AssignmentStatus.ASSIGNED
    shot(page, "narasumber-decline-error-phone")

    page.fill("#reason", "Cuti tahunan 3–4 Desember, sudah disetujui atasan.")
    submit(page, "text=Tolak penugasan", url=rf".*/narasumber/{assignment.id}$")
    main = page.inner_text("main")
    assert "Penugasan ditolak. Koordinator telah diberi tahu" in main
    assert "Penugasan ini sudah tidak berlaku." in main
    row = fresh(NarasumberAssignment, assignment.id)
    assert row.status == AssignmentStatus.DECLINED and not row.active
    assert row.decline_reason == "Cuti tahunan 3–4 Desember, sudah disetujui atasan."


def _feed_url(page) -> str:
    return page.locator("#kalender input[readonly]").input_value()


def _calendar_feed(page, base, ani) -> None:
    page.goto(f"{base}/narasumber/")
    submit(page, "text=Buat alamat langganan kalender", url=r".*/narasumber/#kalender$")
    assert "Alamat kalender pribadi Anda dibuat." in page.inner_text("main")
    first = _feed_url(page)
    db.session.expire_all()
    token = db.session.scalars(select(FeedToken).where(FeedToken.owner_id == ani.id)).one()
    assert first == f"{base}/kalender/{token.token}.ics" and token.active
    served = page.request.get(first)
    assert served.status == 200 and served.headers["content-type"].startswith("text/calendar")
    (calendar,) = icaljs.parse([served.body()])
    # The accepted video conference; not the declined visit; the held one of last week.
    assert sorted(e["dtstart"] for e in calendar["events"]) == [MOMENT - timedelta(days=7), VIDEO]
    shot(page, "narasumber-feed-phone")

    submit(page, "text=Buat alamat baru", url=r".*/narasumber/#kalender$")
    assert "Alamat kalender baru dibuat. Alamat lama tidak berlaku lagi." in page.inner_text("main")
    second = _feed_url(page)
    assert second != first
    assert page.request.get(first).status == 404 and page.request.get(second).status == 200

    submit(page, "text=Cabut alamat", url=r".*/narasumber/#kalender$")
    assert "Alamat kalender dicabut dan tidak berlaku lagi." in page.inner_text("main")
    assert page.get_by_text("Buat alamat langganan kalender").is_visible()
    assert page.request.get(second).status == 404
    db.session.expire_all()
    tokens = db.session.scalars(select(FeedToken).where(FeedToken.owner_id == ani.id)).all()
    assert len(tokens) == 2 and all(t.revoked_at is not None for t in tokens)


def _in_english(page, base) -> None:
    page.goto(f"{base}/narasumber/")
    if page.is_visible("nav button.navbar-toggler"):
        page.click("nav button.navbar-toggler")
    submit(page, "nav button:has-text('English')", url=r".*/narasumber/$")
    headings = page.locator("main h2").all_inner_texts()
    assert "UPCOMING SESSIONS" in headings and "PAST SESSIONS" in headings
    assert "4:00\u202fPM–5:00\u202fPM WIT" in page.inner_text("main")
    page.set_viewport_size({"width": 1366, "height": 900})
    shot(page, "narasumber-sessions-english-desktop")
    page.set_viewport_size({"width": 390, "height": 844})


def test_a_narasumber_answers_assignments_and_manages_the_calendar_feed(live_server, browser_page):
    page = browser_page
    with time_machine.travel(MOMENT, tick=True):
        ani, to_accept, to_decline = _world()
        login(page, live_server, ani.user.email)
        _sessions_page(page, live_server)
        _accept_and_download(page, live_server, to_accept)
        _decline(page, live_server, to_decline)
        _calendar_feed(page, live_server, ani)
        _in_english(page, live_server)
