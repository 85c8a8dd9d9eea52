"""What the request form tells a Pemda: service hours in its own zone and in WIB, an end before
the start said once, the agenda's minimum, and the letter date's bounds (issue 11)."""

from datetime import date

from sqlalchemy import select

from app.extensions import db
from app.requests.models import ConsultationRequest
from tests import factories
from tests.requests.helpers import form_data, ftf_data, login_as, text_of


def _refused(client, data, url="/permohonan/baru") -> str:
    response = client.post(url, data=data)
    assert response.status_code == 200
    return text_of(response)


def _summary(page: str) -> str:
    """The error summary at the top of the page only."""
    start = page.index('id="ringkasan-kesalahan"')
    return page[start : page.index("</div>", start)]


# Service hours in the Pemda's zone --------------------------------------------------------


def test_service_hours_are_told_in_wit_and_wib_to_jayapura(client, topics, frozen):
    user = factories.pemda_user(factories.JAYAPURA)
    db.session.commit()
    login_as(client, user)
    # 09:00-10:00 WIT is 07:00-08:00 WIB; WIT is two hours ahead of WIB.
    page = _refused(client, form_data(topics, windows=[("2026-12-03", "09:00", "10:00")]))
    assert "Konsultasi dilayani pukul 10.00–18.00 WIT (08.00–16.00 WIB) pada hari yang sama." in page


def test_service_hours_are_told_in_wita_and_wib_to_balikpapan(client, topics, frozen):
    user = factories.pemda_user(factories.BALIKPAPAN)
    db.session.commit()
    login_as(client, user)
    page = _refused(client, form_data(topics, windows=[("2026-12-03", "16:30", "17:30")]))
    assert "pukul 09.00–17.00 WITA (08.00–16.00 WIB)" in page


def test_service_hours_are_told_in_wib_alone_to_a_wib_pemda(client, pemda, topics):
    login_as(client, pemda)
    page = _refused(client, form_data(topics, windows=[("2026-12-03", "15:30", "17:00")]))
    assert "Konsultasi dilayani pukul 08.00–16.00 WIB pada hari yang sama." in page
    assert "(08.00–16.00 WIB)" not in page


# An end before the start -----------------------------------------------------------------


def test_end_before_start_is_said_once_and_not_as_service_hours(client, pemda, topics):
    login_as(client, pemda)
    page = _refused(client, form_data(topics, windows=[("2026-12-03", "11:00", "10:00")]))
    summary = _summary(page)
    assert summary.count("Jam selesai harus sesudah jam mulai.") == 1
    assert "di luar jam layanan" not in page
    assert "terlalu pendek" not in page


def test_end_equal_to_start_is_an_end_before_start(client, pemda, topics):
    login_as(client, pemda)
    page = _refused(client, form_data(topics, windows=[("2026-12-03", "10:00", "10:00")]))
    assert _summary(page).count("Jam selesai harus sesudah jam mulai.") == 1
    assert "di luar jam layanan" not in page


def test_other_rules_are_still_told_beside_a_bad_window(client, pemda, topics):
    login_as(client, pemda)
    page = _refused(client, form_data(topics, windows=[("2026-12-03", "11:00", "10:00")], members=0))
    assert "Isi paling sedikit satu anggota delegasi." in page


# The agenda's minimum ----------------------------------------------------------------------


def test_agenda_hint_states_its_minimum(client, pemda, topics):
    login_as(client, pemda)
    page = text_of(client.get("/permohonan/baru"))
    assert "Paling sedikit 20 karakter." in page
    assert 'minlength="20"' in page


# The letter date ---------------------------------------------------------------------------


def test_letter_dated_in_the_future_is_refused(client, pemda, topics):
    login_as(client, pemda)
    page = _refused(client, ftf_data(topics, letter={"letter_date": "2026-12-02"}))
    assert "Tanggal surat tidak boleh sesudah hari ini (Selasa, 1 Desember 2026)." in page
    assert db.session.scalars(select(ConsultationRequest)).first() is None


def test_letter_dated_2028_is_refused(client, pemda, topics):
    login_as(client, pemda)
    page = _refused(client, ftf_data(topics, letter={"letter_date": "2028-11-30"}))
    assert "Tanggal surat: Tanggal surat tidak boleh sesudah hari ini" in page  # in the summary


def test_letter_more_than_a_year_old_is_refused(client, pemda, topics):
    login_as(client, pemda)
    page = _refused(client, ftf_data(topics, letter={"letter_date": "2025-11-30"}))
    assert (
        "Tanggal surat lebih dari satu tahun yang lalu; tanggal paling awal Senin, 1 Desember 2025." in page
    )


def test_letter_dated_today_or_a_year_ago_is_accepted(client, pemda, topics):
    login_as(client, pemda)
    for day in ("2026-12-01", "2025-12-01"):
        assert (
            client.post("/permohonan/baru", data=ftf_data(topics, letter={"letter_date": day})).status_code
            == 302
        )
    assert [r.letter.letter_date for r in db.session.scalars(select(ConsultationRequest))] == [
        date(2026, 12, 1),
        date(2025, 12, 1),
    ]


def test_date_input_offers_only_allowed_dates(client, pemda, topics):
    login_as(client, pemda)
    page = text_of(client.get("/permohonan/baru"))
    assert 'max="2026-12-01"' in page and 'min="2025-12-01"' in page


def test_a_letter_on_file_is_not_judged_again_as_it_ages(client, pemda, topics, frozen):
    req = factories.consultation(pemda, with_letter=True)
    req.letter.letter_date = date(2025, 10, 1)  # accepted then, more than a year old now
    db.session.commit()
    login_as(client, pemda)
    data = ftf_data(
        topics, letter={"letter_date": "2025-10-01", "letter_number": req.letter.number}, upload=None
    )
    assert client.post(f"/permohonan/{req.id}/ubah", data=data).status_code == 302
