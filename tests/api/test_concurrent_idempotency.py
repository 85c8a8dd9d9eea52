"""Fifty calls with one Idempotency-Key at the same moment, against a real threaded server on
PostgreSQL: one request and one email; every call answers 201 with that request. And fifty
calls each with its own key: the Pemda's daily limit still holds under its lock."""

import threading
from concurrent.futures import ThreadPoolExecutor

import pytest
import requests
from sqlalchemy import func, select

from app.extensions import db
from app.outbox.models import OutboxMessage
from app.requests.models import ConsultationRequest
from tests.api.conftest import vc_body
from tests.api.helpers import token_for
from tests.live import serving

CALLS = 50


@pytest.fixture
def server(app):
    with serving(app) as url:
        yield url


def _at_once(server: str, secret: str, keys: list[str]) -> list[requests.Response]:
    start = threading.Barrier(len(keys))

    def call(key):
        with requests.Session() as one:
            start.wait(timeout=30)
            return one.post(
                f"{server}/api/v1/requests",
                headers={"Authorization": f"Bearer {secret}", "Idempotency-Key": key},
                data=vc_body(),
                timeout=120,
            )

    with ThreadPoolExecutor(len(keys)) as pool:
        return list(pool.map(call, keys))


def _count(model, *where) -> int:
    db.session.expire_all()
    return db.session.scalar(select(func.count()).select_from(model).where(*where))


@pytest.mark.postgres
def test_fifty_calls_with_one_key_make_one_request(server, operator):
    secret = token_for(operator, "requests:write")
    answers = _at_once(server, secret, ["satu-kunci"] * CALLS)
    (req,) = db.session.scalars(select(ConsultationRequest)).all()
    assert [a.status_code for a in answers] == [201] * CALLS
    assert {a.json()["id"] for a in answers} == {req.id}
    assert sum(a.headers.get("Idempotent-Replayed") == "true" for a in answers) == CALLS - 1
    assert _count(OutboxMessage, OutboxMessage.kind == "requests/received") == 1


@pytest.mark.postgres
def test_the_daily_limit_holds_for_calls_with_different_keys(app, server, operator, monkeypatch):
    monkeypatch.setitem(app.config, "REQUESTS_PER_PEMDA_PER_DAY", 3)
    secret = token_for(operator, "requests:write")
    answers = _at_once(server, secret, [f"kunci-{n}" for n in range(20)])
    assert sorted(a.status_code for a in answers) == [201] * 3 + [422] * 17
    assert _count(ConsultationRequest) == 3
