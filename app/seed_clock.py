"""Where the demo's sessions sit in time (part of `flask seed-demo`).

Everything is placed around the demo's face-to-face visit, which the front desk can check in
the next time it is open: at 14:00 WIB (and at least an hour from now) today while today's
service hours allow it, else at 14:00 on the next working day. The other sessions lie a
number of working days before that day (held, no-show: over) or after it (still to come),
so the demo is the same whenever it is seeded: on a Friday night, a weekend, a holiday's eve.
Each step of a request happens after the one before it and before now; a confirmation
falls inside the session's confirmation window (app.domain.attendance).
"""

from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta

from app.core.clock import WIB
from app.domain import attendance
from app.domain.desk_days import first_session_start
from app.domain.policy import PolicyValues
from app.domain.states import Action
from app.domain.workdays import WorkCalendar

VISIT_CLOCK = time(14, 0)
VISIT_LEAD = timedelta(hours=1)  # time to open the desk page before the delegation is due


def at_wib(day: date, hour: int | time) -> datetime:
    clock = hour if isinstance(hour, time) else time(hour, 0)
    return datetime.combine(day, clock, WIB).astimezone(UTC)


@dataclass(frozen=True)
class SeedClock:
    now: datetime
    cal: WorkCalendar
    values: PolicyValues
    visit_start: datetime  # aware UTC

    @classmethod
    def at(cls, now: datetime, cal: WorkCalendar, values: PolicyValues) -> "SeedClock":
        start = first_session_start(now, values, cal, preferred=VISIT_CLOCK, lead=VISIT_LEAD)
        return cls(now, cal, values, start)

    @property
    def desk_day(self) -> date:
        """The WIB day of the demo visit: the demo's "today"."""
        return self.visit_start.astimezone(WIB).date()

    def start(self, spec: dict) -> datetime:
        """The session start of a demo request: the visit, or `day` working days from it."""
        if spec.get("desk_visit"):
            return self.visit_start
        return at_wib(self.cal.shift(self.desk_day, spec["day"]), spec["hour"])

    def window_end(self, start: datetime) -> datetime:
        """A two-hour preferred window, kept inside the service hours when it can be."""
        closing = at_wib(start.astimezone(WIB).date(), self.values.service_end)
        length = timedelta(minutes=self.values.session_minutes)
        return max(start + length, min(start + timedelta(hours=2), closing))

    def submitted(self, start: datetime, lead_working_days: int) -> datetime:
        """A little before the lead time ran out, and never later than a moment ago."""
        day = self.cal.shift(start.astimezone(WIB).date(), -(lead_working_days + 2))
        return min(at_wib(day, 9), self.now - timedelta(hours=2))

    def action_at(
        self,
        action: Action,
        step: int,
        submitted: datetime,
        previous: datetime,
        start: datetime,
        end: datetime,
    ) -> datetime:
        """When the `step`-th action of a request's path was taken."""
        if action in (Action.MARK_HELD, Action.MARK_NO_SHOW):
            return end + timedelta(minutes=30)
        if action == Action.CONFIRM:
            return self.confirmed_at(start, previous)
        taken = min(submitted + timedelta(hours=20 * (step + 1)), self.now - timedelta(minutes=60 - step))
        return max(taken, previous + timedelta(minutes=1))

    def confirmed_at(self, start: datetime, after: datetime) -> datetime:
        """Inside the confirmation window of the session starting at `start`, after `after`
        (the approval) and before now."""
        opens = max(attendance.confirmation_opens(start, self.values, self.cal), after + timedelta(minutes=1))
        closes = min(
            attendance.confirmation_deadline(start, self.values, self.cal), self.now - timedelta(minutes=1)
        )
        if closes <= opens:
            raise ValueError(f"no time to confirm the demo session of {start.isoformat()} before {closes}")
        return opens + min(timedelta(hours=2), (closes - opens) / 2)
