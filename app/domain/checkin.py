"""The front-desk rules: which breaches an arrival shows, as pure functions.

evaluate() takes what the receptionist saw (an Arrival) and returns a Finding for every rule
broken, each with the numbers that prove it (its evidence). It never decides twice: the
caller records each finding once per visit (app.compliance, through a dedupe key) and voids
one that a correction at the desk made untrue.

Decisions written down here:
- Guests over the limit compares the guests present with the policy's limit (max_guests of
  the mode) only. Coming with more people than confirmed but within the limit is no breach;
  the evidence still says how many were confirmed and how many were not on the list. So 5
  confirmed under a limit of 5 with 7 present is one breach with over = 2.
- Regional head: a breach when the Pemda confirmed one thing and the other happened, either
  way (confirmed present and absent, or confirmed absent and present). Without a
  confirmation there is nothing to contradict: the unconfirmed arrival is the breach.
- Late arrival counts whole minutes after the scheduled start: arriving exactly at the
  threshold is on time, one minute more is late.
- Walk-in: no booking at all, or a booked visit whose mode needs a letter and has none.
  A walk-in is not also "unconfirmed" (there was nothing to confirm) nor late (no time).
"""

from dataclasses import dataclass, field
from datetime import datetime

from app.domain.breaches import BreachType
from app.domain.policy import Mode, PolicyValues


@dataclass(frozen=True)
class Arrival:
    mode: Mode
    max_guests: int  # the policy's limit for the mode
    present: int  # guests ticked present, those added at the desk included
    arrived_at: datetime  # aware
    walk_in: bool = False  # no booking
    confirmed: bool = False
    confirmed_guests: int = 0
    not_on_list: int = 0  # present guests added at the desk
    regional_head_confirmed: bool | None = None  # None without a confirmation
    regional_head_present: bool | None = None  # None when the desk did not say
    scheduled_start: datetime | None = None
    late_threshold_minutes: int = 30
    letter_required: bool = True
    has_letter: bool = True


@dataclass(frozen=True)
class Finding:
    code: BreachType
    evidence: dict = field(default_factory=dict)


def arrival_limits(policy: PolicyValues, mode: Mode) -> dict:
    """The policy values an Arrival needs, as keyword arguments."""
    return {
        "mode": Mode(mode),
        "max_guests": policy.max_guests(Mode(mode)),
        "late_threshold_minutes": policy.late_arrival_minutes,
        "letter_required": policy.letter_required(Mode(mode)),
    }


def minutes_late(scheduled_start: datetime, arrived_at: datetime) -> int:
    """Whole minutes after the start (0 when early or on time)."""
    seconds = (arrived_at - scheduled_start).total_seconds()
    return max(0, int(seconds // 60))


def guests_over_limit(a: Arrival) -> Finding | None:
    if a.present <= a.max_guests:
        return None
    evidence = {"allowed": a.max_guests, "came": a.present, "over": a.present - a.max_guests}
    if not a.walk_in:
        evidence.update(confirmed=a.confirmed_guests, not_on_list=a.not_on_list)
    return Finding(BreachType.GUESTS_OVER_LIMIT, evidence)


def unconfirmed_arrival(a: Arrival) -> Finding | None:
    if a.walk_in or a.confirmed:
        return None
    return Finding(BreachType.UNCONFIRMED_ARRIVAL, {"came": a.present})


def regional_head_invalid(a: Arrival) -> Finding | None:
    if a.walk_in or not a.confirmed or a.regional_head_confirmed is None or a.regional_head_present is None:
        return None
    if a.regional_head_confirmed == a.regional_head_present:
        return None
    return Finding(
        BreachType.REGIONAL_HEAD_INVALID,
        {"confirmed": int(a.regional_head_confirmed), "present": int(a.regional_head_present)},
    )


def walk_in(a: Arrival) -> Finding | None:
    if a.walk_in:
        return Finding(BreachType.WALK_IN, {"booking": 0, "came": a.present})
    if a.letter_required and not a.has_letter:
        return Finding(BreachType.WALK_IN, {"booking": 1, "letter": 0})
    return None


def late_arrival(a: Arrival) -> Finding | None:
    if a.walk_in or a.scheduled_start is None:
        return None
    late = minutes_late(a.scheduled_start, a.arrived_at)
    if late <= a.late_threshold_minutes:
        return None
    return Finding(BreachType.LATE_ARRIVAL, {"threshold": a.late_threshold_minutes, "minutes_late": late})


RULES = (walk_in, unconfirmed_arrival, guests_over_limit, regional_head_invalid, late_arrival)
# The breach types the desk's rules can find (and so re-evaluate on a correction).
DESK_TYPES = (
    BreachType.WALK_IN,
    BreachType.UNCONFIRMED_ARRIVAL,
    BreachType.GUESTS_OVER_LIMIT,
    BreachType.REGIONAL_HEAD_INVALID,
    BreachType.LATE_ARRIVAL,
)


def evaluate(a: Arrival) -> list[Finding]:
    """Every breach the arrival shows, in a fixed order, at most one of each type."""
    return [f for rule in RULES if (f := rule(a)) is not None]
