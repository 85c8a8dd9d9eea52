"""A Pemda registers, is activated by an admin, logs in and submits a face-to-face request
with its letter, in Debian's chromium; the submitted request is kept as a screenshot."""

import re
from datetime import timedelta

import pytest
from sqlalchemy import select

from app.auth.models import Role, User
from app.core.clock import WIB, now_utc
from app.domain.workdays import WorkCalendar
from app.extensions import db, mail
from app.requests.models import ConsultationRequest
from tests import factories
from tests.e2e.conftest import ARTIFACTS

pytestmark = pytest.mark.e2e

PEMDA_EMAIL = "bpkad@brebeskab.go.id"
PEMDA_PASSWORD = "Brebes-Bersinar-2026"


def _link(message, path_fragment: str) -> str:
    match = re.search(rf"https?://\S*{path_fragment}\S*", message.body)
    assert match, message.body
    return match.group(0)


def test_pemda_registers_is_activated_and_submits_ftf_request(
    app, live_server, browser_page, monkeypatch, tmp_path
):
    monkeypatch.setitem(app.config, "WTF_CSRF_ENABLED", True)
    monkeypatch.setitem(app.config, "SERVER_NAME", None)
    admin = factories.user(Role.ADMIN, email="admin@djpk.go.id")
    factories.topic("DAU", "Dana Alokasi Umum")
    db.session.commit()
    page = browser_page

    # 1. The operator registers.
    with mail.record_messages() as outbox:
        page.goto(f"{live_server}/daftar")
        page.fill("#name", "Siti Rahmawati")
        page.fill("#email", PEMDA_EMAIL)
        page.fill("#phone", "081234567890")
        page.select_option("#region_id", label="Kab. Brebes")
        page.check("input[name=unit_type][value=pemda]")
        page.fill("#password", PEMDA_PASSWORD)
        page.fill("#confirm", PEMDA_PASSWORD)
        page.click("main button[type=submit], main input[type=submit]")
        page.wait_for_load_state()
        assert "email" in page.inner_text("main").lower()
    assert len(outbox) == 1
    page.goto(_link(outbox[0], "/verifikasi-email/"))
    assert db.session.scalars(select(User).where(User.email == PEMDA_EMAIL)).one().email_verified_at

    # 2. The admin activates the registration.
    page.goto(f"{live_server}/masuk")
    page.fill("#email", admin.email)
    page.fill("#password", factories.PASSWORD)
    page.click("main button[type=submit], main input[type=submit]")
    page.goto(f"{live_server}/admin/pendaftaran")
    assert "Siti Rahmawati" in page.inner_text("main")
    page.click("main form[action*='/aktifkan'] button[type=submit]")
    page.wait_for_load_state()
    assert "telah diaktifkan" in page.inner_text("main")
    page.context.clear_cookies()

    # 3. The operator logs in and submits a face-to-face request with the letter.
    page.goto(f"{live_server}/masuk")
    page.fill("#email", PEMDA_EMAIL)
    page.fill("#password", PEMDA_PASSWORD)
    page.click("main button[type=submit], main input[type=submit]")
    page.wait_for_url(re.compile(r".*/permohonan/?$"))
    page.goto(f"{live_server}/permohonan/baru")
    today = now_utc().astimezone(WIB).date()
    day = WorkCalendar().shift(today, 8)
    page.check("input[name=mode][value=ftf]")
    page.check("input[name=topics]")
    page.fill("#agenda", "Konsultasi perhitungan alokasi DAU tahun anggaran 2027 dan penyalurannya.")
    page.fill("#windows-0-day", day.isoformat())
    page.fill("#windows-0-start", "09:00")
    page.fill("#windows-0-end", "11:00")
    for i, (name, title) in enumerate([("Ahmad Fauzi", "Kepala BPKAD"), ("Dewi Lestari", "Kabid Anggaran")]):
        if i:  # the form shows one row; the button reveals the next
            page.click("[data-add-member]")
        page.fill(f"#delegation-{i}-name", name)
        page.fill(f"#delegation-{i}-title", title)
    page.fill("#letter_number", "900/123/BPKAD/2026")
    page.fill("#letter_date", (today - timedelta(days=1)).isoformat())
    page.fill("#letter_signatory", "Sekretaris Daerah Kabupaten Brebes")
    pdf = tmp_path / "surat-permohonan.pdf"
    pdf.write_bytes(b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n")
    page.set_input_files("#letter_file", str(pdf))
    page.click("form[enctype] button[type=submit]")
    page.wait_for_url(re.compile(r".*/permohonan/\d+$"))
    text = page.inner_text("main")
    assert "KNS-" in text
    assert "Ahmad Fauzi" in text
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "pemda-submitted-ftf-request.png"), full_page=True)

    db.session.expire_all()
    req = db.session.scalars(select(ConsultationRequest)).one()
    assert req.state == "submitted" and req.mode == "ftf"
    assert req.letter is not None and req.letter.number == "900/123/BPKAD/2026"
    assert [m.name for m in req.delegation] == ["Ahmad Fauzi", "Dewi Lestari"]
