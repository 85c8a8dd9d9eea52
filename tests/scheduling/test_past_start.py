"""A session is never booked or moved to a start that has already passed.

Time is frozen on Tuesday 1 December 2026, 09:00 WIB (tests/scheduling/coord_helpers.py).
The coordinator's review page shows the refusal on the start field and in a message; nothing
of the session changes.
"""

import pytest

from app.domain.states import RequestState
from app.extensions import db
from app.scheduling import services
from app.scheduling.services import SchedulingConflict
from tests.scheduling.coord_helpers import text_of, wib
from tests.scheduling.test_decisions import _path, _reload, dau, frozen, outsider, scheduled, setting  # noqa: F401

PAST = "Waktu mulai sudah lewat; pilih waktu yang akan datang."


def _field_error(page: str) -> bool:
    """The message is under the start field (its invalid-feedback), not only in a flash."""
    return f'<div class="invalid-feedback d-block">{PAST}</div>' in page


@pytest.mark.parametrize(
    "day, start, end",
    [("2026-11-30", "09:00", "10:00"), ("2026-12-01", "08:00", "09:30"), ("2026-12-01", "09:00", "10:00")],
    ids=["yesterday", "earlier-today", "this-minute"],
)
def test_rescheduling_into_the_past_is_refused_on_the_form(
    client,
    auth,
    app,
    scheduled,  # noqa: F811
    coordinator,
    day,
    start,
    end,  # noqa: F811
):
    auth.login(coordinator)
    response = client.post(
        _path(app, "scheduling.reschedule", scheduled),
        data={"day": day, "start_time": start, "end_time": end, "reason": "Permintaan Pemda"},
    )
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert PAST in text_of(response) and _field_error(page)
    req = _reload(scheduled)
    assert req.scheduled_start == wib("2026-12-08", "09:00") and req.state == RequestState.SCHEDULED


def test_rescheduling_to_a_later_time_today_goes_through(client, auth, app, scheduled, coordinator):  # noqa: F811
    auth.login(coordinator)
    response = client.post(
        _path(app, "scheduling.reschedule", scheduled),
        data={"day": "2026-12-01", "start_time": "13:00", "end_time": "14:00", "reason": "Permintaan Pemda"},
    )
    assert response.status_code == 302
    assert _reload(scheduled).scheduled_start == wib("2026-12-01", "13:00")


def test_approving_with_a_past_slot_is_refused_on_the_form(client, auth, app, setting, coordinator):  # noqa: F811
    req, ani, room = setting["req"], setting["ani"], setting["room"]
    auth.login(coordinator)
    response = client.post(
        _path(app, "scheduling.approve", req),
        data={
            "day": "2026-11-30",
            "start_time": "09:00",
            "end_time": "10:00",
            "narasumber_ids": [str(ani.id)],
            "suggested_ids": str(ani.id),
            "room_id": str(room.id),
        },
    )
    assert response.status_code == 200
    assert PAST in text_of(response) and _field_error(response.get_data(as_text=True))
    req = _reload(req)
    assert req.state == RequestState.SUBMITTED and req.scheduled_start is None
    assert not req.assignments


def test_the_service_refuses_a_past_start_whoever_calls_it(app, scheduled, coordinator):  # noqa: F811
    with app.test_request_context(), pytest.raises(SchedulingConflict) as refused:
        services.reschedule(
            scheduled,
            start=wib("2026-11-30", "09:00"),
            end=wib("2026-11-30", "10:00"),
            actor=coordinator,
            reason="Permintaan Pemda",
        )
    assert refused.value.message == PAST and refused.value.field == "start"
    db.session.rollback()
    assert _reload(scheduled).scheduled_start == wib("2026-12-08", "09:00")
