"""The desk's name search takes % and _ as typed: "%" finds nothing rather than everything."""

import pytest

from app.checkin import queries
from app.extensions import db
from tests.checkin import helpers

NONE = "Tidak ada kunjungan tatap muka yang cocok hari ini."


@pytest.mark.parametrize("typed", ["%", "_", "Kab%Brebes", "Kab._Brebes", "\\"])
def test_wildcards_match_literally(client, auth, receptionist, pemda, typed):
    helpers.session(pemda)
    db.session.commit()
    auth.login(receptionist)
    page = client.get("/resepsionis/", query_string={"q": typed}).get_data(as_text=True)
    assert NONE in page
    assert queries.sessions_on(helpers.START.date(), name=typed) == []


def test_a_part_of_the_name_still_matches(client, auth, receptionist, pemda):
    req = helpers.session(pemda)
    db.session.commit()
    assert queries.sessions_on(helpers.START.date(), name="rebe") == [req]
    assert queries.sessions_on(helpers.START.date(), name="Kab. Brebes") == [req]
