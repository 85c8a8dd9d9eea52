"""Held sessions to rate: time frozen on a known day, narasumber.

The people (pemda, coordinator, dprd_same_region) come from tests/people.py.
"""

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from app.domain.states import RequestState
from app.extensions import db
from app.scheduling.models import AssignmentStatus, NarasumberAssignment
from tests import factories
from tests.people import frozen_at
from tests.scheduling import factories as sched

WIB = ZoneInfo("Asia/Jakarta")
NOW = datetime(2026, 12, 10, 9, 0, tzinfo=WIB)


frozen = frozen_at(NOW)


@pytest.fixture
def held(pemda):
    """Make a held session of `owner` (default: the Brebes Pemda) starting at `start`."""

    def make(owner=None, start=None, state=RequestState.HELD, people=()):
        start = start or NOW - timedelta(days=1)
        req = factories.consultation(owner or pemda, state=state, start=start)
        req.scheduled_start, req.scheduled_end = start, start + timedelta(hours=1)
        for person in people:
            db.session.add(
                NarasumberAssignment(
                    request_id=req.id,
                    narasumber_id=person.id,
                    start=req.scheduled_start,
                    end=req.scheduled_end,
                    active=True,
                    status=AssignmentStatus.ACCEPTED,
                    assigned_at=req.submitted_at,
                )
            )
        db.session.commit()
        return req

    return make


@pytest.fixture
def person(app, frozen):
    profile = sched.narasumber("Dr. Rina Narasumber")
    db.session.commit()
    return profile
