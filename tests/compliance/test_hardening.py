"""The ledger against odd input: no open redirect after a refused void, stray "_" query keys,
months past year 9998 and LIKE wildcards in the Pemda filter."""

import pytest

from app.extensions import db
from tests.compliance.helpers import all_breaches, breach, login_as, text_of

EVIL = "https://evil.example/x"


@pytest.mark.parametrize("action", ["batalkan", "pulihkan"])
def test_an_invalid_reason_does_not_follow_the_referer(client, coordinator, pemda, action):
    b = breach(pemda, voided=action == "pulihkan")
    db.session.commit()
    login_as(client, coordinator)
    response = client.post(
        f"/koordinator/pelanggaran/{b.id}/{action}", data={"reason": ""}, headers={"Referer": EVIL}
    )
    # The ledger again (with the voided breaches), the refusal above the breach's form.
    assert response.status_code == 200 and "Location" not in response.headers
    page = response.get_data(as_text=True)
    assert "evil.example" not in page and 'id="ringkasan-kesalahan"' in page
    assert (all_breaches()[0].voided_at is None) == (action == "batalkan")


@pytest.mark.parametrize("url", ["/koordinator/", "/koordinator/pelanggaran"])
def test_underscore_query_keys_are_ignored(client, coordinator, url):
    login_as(client, coordinator)
    response = client.get(url, query_string={"_method": "FOO", "_external": "1"})
    assert response.status_code == 200


@pytest.mark.parametrize("month", ["9999-12", "10000-01", "1999-12", "2026-13", "2026-1x", "0-0"])
def test_a_month_out_of_range_is_not_a_500(client, coordinator, pemda, month):
    breach(pemda)
    db.session.commit()
    login_as(client, coordinator)
    response = client.get("/koordinator/pelanggaran", query_string={"month": month})
    assert response.status_code == 200
    assert text_of(response).count('class="card mb-2 breach') == 1  # the filter is left out


def test_a_good_month_still_filters(client, coordinator, pemda):
    breach(pemda)
    db.session.commit()
    login_as(client, coordinator)
    assert text_of(client.get("/koordinator/pelanggaran?month=2026-12")).count('class="card mb-2 breach') == 1
    assert text_of(client.get("/koordinator/pelanggaran?month=2026-11")).count('class="card mb-2 breach') == 0


@pytest.mark.parametrize("text", ["%", "_", "Bre%es", "B_ebes"])
def test_like_wildcards_in_the_pemda_filter_match_literally(client, coordinator, pemda, text):
    breach(pemda)
    db.session.commit()
    login_as(client, coordinator)
    page = text_of(client.get("/koordinator/pelanggaran", query_string={"pemda": text}))
    assert page.count('class="card mb-2 breach') == 0


def test_the_pemda_filter_still_finds_a_part_of_the_name(client, coordinator, pemda):
    breach(pemda)
    db.session.commit()
    login_as(client, coordinator)
    page = text_of(client.get("/koordinator/pelanggaran", query_string={"pemda": "rebe"}))
    assert page.count('class="card mb-2 breach') == 1
