"""An administrator keeps the catalogue in Debian's chromium: topics, rooms, a new policy
version and the monthly report's recipients. Each form is filled as a person would, first
wrongly where it can fail (the error summary takes the focus), then rightly; every result is
read back from the database."""

import re
from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from sqlalchemy import select

from app.auth.models import Role
from app.catalog.models import Room, Topic
from app.extensions import db
from app.policy.models import PolicyVersion
from app.policy.services import ensure_default_policy
from app.reports.models import ReportRecipient
from tests import factories
from tests.e2e.helpers import fresh, login, shot, submit, summary_has_focus

pytestmark = pytest.mark.e2e

NOW = datetime(2026, 6, 1, 3, 0, tzinfo=UTC)  # Monday 1 June 2026, 10:00 WIB
DESKTOP = {"width": 1366, "height": 900}


def _flash(page) -> str:
    return page.inner_text("main")


def _row(page, text: str):
    return page.locator("main tbody tr", has_text=text)


def test_admin_keeps_topics_rooms_policy_and_recipients(app, live_server, browser_page):
    with time_machine.travel(NOW, tick=True):
        admin = factories.user(Role.ADMIN, name="Admin DJPK", email="admin@djpk.go.id")
        ensure_default_policy(NOW - timedelta(days=30))
        factories.topic("DAU", "Dana Alokasi Umum")
        db.session.commit()
        page = browser_page
        login(page, live_server, admin.email)
        _topics(page, live_server)
        _rooms(page, live_server)
        _policy(page, live_server)
        _recipients(page, live_server)


def _topics(page, base: str) -> None:
    page.goto(f"{base}/admin/topik")
    page.click("main a:has-text('Tambah topik')")
    page.wait_for_url(re.compile(r".*/admin/topik/baru$"))
    page.fill("#code", "")
    page.fill("#name", "Dana Bagi Hasil")
    submit(page)
    summary_has_focus(page, "Kode", "Wajib diisi.")
    page.fill("#code", "DBH")
    page.fill("#description", "Perhitungan dan penyaluran DBH.")
    page.fill("#sort_order", "5")
    submit(page, url=r".*/admin/topik$")
    assert "Topik DBH ditambahkan." in _flash(page)
    topic = db.session.scalars(select(Topic).where(Topic.code == "DBH")).one()
    assert (topic.name, topic.sort_order, topic.active) == ("Dana Bagi Hasil", 5, True)
    shot(page, "admin-topics-phone")

    _row(page, "DBH").locator("a:has-text('Ubah')").click()
    page.wait_for_url(re.compile(rf".*/admin/topik/{topic.id}$"))
    page.fill("#name", "Dana Bagi Hasil Pajak dan SDA")
    submit(page, url=r".*/admin/topik$")
    assert "Topik DBH disimpan." in _flash(page)
    assert fresh(Topic, topic.id).name == "Dana Bagi Hasil Pajak dan SDA"

    submit(page, "main tr:has-text('DBH') button:has-text('Nonaktifkan')", url=r".*/admin/topik$")
    assert "tidak lagi ditawarkan" in _flash(page)
    assert fresh(Topic, topic.id).active is False
    submit(page, "main tr:has-text('DBH') button:has-text('Aktifkan')", url=r".*/admin/topik$")
    assert "Topik DBH diaktifkan." in _flash(page)
    assert fresh(Topic, topic.id).active is True


def _rooms(page, base: str) -> None:
    page.goto(f"{base}/admin/ruang")
    page.click("main a:has-text('Tambah ruang')")
    page.wait_for_url(re.compile(r".*/admin/ruang/baru$"))
    page.fill("#name", "Ruang Konsultasi 3")
    page.fill("#floor", "9")
    page.fill("#capacity", "0")
    submit(page)
    summary_has_focus(page, "Kapasitas", "Isi bilangan bulat dari 1 sampai 500.")
    page.fill("#capacity", "8")
    submit(page, url=r".*/admin/ruang$")
    text = _flash(page)
    assert "Ruang Konsultasi 3 ditambahkan." in text and "Ruang Ruang" not in text
    room = db.session.scalars(select(Room).where(Room.name == "Ruang Konsultasi 3")).one()
    assert (room.floor, room.capacity, room.active) == ("9", 8, True)

    _row(page, "Ruang Konsultasi 3").locator("a:has-text('Ubah')").click()
    page.wait_for_url(re.compile(rf".*/admin/ruang/{room.id}$"))
    assert "Ruang Ruang" not in page.inner_text("main")
    page.fill("#capacity", "12")
    submit(page, url=r".*/admin/ruang$")
    text = _flash(page)
    assert "Ruang Konsultasi 3 disimpan." in text and "Ruang Ruang" not in text
    assert fresh(Room, room.id).capacity == 12

    submit(
        page, "main tr:has-text('Ruang Konsultasi 3') button:has-text('Nonaktifkan')", url=r".*/admin/ruang$"
    )
    text = _flash(page)
    assert "Ruang Konsultasi 3 dinonaktifkan" in text and "Ruang Ruang" not in text
    assert fresh(Room, room.id).active is False
    submit(page, "main tr:has-text('Ruang Konsultasi 3') button:has-text('Aktifkan')", url=r".*/admin/ruang$")
    assert "Ruang Konsultasi 3 diaktifkan." in _flash(page)
    assert fresh(Room, room.id).active is True
    page.set_viewport_size(DESKTOP)
    shot(page, "admin-rooms-desktop")
    page.set_viewport_size({"width": 390, "height": 844})


def _policy(page, base: str) -> None:
    page.goto(f"{base}/admin/kebijakan")
    page.click("main a:has-text('Buat versi baru')")
    page.wait_for_url(re.compile(r".*/admin/kebijakan/baru$"))
    assert page.input_value("#late_arrival_minutes") == "30"
    page.fill("#late_arrival_minutes", "")
    page.fill("#service_end", "07:00")
    submit(page)
    summary_has_focus(page, "Wajib diisi.", "Jam selesai harus sesudah jam mulai layanan.")
    assert "Batas keterlambatan kedatangan" in page.inner_text("#ringkasan-kesalahan")
    assert len(db.session.scalars(select(PolicyVersion)).all()) == 1
    shot(page, "admin-policy-errors-phone")

    page.fill("#late_arrival_minutes", "45")
    page.fill("#service_end", "16:00")
    page.fill("#effective_from", "2026-07-01T00:00")
    page.fill("#note", "Keterlambatan dilonggarkan")
    submit(page, url=r".*/admin/kebijakan$")
    assert "berlaku mulai Rabu, 1 Juli 2026 00.00 WIB." in _flash(page)
    versions = db.session.scalars(select(PolicyVersion).order_by(PolicyVersion.effective_from)).all()
    assert len(versions) == 2
    new = versions[-1]
    assert new.values["late_arrival_minutes"] == 45 and new.note == "Keterlambatan dilonggarkan"
    saved = new.effective_from
    saved = saved.replace(tzinfo=UTC) if saved.tzinfo is None else saved.astimezone(UTC)
    assert saved == datetime(2026, 6, 30, 17, 0, tzinfo=UTC)  # 1 July 00:00 WIB
    assert "Keterlambatan dilonggarkan" in page.inner_text("main")
    page.set_viewport_size(DESKTOP)
    shot(page, "admin-policy-desktop")
    page.set_viewport_size({"width": 390, "height": 844})


def _recipients(page, base: str) -> None:
    page.goto(f"{base}/admin/laporan/penerima")
    page.fill("#email", "kepala.subdit@")
    page.fill("#name", "Kepala Subdit")
    submit(page)
    summary_has_focus(page, "Alamat email tidak valid.")
    assert db.session.scalars(select(ReportRecipient)).all() == []
    page.fill("#email", "kepala.subdit@kemenkeu.go.id")
    submit(page, url=r".*/admin/laporan/penerima$")
    assert "kepala.subdit@kemenkeu.go.id akan menerima laporan bulanan." in _flash(page)
    row = db.session.scalars(select(ReportRecipient)).one()
    assert (row.email, row.name, row.active) == ("kepala.subdit@kemenkeu.go.id", "Kepala Subdit", True)

    submit(page, "main tr:has-text('kepala.subdit') button:has-text('Nonaktifkan')", url=r".*/penerima$")
    assert "tidak lagi menerima laporan bulanan" in _flash(page)
    assert fresh(ReportRecipient, row.id).active is False
    submit(page, "main tr:has-text('kepala.subdit') button:has-text('Aktifkan')", url=r".*/penerima$")
    assert "diaktifkan kembali" in _flash(page)
    assert fresh(ReportRecipient, row.id).active is True
    shot(page, "admin-recipients-phone")
