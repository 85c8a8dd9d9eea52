"""The Pemda's dashboard: its requests with state, time (own zone and WIB) and the next step."""

from datetime import UTC, datetime, timedelta

from app.domain.policy import Mode
from app.domain.states import RequestState
from app.extensions import db
from tests import factories
from tests.requests.helpers import login_as, text_of

START = datetime(2026, 12, 15, 2, 0, tzinfo=UTC)


def test_empty_dashboard_invites_a_first_request(client, pemda):
    login_as(client, pemda)
    page = text_of(client.get("/permohonan/"))
    assert "Belum ada permohonan konsultasi" in page
    assert 'href="/permohonan/baru"' in page


def test_dashboard_shows_state_and_next_step(client, pemda, topics):
    submitted = factories.consultation(pemda, mode=Mode.VC, start=START, topics=topics)
    changes = factories.consultation(pemda, mode=Mode.FTF, state=RequestState.CHANGES_REQUESTED, start=START)
    scheduled = factories.consultation(
        pemda,
        mode=Mode.VC,
        state=RequestState.SCHEDULED,
        start=START,
        scheduled_start=START + timedelta(days=1),
        scheduled_end=START + timedelta(days=1, hours=1),
    )
    db.session.commit()
    login_as(client, pemda)
    page = text_of(client.get("/permohonan/"))
    for req in (submitted, changes, scheduled):
        assert req.reference in page
    assert "DAU, DBH" in page
    assert "Video conference" in page and "Tatap muka" in page
    assert "Menunggu peninjauan DJPK" in page
    assert "Perbaiki permohonan sesuai catatan DJPK" in page
    assert f'href="/permohonan/{changes.id}/ubah"' in page
    assert f'href="/permohonan/{submitted.id}/ubah"' not in page
    assert "Konfirmasi kehadiran delegasi" in page
    assert "Perlu perbaikan" in page and "Dijadwalkan" in page
    # The scheduled time is shown rather than the preferred window.
    assert "Rabu, 16 Desember 2026 09.00–10.00 WIB" in page
    assert "Selasa, 15 Desember 2026 09.00–11.00 WIB" in page


def test_dashboard_times_in_the_pemda_zone_with_wib(client, topics, frozen):
    user = factories.pemda_user(factories.BALIKPAPAN)
    factories.consultation(user, mode=Mode.VC, start=START)
    db.session.commit()
    login_as(client, user)
    page = text_of(client.get("/permohonan/"))
    assert "Selasa, 15 Desember 2026 10.00–12.00 WITA (09.00–11.00 WIB)" in page
