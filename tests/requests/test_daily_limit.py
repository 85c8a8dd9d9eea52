"""A Pemda (a region and a unit type) may submit REQUESTS_PER_PEMDA_PER_DAY new requests per WIB
day, counted in the database: the next one is refused on the form with the reason, another
operator of the same Pemda counts too, the DPRD of the region and another region do not, and
the count starts again at midnight WIB."""

from datetime import datetime, timedelta

import pytest
from sqlalchemy import func, select

from app.core.clock import WIB
from app.extensions import db
from app.requests import limits
from app.requests.models import ConsultationRequest
from tests import factories
from tests.requests.helpers import NOW, form_data, text_of

LIMIT_MESSAGE = "Instansi Anda sudah mengajukan 3 permohonan hari ini, batas per hari adalah 3 permohonan."


@pytest.fixture(autouse=True)
def three_a_day(app, monkeypatch):
    monkeypatch.setitem(app.config, "REQUESTS_PER_PEMDA_PER_DAY", 3)


def submitted(owner, at: datetime, n: int = 1) -> None:
    for _ in range(n):
        factories.consultation(owner).submitted_at = at
    db.session.commit()


def requests_of(user) -> int:
    return db.session.scalar(
        select(func.count())
        .select_from(ConsultationRequest)
        .where(
            ConsultationRequest.region_id == user.region_id, ConsultationRequest.unit_type == user.unit_type
        )
    )


def send(client, auth, user, topics):
    auth.login(user)
    return client.post("/permohonan/baru", data=form_data(topics))


def test_the_request_over_the_limit_is_refused_on_the_form(client, auth, pemda, topics):
    submitted(pemda, NOW - timedelta(hours=2), 2)  # 07:00 WIB today
    assert send(client, auth, pemda, topics).status_code == 302  # the third: allowed
    response = send(client, auth, pemda, topics)
    assert response.status_code == 200
    page = text_of(response)
    assert "Permohonan belum dapat dikirim. Perbaiki 1 hal berikut:" in page
    assert LIMIT_MESSAGE in page and "besok (mulai pukul 00.00 WIB)" in page
    assert requests_of(pemda) == 3


def test_another_operator_of_the_same_pemda_counts_too(client, auth, pemda, topics):
    colleague = factories.pemda_user(factories.BREBES, name="Operator Kedua", email="kedua@brebeskab.go.id")
    submitted(colleague, NOW - timedelta(minutes=30), 3)
    assert LIMIT_MESSAGE in text_of(send(client, auth, pemda, topics))
    assert requests_of(pemda) == 3


def test_the_dprd_and_another_region_have_their_own_count(
    client, auth, pemda, dprd_same_region, other_pemda, topics
):
    submitted(pemda, NOW - timedelta(minutes=30), 3)
    assert send(client, auth, dprd_same_region, topics).status_code == 302
    auth.logout()
    assert send(client, auth, other_pemda, topics).status_code == 302


def test_the_count_is_per_wib_day(client, auth, pemda, topics):
    # 23:59 WIB yesterday is yesterday's; 00:00 WIB today is today's (17:00 UTC the day before).
    midnight = datetime(2026, 12, 1, 0, 0, tzinfo=WIB)
    submitted(pemda, midnight - timedelta(minutes=1), 5)
    submitted(pemda, midnight, 2)
    assert limits.submitted_on_day(pemda, NOW) == 2
    assert send(client, auth, pemda, topics).status_code == 302
    assert LIMIT_MESSAGE in text_of(send(client, auth, pemda, topics))
