"""The consultation rules of S-38/PK/2023 and SE-1/PK.1/2023, as pure functions.

The official numbers are not published; PolicyValues holds the defaults DJPK ships with and
an administrator changes them through a new policy version. check_request() returns every
broken rule as a Violation (a code plus the numbers and dates the message needs); the web
layer turns each into a sentence in the user's language.
"""

import enum
import re
from dataclasses import asdict, dataclass, field, fields
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from app.domain.workdays import WorkCalendar

WIB = ZoneInfo("Asia/Jakarta")


class Mode(enum.StrEnum):
    VC = "vc"  # video conference
    FTF = "ftf"  # tatap muka, face to face at DJPK


@dataclass(frozen=True)
class PolicyValues:
    letter_required_ftf: bool = True
    letter_required_vc: bool = False
    lead_working_days_ftf: int = 5
    lead_working_days_vc: int = 2
    max_guests_ftf: int = 5
    max_guests_vc: int = 15
    service_start: time = time(8, 0)  # WIB
    service_end: time = time(16, 0)  # WIB
    session_minutes: int = 60
    confirm_deadline_time: time = time(15, 0)  # WIB, working days before the session
    confirm_deadline_working_days: int = 1
    cancel_unconfirmed: bool = False
    late_arrival_minutes: int = 30  # arriving later than this after the start is a breach
    breach_threshold_count: int = 3
    breach_threshold_months: int = 6

    def lead_working_days(self, mode: Mode) -> int:
        return self.lead_working_days_ftf if mode == Mode.FTF else self.lead_working_days_vc

    def max_guests(self, mode: Mode) -> int:
        return self.max_guests_ftf if mode == Mode.FTF else self.max_guests_vc

    def letter_required(self, mode: Mode) -> bool:
        return self.letter_required_ftf if mode == Mode.FTF else self.letter_required_vc

    def to_dict(self) -> dict:
        out = asdict(self)
        for key, value in out.items():
            if isinstance(value, time):
                out[key] = value.strftime("%H:%M")
        return out

    @classmethod
    def from_dict(cls, data: dict) -> "PolicyValues":
        kwargs = {}
        for f in fields(cls):
            if f.name not in data:
                continue
            value = data[f.name]
            if f.type in (time, "time") and isinstance(value, str):
                value = time.fromisoformat(value)
            kwargs[f.name] = value
        return cls(**kwargs)


class Rule(enum.StrEnum):
    LETTER_REQUIRED = "letter_required"
    LETTER_ADDRESSEE = "letter_addressee"
    LEAD_TIME = "lead_time"
    SERVICE_DAY = "service_day"
    SERVICE_HOURS = "service_hours"
    WINDOW_TOO_SHORT = "window_too_short"
    WINDOW_IN_PAST = "window_in_past"
    WINDOW_END_BEFORE_START = "window_end_before_start"
    LETTER_DATE_IN_FUTURE = "letter_date_in_future"
    LETTER_DATE_TOO_OLD = "letter_date_too_old"
    DELEGATION_SIZE = "delegation_size"
    DELEGATION_EMPTY = "delegation_empty"


@dataclass(frozen=True)
class Violation:
    rule: Rule
    field: str  # the form field the message belongs to
    params: dict = field(default_factory=dict)
    index: int | None = None  # which preferred window, when it is about one


@dataclass(frozen=True)
class Window:
    start: datetime  # aware
    end: datetime  # aware


@dataclass(frozen=True)
class RequestDraft:
    mode: Mode
    windows: tuple[Window, ...]
    delegation_size: int
    has_letter: bool
    letter_addressee: str | None = None
    letter_date: date | None = None  # the date written on the letter, when one is given now


# How people write "the Director General" on a letter ("Jendral" is a common spelling) ...
_DG_MARKERS = ("direktur jenderal", "direktur jendral", "dirjen", "director general")
# ... and which Director General: Fiscal Balance (Perimbangan Keuangan, "PK"), not another
# one a Pemda also writes to (Dirjen Pajak, Dirjen Bina Keuangan Daerah of Kemendagri, ...).
_FISCAL_BALANCE = ("perimbangan keuangan", "djpk", "fiscal balance", "dirjen pk", "jenderal pk")


def addressed_to_director_general(addressee: str | None) -> bool:
    """Whether a letter's addressee is the Director General of Fiscal Balance."""
    text = " " + " ".join(re.sub(r"[\W_]+", " ", (addressee or "").lower()).split()) + " "
    return any(f" {m} " in text for m in _DG_MARKERS) and any(f" {u} " in text for u in _FISCAL_BALANCE)


def latest_submission_date(session_day: date, mode: Mode, policy: PolicyValues, cal: WorkCalendar) -> date:
    """The last WIB date on which a request for `session_day` may be sent."""
    return cal.shift(session_day, -policy.lead_working_days(mode))


def earliest_session_date(submitted: date, mode: Mode, policy: PolicyValues, cal: WorkCalendar) -> date:
    """The first working day a request sent on `submitted` (WIB) may ask for.

    A request sent on a day off counts from the next working day, as latest_submission_date()
    implies: the two agree, so `earliest` is never a day the lead-time rule refuses.
    """
    return cal.shift(cal.next_working_day(submitted), policy.lead_working_days(mode))


def check_window(
    window: Window, mode: Mode, policy: PolicyValues, cal: WorkCalendar, now: datetime, index: int = 0
) -> list[Violation]:
    out: list[Violation] = []
    start, end = window.start.astimezone(WIB), window.end.astimezone(WIB)
    field_name = f"windows-{index}"
    if window.end <= window.start:
        # Nothing else about such a window means anything (its hours, its length).
        return [Violation(Rule.WINDOW_END_BEFORE_START, field_name, {}, index)]
    if window.start <= now:
        return [Violation(Rule.WINDOW_IN_PAST, field_name, {"start": start}, index)]
    day = start.date()
    if not cal.is_working_day(day):
        out.append(
            Violation(
                Rule.SERVICE_DAY,
                field_name,
                {"day": day, "holiday": cal.holiday_name(day), "next": cal.next_working_day(day)},
                index,
            )
        )
    if end.date() != day or start.time() < policy.service_start or end.time() > policy.service_end:
        out.append(
            Violation(
                Rule.SERVICE_HOURS,
                field_name,
                {"start": policy.service_start, "end": policy.service_end, "day": day},
                index,
            )
        )
    elif end - start < timedelta(minutes=policy.session_minutes):
        out.append(Violation(Rule.WINDOW_TOO_SHORT, field_name, {"minutes": policy.session_minutes}, index))
    today = now.astimezone(WIB).date()
    deadline = latest_submission_date(day, mode, policy, cal)
    if today > deadline:
        out.append(
            Violation(
                Rule.LEAD_TIME,
                field_name,
                {
                    "days": policy.lead_working_days(mode),
                    "mode": mode,
                    "session_day": day,
                    "deadline": deadline,
                    "earliest": earliest_session_date(today, mode, policy, cal),
                },
                index,
            )
        )
    return out


def one_year_before(day: date) -> date:
    """The same date a year earlier (28 February for 29 February)."""
    try:
        return day.replace(year=day.year - 1)
    except ValueError:
        return day.replace(year=day.year - 1, day=28)


def check_letter_date(letter_date: date, today: date) -> list[Violation]:
    """A letter cannot be dated after today (WIB), nor more than a year before it: such a date
    is a typing slip ("2028" for "2026") or a letter written for another occasion."""
    if letter_date > today:
        return [Violation(Rule.LETTER_DATE_IN_FUTURE, "letter_date", {"today": today})]
    earliest = one_year_before(today)
    if letter_date < earliest:
        return [Violation(Rule.LETTER_DATE_TOO_OLD, "letter_date", {"earliest": earliest})]
    return []


def check_request(
    draft: RequestDraft, policy: PolicyValues, cal: WorkCalendar, now: datetime
) -> list[Violation]:
    """Every rule `draft` breaks at `now`; an empty list means the request may be submitted."""
    out: list[Violation] = []
    for i, window in enumerate(draft.windows):
        out.extend(check_window(window, draft.mode, policy, cal, now, i))
    limit = policy.max_guests(draft.mode)
    if draft.delegation_size < 1:
        out.append(Violation(Rule.DELEGATION_EMPTY, "delegation"))
    elif draft.delegation_size > limit:
        out.append(
            Violation(
                Rule.DELEGATION_SIZE,
                "delegation",
                {"limit": limit, "size": draft.delegation_size, "mode": draft.mode},
            )
        )
    if policy.letter_required(draft.mode):
        if not draft.has_letter:
            out.append(Violation(Rule.LETTER_REQUIRED, "letter", {"mode": draft.mode}))
        elif not addressed_to_director_general(draft.letter_addressee):
            out.append(Violation(Rule.LETTER_ADDRESSEE, "letter_addressee"))
    elif draft.has_letter and not addressed_to_director_general(draft.letter_addressee):
        out.append(Violation(Rule.LETTER_ADDRESSEE, "letter_addressee"))
    if draft.letter_date is not None:
        out.extend(check_letter_date(draft.letter_date, now.astimezone(WIB).date()))
    return out
