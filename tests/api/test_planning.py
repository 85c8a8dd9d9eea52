"""A coordinator's planning reads: slot suggestions for a request and the narasumber's
availability; nobody else may read them."""

from app.auth.models import Role
from app.extensions import db
from tests import factories
from tests.api.helpers import bearer, token_for
from tests.scheduling.coord_helpers import booked, narasumber, request_at, wib


def test_suggestions_and_availability_for_a_coordinator(client, operator):
    dau = factories.topic("DAU")
    ani = narasumber("Ani Rahmawati", [dau])
    factories.room("Ruang Rapat 9A")
    req = request_at(operator, "2026-12-08")
    booked(operator, wib("2026-12-09", "09:00"), people=[ani])
    coordinator = factories.user(Role.COORDINATOR)
    db.session.commit()
    secret = token_for(coordinator)
    slots = client.get(f"/api/v1/requests/{req.id}/suggestions?limit=2", headers=bearer(secret)).get_json()[
        "items"
    ]
    assert len(slots) == 2 and slots[0]["start"] == "2026-12-08T02:00:00+00:00"
    assert slots[0]["preferred_window"] == 0 and slots[0]["room"]["name"] == "Ruang Rapat 9A"
    assert [p["narasumber_id"] for p in slots[0]["narasumber"]] == [ani.id] and slots[0]["narasumber"][0][
        "covers"
    ] == ["DAU"]
    week = client.get(
        "/api/v1/narasumber/availability?start=2026-12-07&end=2026-12-11", headers=bearer(secret)
    )
    [person] = week.get_json()["items"]
    assert person["narasumber_id"] == ani.id and person["topics"] == ["DAU"]
    assert person["busy"] == [
        {"start": "2026-12-09T02:00:00+00:00", "end": "2026-12-09T03:00:00+00:00", "kind": "session"}
    ]
    assert person["working_hours"]["0"] == [["08:00", "16:00"]]
    too_long = client.get(
        "/api/v1/narasumber/availability?start=2026-12-01&end=2027-01-15", headers=bearer(secret)
    )
    assert too_long.status_code == 422


def test_planning_reads_are_for_coordinators_only(client, operator):
    req = request_at(operator, "2026-12-08")
    narasumber_user = narasumber("Budi Santoso", []).user
    db.session.commit()
    for user in (operator, narasumber_user):
        secret = token_for(user)
        assert client.get(f"/api/v1/requests/{req.id}/suggestions", headers=bearer(secret)).status_code == 403
        assert (
            client.get(
                "/api/v1/narasumber/availability?start=2026-12-07&end=2026-12-11", headers=bearer(secret)
            ).status_code
            == 403
        )
