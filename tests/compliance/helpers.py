"""Rows and fixtures of the breach-ledger tests.

Time is frozen on Tuesday 1 December 2026, 09:00 WIB (as the coordinator-page tests).
"""

import io
from datetime import datetime, timedelta

import pytest
from sqlalchemy import select

from app.compliance.models import Breach, RecordedBy
from app.core.clock import WIB
from app.domain.booking_codes import new_code
from app.domain.states import RequestState
from app.extensions import db
from tests import factories
from tests.people import frozen_at
from tests.requests.helpers import PDF, login_as, text_of  # noqa: F401  (re-exported)

NOW = datetime(2026, 12, 1, 9, 0, tzinfo=WIB)
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64
JPEG = b"\xff\xd8\xff\xe0" + b"\x00" * 64


def upload(content: bytes, name: str):
    return (io.BytesIO(content), name)


def breach(owner, type_code="guests_over_limit", *, at=None, voided=False, req=None, **kwargs) -> Breach:
    """A breach row of `owner`'s Pemda recorded at `at` (default: now), written directly."""
    row = Breach(
        type_code=type_code,
        region_id=owner.region_id,
        unit_type=owner.unit_type,
        request_id=req.id if req is not None else None,
        recorded_by_kind=kwargs.pop("kind", RecordedBy.SYSTEM),
        recorded_at=at or NOW,
        evidence=kwargs.pop("evidence", {}),
        voided_at=(at or NOW) if voided else None,
        void_reason="Keliru" if voided else None,
        **kwargs,
    )
    db.session.add(row)
    db.session.flush()
    return row


def scheduled(owner, start: datetime, **kwargs):
    """A SCHEDULED face-to-face session of `owner`'s Pemda at `start` (written directly)."""
    req = factories.consultation(owner, start=start, **kwargs)
    req.state = RequestState.SCHEDULED
    req.scheduled_start, req.scheduled_end = start, start + timedelta(hours=1)
    req.booking_code = new_code()
    db.session.flush()
    return req


def all_breaches() -> list[Breach]:
    db.session.expire_all()
    return list(db.session.scalars(select(Breach).order_by(Breach.id)))


frozen = frozen_at(NOW)


@pytest.fixture
def dprd(dprd_same_region):
    """The DPRD of the same region: another Pemda (tests/people.py)."""
    return dprd_same_region


@pytest.fixture
def other(app, frozen):
    user = factories.pemda_user(factories.JAYAPURA, name="Operator Jayapura")
    db.session.commit()
    return user
