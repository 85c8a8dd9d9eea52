"""When the front desk next receives visits (pure; `now` is passed in, aware).

The desk works on working days (app.domain.workdays) within the policy's service hours
(WIB). Before the day's service hours end, today is the desk's day; after them, or on a day
off, the next visits it will see are those of the next working day.
"""

from datetime import UTC, date, datetime, time, timedelta

from app.domain.policy import WIB, PolicyValues
from app.domain.workdays import WorkCalendar


def closed_for_today(now: datetime, policy: PolicyValues, cal: WorkCalendar) -> bool:
    """True on a day off and after the service hours of a working day."""
    local = now.astimezone(WIB)
    return not cal.is_working_day(local.date()) or local.time() >= policy.service_end


def next_desk_day(now: datetime, policy: PolicyValues, cal: WorkCalendar) -> date:
    """Today while the desk is open or still to open today; else the next working day."""
    today = now.astimezone(WIB).date()
    if not closed_for_today(now, policy, cal):
        return today
    return cal.next_working_day(today + timedelta(days=1))


def first_session_start(
    now: datetime, policy: PolicyValues, cal: WorkCalendar, *, preferred: time, lead: timedelta
) -> datetime:
    """The first start (aware UTC) at the WIB clock `preferred` or later and at least `lead`
    after `now`, on a quarter hour, whose session fits in the service hours of a working day:
    on the desk's next day when it still fits there, else at `preferred` on the working day
    after it."""
    length = timedelta(minutes=policy.session_minutes)
    day = next_desk_day(now, policy, cal)
    start = max(datetime.combine(day, preferred, WIB), _quarter_at_or_after(now + lead))
    if start + length > datetime.combine(day, policy.service_end, WIB):
        day = cal.next_working_day(day + timedelta(days=1))
        start = datetime.combine(day, max(preferred, policy.service_start), WIB)
    return start.astimezone(UTC)


def _quarter_at_or_after(moment: datetime) -> datetime:
    local = moment.astimezone(WIB).replace(second=0, microsecond=0)
    if moment.astimezone(WIB) > local:
        local += timedelta(minutes=1)
    return local + timedelta(minutes=(-local.minute) % 15)
