"""The API's conventions: cursor pagination, ETag and 304, problem documents in the caller's
language, RFC 3339 times, and the public verification rate limited as its page."""

from datetime import UTC, datetime, timedelta

import pytest

from app.auth.models import Role
from app.domain.policy import Mode
from app.extensions import db
from tests import factories
from tests.api.helpers import bearer, token_for
from tests.people import frozen_at

NOW = datetime(2026, 12, 8, 2, 10, tzinfo=UTC)
frozen = frozen_at(NOW)


@pytest.fixture
def coordinator_token(app, frozen):
    return token_for(factories.user(Role.COORDINATOR), "requests:read", "sessions:read")


def test_cursor_pages_walk_every_row_once_newest_first(client, frozen, coordinator_token):
    owner = factories.pemda_user()
    made = []
    for n in range(25):
        frozen.move_to(NOW + timedelta(minutes=n % 7))  # equal times too: the id breaks ties
        made.append(factories.consultation(owner, mode=Mode.VC).id)
    db.session.commit()
    seen, cursor, pages = [], None, 0
    while True:
        url = "/api/v1/requests?limit=10" + (f"&cursor={cursor}" if cursor else "")
        body = client.get(url, headers=bearer(coordinator_token)).get_json()
        seen += [r["submitted_at"] + "#" + str(r["id"]) for r in body["items"]]
        pages += 1
        cursor = body["next_cursor"]
        if cursor is None:
            break
    assert pages == 3 and len(seen) == 25 and len(set(seen)) == 25
    keys = [(datetime.fromisoformat(s.split("#")[0]), int(s.split("#")[1])) for s in seen]
    assert keys == sorted(keys, reverse=True)


@pytest.mark.parametrize("cursor", ["bukan-kursor", "WzFd", "W251bGwsMV0", "eyJhIjoxfQ"])
def test_a_cursor_not_ours_is_422_naming_the_field(client, coordinator_token, cursor):
    response = client.get(f"/api/v1/requests?cursor={cursor}", headers=bearer(coordinator_token))
    assert response.status_code == 422
    assert "cursor" in response.get_json(force=True)["errors"]


def test_an_unchanged_read_answers_304_to_its_etag(client, coordinator_token):
    owner = factories.pemda_user()
    req = factories.consultation(owner, mode=Mode.VC)
    db.session.commit()
    first = client.get(f"/api/v1/requests/{req.id}", headers=bearer(coordinator_token))
    etag = first.headers["ETag"]
    again = client.get(
        f"/api/v1/requests/{req.id}", headers=bearer(coordinator_token, **{"If-None-Match": etag})
    )
    assert again.status_code == 304 and again.get_data() == b""
    assert again.headers["ETag"] == etag and "Content-Type" not in again.headers
    req.agenda = "Agenda yang diubah"
    db.session.commit()
    changed = client.get(
        f"/api/v1/requests/{req.id}", headers=bearer(coordinator_token, **{"If-None-Match": etag})
    )
    assert changed.status_code == 200 and changed.headers["ETag"] != etag


def test_times_are_rfc3339_with_an_offset(client, coordinator_token):
    req = factories.consultation(factories.pemda_user(), mode=Mode.VC)
    db.session.commit()
    body = client.get(f"/api/v1/requests/{req.id}", headers=bearer(coordinator_token)).get_json()
    for value in (body["submitted_at"], body["preferred_windows"][0]["start"]):
        assert datetime.fromisoformat(value).utcoffset() == timedelta(0)
        assert value.endswith("+00:00")


def test_problems_speak_indonesian_unless_english_is_asked(client, coordinator_token):
    indonesian = client.get("/api/v1/requests?limit=0", headers=bearer(coordinator_token)).get_json(
        force=True
    )
    assert indonesian["title"] == "Isian tidak valid." and indonesian["errors"]["limit"] == [
        "Harus antara 1 dan 100."
    ]
    english = client.get(
        "/api/v1/requests?limit=0", headers=bearer(coordinator_token, **{"Accept-Language": "en-US,en;q=0.9"})
    )
    body = english.get_json(force=True)
    assert english.headers["Content-Language"] == "en"
    assert body["title"] == "Invalid input." and body["errors"]["limit"] == ["Must be between 1 and 100."]


def test_a_session_range_over_92_days_or_backwards_is_422(client, coordinator_token):
    for query in ("start=2026-01-01&end=2026-06-01", "start=2026-12-08&end=2026-12-01", "start=2026-12-01"):
        response = client.get(f"/api/v1/sessions?{query}", headers=bearer(coordinator_token))
        assert response.status_code == 422, query
        assert response.get_json(force=True)["errors"]


def test_verification_is_public_and_shares_the_pages_rate_limit(app, client, frozen):
    from tests.checkin import helpers as desk

    session = desk.session(factories.pemda_user())
    db.session.commit()
    code = session.booking_code
    body = client.get(f"/api/v1/verification/{code}").get_json()
    assert body["result"] == "genuine" and body["code"] == session.booking_code_display
    assert client.get("/api/v1/verification/ZZZZ-ZZZZ").get_json()["result"] == "not_found"
    limit = int(app.config.get("VERIFY_LIMIT", "20 per minute").split()[0])
    for _ in range(limit - 3):
        client.get("/verifikasi?kode=ZZZZ-ZZZZ")  # the page counts on the same counter
    assert client.get("/api/v1/verification/ZZZZ-ZZZZ").status_code == 200
    limited = client.get("/api/v1/verification/ZZZZ-ZZZZ")
    assert limited.status_code == 429 and limited.mimetype == "application/problem+json"
    assert limited.headers.get("Retry-After")


def test_unknown_paths_and_methods_are_problems(client, coordinator_token):
    missing = client.get("/api/v1/tidak-ada", headers=bearer(coordinator_token))
    assert missing.status_code == 404 and missing.mimetype == "application/problem+json"
    wrong = client.delete("/api/v1/requests", headers=bearer(coordinator_token))
    assert wrong.status_code == 405 and wrong.mimetype == "application/problem+json"
    assert "GET" in wrong.headers["Allow"]


def test_each_token_has_its_own_rate_limit_with_ratelimit_headers(
    app, client, coordinator_token, monkeypatch
):
    monkeypatch.setitem(app.config, "API_RATE_LIMIT", "3 per minute")
    other = token_for(factories.user(Role.COORDINATOR), "requests:read")
    answers = [client.get("/api/v1/requests", headers=bearer(coordinator_token)) for _ in range(4)]
    assert [a.status_code for a in answers] == [200, 200, 200, 429]
    first = answers[0].headers
    assert first["RateLimit-Limit"] == "3" and first["RateLimit-Remaining"] == "2"
    assert first["RateLimit-Policy"] == "3;w=60" and 0 <= int(first["RateLimit-Reset"]) <= 60
    assert answers[3].mimetype == "application/problem+json" and answers[3].headers["Retry-After"]
    assert client.get("/api/v1/requests", headers=bearer(other)).status_code == 200
