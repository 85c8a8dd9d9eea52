"""The Pemda rates a held session once; nobody else can."""

import pytest

from app.auth.models import Role
from app.core.audit import AuditLog
from app.domain.states import RequestState
from app.extensions import db
from app.satisfaction import services
from app.satisfaction.models import SatisfactionRating
from tests import factories
from tests.requests.helpers import login_as


def post(client, req, **data):
    form = {"service_score": "4", "substance_score": "5", "comment": "Jawaban jelas."}
    form.update(data)
    return client.post(f"/permohonan/{req.id}/penilaian", data=form)


def test_pemda_rates_a_held_session(client, pemda, held):
    req = held()
    login_as(client, pemda)
    page = client.get(f"/permohonan/{req.id}/penilaian")
    assert page.status_code == 200 and "Kirim penilaian" in page.text
    response = post(client, req)
    assert response.status_code == 302
    rating = db.session.scalars(db.select(SatisfactionRating)).one()
    assert (rating.service_score, rating.substance_score, rating.comment) == (4, 5, "Jawaban jelas.")
    assert rating.rated_by_id == pemda.id
    assert db.session.scalars(db.select(AuditLog).filter_by(action="satisfaction.rate")).one()
    detail = client.get(f"/permohonan/{req.id}")
    assert "Pelayanan: 4 dari 5" in detail.text


def test_a_session_is_rated_once(client, pemda, held):
    req = held()
    login_as(client, pemda)
    post(client, req)
    again = post(client, req, service_score="1")
    assert "sudah dinilai" in again.text
    assert db.session.scalar(db.select(db.func.count(SatisfactionRating.id))) == 1
    assert db.session.scalars(db.select(SatisfactionRating)).one().service_score == 4


def test_service_refuses_a_second_rating_and_unheld_sessions(app, pemda, held):
    req = held()
    scheduled = held(state=RequestState.SCHEDULED)
    with app.test_request_context():
        services.rate(pemda, req, 3, 3, None)
        db.session.commit()
        with pytest.raises(services.RatingRefused):
            services.rate(pemda, req, 5, 5, None)
        with pytest.raises(services.RatingRefused, match="setelah konsultasi terlaksana"):
            services.rate(pemda, scheduled, 5, 5, None)
        with pytest.raises(services.RatingRefused, match="1 sampai 5"):
            services.rate(pemda, held(), 0, 5, None)


@pytest.mark.parametrize(("service", "substance"), [("0", "3"), ("6", "3"), ("3", ""), ("x", "3")])
def test_scores_outside_1_to_5_are_refused_with_a_message(client, pemda, held, service, substance):
    req = held()
    login_as(client, pemda)
    response = post(client, req, service_score=service, substance_score=substance)
    assert response.status_code == 200
    assert "invalid-feedback" in response.text
    assert db.session.scalar(db.select(db.func.count(SatisfactionRating.id))) == 0


def test_comment_longer_than_2000_characters_is_refused(client, pemda, held):
    req = held()
    login_as(client, pemda)
    response = post(client, req, comment="x" * 2001)
    assert "paling banyak 2.000 karakter" in response.text
    assert db.session.scalar(db.select(db.func.count(SatisfactionRating.id))) == 0


def test_a_scheduled_session_cannot_be_rated_yet(client, pemda, held):
    req = held(state=RequestState.SCHEDULED)
    login_as(client, pemda)
    page = client.get(f"/permohonan/{req.id}/penilaian")
    assert "setelah konsultasi terlaksana" in page.text
    post(client, req)
    assert db.session.scalar(db.select(db.func.count(SatisfactionRating.id))) == 0


def test_another_pemda_and_the_dprd_of_the_same_region_get_404(client, held, dprd_same_region):
    req = held()
    other = factories.pemda_user(factories.BALIKPAPAN)
    db.session.commit()
    for user in (other, dprd_same_region):
        login_as(client, user)
        assert client.get(f"/permohonan/{req.id}/penilaian").status_code == 404
        assert post(client, req).status_code == 404
    assert db.session.scalar(db.select(db.func.count(SatisfactionRating.id))) == 0


def test_staff_cannot_rate(client, held, coordinator):
    req = held()
    login_as(client, coordinator)
    assert post(client, req).status_code == 403
    narasumber = factories.user(Role.NARASUMBER)
    db.session.commit()
    login_as(client, narasumber)
    assert client.get(f"/permohonan/{req.id}/penilaian").status_code == 403


def test_a_refused_rating_is_summed_up_above_the_form(client, pemda, held):
    req = held()
    login_as(client, pemda)
    html = post(client, req, service_score="", substance_score="").text
    summary = html.split('id="ringkasan-kesalahan"', 1)[1].split("</div>", 1)[0]
    assert "Pilih nilai pelayanan, 1 sampai 5." in summary
    assert "Pilih nilai substansi jawaban, 1 sampai 5." in summary
    # Each item links to its group of scores.
    assert (
        'href="#service_score-0"' in summary
        and 'id="service_score-0"' in html
        and '<fieldset class="mb-4" id="service_score">' in html
    )
