"""Properties of the policy: what check_window() accepts, and how the policy is stored."""

import json
from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

from hypothesis import given
from hypothesis import strategies as st

from app.domain.policy import (
    Mode,
    PolicyValues,
    Rule,
    Window,
    check_window,
    earliest_session_date,
    latest_submission_date,
)
from tests.domain.strategies import DOMAIN_SETTINGS, calendars, dates

WIB = ZoneInfo("Asia/Jakarta")
ZONES = st.sampled_from([WIB, ZoneInfo("Asia/Makassar"), ZoneInfo("Asia/Jayapura")])
POLICY = PolicyValues()
modes = st.sampled_from(list(Mode))
minutes_of_day = st.integers(min_value=0, max_value=24 * 60 - 1)
clock_times = st.builds(lambda m: time(m // 60, m % 60), minutes_of_day)


@st.composite
def windows(draw) -> Window:
    """A window anywhere in 2026, written in any of the three zones, up to ten hours long."""
    tz = draw(ZONES)
    start = datetime.combine(draw(dates), time(), tzinfo=tz) + timedelta(minutes=draw(minutes_of_day))
    return Window(start, start + timedelta(minutes=draw(st.integers(min_value=-60, max_value=600))))


@DOMAIN_SETTINGS
@given(calendars(), windows(), modes)
def test_an_accepted_window_is_a_full_session_in_service_hours_on_a_working_day(cal, w, mode):
    now = datetime(2025, 12, 1, 9, tzinfo=WIB)  # long before: lead time is never the issue
    start, end = w.start.astimezone(WIB), w.end.astimezone(WIB)
    in_service = (
        cal.is_working_day(start.date())
        and end.date() == start.date()
        and POLICY.service_start <= start.time()
        and end.time() <= POLICY.service_end
        and end - start >= timedelta(minutes=POLICY.session_minutes)
    )
    assert (check_window(w, mode, POLICY, cal, now) == []) == in_service


@DOMAIN_SETTINGS
@given(calendars(), dates, modes, st.integers(min_value=0, max_value=24 * 60 - 1), ZONES)
def test_lead_time_rule_and_earliest_date_agree(cal, today, mode, minute, tz):
    """A working day is refused for lead time exactly when it is before the earliest date."""
    now = datetime.combine(today, time(), tzinfo=tz) + timedelta(minutes=minute)
    today_wib = now.astimezone(WIB).date()
    earliest = earliest_session_date(today_wib, mode, POLICY, cal)
    assert cal.is_working_day(earliest)
    session_day = cal.next_working_day(today_wib + timedelta(days=1))
    while session_day <= earliest:
        w = Window(
            datetime.combine(session_day, time(9), tzinfo=WIB),
            datetime.combine(session_day, time(10), tzinfo=WIB),
        )
        got = [v for v in check_window(w, mode, POLICY, cal, now) if v.rule == Rule.LEAD_TIME]
        if session_day < earliest:
            assert len(got) == 1
            assert got[0].params["earliest"] == earliest
            deadline = got[0].params["deadline"]
            assert deadline == latest_submission_date(session_day, mode, POLICY, cal) < today_wib
        else:
            assert got == []
        session_day = cal.shift(session_day, 1)


policy_values = st.builds(
    PolicyValues,
    letter_required_ftf=st.booleans(),
    letter_required_vc=st.booleans(),
    lead_working_days_ftf=st.integers(0, 30),
    lead_working_days_vc=st.integers(0, 30),
    max_guests_ftf=st.integers(1, 100),
    max_guests_vc=st.integers(1, 500),
    service_start=clock_times,
    service_end=clock_times,
    session_minutes=st.integers(15, 480),
    confirm_deadline_time=clock_times,
    confirm_deadline_working_days=st.integers(0, 10),
    cancel_unconfirmed=st.booleans(),
    breach_threshold_count=st.integers(1, 20),
    breach_threshold_months=st.integers(1, 24),
)


@DOMAIN_SETTINGS
@given(policy_values)
def test_policy_values_round_trip_through_json(values):
    stored = json.loads(json.dumps(values.to_dict()))
    assert PolicyValues.from_dict(stored) == values


def test_policy_values_stores_times_as_hours_and_minutes():
    assert PolicyValues().to_dict()["service_start"] == "08:00"
    assert PolicyValues().to_dict()["confirm_deadline_time"] == "15:00"


def test_missing_and_unknown_keys_fall_back_to_defaults():
    # An older version stored fewer values; a newer one may carry more.
    assert PolicyValues.from_dict({"max_guests_ftf": 7, "retired_value": 1}) == PolicyValues(max_guests_ftf=7)
    assert PolicyValues.from_dict({}) == PolicyValues()
