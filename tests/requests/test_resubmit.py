"""The same request form sent twice (Back and send again, a double click, two posts at the same
moment) makes one request; the second post lands on the first request's page with a notice."""

import re
import threading
from concurrent.futures import ThreadPoolExecutor

from sqlalchemy import func, select

from app.extensions import db
from app.requests import services
from app.requests.models import ConsultationRequest
from tests.requests.helpers import form_data, login_as, text_of

TOKEN = re.compile(r'name="token" type="hidden" value="([0-9a-f]{32})"')


def _count() -> int:
    db.session.expire_all()
    return db.session.scalar(select(func.count(ConsultationRequest.id)))


def _opened_form(client) -> str:
    """The one-time token of a freshly opened form."""
    match = TOKEN.search(client.get("/permohonan/baru").get_data(as_text=True))
    assert match, "the form carries a one-time token"
    return match.group(1)


def test_each_opened_form_has_its_own_token(client, pemda, topics):
    login_as(client, pemda)
    assert _opened_form(client) != _opened_form(client)


def test_back_then_send_again_makes_one_request(client, pemda, topics):
    login_as(client, pemda)
    data = {**form_data(topics), "token": _opened_form(client)}
    first = client.post("/permohonan/baru", data=dict(data))
    assert first.status_code == 302
    (req,) = db.session.scalars(select(ConsultationRequest)).all()
    again = client.post("/permohonan/baru", data=dict(data))
    assert again.status_code == 302
    assert again.headers["Location"].endswith(f"/permohonan/{req.id}")
    assert _count() == 1
    page = text_of(client.get(again.headers["Location"]))
    assert f"Permohonan {req.reference} sudah terkirim sebelumnya dari formulir yang sama" in page
    assert "tidak ada permohonan baru yang dibuat" in page


def test_resent_form_is_recognised_before_it_is_checked_again(client, pemda, topics, frozen):
    """Sent again later (its window has meanwhile passed), it still finds its request."""
    login_as(client, pemda)
    data = {**form_data(topics), "token": _opened_form(client)}
    assert client.post("/permohonan/baru", data=dict(data)).status_code == 302
    frozen.shift(3 * 24 * 3600)
    again = client.post("/permohonan/baru", data=dict(data))
    assert again.status_code == 302 and _count() == 1


def test_a_refused_form_keeps_its_token_and_is_sent_once(client, pemda, topics):
    login_as(client, pemda)
    token = _opened_form(client)
    refused = client.post("/permohonan/baru", data={**form_data(topics, members=0), "token": token})
    assert refused.status_code == 200 and TOKEN.search(refused.get_data(as_text=True)).group(1) == token
    data = {**form_data(topics), "token": token}
    assert client.post("/permohonan/baru", data=dict(data)).status_code == 302
    assert client.post("/permohonan/baru", data=dict(data)).status_code == 302
    assert _count() == 1


def test_the_unique_token_refuses_a_post_the_lookup_missed(client, pemda, topics, monkeypatch):
    """Two posts at the same moment: the second looked before the first committed, so only
    the unique column can stop it. It then lands on the first request."""
    login_as(client, pemda)
    data = {**form_data(topics), "token": _opened_form(client)}
    assert client.post("/permohonan/baru", data=dict(data)).status_code == 302
    (req,) = db.session.scalars(select(ConsultationRequest)).all()
    real = services._refuse_resubmission
    calls = []

    def too_early(user, form, token):
        calls.append(token)
        if len(calls) > 1:  # after the unique column refused the insert
            real(user, form, token)

    monkeypatch.setattr(services, "_refuse_resubmission", too_early)
    again = client.post("/permohonan/baru", data=dict(data))
    assert len(calls) == 2
    assert again.status_code == 302 and again.headers["Location"].endswith(f"/permohonan/{req.id}")
    assert _count() == 1


def test_two_posts_at_the_same_moment_make_one_request(app, pemda, topics):
    token_client = app.test_client()
    login_as(token_client, pemda)
    data = {**form_data(topics), "token": _opened_form(token_client)}
    clients = [app.test_client() for _ in range(2)]
    for c in clients:
        login_as(c, pemda)
    barrier = threading.Barrier(len(clients))

    def post(c):
        barrier.wait(timeout=30)
        response = c.post("/permohonan/baru", data=dict(data))
        return response.status_code, response.headers.get("Location")

    with ThreadPoolExecutor(max_workers=len(clients)) as pool:
        results = list(pool.map(post, clients))
    assert _count() == 1
    (req,) = db.session.scalars(select(ConsultationRequest)).all()
    assert [status for status, _ in results] == [302, 302]
    assert all(location.endswith(f"/permohonan/{req.id}") for _, location in results)


def test_a_form_without_token_is_not_deduplicated(client, pemda, topics):
    """Old pages open before this change carry no token: each post counts, as before."""
    login_as(client, pemda)
    data = form_data(topics)
    assert client.post("/permohonan/baru", data=dict(data)).status_code == 302
    assert client.post("/permohonan/baru", data=dict(data)).status_code == 302
    assert _count() == 2
