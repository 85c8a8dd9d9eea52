"""A NUL byte in a query string or a form value is a bad request (400, the app's error page):
PostgreSQL refuses NUL in text, which would otherwise surface as a 500."""

from datetime import datetime

import pytest

from app.core.clock import WIB
from tests.people import frozen_at

frozen = frozen_at(datetime(2026, 12, 8, 9, 10, tzinfo=WIB))


def test_verification_query_with_nul_is_400(client):
    response = client.get("/verifikasi?kode=AB%00CD")
    assert response.status_code == 400
    assert "Permintaan tidak valid." in response.get_data(as_text=True)


def test_verification_form_with_nul_is_400(client):
    assert client.post("/verifikasi", data={"kode": "AB\x00CD"}).status_code == 400


@pytest.mark.parametrize(
    "url", ["/koordinator/pelanggaran?pemda=a%00b", "/resepsionis/?q=a%00b", "/koordinator/laporan?bulan=%00"]
)
def test_staff_pages_with_nul_are_400(client, auth, coordinator, url):
    auth.login(coordinator)
    assert client.get(url).status_code == 400


def test_login_form_with_nul_is_400(client):
    assert client.post("/masuk", data={"email": "a\x00@b.id", "password": "x"}).status_code == 400


def test_clean_requests_pass(client, auth, coordinator):
    auth.login(coordinator)
    assert client.get("/koordinator/pelanggaran?pemda=brebes").status_code == 200
    assert client.get("/verifikasi?kode=ABCDE-FGHJK").status_code == 200
