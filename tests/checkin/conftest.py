"""Front-desk fixtures: time frozen on a Tuesday morning.

The desk's people and the Pemda (receptionist, coordinator, pemda) come from tests/people.py.
"""

from tests.checkin.helpers import NOW
from tests.people import frozen_at

frozen = frozen_at(NOW)
