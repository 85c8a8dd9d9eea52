"""An administrator in Debian's chromium looks after people: finds users with the filter,
creates a narasumber account (first wrongly, then with a generated password), changes a
coordinator's role and deactivates then reactivates the account, edits the new narasumber's
topics and working hours, adds and removes a leave period, and issues then revokes calendar
feeds. Each result is read back from the database."""

import re
from datetime import UTC, datetime

import pytest
import time_machine
from sqlalchemy import select

from app.auth.models import Role, User
from app.auth.passwords import verify_password
from app.catalog.models import NarasumberProfile
from app.extensions import db
from app.invites.feeds import active_token
from app.invites.models import FeedKind
from app.scheduling.models import Unavailability
from tests import factories
from tests.e2e.helpers import fresh, login, shot, submit, summary_has_focus

pytestmark = pytest.mark.e2e

NOW = datetime(2026, 6, 1, 3, 0, tzinfo=UTC)  # Monday 1 June 2026, 10:00 WIB
PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1366, "height": 900}


def _naive_utc(moment: datetime) -> datetime:
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)


def test_admin_manages_users_narasumber_and_feeds(app, live_server, browser_page):
    with time_machine.travel(NOW, tick=True):
        admin = factories.user(Role.ADMIN, name="Admin DJPK", email="admin@djpk.go.id")
        coordinator = factories.user(Role.COORDINATOR, name="Sri Wahyuni", email="sri.wahyuni@djpk.go.id")
        factories.pemda_user(factories.BREBES, name="Operator Brebes", email="operator@brebeskab.go.id")
        factories.topic("DAU", "Dana Alokasi Umum")
        factories.topic("DBH", "Dana Bagi Hasil")
        factories.room("Ruang Konsultasi 3")
        db.session.commit()
        page = browser_page
        login(page, live_server, admin.email)

        _filter_users(page, live_server)
        user = _create_narasumber(page, live_server)
        _edit_coordinator(page, live_server, coordinator)
        profile = db.session.scalars(
            select(NarasumberProfile).where(NarasumberProfile.user_id == user.id)
        ).one()
        _edit_profile(page, live_server, profile)
        _leave(page, profile)
        _feeds(page, live_server, profile)


def _filter_users(page, base: str) -> None:
    page.goto(f"{base}/admin/pengguna")
    page.fill("#q", "djpk.go.id")
    page.select_option("#role", label="Koordinator")
    page.select_option("#status", label="Aktif")
    submit(page, "main form[role=search] button[type=submit]", url=r".*/admin/pengguna\?.*role=coordinator")
    rows = page.locator("main tbody tr")
    assert rows.count() == 1 and "Sri Wahyuni" in rows.inner_text()
    shot(page, "admin-users-filtered-phone")


def _create_narasumber(page, base: str) -> User:
    page.goto(f"{base}/admin/pengguna")
    page.click("main a:has-text('Tambah akun staf')")
    page.wait_for_url(re.compile(r".*/admin/pengguna/baru$"))
    page.get_by_label("Nama lengkap").fill("Ani Rahmawati")
    page.get_by_label("Email kedinasan").fill("ani.rahmawati@djpk.go.id")
    submit(page)  # no role, no password
    summary_has_focus(
        page, "Peran", "Wajib diisi.", "Isi kata sandi awal, atau pilih buat kata sandi otomatis."
    )
    assert db.session.scalars(select(User).where(User.email == "ani.rahmawati@djpk.go.id")).first() is None
    assert page.input_value("#email") == "ani.rahmawati@djpk.go.id"  # kept as typed

    page.select_option("#role", label="Narasumber")
    page.get_by_label("Unit kerja (untuk narasumber)").fill("Direktorat Dana Transfer Umum")
    page.get_by_label("Buat kata sandi otomatis").check()
    submit(page, url=r".*/admin/pengguna/baru$")
    assert "Akun ani.rahmawati@djpk.go.id telah dibuat" in page.inner_text("main h1")
    password = page.inner_text("main .font-monospace").strip()
    shot(page, "admin-user-created-phone")
    user = db.session.scalars(select(User).where(User.email == "ani.rahmawati@djpk.go.id")).one()
    assert user.role == Role.NARASUMBER and user.is_active
    assert verify_password(user.password_hash, password)
    page.click("main a:has-text('Kembali ke daftar pengguna')")
    page.wait_for_url(re.compile(r".*/admin/pengguna$"))
    assert "Ani Rahmawati" in page.inner_text("main tbody")
    return user


def _edit_coordinator(page, base: str, coordinator: User) -> None:
    page.locator("main tbody tr", has_text="Sri Wahyuni").locator("a:has-text('Ubah')").click()
    page.wait_for_url(re.compile(rf".*/admin/pengguna/{coordinator.id}$"))
    page.get_by_label("Nama lengkap").fill("")
    submit(page, "main form:has(input[name=name]) button[type=submit]")
    summary_has_focus(page, "Nama lengkap", "Wajib diisi.")
    assert fresh(User, coordinator.id).name == "Sri Wahyuni"

    page.get_by_label("Nama lengkap").fill("Sri Wahyuni Lestari")
    page.select_option("#role", label="Resepsionis")
    submit(page, "main form:has(input[name=name]) button[type=submit]", url=rf".*/pengguna/{coordinator.id}$")
    assert "Perubahan disimpan." in page.inner_text("main")
    row = fresh(User, coordinator.id)
    assert (row.name, row.role) == ("Sri Wahyuni Lestari", Role.RECEPTIONIST)

    submit(page, "main button:has-text('Nonaktifkan akun')", url=rf".*/pengguna/{coordinator.id}$")
    assert "dinonaktifkan; semua sesinya berakhir" in page.inner_text("main")
    assert fresh(User, coordinator.id).deactivated_at is not None
    page.set_viewport_size(DESKTOP)
    shot(page, "admin-user-deactivated-desktop")
    page.set_viewport_size(PHONE)
    submit(page, "main button:has-text('Aktifkan kembali')", url=rf".*/pengguna/{coordinator.id}$")
    assert "diaktifkan kembali" in page.inner_text("main")
    assert fresh(User, coordinator.id).deactivated_at is None


def _edit_profile(page, base: str, profile: NarasumberProfile) -> None:
    page.goto(f"{base}/admin/narasumber")
    page.locator("main tbody tr", has_text="Ani Rahmawati").locator("a:has-text('Ubah profil')").click()
    page.wait_for_url(re.compile(rf".*/admin/narasumber/{profile.id}$"))
    page.get_by_label("DAU – Dana Alokasi Umum").check()
    page.get_by_label("DBH – Dana Bagi Hasil").check()
    page.get_by_label("Senin – Mulai").fill("09:00")
    page.get_by_label("Senin – Selesai").fill("08:00")  # ends before it starts
    page.get_by_label("Jumat", exact=True).uncheck()
    submit(page, "main form:has(input[name=unit]) button[type=submit]")
    summary_has_focus(page, "Senin – Selesai", "Jam selesai harus sesudah jam mulai.")
    assert page.get_by_label("DBH – Dana Bagi Hasil").is_checked()  # the rest is kept
    assert fresh(NarasumberProfile, profile.id).topics == []
    shot(page, "admin-narasumber-errors-phone")

    page.get_by_label("Senin – Selesai").fill("12:00")
    page.get_by_label("Batas sesi per hari").fill("2")
    submit(page, "main form:has(input[name=unit]) button[type=submit]", url=rf".*/narasumber/{profile.id}$")
    assert "Profil Ani Rahmawati disimpan." in page.inner_text("main")
    saved = fresh(NarasumberProfile, profile.id)
    assert sorted(t.code for t in saved.topics) == ["DAU", "DBH"]
    assert saved.working_hours["0"] == [["09:00", "12:00"]]
    assert not saved.working_hours.get("4")
    assert saved.max_per_day == 2


def _leave(page, profile: NarasumberProfile) -> None:
    page.get_by_label("Mulai (WIB)").fill("2026-06-10T00:00")
    page.get_by_label("Selesai (WIB)").fill("2026-06-12T00:00")
    submit(page, "#ketidaktersediaan form button:has-text('Tambah periode')")  # no kind chosen
    summary_has_focus(page, "Jenis", "Wajib diisi.")
    # The profile beside it is shown as stored, not emptied by the other form's post.
    assert page.get_by_label("Unit kerja (direktorat)").input_value() == "Direktorat Dana Transfer Umum"
    assert page.get_by_label("Senin", exact=True).is_checked()
    assert not page.get_by_label("Jumat", exact=True).is_checked()
    assert db.session.scalars(select(Unavailability)).first() is None

    page.get_by_label("Jenis").select_option(label="Cuti")
    page.get_by_label("Keterangan").fill("Cuti tahunan")
    submit(
        page, "#ketidaktersediaan form button:has-text('Tambah periode')", url=rf".*/narasumber/{profile.id}"
    )
    assert "Periode tidak tersedia ditambahkan." in page.inner_text("main")
    period = db.session.scalars(select(Unavailability)).one()
    assert (period.narasumber_id, period.kind, period.reason) == (profile.id, "leave", "Cuti tahunan")
    assert _naive_utc(period.start) == datetime(2026, 6, 9, 17, 0, tzinfo=UTC)  # 10 June 00:00 WIB
    assert "Cuti tahunan" in page.inner_text("#ketidaktersediaan")
    page.set_viewport_size(DESKTOP)
    shot(page, "admin-narasumber-desktop")
    page.set_viewport_size(PHONE)

    submit(page, "#ketidaktersediaan li:has-text('Cuti tahunan') button:has-text('Hapus')")
    assert "Periode tidak tersedia dihapus." in page.inner_text("main")
    assert db.session.scalars(select(Unavailability)).first() is None


def _feeds(page, base: str, profile: NarasumberProfile) -> None:
    page.goto(f"{base}/admin/narasumber")
    page.click("main a:has-text('Kalender langganan')")
    page.wait_for_url(re.compile(r".*/admin/kalender$"))
    person = f"#narasumber-{profile.id}"
    submit(page, f"{person} button:has-text('Buat alamat langganan kalender')", url=r".*/admin/kalender")
    assert "Alamat kalender Ani Rahmawati dibuat." in page.inner_text("main")
    db.session.expire_all()
    token = active_token(FeedKind.NARASUMBER, profile.id)
    assert token is not None
    assert token.token in page.locator(f"{person} input[readonly]").input_value()
    shot(page, "admin-feeds-phone")

    submit(page, f"{person} button:has-text('Cabut alamat')", url=r".*/admin/kalender")
    assert "Alamat kalender Ani Rahmawati dicabut." in page.inner_text("main")
    db.session.expire_all()
    assert active_token(FeedKind.NARASUMBER, profile.id) is None
    assert page.locator(f"{person} button:has-text('Buat alamat langganan kalender')").is_visible()
