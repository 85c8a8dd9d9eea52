"""/verifikasi: genuine, cancelled or not found; nothing personal; every look-up logged; limited."""

import re

import pytest
from markupsafe import escape
from sqlalchemy import select

from app.domain.states import RequestState
from app.extensions import db
from app.verification.models import VerificationLookup
from tests.attendance.helpers import START

S = RequestState
FEE = "DJPK tidak pernah memungut biaya apa pun untuk layanan konsultasi."
NOT_FOUND = "Kode tidak ditemukan"


def _post(client, code, ip="127.0.0.1"):
    return client.post("/verifikasi", data={"kode": code}, environ_overrides={"REMOTE_ADDR": ip})


def _lookups():
    db.session.expire_all()
    return list(db.session.scalars(select(VerificationLookup).order_by(VerificationLookup.id)))


def test_the_page_without_a_code_shows_the_form_and_the_fee_warning(client, sessions):
    response = client.get("/verifikasi")
    html = response.get_data(as_text=True)
    assert response.status_code == 200 and FEE in html and 'name="kode"' in html
    assert "data-result" not in html and _lookups() == []


@pytest.mark.parametrize("state", [S.SCHEDULED, S.CONFIRMED])
def test_a_live_session_is_genuine_with_date_mode_and_pemda_only(client, sessions, state):
    req = sessions[state]
    code = req.booking_code_display.lower().replace("-", " ")  # as people type it
    html = _post(client, code).get_data(as_text=True)
    assert 'data-result="genuine"' in html and "Asli" in html
    assert "Selasa, 8 Desember 2026" in html and "Tatap muka" in html and "Kab. Brebes" in html
    assert FEE in html
    for private in (
        "Siti Aminah",
        "siti@brebeskab.go.id",
        req.contact_phone,
        "Agenda khusus",
        req.reference,
        "Tamu 1",
        "Ruang Rapat Dahlia",
        "09.00",
    ):
        assert private not in html, private


@pytest.mark.parametrize("state", [S.HELD, S.NO_SHOW])
def test_a_past_booking_is_genuine_and_says_the_date_passed(client, sessions, clock, state):
    clock.move_to(START.replace(day=9))
    html = _post(client, sessions[state].booking_code).get_data(as_text=True)
    assert 'data-result="genuine"' in html and "Tanggal jadwal ini telah lewat." in html
    assert "Tidak hadir" not in html and "Terlaksana" not in html


def test_a_cancelled_session_says_cancelled(client, sessions):
    req = sessions[S.CANCELLED]
    html = client.get(f"/verifikasi?kode={req.booking_code_display}&qr=1").get_data(as_text=True)
    assert 'data-result="cancelled"' in html and "Dibatalkan" in html and "Kab. Brebes" in html
    assert FEE in html
    [row] = _lookups()
    assert row.result == "cancelled" and row.request_id == req.id and row.via_qr


def _without_echo(html: str, typed: str) -> str:
    echo = f'value="{escape(typed)}"'
    assert html.count(echo) == 1
    return html.replace(echo, 'value=""')


def _answer_part(html: str) -> str:
    """The answer box: everything the page says about the code (the form only echoes it)."""
    return re.search(r"<section.*?</section>", html, re.S).group(0)


@pytest.mark.parametrize("malformed", ["ABC", "!!!!!-?????", "KNS-2026-00001", "x" * 300, "ABCDE-FGHJK-2"])
def test_unknown_and_malformed_codes_get_the_same_answer(client, sessions, malformed):
    unknown = "ZZZZZ-ZZZZZ"
    assert all(r.booking_code != "ZZZZZZZZZZ" for r in sessions.values())
    first = _post(client, unknown)
    second = _post(client, malformed)
    assert first.status_code == second.status_code == 200
    html1, html2 = first.get_data(as_text=True), second.get_data(as_text=True)
    assert NOT_FOUND in html1 and 'data-result="not_found"' in html1
    assert _answer_part(html1) == _answer_part(html2)
    # The whole page but the echoed input is the same too.
    assert _without_echo(html1, unknown) == _without_echo(html2, malformed[:100])


def test_every_look_up_is_logged(client, sessions):
    genuine = sessions[S.SCHEDULED]
    _post(client, genuine.booking_code_display, ip="10.1.2.3")
    _post(client, "tidak-ada", ip="10.1.2.4")
    client.get(f"/verifikasi?kode={genuine.booking_code}", environ_overrides={"REMOTE_ADDR": "10.1.2.5"})
    rows = _lookups()
    assert [(r.result, r.request_id, r.client_ip, r.via_qr) for r in rows] == [
        ("genuine", genuine.id, "10.1.2.3", False),
        ("not_found", None, "10.1.2.4", False),
        ("genuine", genuine.id, "10.1.2.5", False),
    ]
    assert rows[0].code_entered == genuine.booking_code_display and rows[1].code_entered == "tidak-ada"
    assert all(r.looked_up_at is not None for r in rows)


def test_an_empty_code_asks_for_one_and_is_not_a_look_up(client, sessions):
    html = _post(client, "   ").get_data(as_text=True)
    assert "Masukkan kode pemesanan." in html and "data-result" not in html and _lookups() == []


def test_a_long_input_is_logged_cut(client, sessions):
    _post(client, "A" * 300)
    [row] = _lookups()
    assert row.code_entered == "A" * 40 and row.result == "not_found"


def test_the_twenty_first_look_up_in_a_minute_is_refused(client, sessions):
    for i in range(20):
        assert _post(client, f"ZZZZZ-ZZZ{i:02d}").status_code == 200
    refused = _post(client, sessions[S.SCHEDULED].booking_code)
    assert refused.status_code == 429
    html = refused.get_data(as_text=True)
    assert "Terlalu banyak pemeriksaan kode" in html and FEE in html and "data-result" not in html
    assert client.get(f"/verifikasi?kode={sessions[S.SCHEDULED].booking_code}").status_code == 429
    assert client.get("/verifikasi").status_code == 200  # the bare page stays open
    assert _post(client, "ZZZZZ-ZZZZZ", ip="10.9.9.9").status_code == 200  # another address
    assert len(_lookups()) == 21


def test_the_page_is_linked_from_the_navbar(client, sessions):
    html = client.get("/masuk").get_data(as_text=True)
    assert re.search(r'href="/verifikasi"[^>]*>Verifikasi Jadwal<', html)


def test_nothing_typed_is_said_in_the_error_summary(client, sessions):
    html = _post(client, "  ").get_data(as_text=True)
    summary = html.split('id="ringkasan-kesalahan"', 1)[1].split("</div>", 1)[0]
    assert "Kode belum dapat diperiksa:" in summary and "Masukkan kode pemesanan." in summary
    assert _lookups() == []
