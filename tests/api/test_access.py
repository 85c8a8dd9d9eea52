"""Who may call what on /api/v1: tokens, scopes, roles and other Pemda's records.

Every operation answers 401 without a usable token (none, malformed, unknown, expired,
revoked, an owner no longer active), 403 without its scope, and shows only what the owner
may see on the web pages: another Pemda's request is 404, its rows never listed.
"""

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select

from app.api.models import ApiToken
from app.auth.models import Role
from app.compliance.models import Breach, RecordedBy
from app.core.clock import now_utc
from app.domain.policy import Mode
from app.domain.states import RequestState
from app.extensions import db
from tests import factories
from tests.api.helpers import bearer, token_for
from tests.people import frozen_at
from tests.scheduling.factories import narasumber

NOW = datetime(2026, 12, 8, 2, 10, tzinfo=UTC)  # Tuesday 8 December 2026, 09:10 WIB
frozen = frozen_at(NOW)

PROTECTED = (
    "/api/v1/requests",
    "/api/v1/sessions?start=2026-12-01&end=2026-12-31",
    "/api/v1/breaches",
)


@pytest.fixture
def world(app, frozen):
    brebes = factories.pemda_user(factories.BREBES, name="Operator Brebes")
    other = factories.pemda_user(factories.BALIKPAPAN, name="Operator Balikpapan")
    coordinator = factories.user(Role.COORDINATOR)
    own = factories.consultation(brebes, mode=Mode.VC, agenda="Agenda Brebes")
    theirs = factories.consultation(other, mode=Mode.VC, agenda="Agenda Balikpapan")
    db.session.commit()
    return {"brebes": brebes, "other": other, "coordinator": coordinator, "own": own, "theirs": theirs}


def _problem(response, status: int, slug: str | None = None) -> dict:
    assert response.status_code == status, response.get_data(as_text=True)
    assert response.mimetype == "application/problem+json"
    body = response.get_json(force=True)
    assert body["status"] == status and body["title"] and body["hint"]
    if slug:
        assert body["type"].endswith("/" + slug)
    return body


@pytest.mark.parametrize("url", PROTECTED)
def test_no_token_is_401_with_a_problem_and_a_challenge(client, world, url):
    response = client.get(url)
    _problem(response, 401, "unauthenticated")
    assert response.headers["WWW-Authenticate"].startswith("Bearer")


@pytest.mark.parametrize(
    "header",
    ["Bearer", "Bearer ", "Basic dXNlcjpwYXNz", "Bearer kdjpk_tidak-ada", "Bearer " + "x" * 500, "kdjpk_abc"],
)
def test_a_malformed_or_unknown_token_is_401(client, world, header):
    _problem(client.get("/api/v1/requests", headers={"Authorization": header}), 401)


def test_an_expired_token_is_401(client, world, frozen):
    secret = token_for(world["brebes"], "requests:read", days=30)
    assert client.get("/api/v1/requests", headers=bearer(secret)).status_code == 200
    frozen.move_to(NOW + timedelta(days=30, seconds=1))
    _problem(client.get("/api/v1/requests", headers=bearer(secret)), 401)


def test_a_revoked_token_and_a_deactivated_owner_are_401(client, world):
    secret = token_for(world["brebes"], "requests:read")
    other_secret = token_for(world["coordinator"], "requests:read")
    token = db.session.scalars(select(ApiToken).where(ApiToken.owner_id == world["brebes"].id)).one()
    token.revoked_at = now_utc()
    world["coordinator"].deactivated_at = now_utc()
    db.session.commit()
    _problem(client.get("/api/v1/requests", headers=bearer(secret)), 401)
    _problem(client.get("/api/v1/requests", headers=bearer(other_secret)), 401)


def test_only_the_hash_is_stored_and_last_use_is_noted(client, world, frozen):
    secret = token_for(world["brebes"], "requests:read")
    token = db.session.scalars(select(ApiToken)).one()
    assert secret not in (token.token_hash, token.prefix) and secret.startswith(token.prefix)
    assert token.last_used_at is None
    client.get("/api/v1/requests", headers=bearer(secret))
    db.session.expire_all()
    assert db.session.get(ApiToken, token.id).last_used_at == NOW


def test_a_missing_scope_is_403_naming_it(client, world):
    secret = token_for(world["brebes"], "breaches:read")
    body = _problem(client.get("/api/v1/requests", headers=bearer(secret)), 403, "insufficient-scope")
    assert "requests:read" in body["detail"]


def test_a_scope_the_role_may_not_hold_is_refused_even_if_stored(client, world):
    """A token row edited to hold reports:read for a Pemda (or an owner whose role changed)
    gets no more than the role allows."""
    secret = token_for(world["coordinator"], "sessions:read", "reports:read")
    world["coordinator"].role = Role.NARASUMBER  # narasumber may not hold reports:read
    db.session.commit()
    from app.api.scopes import holds

    token = db.session.scalars(select(ApiToken)).one()
    assert holds(token, "sessions:read") and not holds(token, "reports:read")
    assert (
        client.get("/api/v1/sessions?start=2026-12-01&end=2026-12-02", headers=bearer(secret)).status_code
        == 200
    )


def test_a_signed_in_browser_is_anonymous_on_the_api(client, auth, world):
    """No cookie ever authenticates an API call: a page on another site cannot use a signed-in
    browser to call it (and so the API needs no CSRF token)."""
    auth.login(world["brebes"])
    assert client.get("/permohonan/").status_code == 200
    _problem(client.get("/api/v1/requests"), 401)
    assert "Set-Cookie" not in client.get("/api/v1/requests").headers


def test_a_pemda_lists_and_reads_only_its_own_requests(client, world):
    secret = token_for(world["brebes"], "requests:read")
    listed = client.get("/api/v1/requests", headers=bearer(secret)).get_json()
    assert [r["id"] for r in listed["items"]] == [world["own"].id]
    assert listed["next_cursor"] is None
    own = client.get(f"/api/v1/requests/{world['own'].id}", headers=bearer(secret))
    assert own.status_code == 200 and own.get_json()["agenda"] == "Agenda Brebes"
    _problem(client.get(f"/api/v1/requests/{world['theirs'].id}", headers=bearer(secret)), 404)
    _problem(client.get("/api/v1/requests/999999", headers=bearer(secret)), 404)


def test_a_coordinator_sees_the_queue_with_its_filters(client, world):
    secret = token_for(world["coordinator"], "requests:read")
    world["theirs"].state = RequestState.CHANGES_REQUESTED
    db.session.commit()
    ids = {r["id"] for r in client.get("/api/v1/requests", headers=bearer(secret)).get_json()["items"]}
    assert ids == {world["own"].id, world["theirs"].id}
    filtered = client.get("/api/v1/requests?state=changes_requested", headers=bearer(secret)).get_json()
    assert [r["id"] for r in filtered["items"]] == [world["theirs"].id]
    assert filtered["items"][0]["state_label"]
    body = _problem(client.get("/api/v1/requests?state=bogus", headers=bearer(secret)), 422, "invalid")
    assert "state" in body["errors"]


def test_a_narasumber_sees_only_the_sessions_assigned_to_them(client, world):
    from tests.checkin import helpers as desk

    ani, budi = narasumber("Ani Rahmawati"), narasumber("Budi Santoso")
    session = desk.session(world["brebes"], narasumber=ani)
    db.session.commit()
    day = session.scheduled_start.date().isoformat()
    url = f"/api/v1/sessions?start={day}&end={day}"
    mine = client.get(url, headers=bearer(token_for(ani.user, "sessions:read"))).get_json()
    assert [s["request_id"] for s in mine["items"]] == [session.id]
    assert client.get(url, headers=bearer(token_for(budi.user, "sessions:read"))).get_json()["items"] == []
    theirs = client.get(url, headers=bearer(token_for(world["other"], "sessions:read"))).get_json()
    assert theirs["items"] == []
    ours = client.get(url, headers=bearer(token_for(world["brebes"], "sessions:read"))).get_json()
    assert [s["request_id"] for s in ours["items"]] == [session.id]


def test_a_pemda_reads_only_its_own_breaches(client, world):
    for owner in (world["brebes"], world["other"]):
        db.session.add(
            Breach(
                type_code="walk_in",
                region_id=owner.region_id,
                unit_type=owner.unit_type,
                recorded_by_kind=RecordedBy.RECEPTIONIST,
                recorded_at=NOW,
                evidence={},
            )
        )
    db.session.commit()
    own = client.get(
        "/api/v1/breaches", headers=bearer(token_for(world["brebes"], "breaches:read"))
    ).get_json()
    assert len(own["items"]) == 1 and own["items"][0]["service_user"].startswith("Kab. Brebes")
    everything = client.get("/api/v1/breaches", headers=bearer(token_for(world["coordinator"]))).get_json()
    assert len(everything["items"]) == 2


def test_the_monthly_report_is_for_coordinators_with_the_scope(client, world):
    secret = token_for(world["coordinator"], "reports:read")
    body = client.get("/api/v1/reports/monthly/2026-11", headers=bearer(secret)).get_json()
    assert body["month"] == "2026-11" and {"video_conference", "face_to_face", "breaches", "summary"} <= set(
        body
    )
    bad = client.get("/api/v1/reports/monthly/2026-13", headers=bearer(secret))
    assert bad.status_code == 422 and "month" in bad.get_json(force=True)["errors"]
    pemda = token_for(world["brebes"])  # every scope a Pemda may hold: not reports:read
    _problem(client.get("/api/v1/reports/monthly/2026-11", headers=bearer(pemda)), 403, "insufficient-scope")


def test_the_queue_filters_of_the_page_apply(client, world):
    secret = token_for(world["coordinator"], "requests:read")
    dbh = factories.topic("DBH", "Dana Bagi Hasil")
    world["theirs"].topics = [dbh]
    db.session.commit()

    def ids(query):
        response = client.get(f"/api/v1/requests?{query}", headers=bearer(secret))
        assert response.status_code == 200, response.get_data(as_text=True)
        return {r["id"] for r in response.get_json()["items"]}

    assert ids("topic=dbh") == {world["theirs"].id}
    assert ids("topic=TIDAKADA") == set()
    assert ids("region=brebes") == {world["own"].id}
    assert ids("zone=WITA") == {world["theirs"].id}  # Balikpapan
    assert ids("date_from=2026-12-09") == set()
    assert ids("date_from=2026-12-08&date_to=2026-12-08") == {world["own"].id, world["theirs"].id}
    assert client.get("/api/v1/requests?zone=UTC", headers=bearer(secret)).status_code == 422
