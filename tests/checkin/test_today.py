"""Today's list: face-to-face sessions by time with their confirmation state; search by code
or Pemda name."""

from datetime import timedelta

from app.extensions import db
from tests import factories
from tests.checkin import helpers


def test_today_lists_only_todays_ftf_sessions_by_time(client, auth, receptionist, pemda):
    later = helpers.session(pemda, start=helpers.START + timedelta(hours=4), confirmed_guests=None)
    early = helpers.session(pemda, confirmed_guests=3)
    helpers.session(pemda, start=helpers.START + timedelta(days=1))
    helpers.session(pemda, mode=helpers.Mode.VC)
    later.unconfirmed_flagged_at = helpers.NOW
    db.session.commit()
    auth.login(receptionist)
    page = client.get("/resepsionis/").get_data(as_text=True)
    assert page.count('href="/resepsionis/kunjungan/') == 2
    assert page.index(f"/resepsionis/kunjungan/{early.id}") < page.index(f"/resepsionis/kunjungan/{later.id}")
    assert "Kehadiran dikonfirmasi" in page and "3 orang" in page
    assert "Tidak dikonfirmasi sampai batas waktu" in page
    assert "09.00 WIB" in page


def test_typing_the_code_opens_the_visit(client, auth, receptionist, pemda):
    req = helpers.session(pemda)
    db.session.commit()
    auth.login(receptionist)
    typed = req.booking_code_display.lower().replace("-", " ")
    response = client.get("/resepsionis/", query_string={"q": typed})
    assert response.status_code == 302
    assert response.headers["Location"].endswith(f"/resepsionis/kunjungan/{req.id}")


def test_the_scanned_verification_url_code_works_too(client, auth, receptionist, pemda):
    # desk-scan.js takes ?kode= from the QR's URL; the server gets the code as typed.
    req = helpers.session(pemda)
    db.session.commit()
    auth.login(receptionist)
    response = client.get("/resepsionis/", query_string={"q": req.booking_code})
    assert response.headers["Location"].endswith(f"/kunjungan/{req.id}")


def test_search_by_pemda_name(client, auth, receptionist, pemda):
    other = factories.pemda_user(factories.JAYAPURA)
    helpers.session(pemda)
    helpers.session(other, start=helpers.START + timedelta(hours=2))
    db.session.commit()
    auth.login(receptionist)
    page = client.get("/resepsionis/", query_string={"q": "brebes"}).get_data(as_text=True)
    assert "Kab. Brebes" in page and "Kota Jayapura" not in page
    page = client.get("/resepsionis/", query_string={"q": "Nowhere"}).get_data(as_text=True)
    assert "Tidak ada kunjungan tatap muka yang cocok hari ini." in page


def test_the_page_serves_the_vendored_qr_reader(client, auth, receptionist):
    auth.login(receptionist)
    page = client.get("/resepsionis/").get_data(as_text=True)
    assert "/static/vendor/jsqr/jsQR." in page and "/static/js/desk-scan." in page  # name.<hash>.js
    for name in ("jsQR.js", "LICENSE"):
        response = client.get(f"/static/vendor/jsqr/{name}")
        assert response.status_code == 200
        response.close()
