"""Once the delegation is checked in at the front desk the session is under way: it stays
scheduled until its end (held means it has happened), but a coordinator can no longer move,
cancel or convert it."""

import pytest

from app.checkin.models import Visit
from app.domain.states import RequestState as S
from app.extensions import db
from tests.scheduling.coord_helpers import login_as, text_of, wib
from tests.scheduling.test_decisions import _path, _reload, dau, frozen, scheduled, setting  # noqa: F401

ARRIVED = "Delegasi sudah tiba dan tercatat di resepsionis"


@pytest.fixture
def arrived(scheduled, pemda, coordinator):  # noqa: F811
    db.session.add(
        Visit(
            request_id=scheduled.id,
            region_id=pemda.region_id,
            unit_type=pemda.unit_type,
            arrived_at=wib("2026-12-08", "08:50"),
            checked_in_by_id=coordinator.id,
        )
    )
    db.session.commit()
    return scheduled


@pytest.mark.parametrize(
    "endpoint, data",
    [
        ("scheduling.reschedule", {"day": "2026-12-09", "start_time": "13:00", "end_time": "14:00"}),
        ("scheduling.cancel", {}),
        ("scheduling.convert", {}),
    ],
)
def test_a_checked_in_session_cannot_be_moved_cancelled_or_converted(
    client, app, arrived, coordinator, endpoint, data
):
    login_as(client, coordinator)
    response = client.post(
        _path(app, endpoint, arrived),
        data={**data, "reason": "Alasan yang cukup panjang"},
        follow_redirects=True,
    )
    assert ARRIVED in text_of(response)
    req = _reload(arrived)
    assert req.state == S.SCHEDULED and req.scheduled_start == wib("2026-12-08", "09:00")
    assert req.mode == "ftf" and any(a.active for a in req.assignments)


def test_without_a_visit_the_same_cancel_goes_through(client, app, scheduled, coordinator):  # noqa: F811
    login_as(client, coordinator)
    client.post(_path(app, "scheduling.cancel", scheduled), data={"reason": "Pemda berhalangan"})
    assert _reload(scheduled).state == S.CANCELLED
