"""When the attendance-confirmation steps of a session happen (pure; times are aware UTC).

- the confirmation request goes out two working days before the session day, at the start
  of service hours (WIB);
- the Pemda may confirm from then until the policy's deadline (default 15:00 WIB one working
  day before); after the deadline the confirmation is locked;
- the reminder goes out one working day before, at the start of service hours (WIB).
A session scheduled later than one of these moments gets the step at once (the jobs send
what is due and not yet sent, up to the session's start).
"""

from datetime import UTC, date, datetime, time

from app.domain.policy import WIB, PolicyValues
from app.domain.workdays import WorkCalendar

CONFIRMATION_REQUEST_WORKING_DAYS = 2
REMINDER_WORKING_DAYS = 1


def _session_day(start: datetime) -> date:
    return start.astimezone(WIB).date()


def _at_wib(day: date, at: time) -> datetime:
    return datetime.combine(day, at, tzinfo=WIB).astimezone(UTC)


def confirmation_request_due(start: datetime, policy: PolicyValues, calendar: WorkCalendar) -> datetime:
    day = calendar.shift(_session_day(start), -CONFIRMATION_REQUEST_WORKING_DAYS)
    return _at_wib(day, policy.service_start)


def confirmation_deadline(start: datetime, policy: PolicyValues, calendar: WorkCalendar) -> datetime:
    day = calendar.shift(_session_day(start), -policy.confirm_deadline_working_days)
    return min(_at_wib(day, policy.confirm_deadline_time), start)


def reminder_due(start: datetime, policy: PolicyValues, calendar: WorkCalendar) -> datetime:
    day = calendar.shift(_session_day(start), -REMINDER_WORKING_DAYS)
    return _at_wib(day, policy.service_start)


def confirmation_opens(start: datetime, policy: PolicyValues, calendar: WorkCalendar) -> datetime:
    """The Pemda may confirm from the confirmation request on (or at once, when the session
    was scheduled later than that)."""
    return min(
        confirmation_request_due(start, policy, calendar), confirmation_deadline(start, policy, calendar)
    )


def confirmation_open(now: datetime, start: datetime, policy: PolicyValues, calendar: WorkCalendar) -> bool:
    return confirmation_opens(start, policy, calendar) <= now < confirmation_deadline(start, policy, calendar)
