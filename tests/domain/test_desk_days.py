"""When the front desk next receives visits, and the first session start the demo can use."""

from datetime import date, datetime, time, timedelta

import pytest

from app.domain.desk_days import closed_for_today, first_session_start, next_desk_day
from app.domain.policy import WIB, PolicyValues
from app.domain.workdays import WorkCalendar

POLICY = PolicyValues()
# Wednesday 2 December 2026 is a day off in this calendar.
CAL = WorkCalendar(days_off={date(2026, 12, 2)})


def wib(text: str) -> datetime:
    return datetime.fromisoformat(text).replace(tzinfo=WIB)


@pytest.mark.parametrize(
    ("now", "closed", "desk_day"),
    [
        ("2026-11-30 07:00", False, "2026-11-30"),  # Monday before opening
        ("2026-11-30 15:59", False, "2026-11-30"),
        ("2026-11-30 16:00", True, "2026-12-01"),  # service hours over
        ("2026-12-01 23:00", True, "2026-12-03"),  # the eve of a day off
        ("2026-12-02 10:00", True, "2026-12-03"),  # the day off itself
        ("2026-12-04 23:00", True, "2026-12-07"),  # Friday night
        ("2026-12-05 10:00", True, "2026-12-07"),  # Saturday
    ],
)
def test_next_desk_day(now, closed, desk_day):
    assert closed_for_today(wib(now), POLICY, CAL) is closed
    assert next_desk_day(wib(now), POLICY, CAL).isoformat() == desk_day


@pytest.mark.parametrize(
    ("now", "start"),
    [
        ("2026-11-30 07:00", "2026-11-30 14:00"),
        ("2026-11-30 13:10", "2026-11-30 14:15"),  # an hour from now, on a quarter hour
        ("2026-11-30 14:00", "2026-11-30 15:00"),  # the last start that ends by 16:00
        ("2026-11-30 14:01", "2026-12-01 14:00"),
        ("2026-12-01 15:30", "2026-12-03 14:00"),  # tomorrow is a day off
        ("2026-12-05 10:00", "2026-12-07 14:00"),
    ],
)
def test_first_session_start(now, start):
    found = first_session_start(wib(now), POLICY, CAL, preferred=time(14, 0), lead=timedelta(hours=1))
    assert found.tzinfo is not None
    assert found.astimezone(WIB) == wib(start)
