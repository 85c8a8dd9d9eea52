"""The breach cards of a visit: a voided one is not faded (opacity took its text and the note
form's button below 4.5:1 contrast, axe-core's finding), and an empty note is not sent (the
note box is required; the server still refuses one)."""

import re

from app.compliance import services as compliance
from app.extensions import db
from tests.checkin import helpers
from tests.checkin.helpers import checkin_data


def test_a_voided_breach_is_struck_through_not_faded(client, auth, receptionist, pemda):
    req = helpers.session(pemda, confirmed_guests=5)
    db.session.commit()
    auth.login(receptionist)
    client.post(f"/resepsionis/kunjungan/{req.id}", data=checkin_data(range(5), extra=[("Ajudan", "")]))
    (breach,) = helpers.breaches()
    compliance.void_breach(breach, reason="Salah centang", actor=receptionist)
    db.session.commit()
    page = client.get(f"/resepsionis/kunjungan/{req.id}").get_data(as_text=True)
    card = re.search(rf'<div class="card[^"]*" id="pelanggaran-{breach.id}"', page).group(0)
    assert "opacity" not in card
    assert "<s>" in page and "Dibatalkan: Salah centang" in page


def test_the_note_box_is_required(client, auth, receptionist, pemda):
    req = helpers.session(pemda, confirmed_guests=5)
    db.session.commit()
    auth.login(receptionist)
    client.post(f"/resepsionis/kunjungan/{req.id}", data=checkin_data(range(5), extra=[("Ajudan", "")]))
    (breach,) = helpers.breaches()
    page = client.get(f"/resepsionis/kunjungan/{req.id}").get_data(as_text=True)
    box = re.search(rf'<input[^>]*id="note-{breach.id}"[^>]*>', page).group(0)
    assert " required" in box
