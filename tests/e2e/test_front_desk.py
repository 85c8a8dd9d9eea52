"""The front desk in Debian's chromium, one working morning (Tuesday 8 December 2026, WIB).

The receptionist looks for today's visit by the Pemda's name and by its booking code typed
loosely, tries the QR scanner on a machine without a camera, checks a delegation in (a first
attempt fails and keeps what was ticked and typed), notes a breach, checks the delegation out,
is told that tomorrow's booking code is not for today (the desk sees its own day only),
records a walk-in (failing once), notes its breach and checks it out from the visit record,
and downloads the visitor log. A coordinator then records the video conference nobody joined
as a no-show once it has ended.
"""

import csv
import io
import re
from datetime import datetime, timedelta
from pathlib import Path

import pytest
import time_machine
from sqlalchemy import select

from app.auth.models import Role
from app.checkin.models import Visit
from app.compliance.models import Breach
from app.core.clock import WIB
from app.domain.policy import Mode
from app.domain.states import RequestState
from app.extensions import db
from app.requests.models import ConsultationRequest
from tests import factories
from tests.checkin import helpers
from tests.e2e.helpers import fresh, login, logout, shot, submit

pytestmark = pytest.mark.e2e

MORNING = datetime(2026, 12, 8, 9, 5, tzinfo=WIB)  # a Tuesday; the 09:00 visit has begun
HINT = "Bila kamera tidak tersedia, ketik kode booking yang tertera pada surat konfirmasi."


def _breaches(**where) -> list[Breach]:
    db.session.expire_all()
    query = select(Breach).filter_by(**where).order_by(Breach.type_code)
    return list(db.session.scalars(query))


def _world():
    receptionist = factories.user(Role.RECEPTIONIST, name="Rina Resepsionis", email="resepsionis@djpk.go.id")
    coordinator = factories.user(Role.COORDINATOR, name="Sri Koordinator", email="koordinator@djpk.go.id")
    brebes = factories.pemda_user(factories.BREBES, name="Operator Brebes")
    balikpapan = factories.pemda_user(factories.BALIKPAPAN, name="Operator Balikpapan")
    jayapura = factories.pemda_user(factories.JAYAPURA, name="Operator Jayapura")
    today = helpers.session(brebes, start=MORNING.replace(minute=0), confirmed_guests=5, head_attends=True)
    tomorrow = helpers.session(
        balikpapan, start=datetime(2026, 12, 9, 10, 0, tzinfo=WIB), confirmed_guests=None
    )
    video = helpers.session(
        jayapura, start=MORNING.replace(hour=10, minute=0), mode=Mode.VC, confirmed_guests=3
    )
    db.session.commit()
    return receptionist, coordinator, today, tomorrow, video


def _find_today(page, base, req) -> None:
    """By name (a list), the scanner without a camera, then by the code typed loosely."""
    page.goto(f"{base}/resepsionis/")
    assert "Kab. Brebes" in page.inner_text("#today-sessions")
    assert page.locator("#next-sessions").count() == 0  # today still expects Brebes
    page.fill("#q", "brebes")
    submit(page, "#desk-search button[type=submit]", url=r".*/resepsionis/\?q=brebes$")
    assert "Kab. Brebes" in page.inner_text("#today-sessions")
    shot(page, "front-desk-search-phone")

    # Headless chromium has no camera: the hint under the box stands out, once.
    page.click("#scan-button")
    page.wait_for_selector("#scan-fallback.text-danger")
    assert page.inner_text("main").count(HINT) == 1
    assert page.locator("#scan-live").is_hidden()
    assert page.evaluate("document.activeElement.id") == "q"

    loose = req.booking_code_display.lower().replace("-", " ")  # "k7q2m x9rta"
    page.fill("#q", loose)
    submit(page, "#desk-search button[type=submit]", url=rf".*/resepsionis/kunjungan/{req.id}$")
    assert req.booking_code_display in page.inner_text("#booking-code")
    assert "Dikonfirmasi: Kepala Daerah hadir." in page.inner_text("main")


def _check_in(page, req) -> Visit:
    """A first attempt without the regional head's answer keeps what was entered; then saved."""
    boxes = page.locator("#guest-list input[name=present]")
    assert boxes.count() == 5
    for i in range(5):
        boxes.nth(i).check()
    page.get_by_label("Nama tamu tambahan").nth(0).fill("Ajudan Bupati")
    page.get_by_label("Jabatan tamu tambahan").nth(0).fill("Ajudan")
    page.get_by_label("Nama tamu tambahan").nth(1).fill("Sopir Dinas")
    assert page.inner_text("#present-count") == "7"
    submit(page, "#checkin-form button[type=submit]")
    assert "Pilih apakah Kepala Daerah hadir." in page.inner_text("#ringkasan-kesalahan")
    assert page.evaluate("document.activeElement.id") == "ringkasan-kesalahan"
    assert all(boxes.nth(i).is_checked() for i in range(5))
    names = page.get_by_label("Nama tamu tambahan")
    assert [names.nth(i).input_value() for i in range(2)] == ["Ajudan Bupati", "Sopir Dinas"]
    assert page.get_by_label("Jabatan tamu tambahan").nth(0).input_value() == "Ajudan"
    assert page.inner_text("#present-count") == "7"
    assert db.session.scalars(select(Visit)).first() is None
    shot(page, "front-desk-checkin-error-phone")

    page.click("label[for=regional_head_present-1]")  # "Tidak", although confirmed present
    page.set_viewport_size({"width": 1366, "height": 900})
    shot(page, "front-desk-checkin-form-desktop")
    page.set_viewport_size({"width": 390, "height": 844})
    submit(page, "#checkin-form button[type=submit]", url=rf".*/resepsionis/kunjungan/{req.id}$")
    assert "Kedatangan sudah dicatat" in page.inner_text("#already-checked-in")
    text = page.inner_text("#pelanggaran")
    assert page.locator("#pelanggaran .card").count() == 2
    assert "Jumlah tamu melebihi batas" in text and "lebih 2 orang" in text
    assert "Informasi kehadiran Kepala Daerah tidak sesuai" in text
    shot(page, "front-desk-breaches-phone")

    visit = db.session.scalars(select(Visit).where(Visit.request_id == req.id)).one()
    db.session.refresh(visit)
    assert visit.regional_head_present is False and visit.arrived_at.astimezone(WIB).hour == 9
    assert [(g.name, g.present, g.on_list) for g in visit.guests if not g.on_list] == [
        ("Ajudan Bupati", True, False),
        ("Sopir Dinas", True, False),
    ]
    assert sum(g.present for g in visit.guests) == 7
    assert [(b.type_code, b.evidence.get("over")) for b in _breaches(request_id=req.id)] == [
        ("guests_over_limit", 2),
        ("regional_head_invalid", None),
    ]
    return visit


def _note_and_check_out(page, req, visit) -> None:
    over = next(b for b in _breaches(request_id=req.id) if b.type_code == "guests_over_limit")
    page.click(f"#pelanggaran-{over.id} button[type=submit]")  # empty: the browser keeps it
    assert page.evaluate(f"document.getElementById('note-{over.id}').validity.valueMissing")
    assert page.url.endswith(f"/kunjungan/{req.id}") and fresh(Breach, over.id).note is None
    page.fill(f"#note-{over.id}", "Ajudan dan sopir menunggu di lobi.")
    submit(
        page,
        f"#pelanggaran-{over.id} button[type=submit]",
        url=rf".*/kunjungan/{req.id}#pelanggaran-{over.id}$",
    )
    assert "Catatan telah ditambahkan." in page.inner_text("main")
    assert "Ajudan dan sopir menunggu di lobi." in page.inner_text(f"#pelanggaran-{over.id}")
    assert fresh(Breach, over.id).note == "Rina Resepsionis: Ajudan dan sopir menunggu di lobi."

    # The regional head was there after all: the correction voids that breach, struck through.
    page.click("label[for=regional_head_present-0]")
    submit(page, "#checkin-form button[type=submit]", url=rf".*/resepsionis/kunjungan/{req.id}$")
    assert "Data kedatangan telah diperbarui." in page.inner_text("main")
    head = next(b for b in _breaches(request_id=req.id) if b.type_code == "regional_head_invalid")
    assert head.voided and fresh(Visit, visit.id).regional_head_present is True
    assert "Dibatalkan:" in page.inner_text(f"#pelanggaran-{head.id}")
    shot(page, "front-desk-corrected-phone")

    submit(page, "text=Catat pulang sekarang", url=rf".*/resepsionis/kunjungan/{req.id}$")
    assert "Waktu pulang delegasi telah dicatat." in page.inner_text("main")
    assert "Pulang pukul" in page.inner_text("#already-checked-in")
    assert fresh(Visit, visit.id).checked_out_at is not None


def _walk_in(page, base, tomorrow) -> Visit:
    page.goto(f"{base}/resepsionis/")
    assert "Kab. Brebes" in page.inner_text("#today-sessions")
    # The front desk sees its own day only: not tomorrow's visit, not even by its code.
    assert page.locator("#next-sessions").count() == 0
    assert f"/resepsionis/kunjungan/{tomorrow.id}" not in page.content()
    page.fill("#q", tomorrow.booking_code_display)
    submit(page, "#desk-search button[type=submit]", url=r".*/resepsionis/\?q=.*$")
    assert "Kode booking ini bukan untuk kunjungan tatap muka hari ini." in page.inner_text("#other-day")
    shot(page, "front-desk-other-day-code-phone")
    page.click("text=Kunjungan tanpa jadwal")
    page.wait_for_url(re.compile(r".*/resepsionis/tanpa-jadwal$"))
    page.select_option("#region_id", label="Kota Jayapura")
    page.click("label:has-text('DPRD')")
    page.get_by_label("Nama tamu tambahan").nth(0).fill("Yohanes Wenda")
    page.get_by_label("Jabatan tamu tambahan").nth(0).fill("Ketua Komisi C")
    page.fill("#note", "Datang menanyakan DBH tanpa surat.")
    submit(page, "#walk-in-form button[type=submit]")
    assert "Pilih apakah Kepala Daerah hadir." in page.inner_text("#ringkasan-kesalahan")
    assert page.evaluate("document.activeElement.id") == "ringkasan-kesalahan"
    assert page.get_by_label("Nama tamu tambahan").nth(0).input_value() == "Yohanes Wenda"
    assert page.input_value("#note") == "Datang menanyakan DBH tanpa surat."
    shot(page, "front-desk-walk-in-error-phone")

    page.click("label[for=regional_head_present-1]")
    submit(page, "#walk-in-form button[type=submit]", url=r".*/resepsionis/tamu/\d+$")
    assert "Kunjungan tanpa jadwal dari Kota Jayapura (DPRD) telah dicatat." in page.inner_text("main")
    assert "Yohanes Wenda" in page.inner_text("main")
    shot(page, "front-desk-walk-in-record-phone")
    visit = db.session.scalars(select(Visit).where(Visit.walk_in.is_(True))).one()
    db.session.refresh(visit)
    assert visit.region.display_name == "Kota Jayapura" and visit.unit_type == "dprd"
    assert [(g.name, g.title) for g in visit.guests] == [("Yohanes Wenda", "Ketua Komisi C")]
    assert visit.note == "Datang menanyakan DBH tanpa surat."
    return visit


def _walk_in_record(page, visit) -> None:
    """The record page of the walk-in: a note on its breach, then the departure."""
    (breach,) = _breaches(visit_id=visit.id)
    assert breach.type_code == "walk_in"
    page.fill(f"#note-{breach.id}", "Diarahkan mengajukan permohonan video conference.")
    submit(
        page,
        f"#pelanggaran-{breach.id} button[type=submit]",
        url=rf".*/tamu/{visit.id}#pelanggaran-{breach.id}$",
    )
    assert fresh(Breach, breach.id).note.endswith(": Diarahkan mengajukan permohonan video conference.")
    submit(page, "text=Catat pulang sekarang", url=rf".*/resepsionis/tamu/{visit.id}$")
    assert "Pulang" in page.inner_text("main")
    assert fresh(Visit, visit.id).checked_out_at is not None


def _visitor_log(page, base, today_req) -> None:
    page.goto(f"{base}/resepsionis/")
    with page.expect_download() as info:
        page.click("text=Unduh buku tamu (CSV)")
    download = info.value
    assert download.suggested_filename == "buku-tamu-2026-12-08.csv"
    text = Path(download.path()).read_text(encoding="utf-8-sig")
    rows = list(csv.reader(io.StringIO(text)))
    assert rows[0][:4] == ["Tanggal", "Datang (WIB)", "Pulang (WIB)", "Pengguna Layanan"]
    people = [(r[3], r[7]) for r in rows[1:]]
    assert ("Kab. Brebes", "Ajudan Bupati") in people and ("Kota Jayapura (DPRD)", "Yohanes Wenda") in people
    assert len(rows) == 1 + 7 + 1
    assert all(r[4] == today_req.booking_code_display for r in rows[1:] if r[3] == "Kab. Brebes")


def _no_show(page, base, traveller, coordinator, video) -> None:
    """Once the video conference has ended, the coordinator records that nobody joined."""
    traveller.move_to(video.scheduled_end + timedelta(minutes=20))
    login(page, base, coordinator.email)
    page.goto(f"{base}/koordinator/permohonan/{video.id}")
    page.click("#tidak-hadir summary")
    page.fill("#tidak-hadir textarea", "Tidak ada peserta Pemda yang bergabung sampai sesi berakhir.")
    submit(
        page, "#tidak-hadir button[type=submit]", url=rf".*/koordinator/permohonan/{video.id}#tidak-hadir$"
    )
    assert f"Sesi {video.reference} dicatat tidak hadir." in page.inner_text("main")
    assert fresh(ConsultationRequest, video.id).state == RequestState.NO_SHOW
    (breach,) = _breaches(request_id=video.id)
    assert breach.type_code == "no_show"


def test_a_morning_at_the_front_desk(live_server, browser_page):
    page = browser_page
    with time_machine.travel(MORNING, tick=True) as traveller:
        receptionist, coordinator, today_req, tomorrow, video = _world()
        login(page, live_server, receptionist.email)
        assert page.url.endswith("/resepsionis/")
        page.goto(f"{live_server}/beranda")
        assert "Resepsionis menyambut delegasi" in page.inner_text("main")

        _find_today(page, live_server, today_req)
        visit = _check_in(page, today_req)
        _note_and_check_out(page, today_req, visit)
        walk_in = _walk_in(page, live_server, tomorrow)
        _walk_in_record(page, walk_in)
        _visitor_log(page, live_server, today_req)
        page.set_viewport_size({"width": 1366, "height": 900})
        shot(page, "front-desk-today-desktop")
        page.set_viewport_size({"width": 390, "height": 844})
        logout(page)

        _no_show(page, live_server, traveller, coordinator, video)
