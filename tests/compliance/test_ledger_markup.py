"""The ledger as the outside validators read it: a voided breach is struck through, not faded
(opacity took its links below 4.5:1 contrast); a breach recorded by hand states no figures it
does not have; a refused void or restore shows the ledger again with the error summary above
that breach's open form; the record form and the filter show the error summary."""

import re

from app.extensions import db
from tests.compliance.helpers import all_breaches, breach, login_as


def _card(page: str, breach_id: int) -> str:
    start = page.index(f'id="pelanggaran-{breach_id}"')
    return page[page.rindex("<div", 0, start) : page.find('id="pelanggaran-', start + 1)]


def test_a_voided_breach_is_not_faded(client, coordinator, pemda):
    b = breach(pemda, voided=True)
    db.session.commit()
    login_as(client, coordinator)
    page = client.get("/koordinator/pelanggaran", query_string={"voided": "y"}).get_data(as_text=True)
    card = _card(page, b.id)
    assert "<s>" in card and "opacity" not in card


def test_a_breach_recorded_by_hand_states_no_figures(client, coordinator, pemda):
    b = breach(pemda, "late_arrival", evidence={}, note="Sri: datang pukul 10.40")
    measured = breach(pemda, "late_arrival", evidence={"minutes_late": 40, "threshold": 30})
    db.session.commit()
    login_as(client, coordinator)
    page = client.get("/koordinator/pelanggaran").get_data(as_text=True)
    assert "Datang 0 menit" not in _card(page, b.id) and "datang pukul 10.40" in _card(page, b.id)
    assert "Datang 40 menit setelah jadwal mulai" in _card(page, measured.id)


def test_a_refused_restore_shows_the_summary_above_its_open_form(client, coordinator, pemda):
    b = breach(pemda, voided=True)
    db.session.commit()
    login_as(client, coordinator)
    response = client.post(f"/koordinator/pelanggaran/{b.id}/pulihkan", data={"reason": "   "})
    assert response.status_code == 200
    card = _card(response.get_data(as_text=True), b.id)
    assert '<details class="mt-1" open>' in card
    assert card.index('id="ringkasan-kesalahan"') < card.index("<form")
    assert f'href="#restore-reason-{b.id}"' in card and "Tuliskan alasan pemulihan pelanggaran." in card
    assert re.search(rf'class="form-control is-invalid" id="restore-reason-{b.id}"', card)
    assert all_breaches()[0].voided_at is not None


def test_the_record_form_and_the_filter_show_the_error_summary(client, coordinator, pemda):
    login_as(client, coordinator)
    page = client.post("/koordinator/pelanggaran/catat", data={"type_code": "other"}).get_data(as_text=True)
    assert (
        page.count('id="ringkasan-kesalahan"') == 1 and 'href="#region_id"' in page and 'href="#note"' in page
    )
    page = client.get("/koordinator/pelanggaran", query_string={"month": "2023-13"}).get_data(as_text=True)
    assert page.count('id="ringkasan-kesalahan"') == 1 and 'href="#month"' in page
