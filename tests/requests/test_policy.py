"""Every policy rule refuses the request with its own message, on its field."""

from datetime import UTC, datetime

import pytest
from sqlalchemy import select

from app.domain.policy import PolicyValues
from app.extensions import db
from app.policy.services import create_version
from app.requests.models import ConsultationRequest
from tests import factories
from tests.requests.helpers import PDF, form_data, ftf_data, login_as, text_of


def refused(client, data) -> str:
    response = client.post("/permohonan/baru", data=data)
    assert response.status_code == 200
    assert db.session.scalars(select(ConsultationRequest)).first() is None
    page = text_of(response)
    assert "Permohonan belum dapat dikirim" in page
    return page


def test_lead_time_names_the_deadline(client, pemda, topics):
    login_as(client, pemda)
    # FTF on Monday 7 December needed sending by Monday 30 November (5 working days).
    page = refused(client, ftf_data(topics, windows=[("2026-12-07", "09:00", "10:00")]))
    assert "paling lambat 5 hari kerja" in page
    assert "Untuk Senin, 7 Desember 2026, batas pengajuan adalah Senin, 30 November 2026." in page
    assert "Pilih tanggal mulai Selasa, 8 Desember 2026 atau sesudahnya." in page
    assert "Waktu pilihan 1: Permohonan tatap muka" in page  # in the summary, for window 1


def test_lead_time_for_vc(client, pemda, topics):
    login_as(client, pemda)
    page = refused(client, form_data(topics, windows=[("2026-12-02", "09:00", "10:00")]))
    assert "Permohonan video conference harus diajukan paling lambat 2 hari kerja" in page
    assert "batas pengajuan adalah Senin, 30 November 2026" in page


def test_holiday(client, pemda, topics):
    login_as(client, pemda)
    page = refused(client, form_data(topics, windows=[("2026-12-25", "09:00", "10:00")]))
    assert "Jumat, 25 Desember 2026 adalah hari libur (Hari Raya Natal)." in page
    assert "Senin, 28 Desember 2026" in page


def test_joint_leave(client, pemda, topics):
    login_as(client, pemda)
    page = refused(client, form_data(topics, windows=[("2026-12-24", "09:00", "10:00")]))
    assert "Cuti Bersama" in page


def test_weekend(client, pemda, topics):
    login_as(client, pemda)
    page = refused(client, form_data(topics, windows=[("2026-12-12", "09:00", "10:00")]))
    assert "Sabtu, 12 Desember 2026 bukan hari kerja." in page
    assert "Senin, 14 Desember 2026" in page


def test_outside_service_hours(client, pemda, topics):
    login_as(client, pemda)
    page = refused(client, form_data(topics, windows=[("2026-12-03", "15:30", "17:00")]))
    assert "di luar jam layanan" in page
    assert "pukul 08.00–16.00 WIB" in page


def test_service_hours_are_counted_in_wib_for_another_zone(client, topics, frozen):
    # 09:00-10:00 WIT is 07:00-08:00 WIB: before DJPK opens.
    user = factories.pemda_user(factories.JAYAPURA)
    db.session.commit()
    login_as(client, user)
    page = refused(client, form_data(topics, windows=[("2026-12-03", "09:00", "10:00")]))
    assert "di luar jam layanan" in page


def test_window_too_short(client, pemda, topics):
    login_as(client, pemda)
    page = refused(client, form_data(topics, windows=[("2026-12-03", "09:00", "09:30")]))
    assert "Sediakan paling sedikit 60 menit." in page


def test_window_in_the_past(client, pemda, topics):
    login_as(client, pemda)
    page = refused(client, form_data(topics, windows=[("2026-11-30", "09:00", "10:00")]))
    assert "Waktu yang dipilih sudah lewat." in page


def test_only_the_broken_window_is_marked(client, pemda, topics):
    login_as(client, pemda)
    windows = [("2026-12-03", "09:00", "10:00"), ("2026-12-12", "09:00", "10:00")]
    page = refused(client, form_data(topics, windows=windows))
    assert "Waktu pilihan 2: Sabtu, 12 Desember 2026 bukan hari kerja." in page
    assert "Waktu pilihan 1:" not in page


def test_too_many_guests_ftf(client, pemda, topics):
    login_as(client, pemda)
    page = refused(client, ftf_data(topics, members=6))
    assert "Jumlah peserta 6 orang melebihi batas 5 orang untuk konsultasi tatap muka." in page


def test_empty_delegation(client, pemda, topics):
    login_as(client, pemda)
    page = refused(client, form_data(topics, members=0))
    assert "Isi paling sedikit satu anggota delegasi." in page


def test_missing_letter_for_ftf(client, pemda, topics):
    login_as(client, pemda)
    page = refused(client, ftf_data(topics, letter=None, upload=None))
    assert "Konsultasi tatap muka memerlukan surat permohonan" in page


def test_letter_fields_without_the_file(client, pemda, topics):
    login_as(client, pemda)
    page = refused(client, ftf_data(topics, upload=None))
    assert "Unggah berkas PDF surat permohonan." in page


def test_letter_to_someone_else(client, pemda, topics):
    login_as(client, pemda)
    page = refused(client, ftf_data(topics, letter={"letter_addressee": "Gubernur Jawa Tengah"}))
    assert "harus ditujukan kepada Direktur Jenderal Perimbangan Keuangan" in page


def test_vc_without_letter_is_fine_by_default(client, pemda, topics):
    login_as(client, pemda)
    assert client.post("/permohonan/baru", data=form_data(topics)).status_code == 302


def test_vc_needs_a_letter_when_the_policy_says_so(client, pemda, topics):
    version = create_version(
        PolicyValues(letter_required_vc=True), datetime(2026, 11, 1, tzinfo=UTC), note="VC wajib surat"
    )
    db.session.commit()
    login_as(client, pemda)
    page = refused(client, form_data(topics))
    assert "Konsultasi video conference memerlukan surat permohonan" in page
    response = client.post("/permohonan/baru", data=form_data(topics, letter={}, upload=(PDF, "s.pdf")))
    assert response.status_code == 302
    req = db.session.scalars(select(ConsultationRequest)).one()
    assert req.policy_version_id == version.id
    assert req.letter is not None


@pytest.mark.parametrize("limit", [2])
def test_guest_limit_follows_the_policy_version(client, pemda, topics, limit):
    create_version(PolicyValues(max_guests_vc=limit), datetime(2026, 11, 1, tzinfo=UTC))
    db.session.commit()
    login_as(client, pemda)
    page = refused(client, form_data(topics, members=limit + 1))
    assert f"melebihi batas {limit} orang untuk konsultasi video conference" in page
