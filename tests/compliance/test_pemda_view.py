"""A Pemda sees the breaches recorded against it, and nobody else's: not another Pemda's, not
the DPRD's of its own region (and the DPRD not the executive's)."""

import pytest

from app.auth.models import Role
from app.compliance import evidence
from app.compliance.evidence import CheckedEvidence
from app.extensions import db
from tests import factories
from tests.compliance.helpers import NOW, PNG, breach, login_as, scheduled, text_of


def _with_file(owner, **kwargs):
    b = breach(owner, **kwargs)
    b.evidence_file = evidence.store(CheckedEvidence(PNG, "image/png", "foto.png"))
    b.evidence_filename, b.evidence_content_type, b.evidence_size = "foto.png", "image/png", len(PNG)
    db.session.flush()
    return b


def test_the_pemda_page_lists_its_own_breaches_only(client, pemda, dprd, other):
    breach(pemda, "no_show", note="Tidak ada kabar")
    breach(pemda, "late_arrival", voided=True)
    breach(dprd, "walk_in")
    breach(other, "guests_over_limit")
    db.session.commit()
    login_as(client, pemda)
    page = text_of(client.get("/permohonan/pelanggaran"))
    assert "Tidak hadir" in page and "Tidak ada kabar" in page
    assert "<s>Datang terlambat</s>" in page and "Dibatalkan: Keliru" in page  # voided: shown as voided
    assert "Datang tanpa jadwal atau tanpa surat" not in page.split("Profil kepatuhan")[0]
    assert 'class="card mb-2 breach' in page and page.count('class="card mb-2 breach') == 2
    assert "1 pelanggaran dalam 6 bulan terakhir; ambang 3." in page


def test_the_pemda_downloads_its_own_evidence(client, pemda):
    b = _with_file(pemda)
    db.session.commit()
    login_as(client, pemda)
    response = client.get(f"/pelanggaran/{b.id}/bukti")
    assert response.status_code == 200 and response.data == PNG
    response.close()


@pytest.mark.parametrize("who", ["dprd", "other"])
def test_evidence_of_another_pemda_is_not_found(client, pemda, dprd, other, who):
    b = _with_file(pemda)
    users = {"dprd": dprd, "other": other}
    db.session.commit()
    login_as(client, users[who])
    assert client.get(f"/pelanggaran/{b.id}/bukti").status_code == 404
    assert client.get(f"/pelanggaran/{b.id + 100}/bukti").status_code == 404


@pytest.mark.parametrize("role", [Role.NARASUMBER, Role.RECEPTIONIST])
def test_evidence_files_are_not_for_a_narasumber_nor_the_front_desk(client, pemda, role):
    b = _with_file(pemda)
    user = factories.user(role)
    db.session.commit()
    login_as(client, user)
    with client.get(f"/pelanggaran/{b.id}/bukti") as response:
        assert response.status_code == 403


def test_the_dprd_does_not_see_the_executives_breaches(client, pemda, dprd):
    breach(pemda, "no_show", note="Catatan eksekutif")
    db.session.commit()
    login_as(client, dprd)
    page = text_of(client.get("/permohonan/pelanggaran"))
    assert "Catatan eksekutif" not in page and "Belum ada pelanggaran" in page


def test_the_request_page_shows_the_sessions_breaches(client, pemda, dprd):
    req = scheduled(pemda, NOW)
    breach(pemda, "late_arrival", req=req, evidence={"minutes_late": 45, "threshold": 30})
    breach(pemda, "no_show")  # not of this session
    db.session.commit()
    login_as(client, pemda)
    page = text_of(client.get(f"/permohonan/{req.id}"))
    assert "Pelanggaran pada sesi ini" in page and "Datang 45 menit setelah jadwal mulai" in page
    assert "Tidak hadir" not in page.split("Pelanggaran pada sesi ini")[1].split("Delegasi")[0]
    login_as(client, dprd)
    assert client.get(f"/permohonan/{req.id}").status_code == 404


def test_staff_pages_are_not_for_the_pemda(client, pemda):
    login_as(client, pemda)
    assert client.get("/koordinator/pelanggaran").status_code == 403
    coordinator = factories.user(Role.COORDINATOR)
    db.session.commit()
    login_as(client, coordinator)
    assert client.get("/permohonan/pelanggaran").status_code == 403
