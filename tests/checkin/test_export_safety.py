"""The visitor log (buku tamu) CSV writes guest names and positions typed at the desk or by a
Pemda as text, never as a spreadsheet formula."""

import csv
import io

from app.extensions import db
from tests.checkin import helpers
from tests.checkin.helpers import checkin_data


def test_visitor_log_escapes_formulas(client, auth, receptionist, pemda):
    req = helpers.session(pemda, confirmed_guests=1)
    req.confirmation.guests[0].name = '=HYPERLINK("https://evil.example")'
    req.confirmation.guests[0].title = "@SUM(1+1)"
    db.session.commit()
    auth.login(receptionist)
    client.post(f"/resepsionis/kunjungan/{req.id}", data=checkin_data([0], extra=[("+62 Tamu", "-Staf")]))
    response = client.get("/resepsionis/buku-tamu.csv", query_string={"date": "2026-12-08"})
    rows = list(csv.reader(io.StringIO(response.get_data(as_text=True).lstrip("\ufeff"))))
    guests = [(r[7], r[8]) for r in rows[1:]]
    assert guests == [
        ('\'=HYPERLINK("https://evil.example")', "'@SUM(1+1)"),
        ("'+62 Tamu", "'-Staf"),
    ]
    assert rows[1][0] == "2026-12-08" and rows[1][1] == "09:10"
