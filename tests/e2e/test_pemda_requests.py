"""A Pemda operator of Kota Jayapura (WIT) works her requests in Debian's chromium, on Tuesday
3 November 2026 at 12:00 WIT (10:00 WIB).

She sends a face-to-face request with its letter, first with mistakes (an agenda too short, a
window outside DJPK's hours, which she is told in WIT and WIB, a window that ends before it
starts, a letter dated tomorrow), then corrected; downloads the letter; sends a video conference
without a letter, goes Back and sends the same form again (no second request is made); corrects
the face-to-face request DJPK sent back (first leaving a field empty); withdraws the video
conference on its confirmation page (first without ticking "I am sure"); and reads the breaches
recorded against her Pemda. Each result is read back from the database.
"""

import hashlib
import re
from datetime import UTC, date, datetime

import pytest
import time_machine
from sqlalchemy import func, select

from app.core.clock import WIB
from app.domain.policy import Mode
from app.domain.states import RequestState
from app.extensions import db
from app.requests.models import ConsultationRequest
from tests import factories
from tests.compliance.helpers import breach
from tests.e2e.helpers import fresh, login, shot, submit, summary_has_focus
from tests.files import PDF

pytestmark = pytest.mark.e2e

NOW = datetime(2026, 11, 3, 10, 0, tzinfo=WIB)  # Tuesday, 12:00 WIT in Jayapura
EARLIER = datetime(2026, 10, 13, 9, 0, tzinfo=WIB)  # a video conference nobody joined
DESKTOP = {"width": 1366, "height": 900}
PHONE = {"width": 390, "height": 844}


def _requests() -> list[ConsultationRequest]:
    db.session.expire_all()
    return list(db.session.scalars(select(ConsultationRequest).order_by(ConsultationRequest.id)))


def _window(page, row: int, day: date, start: str, end: str) -> None:
    page.fill(f"#windows-{row}-day", day.isoformat())
    page.fill(f"#windows-{row}-start", start)
    page.fill(f"#windows-{row}-end", end)


def test_pemda_sends_corrects_and_withdraws_requests(app, live_server, browser_page, tmp_path):
    with time_machine.travel(NOW, tick=True):
        operator = factories.pemda_user(
            factories.JAYAPURA, name="Yohana Wenda", email="bpkad@jayapurakota.go.id", phone="081344556677"
        )
        factories.topic("DAU", "Dana Alokasi Umum")
        factories.topic("DBH", "Dana Bagi Hasil")
        missed = factories.consultation(operator, mode=Mode.VC, state=RequestState.NO_SHOW, start=EARLIER)
        breach(operator, "no_show", req=missed, at=EARLIER, note="Tidak ada yang bergabung ke rapat daring.")
        breach(operator, "late_arrival", at=EARLIER, voided=True)
        db.session.commit()
        page = browser_page
        pdf = tmp_path / "surat-permohonan-jayapura.pdf"
        pdf.write_bytes(PDF)
        login(page, live_server, operator.email)

        ftf = _face_to_face(page, pdf)
        _download_letter(page, ftf)
        vc = _video_conference_sent_twice(page, live_server)
        _correct_sent_back(page, live_server, ftf)
        _withdraw(page, vc)
        _breaches(page, live_server)


def _face_to_face(page, pdf) -> ConsultationRequest:
    page.click("main a.btn:has-text('Ajukan Konsultasi')")
    page.wait_for_url(re.compile(r".*/permohonan/baru$"))
    form = page.inner_text("main form")
    assert "Paling sedikit 20 karakter." in form
    assert "Dalam WIT: pukul 10.00–18.00." in form
    assert page.input_value("#contact_name") == "Yohana Wenda"  # her own contact, filled in
    page.get_by_label("Tatap muka di DJPK").check()
    page.get_by_label("DAU – Dana Alokasi Umum").check()
    page.fill("#agenda", "Tanya DAU 2027")  # too short
    _window(page, 0, date(2026, 11, 16), "08:00", "09:00")  # 06.00 WIB: before DJPK opens
    _window(page, 1, date(2026, 11, 17), "11:00", "10:00")  # ends before it starts
    page.fill("#delegation-0-name", "Frans Pekey")
    page.fill("#delegation-0-title", "Kepala BPKAD Kota Jayapura")
    page.get_by_label("Nomor surat").fill("900/412/BPKAD/XI/2026")
    page.get_by_label("Tanggal surat").fill("2026-11-04")  # tomorrow
    page.get_by_label("Penanda tangan").fill("Sekretaris Daerah Kota Jayapura")
    page.set_input_files("#letter_file", str(pdf))
    submit(page, "main form button[type=submit]:has-text('Kirim permohonan')")
    text = summary_has_focus(
        page,
        "Agenda terlalu singkat atau terlalu panjang (20–4000 karakter).",
        "Waktu pilihan 1: Waktu yang dipilih di luar jam layanan. Konsultasi dilayani pukul "
        "10.00–18.00 WIT (08.00–16.00 WIB) pada hari yang sama.",
        "Waktu pilihan 2: Selesai: Jam selesai harus sesudah jam mulai.",
        "Tanggal surat tidak boleh sesudah hari ini",
    )
    # The reversed window says only that: no second message about the same row.
    assert sum(1 for line in text.splitlines() if line.startswith("Waktu pilihan 2")) == 1, text
    assert len(_requests()) == 1  # only the earlier, missed one
    assert page.input_value("#windows-0-start") == "08:00"  # kept as typed
    shot(page, "pemda-request-errors-phone")

    page.fill("#agenda", "Konsultasi perhitungan alokasi DAU tahun anggaran 2027 dan jadwal penyalurannya.")
    _window(page, 0, date(2026, 11, 16), "10:00", "12:00")  # 08.00-10.00 WIB
    _window(page, 1, date(2026, 11, 17), "13:00", "14:30")
    page.click("[data-add-member]")
    page.fill("#delegation-1-name", "Maria Rumbiak")
    page.fill("#delegation-1-title", "Kepala Bidang Anggaran")
    page.get_by_label("Tanggal surat").fill("2026-11-02")
    page.set_input_files("#letter_file", str(pdf))  # a file is chosen again after an error
    submit(page, "main form button[type=submit]:has-text('Kirim permohonan')", url=r".*/permohonan/\d+$")
    assert "telah diajukan dan menunggu peninjauan DJPK" in page.inner_text("main")
    page.set_viewport_size(DESKTOP)
    shot(page, "pemda-request-submitted-desktop")
    page.set_viewport_size(PHONE)

    (req,) = [r for r in _requests() if r.state == RequestState.SUBMITTED]
    assert req.mode == Mode.FTF and [t.code for t in req.topics] == ["DAU"]
    assert [(w.start, w.end) for w in req.windows] == [
        (datetime(2026, 11, 16, 1, 0, tzinfo=UTC), datetime(2026, 11, 16, 3, 0, tzinfo=UTC)),
        (datetime(2026, 11, 17, 4, 0, tzinfo=UTC), datetime(2026, 11, 17, 5, 30, tzinfo=UTC)),
    ]
    assert [m.name for m in req.delegation] == ["Frans Pekey", "Maria Rumbiak"]
    assert req.letter.number == "900/412/BPKAD/XI/2026" and req.letter.letter_date == date(2026, 11, 2)
    assert req.letter.sha256 == hashlib.sha256(PDF).hexdigest()
    assert "10.00–12.00 WIT" in page.inner_text("main")
    return req


def _download_letter(page, req: ConsultationRequest) -> None:
    with page.expect_download() as caught:
        page.click("main a:has-text('Unduh surat-permohonan-jayapura.pdf')")
    download = caught.value
    assert download.suggested_filename == "surat-permohonan-jayapura.pdf"
    with open(download.path(), "rb") as fh:
        assert fh.read() == PDF


def _video_conference_sent_twice(page, base: str) -> ConsultationRequest:
    if page.is_visible("nav button.navbar-toggler"):
        page.click("nav button.navbar-toggler")
    page.click("nav a:has-text('Ajukan Konsultasi')")
    page.wait_for_url(re.compile(r".*/permohonan/baru$"))
    page.get_by_label("Video conference").check()
    page.get_by_label("DBH – Dana Bagi Hasil").check()
    page.fill("#agenda", "Rekonsiliasi DBH sumber daya alam triwulan III dan kurang bayar tahun lalu.")
    _window(page, 0, date(2026, 11, 10), "13:00", "14:00")
    page.fill("#delegation-0-name", "Yohana Wenda")
    page.fill("#delegation-0-title", "Analis Keuangan Pusat dan Daerah")
    submit(page, "main form button[type=submit]:has-text('Kirim permohonan')")
    page.wait_for_url(re.compile(r".*/permohonan/\d+$"))
    vc = _requests()[-1]
    assert vc.mode == Mode.VC and vc.letter is None and vc.state == RequestState.SUBMITTED
    count = len(_requests())

    # Back to the form as it was sent, and send it again: the same request, not a new one.
    page.go_back()
    page.wait_for_url(re.compile(r".*/permohonan/baru$"))
    assert page.input_value("#agenda").startswith("Rekonsiliasi DBH")
    assert page.input_value("#token") == vc.submission_token  # the form's token, not a new one
    submit(page, "main form button[type=submit]:has-text('Kirim permohonan')", url=rf".*/permohonan/{vc.id}$")
    assert "sudah terkirim sebelumnya dari formulir yang sama" in page.inner_text("main")
    assert len(_requests()) == count
    return vc


def _correct_sent_back(page, base: str, req: ConsultationRequest) -> None:
    row = fresh(ConsultationRequest, req.id)
    row.state = RequestState.CHANGES_REQUESTED  # DJPK's coordinator asks (their own journey)
    row.state_reason = "Lengkapi agenda dengan rincian pertanyaan tentang penyaluran."
    db.session.commit()
    page.goto(f"{base}/permohonan/")
    page.locator("main .d-md-none a:has-text('Perbaiki permohonan')").click()
    page.wait_for_url(re.compile(rf".*/permohonan/{req.id}/ubah$"))
    assert "Lengkapi agenda dengan rincian" in page.inner_text("main")
    assert page.input_value("#windows-0-start") == "10:00"  # in WIT, as she typed it
    page.fill("#contact_phone", "")
    submit(page, "main form button[type=submit]:has-text('Simpan perubahan')")
    summary_has_focus(page, "Isi nomor telepon narahubung.")
    assert fresh(ConsultationRequest, req.id).state == RequestState.CHANGES_REQUESTED

    page.fill("#contact_phone", "0813 4455 6677")
    page.fill(
        "#agenda",
        "Konsultasi perhitungan alokasi DAU tahun anggaran 2027; pertanyaan: jadwal penyaluran "
        "triwulan I dan syarat salur yang harus dipenuhi.",
    )
    submit(
        page, "main form button[type=submit]:has-text('Simpan perubahan')", url=rf".*/permohonan/{req.id}$"
    )
    assert "Perubahan permohonan" in page.inner_text("main")
    row = fresh(ConsultationRequest, req.id)
    assert row.state == RequestState.SUBMITTED and row.state_reason is None
    assert "syarat salur" in row.agenda and row.contact_phone == "0813 4455 6677"
    assert row.letter.sha256 == hashlib.sha256(PDF).hexdigest()  # the letter on file is kept


def _withdraw(page, vc: ConsultationRequest) -> None:
    page.goto(page.url.rsplit("/", 1)[0] + f"/{vc.id}")
    page.click("main a:has-text('Tarik permohonan…')")
    page.wait_for_url(re.compile(rf".*/permohonan/{vc.id}/tarik$"))
    assert "Permohonan dibatalkan dan tidak dapat diaktifkan kembali" in page.inner_text("#akibat-penarikan")
    page.get_by_label("Alasan penarikan (tidak wajib)").fill("Rekonsiliasi sudah selesai melalui surat.")
    submit(page, "main form button[type=submit]:has-text('Tarik permohonan')")
    summary_has_focus(page, "Centang pernyataan bahwa Anda yakin menarik permohonan ini.")
    assert fresh(ConsultationRequest, vc.id).state == RequestState.SUBMITTED
    shot(page, "pemda-withdraw-confirm-phone")

    page.get_by_label("Saya yakin ingin menarik permohonan ini.").check()
    submit(page, "main form button[type=submit]:has-text('Tarik permohonan')", url=rf".*/permohonan/{vc.id}$")
    assert "telah ditarik" in page.inner_text("main")
    row = fresh(ConsultationRequest, vc.id)
    assert row.state == RequestState.CANCELLED
    assert "Rekonsiliasi sudah selesai" in (row.state_reason or "")


def _breaches(page, base: str) -> None:
    if page.is_visible("nav button.navbar-toggler"):
        page.click("nav button.navbar-toggler")
    page.click("nav a:has-text('Pelanggaran')")
    page.wait_for_url(re.compile(r".*/permohonan/pelanggaran$"))
    text = page.inner_text("main")
    assert "Tidak hadir" in text and "Tidak ada yang bergabung ke rapat daring." in text
    assert "Dibatalkan: Keliru" in text
    page.set_viewport_size(DESKTOP)
    shot(page, "pemda-breaches-desktop")
    page.set_viewport_size(PHONE)
    assert db.session.scalar(select(func.count()).select_from(ConsultationRequest)) == 3
