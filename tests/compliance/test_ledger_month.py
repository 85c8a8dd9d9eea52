"""The ledger's month filter says when a month is not one (it used to drop "2026-13" silently
and list every month as if filtered)."""

import pytest

from app.extensions import db
from tests.compliance.helpers import breach, login_as, text_of


@pytest.mark.parametrize(
    ("month", "message"),
    [
        ("2026-13", "Bulan tidak valid; gunakan format TTTT-BB, misalnya 2023-04."),
        ("2026-1x", "Bulan tidak valid; gunakan format TTTT-BB, misalnya 2023-04."),
        ("1999-12", "Bulan 1999-12 di luar rentang yang dapat ditampilkan (2000 sampai 9998)."),
    ],
)
def test_a_month_that_is_none_is_said_and_left_out(client, coordinator, pemda, month, message):
    breach(pemda)
    db.session.commit()
    login_as(client, coordinator)
    response = client.get("/koordinator/pelanggaran", query_string={"month": month})
    # A filter form: like its other fields, the page is shown (200) with the field's error.
    assert response.status_code == 200
    page = text_of(response)
    assert f'<div class="invalid-feedback">{message}</div>' in page
    assert 'class="form-control form-control-sm is-invalid" id="month"' in page
    assert page.count('class="card mb-2 breach') == 1  # the filter is left out
