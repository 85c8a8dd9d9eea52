"""Every rule of check_request() on its boundary, with `now` passed in and read in WIB."""

from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest

from app.domain.policy import (
    Mode,
    PolicyValues,
    RequestDraft,
    Rule,
    Window,
    check_request,
    check_window,
    earliest_session_date,
    latest_submission_date,
)
from app.domain.workdays import WorkCalendar

WIB = ZoneInfo("Asia/Jakarta")
WITA = ZoneInfo("Asia/Makassar")
WIT = ZoneInfo("Asia/Jayapura")
POLICY = PolicyValues()
CAL = WorkCalendar()  # the real Indonesian calendar
GOOD_ADDRESSEE = "Direktur Jenderal Perimbangan Keuangan"
# Monday 14 December 2026: no holiday in the two weeks before it.
SESSION_DAY = date(2026, 12, 14)
LONG_AGO = datetime(2026, 11, 2, 9, 0, tzinfo=WIB)


def at(day: date, hh: int, mm: int = 0, tz: ZoneInfo = WIB) -> datetime:
    return datetime.combine(day, time(hh, mm), tzinfo=tz)


def window(day: date = SESSION_DAY, start=(10, 0), end=(11, 0), tz: ZoneInfo = WIB) -> Window:
    return Window(at(day, *start, tz=tz), at(day, *end, tz=tz))


def draft(mode=Mode.VC, windows=None, size=3, letter=None, addressee=GOOD_ADDRESSEE) -> RequestDraft:
    has_letter = mode == Mode.FTF if letter is None else letter
    return RequestDraft(
        mode=mode,
        windows=tuple(windows or [window()]),
        delegation_size=size,
        has_letter=has_letter,
        letter_addressee=addressee if has_letter else None,
    )


def rules(violations) -> list[Rule]:
    return [v.rule for v in violations]


def check(d: RequestDraft, now: datetime = LONG_AGO, policy: PolicyValues = POLICY):
    return check_request(d, policy, CAL, now)


def test_a_sound_request_passes_in_both_modes():
    assert check(draft(Mode.VC)) == []
    assert check(draft(Mode.FTF)) == []


def test_defaults():
    assert POLICY.lead_working_days(Mode.FTF) == 5
    assert POLICY.lead_working_days(Mode.VC) == 2
    assert POLICY.max_guests(Mode.FTF) == 5
    assert POLICY.max_guests(Mode.VC) == 15
    assert POLICY.letter_required(Mode.FTF) and not POLICY.letter_required(Mode.VC)
    assert (POLICY.service_start, POLICY.service_end, POLICY.session_minutes) == (time(8), time(16), 60)


# --- lead time --------------------------------------------------------------------------


@pytest.mark.parametrize(
    "mode, deadline, earliest",
    [
        # FTF, 5 working days: Mon 7 Dec for Mon 14 Dec; sent on Tue 8 Dec -> Tue 15 Dec.
        (Mode.FTF, date(2026, 12, 7), date(2026, 12, 15)),
        # VC, 2 working days: Thu 10 Dec for Mon 14 Dec; sent on Fri 11 Dec -> Tue 15 Dec.
        (Mode.VC, date(2026, 12, 10), date(2026, 12, 15)),
    ],
)
def test_lead_time_boundary(mode, deadline, earliest):
    d = draft(mode)
    assert check(d, at(deadline, 23, 59)) == []  # exactly N working days before
    late = check(d, at(deadline + timedelta(days=1), 0, 0))  # N - 1
    assert rules(late) == [Rule.LEAD_TIME]
    params = late[0].params
    assert params["deadline"] == deadline
    assert params["earliest"] == earliest
    assert params["days"] == POLICY.lead_working_days(mode)
    assert params["session_day"] == SESSION_DAY
    assert params["mode"] == mode
    assert late[0].field == "windows-0" and late[0].index == 0


def test_lead_time_counts_over_christmas_joint_leave():
    # FTF on Mon 28 Dec 2026: 23, 22, 21, 18, 17 Dec (24 and 25 Dec are off).
    d = draft(Mode.FTF, [window(date(2026, 12, 28))])
    assert check(d, at(date(2026, 12, 17), 15)) == []
    late = check(d, at(date(2026, 12, 18), 9))
    assert rules(late) == [Rule.LEAD_TIME]
    assert late[0].params["deadline"] == date(2026, 12, 17)
    # From Fri 18 Dec: 21, 22, 23, 28, 29 Dec.
    assert late[0].params["earliest"] == date(2026, 12, 29)


def test_lead_time_counts_over_idul_fitri_2023():
    d = draft(Mode.FTF, [window(date(2023, 4, 26))])
    assert check(d, at(date(2023, 4, 12), 16)) == []
    late = check(d, at(date(2023, 4, 13), 8))
    assert late[0].params["deadline"] == date(2023, 4, 12)
    assert late[0].params["earliest"] == date(2023, 4, 27)  # 14, 17, 18, 26, 27 April


def test_request_sent_on_a_day_off_counts_from_the_next_working_day():
    saturday = at(date(2026, 12, 12), 10)
    tuesday = check(draft(Mode.VC, [window(date(2026, 12, 15))]), saturday)
    assert rules(tuesday) == [Rule.LEAD_TIME]
    earliest = tuesday[0].params["earliest"]
    assert earliest == date(2026, 12, 16)  # Mon 14 counts as the day it arrived
    assert check(draft(Mode.VC, [window(earliest)]), saturday) == []


def test_deadline_and_earliest_helpers_agree_with_each_other():
    assert latest_submission_date(SESSION_DAY, Mode.FTF, POLICY, CAL) == date(2026, 12, 7)
    assert earliest_session_date(date(2026, 12, 7), Mode.FTF, POLICY, CAL) == SESSION_DAY


# --- time zones: `now` and windows are read in WIB ----------------------------------------


def test_now_late_evening_in_wit_is_the_same_day_in_wib():
    d = draft(Mode.VC)  # deadline Thu 10 Dec
    assert check(d, at(date(2026, 12, 10), 23, 30, WIT)) == []  # 21:30 WIB on the 10th


def test_now_after_midnight_in_wit_is_still_the_previous_day_in_wib():
    d = draft(Mode.VC)
    just_after_midnight = at(date(2026, 12, 11), 0, 30, WIT)
    assert just_after_midnight.astimezone(WIB) == at(date(2026, 12, 10), 22, 30)
    assert check(d, just_after_midnight) == []
    # Midnight in Jakarta is 02:00 in Jayapura: from then on it is the 11th.
    assert rules(check(d, at(date(2026, 12, 11), 2, 0, WIT))) == [Rule.LEAD_TIME]
    assert check(d, at(date(2026, 12, 11), 1, 59, WIT)) == []


def test_now_after_midnight_in_wib_is_late_even_from_wita():
    assert rules(check(draft(Mode.VC), at(date(2026, 12, 11), 1, 0, WITA))) == [Rule.LEAD_TIME]


@pytest.mark.parametrize(
    "tz, start, end, ok",
    [
        (WITA, (9, 0), (10, 0), True),  # 08:00-09:00 WIB
        (WITA, (8, 59), (10, 0), False),  # 07:59 WIB
        (WITA, (16, 0), (17, 0), True),  # ends 16:00 WIB
        (WITA, (16, 0), (17, 1), False),  # ends 16:01 WIB
        (WIT, (10, 0), (11, 0), True),  # 08:00-09:00 WIB
        (WIT, (9, 59), (11, 0), False),
        (WIT, (17, 0), (18, 0), True),  # 15:00-16:00 WIB
        (WIT, (17, 0), (18, 1), False),
    ],
)
def test_window_in_another_zone_is_checked_in_wib(tz, start, end, ok):
    got = check(draft(windows=[window(start=start, end=end, tz=tz)]))
    assert rules(got) == ([] if ok else [Rule.SERVICE_HOURS])


def test_window_day_is_the_wib_day():
    # Monday 00:30 WIT is Sunday 22:30 WIB: not a service day, and outside service hours.
    early = Window(at(SESSION_DAY, 0, 30, WIT), at(SESSION_DAY, 1, 30, WIT))
    got = check(draft(windows=[early]))
    assert rules(got) == [Rule.SERVICE_DAY, Rule.SERVICE_HOURS]
    assert got[0].params["day"] == date(2026, 12, 13)
    assert got[0].params["next"] == SESSION_DAY


# --- service day and hours --------------------------------------------------------------


@pytest.mark.parametrize(
    "start, end, expected",
    [
        ((8, 0), (9, 0), []),
        ((7, 59), (9, 0), [Rule.SERVICE_HOURS]),
        ((15, 0), (16, 0), []),
        ((15, 1), (16, 1), [Rule.SERVICE_HOURS]),
        ((8, 0), (16, 0), []),
        # An end not after the start is told as that alone, never as "outside service hours".
        ((10, 0), (10, 0), [Rule.WINDOW_END_BEFORE_START]),
        ((11, 0), (10, 0), [Rule.WINDOW_END_BEFORE_START]),
        ((7, 0), (6, 0), [Rule.WINDOW_END_BEFORE_START]),
        ((8, 0), (8, 59), [Rule.WINDOW_TOO_SHORT]),
    ],
)
def test_service_hours_boundaries(start, end, expected):
    assert rules(check(draft(windows=[window(start=start, end=end)]))) == expected


def test_window_crossing_midnight_is_refused():
    overnight = Window(at(SESSION_DAY, 15), at(SESSION_DAY + timedelta(days=1), 9))
    assert rules(check(draft(windows=[overnight]))) == [Rule.SERVICE_HOURS]


def test_window_exactly_as_long_as_a_session_is_enough():
    policy = PolicyValues(session_minutes=90)
    assert check(draft(windows=[window(start=(9, 0), end=(10, 30))]), policy=policy) == []
    short = check(draft(windows=[window(start=(9, 0), end=(10, 29))]), policy=policy)
    assert rules(short) == [Rule.WINDOW_TOO_SHORT]
    assert short[0].params == {"minutes": 90}


@pytest.mark.parametrize(
    "day, holiday",
    [
        (date(2026, 12, 12), None),  # Saturday
        (date(2026, 12, 24), "Cuti Bersama Hari Raya Natal"),
        (date(2026, 12, 25), "Hari Raya Natal"),
    ],
)
def test_non_working_days_are_refused(day, holiday):
    got = check(draft(windows=[window(day)]))
    assert Rule.SERVICE_DAY in rules(got)
    violation = got[rules(got).index(Rule.SERVICE_DAY)]
    assert violation.params["day"] == day
    assert violation.params["holiday"] == holiday
    assert CAL.is_working_day(violation.params["next"]) and violation.params["next"] > day


def test_window_in_the_past_is_reported_alone():
    start = at(SESSION_DAY, 10)
    for now in (start, start + timedelta(minutes=1)):
        got = check(draft(windows=[window()]), now)
        assert rules(got) == [Rule.WINDOW_IN_PAST]
        assert got[0].params["start"] == start


def test_each_window_is_checked_with_its_index():
    windows = [window(), window(start=(7, 0), end=(8, 0)), window(date(2026, 12, 12))]
    got = check(draft(windows=windows))
    assert [(v.index, v.field) for v in got] == [(1, "windows-1"), (2, "windows-2")]


# --- delegation -------------------------------------------------------------------------


@pytest.mark.parametrize(
    "mode, size, expected",
    [
        (Mode.FTF, 5, []),
        (Mode.FTF, 6, [Rule.DELEGATION_SIZE]),
        (Mode.VC, 15, []),
        (Mode.VC, 16, [Rule.DELEGATION_SIZE]),
        (Mode.FTF, 0, [Rule.DELEGATION_EMPTY]),
        (Mode.VC, 0, [Rule.DELEGATION_EMPTY]),
        (Mode.VC, 1, []),
    ],
)
def test_delegation_size(mode, size, expected):
    got = check(draft(mode, size=size))
    assert rules(got) == expected
    if expected == [Rule.DELEGATION_SIZE]:
        assert got[0].params == {"limit": POLICY.max_guests(mode), "size": size, "mode": mode}
        assert got[0].field == "delegation"


# --- letter -----------------------------------------------------------------------------


def test_letter_required_for_ftf():
    got = check(draft(Mode.FTF, letter=False))
    assert rules(got) == [Rule.LETTER_REQUIRED]
    assert got[0].params == {"mode": Mode.FTF} and got[0].field == "letter"


def test_letter_not_required_for_vc_by_default():
    assert check(draft(Mode.VC, letter=False)) == []


def test_letter_required_for_vc_when_the_policy_says_so():
    policy = PolicyValues(letter_required_vc=True)
    assert rules(check(draft(Mode.VC, letter=False), policy=policy)) == [Rule.LETTER_REQUIRED]
    assert check(draft(Mode.VC, letter=True), policy=policy) == []


@pytest.mark.parametrize("mode", [Mode.FTF, Mode.VC])
def test_letter_to_someone_else_is_refused(mode):
    got = check(draft(mode, letter=True, addressee="Kepala Biro Umum"))
    assert rules(got) == [Rule.LETTER_ADDRESSEE]
    assert got[0].field == "letter_addressee"


def test_violations_add_up():
    bad = draft(Mode.FTF, [window(date(2026, 12, 12), (7, 0), (7, 30))], size=9, letter=False)
    assert rules(check(bad)) == [
        Rule.SERVICE_DAY,
        Rule.SERVICE_HOURS,
        Rule.DELEGATION_SIZE,
        Rule.LETTER_REQUIRED,
    ]


def test_check_window_alone_matches_check_request():
    w = window(start=(7, 0), end=(8, 0))
    assert check_window(w, Mode.VC, POLICY, CAL, LONG_AGO, 0) == check(draft(windows=[w]))
