"""Fixtures of the request-journey tests: time frozen on a known Tuesday, and topics.

The people (pemda, coordinator, other_pemda, dprd_same_region) come from tests/people.py.
"""

import pytest

from app.extensions import db
from tests import factories
from tests.people import frozen_at
from tests.requests.helpers import NOW

frozen = frozen_at(NOW)


@pytest.fixture
def topics(app):
    rows = [factories.topic("DAU", "Dana Alokasi Umum"), factories.topic("DBH", "Dana Bagi Hasil")]
    db.session.commit()
    return rows
