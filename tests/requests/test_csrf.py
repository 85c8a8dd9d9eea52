"""CSRF protection on the request forms (off in Testing, switched on here)."""

import re
from datetime import UTC, datetime

import pytest

from app.domain.policy import Mode
from app.domain.states import RequestState
from app.extensions import db
from tests import factories
from tests.requests.helpers import form_data, login_as

TOKEN = re.compile(r'name="csrf_token" type="hidden" value="([^"]+)"|value="([^"]+)" name="csrf_token"')


@pytest.fixture
def csrf_on(app, monkeypatch):
    monkeypatch.setitem(app.config, "WTF_CSRF_ENABLED", True)


def token_of(client, path: str) -> str:
    html = client.get(path).get_data(as_text=True)
    match = TOKEN.search(html)
    assert match, html
    return match.group(1) or match.group(2)


def test_new_request_needs_the_token(client, pemda, topics, csrf_on):
    login_as(client, pemda)
    assert client.post("/permohonan/baru", data=form_data(topics)).status_code == 400
    data = {**form_data(topics), "csrf_token": token_of(client, "/permohonan/baru")}
    assert client.post("/permohonan/baru", data=data).status_code == 302


def test_withdraw_needs_the_token(client, pemda, topics, csrf_on):
    req = factories.consultation(pemda, mode=Mode.VC, start=datetime(2026, 12, 15, 2, tzinfo=UTC))
    db.session.commit()
    login_as(client, pemda)
    assert client.post(f"/permohonan/{req.id}/tarik", data={}).status_code == 400
    db.session.refresh(req)
    assert req.state == RequestState.SUBMITTED
    token = token_of(client, f"/permohonan/{req.id}/tarik")  # the confirmation page
    assert (
        client.post(f"/permohonan/{req.id}/tarik", data={"csrf_token": token, "confirm": "y"}).status_code
        == 302
    )
    db.session.refresh(req)
    assert req.state == RequestState.CANCELLED
