"""A DJPK coordinator schedules in Debian's chromium (phone-sized; every page checked by the
outside validators): the queue and its filters, a suggested slot taken with one click, a
suggestion adjusted by hand with one narasumber of several ticked, a session moved, turned
into a video conference and cancelled, and the calendar with its filters. Each decision is
checked in the database: the state, the narasumber assigned and the email queued."""

import pytest
import time_machine
from sqlalchemy import select

from app.auth.models import Role, UnitType
from app.core.clock import WIB
from app.domain.policy import Mode
from app.domain.states import RequestState
from app.extensions import db
from app.outbox.models import OutboxMessage
from app.requests.models import ConsultationRequest
from app.scheduling.models import NarasumberAssignment
from tests import factories
from tests.e2e.helpers import error_focused, fresh, login, shot, submit
from tests.requests.helpers import NOW
from tests.scheduling.coord_helpers import booked, narasumber, request_at, wib

pytestmark = pytest.mark.e2e

DESKTOP = {"width": 1366, "height": 900}


def mails(req_id: int) -> list[str]:
    """The kinds of email queued about a request, oldest first."""
    db.session.expire_all()
    rows = db.session.scalars(
        select(OutboxMessage).where(OutboxMessage.request_id == req_id).order_by(OutboxMessage.id)
    )
    return [m.kind for m in rows]


def active_people(req_id: int) -> list[str]:
    db.session.expire_all()
    rows = db.session.scalars(
        select(NarasumberAssignment).where(
            NarasumberAssignment.request_id == req_id, NarasumberAssignment.active
        )
    )
    return sorted(a.narasumber.user.name for a in rows)


def test_coordinator_schedules_adjusts_moves_converts_and_cancels(app, live_server, browser_page, page_audit):
    with time_machine.travel(NOW, tick=True):
        coordinator = factories.user(Role.COORDINATOR, name="Sri Wahyuni", email="koordinator@djpk.go.id")
        balikpapan = factories.pemda_user(factories.BALIKPAPAN, name="Operator Balikpapan")
        brebes = factories.pemda_user(factories.BREBES, name="Operator Brebes")
        dau = factories.topic("DAU", "Dana Alokasi Umum")
        dbh = factories.topic("DBH", "Dana Bagi Hasil")
        narasumber("Ani Rahmawati", [dau])
        narasumber("Budi Santoso", [dau])
        narasumber("Citra Lestari", [dau, dbh])
        narasumber("Dewi Anggraini", [dbh])
        factories.room("Ruang Rapat 9A", capacity=10)
        factories.room("Ruang Rapat 9B", capacity=8)
        earlier = booked(balikpapan, wib("2026-11-10", "09:00"), state=RequestState.HELD, topics=[dau])
        first = request_at(balikpapan, "2026-12-08", topics=[dau])  # FTF, Tuesday 8 December
        second = request_at(brebes, "2026-12-09", topics=[dau, dbh])
        db.session.commit()
        page = browser_page

        login(page, live_server, coordinator.email)
        assert page.url.endswith("/koordinator/")
        shot(page, "coordinator-queue")

        # The queue's filter form: face-to-face requests of a region typed in part.
        page.select_option("#mode", label="Tatap muka")
        page.fill("#region", "balikpapan")
        submit(page, "main form[method=get] button[type=submit]", url=r"/koordinator/\?")
        rows = page.locator("main a[href*='/koordinator/permohonan/'] >> visible=true")
        assert rows.all_inner_texts() == ["Kota Balikpapan"]
        assert page.input_value("#region") == "balikpapan"

        # Takes the first suggestion of the first request.
        with page.expect_navigation():
            rows.first.click()
        assert page.url.endswith(f"/koordinator/permohonan/{first.id}")
        page_audit["audit"].check()
        # "Riwayat Pemda ini": the earlier session, its date labelled as the session's date.
        pemda_history = page.locator("h2:has-text('Riwayat Pemda ini') + ul").inner_text()
        assert earlier.reference in pemda_history and "Jadwal: 10 November 2026" in pemda_history
        text = page.inner_text("main")
        assert "Pemeriksaan ketentuan saat ini" in text or "PEMERIKSAAN" in text.upper()
        assert "WITA" in text and "WIB" in text  # the slot in the Pemda's zone, WIB beside
        shot(page, "coordinator-review")
        suggestion = page.locator("#saran li.suggestion").first
        offered = suggestion.inner_text()
        submit(
            page, "#saran form.pick-suggestion button[type=submit] >> nth=0", url=rf"/permohonan/{first.id}$"
        )
        assert "disetujui dan dijadwalkan" in page.inner_text("main")
        req = fresh(ConsultationRequest, first.id)
        assert req.state == RequestState.SCHEDULED and req.room.name in offered
        assert req.scheduled_start.astimezone(WIB).strftime("%H.%M") in offered
        [taken] = active_people(first.id)
        assert taken in offered
        # The Pemda, the front desk (an invite for the visit) and the narasumber are told.
        assert mails(first.id) == [
            "scheduling/scheduled",
            "scheduling/front_desk_invite",
            "scheduling/assignment",
        ]

        # "Sesuaikan": the manual form opens prefilled from the suggestion; one narasumber of
        # several is ticked (every box used to be `required`, so the browser refused that).
        page.goto(f"{live_server}/koordinator/permohonan/{second.id}")
        with page.expect_navigation():
            page.click("#saran li.suggestion >> nth=0 >> text=Sesuaikan")
        assert "slot=0" in page.url
        panel = page.locator("details#jadwalkan")
        assert panel.get_attribute("open") is not None
        assert (page.input_value("#day"), page.input_value("#start_time")) == ("2026-12-09", "09:00")
        assert panel.get_by_label("Citra Lestari", exact=False).is_checked()
        assert panel.locator("input[name=narasumber_ids][required]").count() == 0
        panel.get_by_label("Citra Lestari", exact=False).uncheck()
        panel.get_by_label("Budi Santoso", exact=False).check()
        page.fill("#start_time", "13:00")
        page.fill("#end_time", "14:30")
        submit(page, "details#jadwalkan button[type=submit]", url=rf"/permohonan/{second.id}/jadwalkan$")
        assert error_focused(page)
        summary = page.inner_text("#ringkasan-kesalahan")
        assert "berbeda dari saran sistem; tuliskan alasannya" in summary, summary
        assert fresh(ConsultationRequest, second.id).state == RequestState.SUBMITTED
        # The values entered are kept: still one narasumber ticked, the new time.
        assert panel.get_by_label("Budi Santoso", exact=False).is_checked()
        assert not panel.get_by_label("Citra Lestari", exact=False).is_checked()
        assert page.input_value("#start_time") == "13:00"
        shot(page, "coordinator-manual-schedule-refused")
        page.get_by_label("Alasan memilih narasumber lain dari saran sistem").fill(
            "Budi yang menangani Brebes tahun lalu"
        )
        submit(page, "details#jadwalkan button[type=submit]", url=rf"/permohonan/{second.id}$")
        assert "disetujui dan dijadwalkan" in page.inner_text("main")
        req = fresh(ConsultationRequest, second.id)
        assert req.state == RequestState.SCHEDULED
        assert (req.scheduled_start, req.scheduled_end) == (
            wib("2026-12-09", "13:00"),
            wib("2026-12-09", "14:30"),
        )
        assert active_people(second.id) == ["Budi Santoso"]
        [assignment] = req.assignments
        assert assignment.override_reason == "Budi yang menangani Brebes tahun lalu"
        assert req.room is not None
        assert mails(second.id) == [
            "scheduling/scheduled",
            "scheduling/front_desk_invite",
            "scheduling/assignment",
        ]

        # The calendar shows both sessions; its filter keeps the narasumber asked for.
        with page.expect_navigation():
            page.click("text=Lihat di kalender")
        assert "/koordinator/kalender?date=2026-12-09" in page.url
        sessions = page.locator("a.cal-session >> visible=true")
        assert sessions.count() == 2
        shot(page, "coordinator-calendar-week")
        page.select_option("#narasumber", label="Budi Santoso")
        submit(page, "main form[method=get] button[type=submit]", url=r"/kalender\?")
        [only] = page.locator("a.cal-session >> visible=true").all_inner_texts()
        assert "Kab. Brebes" in only
        page.set_viewport_size(DESKTOP)
        with page.expect_navigation():
            page.click("main a:has-text('Bulan')")
        assert "view=month" in page.url and "narasumber=" in page.url
        month = page.inner_text("table.calendar-month")
        assert "Kab. Brebes" in month and "Kota Balikpapan" not in month
        assert "Natal" in month or "Cuti" in month, month
        shot(page, "coordinator-calendar-month")
        page.set_viewport_size({"width": 390, "height": 844})

        # Moves the first session: an end before its start is refused, then a good time.
        page.goto(f"{live_server}/koordinator/permohonan/{first.id}")
        page_audit["audit"].check()
        page.click("details#jadwal-ulang summary")
        page.fill("#day", "2026-12-10")
        page.fill("#start_time", "10:00")
        page.fill("#end_time", "09:00")
        page.get_by_label("Alasan perubahan jadwal").fill("Narasumber diminta hadir di rapat pimpinan")
        submit(page, "details#jadwal-ulang button[type=submit]", url=rf"/permohonan/{first.id}/jadwal-ulang$")
        assert error_focused(page)
        assert "Jam selesai harus sesudah jam mulai." in page.inner_text("#ringkasan-kesalahan")
        page.fill("#end_time", "11:00")
        submit(page, "details#jadwal-ulang button[type=submit]", url=rf"/permohonan/{first.id}$")
        assert "telah diubah" in page.inner_text("main")
        req = fresh(ConsultationRequest, first.id)
        assert (req.state, req.scheduled_start) == (RequestState.SCHEDULED, wib("2026-12-10", "10:00"))
        assert req.state_reason == "Narasumber diminta hadir di rapat pimpinan"
        assert mails(first.id)[3:] == [
            "scheduling/rescheduled",
            "scheduling/front_desk_invite",
            "scheduling/assignment",
        ]

        # Turns it into a video conference (the link made by the system), then cancels it.
        page.click("details#ubah-vc summary")
        page.get_by_label("Alasan diubah menjadi video conference").fill("Ruang rapat dipakai acara pimpinan")
        submit(page, "details#ubah-vc button[type=submit]", url=rf"/permohonan/{first.id}$")
        assert "diubah menjadi video conference" in page.inner_text("main")
        req = fresh(ConsultationRequest, first.id)
        assert (req.mode, req.room_id) == (Mode.VC, None) and req.meeting_url
        assert req.meeting_url in page.inner_text("main")
        assert mails(first.id)[6:] == [
            "scheduling/converted",
            "scheduling/assignment",
            "scheduling/front_desk_invite",
        ]
        page.click("details#batalkan summary")
        page.get_by_label("Alasan pembatalan").fill("   ")
        submit(page, "details#batalkan button[type=submit]", url=rf"/permohonan/{first.id}/batalkan$")
        assert error_focused(page)
        assert "Tuliskan alasannya" in page.inner_text("#ringkasan-kesalahan")
        page.get_by_label("Alasan pembatalan").fill("Pemda meminta pembatalan melalui telepon")
        submit(page, "details#batalkan button[type=submit]", url=rf"/permohonan/{first.id}$")
        assert "telah dibatalkan" in page.inner_text("main")
        req = fresh(ConsultationRequest, first.id)
        assert req.state == RequestState.CANCELLED and active_people(first.id) == []
        assert mails(first.id)[9:] == ["scheduling/cancelled", "scheduling/assignment_released"]
        shot(page, "coordinator-cancelled")


def _decline(app, assignment, reason: str) -> None:
    from app.narasumber.services import respond

    with app.test_request_context():  # the alert to the coordinators is rendered
        respond(assignment.narasumber.user, assignment, accept=False, reason=reason)
        db.session.commit()


def test_coordinator_replaces_a_declined_narasumber_and_answers_requests(
    app, live_server, browser_page, page_audit
):
    with time_machine.travel(NOW, tick=True):
        coordinator = factories.user(Role.COORDINATOR, name="Sri Wahyuni", email="koordinator@djpk.go.id")
        brebes = factories.pemda_user(factories.BREBES, name="Operator Brebes")
        jayapura = factories.pemda_user(factories.JAYAPURA, name="Operator Jayapura")
        dprd = factories.pemda_user(factories.BREBES, UnitType.DPRD, name="Operator DPRD Brebes")
        dau = factories.topic("DAU", "Dana Alokasi Umum")
        budi = narasumber("Budi Santoso", [dau])
        narasumber("Citra Lestari", [dau])
        narasumber("Dewi Anggraini", [dau])
        session = booked(brebes, wib("2026-12-09", "09:00"), people=[budi], mode=Mode.VC, topics=[dau])
        vc = request_at(jayapura, "2026-12-04", mode=Mode.VC, topics=[dau])
        ftf = request_at(dprd, "2026-12-10", topics=[dau])
        db.session.commit()
        [declined] = session.assignments
        _decline(app, declined, "Dinas luar kota")
        page = browser_page

        login(page, live_server, coordinator.email)
        queue = page.inner_text("main")
        assert "Narasumber menolak" in queue and session.reference in queue
        # The filter form's "Narasumber menolak": only the session waiting for a replacement.
        page.select_option("#state", label="Narasumber menolak")
        submit(page, "main form[method=get] button[type=submit]", url=r"state=declined")
        listed = page.locator("main a[href*='/koordinator/permohonan/'] >> visible=true")
        assert listed.all_inner_texts() == ["Kab. Brebes"]
        assert page.locator("[data-test=declined-badge] >> visible=true").count() == 1
        shot(page, "coordinator-queue-declined")

        with page.expect_navigation():
            listed.first.click()
        people = page.locator("#narasumber")
        assert "Alasan menolak: Dinas luar kota" in people.inner_text()
        assert "Belum ada pengganti." in people.inner_text()
        select = people.locator(f"#replace-{declined.id}")
        options = select.locator("option").all_inner_texts()
        assert len(options) == 2 and all("Menguasai DAU" in o for o in options)
        second_choice = options[1].split(" — ")[0]
        # Another than the first suggestion needs a reason: refused, then given.
        select.select_option(index=1)
        submit(page, "#narasumber form button[type=submit]", url=rf"/penugasan/{declined.id}/ganti$")
        assert error_focused(page)
        assert "tuliskan alasannya" in page.inner_text("#ringkasan-kesalahan")
        assert active_people(session.id) == []
        assert page.locator(f"#replace-{declined.id}").input_value() == select.input_value()
        page.get_by_label("Alasan, bila memilih selain saran pertama").fill("Sudah mengenal kasus Brebes")
        submit(page, "#narasumber form button[type=submit]", url=rf"/permohonan/{session.id}")
        assert f"{second_choice} ditugaskan pada sesi ini." in page.inner_text("main")
        assert active_people(session.id) == [second_choice]
        assert "scheduling/assignment" in mails(session.id)
        shot(page, "coordinator-replaced")
        page.goto(f"{live_server}/koordinator/")
        assert session.reference not in page.inner_text("main")  # no longer waiting

        # A video conference from Jayapura: changes asked (a blank reason is refused first).
        with page.expect_navigation():
            page.click(f"main a[href$='/koordinator/permohonan/{vc.id}'] >> visible=true")
        page_audit["audit"].check()
        page.click("details#minta-perbaikan summary")
        page.get_by_label("Perbaikan yang diminta").fill("  ")
        submit(page, "details#minta-perbaikan button[type=submit]", url=r"/minta-perbaikan$")
        assert error_focused(page)
        assert "Tuliskan alasannya" in page.inner_text("#ringkasan-kesalahan")
        page.get_by_label("Perbaikan yang diminta").fill("Lampirkan daftar pertanyaan tertulis")
        submit(page, "details#minta-perbaikan button[type=submit]", url=rf"/permohonan/{vc.id}$")
        req = fresh(ConsultationRequest, vc.id)
        assert (req.state, req.state_reason) == (
            RequestState.CHANGES_REQUESTED,
            "Lampirkan daftar pertanyaan tertulis",
        )
        assert mails(vc.id) == ["scheduling/changes_requested"]

        # The DPRD's face-to-face request becomes a video conference, then is rejected.
        page.goto(f"{live_server}/koordinator/permohonan/{ftf.id}")
        page_audit["audit"].check()
        page.click("details#ubah-vc summary")
        page.get_by_label("Alasan diubah menjadi video conference").fill("Ruang rapat penuh pada pekan itu")
        submit(page, "details#ubah-vc button[type=submit]", url=rf"/permohonan/{ftf.id}$")
        req = fresh(ConsultationRequest, ftf.id)
        assert (req.state, req.mode) == (RequestState.SUBMITTED, Mode.VC)
        page.click("details#tolak summary")
        page.get_by_label("Alasan", exact=True).fill("Topik sudah dijawab melalui surat DJPK")
        submit(page, "details#tolak button[type=submit]", url=rf"/permohonan/{ftf.id}$")
        assert "ditolak" in page.inner_text("main")
        req = fresh(ConsultationRequest, ftf.id)
        assert (req.state, req.state_reason) == (
            RequestState.REJECTED,
            "Topik sudah dijawab melalui surat DJPK",
        )
        assert mails(ftf.id) == ["scheduling/converted", "scheduling/rejected"]
        shot(page, "coordinator-rejected")
