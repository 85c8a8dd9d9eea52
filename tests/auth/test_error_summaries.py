"""Every accounts form that comes back refused says why in an error summary above it
(id="ringkasan-kesalahan", where static/js/app.js puts the focus), whatever refused it: a
field, the login itself, or the rate limit."""

import re

import pytest

from app.auth import tokens
from app.auth.models import Role
from app.extensions import db
from tests import factories
from tests.auth.conftest import registration

SUMMARY = re.compile(
    r'<div class="alert[^"]*"[^>]*id="ringkasan-kesalahan" tabindex="-1"[^>]*>(.*?)</div>', re.S
)


def _summary(response) -> str:
    html = response.get_data(as_text=True)
    found = SUMMARY.findall(html)
    assert len(found) == 1, html
    return found[0]


def test_a_wrong_password_is_the_login_pages_summary(client):
    factories.user(Role.PEMDA, email="operator@brebeskab.go.id")
    db.session.commit()
    response = client.post("/masuk", data={"email": "operator@brebeskab.go.id", "password": "keliru sekali"})
    assert "Email atau kata sandi salah." in _summary(response)
    # Nothing else takes the focus from the summary.
    assert "autofocus" not in response.get_data(as_text=True)


def test_the_login_page_lists_empty_fields(client):
    text = _summary(client.post("/masuk", data={"email": "", "password": ""}))
    assert "Belum dapat masuk." in text and "Isi alamat email." in text and "Isi kata sandi." in text


def test_an_account_waiting_for_activation_is_told_in_the_summary(client):
    factories.user(Role.PEMDA, email="baru@brebeskab.go.id", active=False)
    db.session.commit()
    response = client.post("/masuk", data={"email": "baru@brebeskab.go.id", "password": factories.PASSWORD})
    assert "menunggu aktivasi oleh DJPK" in _summary(response)


def test_the_unverified_refusal_links_in_the_alerts_colour(client):
    factories.user(Role.PEMDA, email="belum@brebeskab.go.id", verified=False, active=False)
    db.session.commit()
    response = client.post("/masuk", data={"email": "belum@brebeskab.go.id", "password": factories.PASSWORD})
    summary = _summary(response)
    assert "belum diverifikasi" in summary
    assert 'class="alert-link" href="/verifikasi-email/kirim-ulang"' in summary  # 4.5:1 on yellow


def test_a_fresh_login_page_focuses_the_email_field(client):
    html = client.get("/masuk").get_data(as_text=True)
    assert "ringkasan-kesalahan" not in html and "autofocus" in html


@pytest.mark.parametrize(
    ("url", "data", "messages"),
    [
        (
            "/daftar",
            {"region_id": "", "confirm": "lain sama sekali"},
            ["Pilih daerah Anda.", "Kedua kata sandi tidak sama."],
        ),
        ("/lupa-kata-sandi", {"email": ""}, ["Tautan belum terkirim.", "Isi alamat email."]),
        ("/verifikasi-email/kirim-ulang", {"email": "siti@"}, ["Alamat email tidak valid."]),
    ],
)
def test_anonymous_forms_show_the_summary(client, url, data, messages):
    sent = registration(**data) if url == "/daftar" else data
    text = _summary(client.post(url, data=sent))
    for message in messages:
        assert message in text


def test_the_reset_form_shows_the_summary(client):
    user = factories.user(Role.PEMDA)
    db.session.commit()
    url = f"/atur-ulang-kata-sandi/{tokens.reset_token(user)}"
    response = client.post(url, data={"password": "gedung radius prawiro", "confirm": "gedung lain"})
    assert "Kedua kata sandi tidak sama." in _summary(response)


def test_the_account_page_shows_the_summary_of_the_form_sent(client, auth):
    user = factories.user(Role.PEMDA)
    db.session.commit()
    auth.login(user)
    response = client.post(
        "/akun",
        data={
            "pw-current_password": "bukan",
            "pw-password": "",
            "pw-confirm": "",
            "pw-submit": "Ganti kata sandi",
        },
    )
    text = _summary(response)
    assert "Kata sandi belum diganti." in text and "Isi kata sandi." in text
    response = client.post("/akun", data={"lang-locale": "fr", "lang-submit": "Simpan bahasa"})
    assert "Pilih bahasa." in _summary(response)
