"""The front-desk rules, each on its boundary, and the breach catalogue."""

from datetime import UTC, datetime, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from app.domain.breaches import CATALOGUE, BreachType, kind_of, label
from app.domain.checkin import Arrival, Finding, arrival_limits, evaluate, minutes_late
from app.domain.policy import Mode, PolicyValues
from tests.domain.strategies import DOMAIN_SETTINGS

B = BreachType
START = datetime(2026, 12, 8, 2, 0, tzinfo=UTC)  # 09:00 WIB


def arrival(**changes) -> Arrival:
    """A confirmed delegation of 5 under a limit of 5, on time, with its letter."""
    values = {
        "mode": Mode.FTF,
        "max_guests": 5,
        "present": 5,
        "arrived_at": START,
        "confirmed": True,
        "confirmed_guests": 5,
        "regional_head_confirmed": False,
        "regional_head_present": False,
        "scheduled_start": START,
        "late_threshold_minutes": 30,
    }
    values.update(changes)
    return Arrival(**values)


def codes(a: Arrival) -> list[BreachType]:
    return [f.code for f in evaluate(a)]


def test_catalogue_has_every_type_with_a_label_and_a_description():
    assert set(CATALOGUE) == set(BreachType)
    assert {str(t) for t in BreachType} == {
        "guests_over_limit",
        "unconfirmed_arrival",
        "walk_in",
        "regional_head_invalid",
        "late_arrival",
        "no_show",
        "late_cancellation",
        "other",
    }
    for kind in CATALOGUE.values():
        assert str(kind.label) and str(kind.description)
    assert label("guests_over_limit") == "Jumlah tamu melebihi batas"
    assert label("unknown") == "unknown" and kind_of("unknown") is None


def test_a_compliant_arrival_shows_nothing():
    assert evaluate(arrival()) == []


# Guests over the limit -----------------------------------------------------------------------


def test_five_allowed_five_come_is_no_breach():
    assert codes(arrival(present=5)) == []


def test_six_come_is_one_breach_one_over():
    assert evaluate(arrival(present=6)) == [
        Finding(B.GUESTS_OVER_LIMIT, {"allowed": 5, "came": 6, "over": 1, "confirmed": 5, "not_on_list": 0})
    ]


def test_seven_come_for_five_confirmed_under_five_is_one_breach_two_over():
    (finding,) = evaluate(arrival(present=7, not_on_list=2))
    assert finding.code == B.GUESTS_OVER_LIMIT
    assert finding.evidence == {"allowed": 5, "came": 7, "over": 2, "confirmed": 5, "not_on_list": 2}


def test_more_than_confirmed_but_within_the_limit_is_no_breach():
    assert codes(arrival(confirmed_guests=3, present=5, not_on_list=2)) == []


@DOMAIN_SETTINGS
@given(limit=st.integers(1, 20), present=st.integers(0, 40))
def test_over_limit_exactly_when_more_come_than_allowed(limit, present):
    found = [f for f in evaluate(arrival(max_guests=limit, present=present)) if f.code == B.GUESTS_OVER_LIMIT]
    if present <= limit:
        assert found == []
    else:
        assert len(found) == 1 and found[0].evidence["over"] == present - limit


# Confirmation ---------------------------------------------------------------------------------


def test_arriving_unconfirmed_is_a_breach_and_has_no_head_rule():
    a = arrival(confirmed=False, confirmed_guests=0, regional_head_confirmed=None, regional_head_present=True)
    assert evaluate(a) == [Finding(B.UNCONFIRMED_ARRIVAL, {"came": 5})]


# Regional head --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "confirmed, present, breach",
    [(True, True, False), (False, False, False), (True, False, True), (False, True, True)],
)
def test_regional_head_breach_when_what_happened_differs(confirmed, present, breach):
    found = evaluate(arrival(regional_head_confirmed=confirmed, regional_head_present=present))
    expected = [Finding(B.REGIONAL_HEAD_INVALID, {"confirmed": int(confirmed), "present": int(present)})]
    assert found == (expected if breach else [])


def test_regional_head_not_answered_is_no_breach():
    assert codes(arrival(regional_head_confirmed=True, regional_head_present=None)) == []


# Late arrival ---------------------------------------------------------------------------------


def test_late_exactly_at_the_threshold_is_on_time():
    assert codes(arrival(arrived_at=START + timedelta(minutes=30))) == []
    assert codes(arrival(arrived_at=START + timedelta(minutes=30, seconds=59))) == []


def test_one_minute_past_the_threshold_is_late():
    assert evaluate(arrival(arrived_at=START + timedelta(minutes=31))) == [
        Finding(B.LATE_ARRIVAL, {"threshold": 30, "minutes_late": 31})
    ]


def test_early_is_never_late():
    assert minutes_late(START, START - timedelta(hours=1)) == 0
    assert codes(arrival(arrived_at=START - timedelta(minutes=45))) == []


@DOMAIN_SETTINGS
@given(threshold=st.integers(0, 120), late=st.integers(-60, 240))
def test_late_exactly_when_whole_minutes_exceed_the_threshold(threshold, late):
    a = arrival(late_threshold_minutes=threshold, arrived_at=START + timedelta(minutes=late))
    assert (B.LATE_ARRIVAL in codes(a)) == (late > threshold)


# Walk-in and letter ---------------------------------------------------------------------------


def test_walk_in_is_one_breach_and_not_also_unconfirmed_or_late():
    a = Arrival(mode=Mode.FTF, max_guests=5, present=3, arrived_at=START, walk_in=True)
    assert evaluate(a) == [Finding(B.WALK_IN, {"booking": 0, "came": 3})]


def test_walk_in_over_the_limit_is_two_breaches():
    a = Arrival(mode=Mode.FTF, max_guests=5, present=6, arrived_at=START, walk_in=True)
    assert evaluate(a) == [
        Finding(B.WALK_IN, {"booking": 0, "came": 6}),
        Finding(B.GUESTS_OVER_LIMIT, {"allowed": 5, "came": 6, "over": 1}),
    ]


def test_booked_without_the_required_letter_is_a_walk_in_breach():
    assert evaluate(arrival(has_letter=False)) == [Finding(B.WALK_IN, {"booking": 1, "letter": 0})]
    assert evaluate(arrival(has_letter=False, letter_required=False)) == []


def test_the_issue_case_gives_exactly_two_breaches():
    a = arrival(present=7, not_on_list=2, regional_head_confirmed=True, regional_head_present=False)
    assert codes(a) == [B.GUESTS_OVER_LIMIT, B.REGIONAL_HEAD_INVALID]


def test_limits_come_from_the_policy():
    policy = PolicyValues(max_guests_ftf=4, late_arrival_minutes=15)
    assert arrival_limits(policy, Mode.FTF) == {
        "mode": Mode.FTF,
        "max_guests": 4,
        "late_threshold_minutes": 15,
        "letter_required": True,
    }
    assert arrival_limits(policy, Mode.VC)["max_guests"] == 15
    assert arrival_limits(policy, Mode.VC)["letter_required"] is False


@DOMAIN_SETTINGS
@given(
    present=st.integers(0, 12),
    confirmed=st.booleans(),
    head_confirmed=st.booleans(),
    head_present=st.booleans(),
    late=st.integers(-30, 90),
    walk_in=st.booleans(),
)
def test_never_two_findings_of_one_type(present, confirmed, head_confirmed, head_present, late, walk_in):
    a = arrival(
        present=present,
        confirmed=confirmed,
        regional_head_confirmed=head_confirmed,
        regional_head_present=head_present,
        arrived_at=START + timedelta(minutes=late),
        walk_in=walk_in,
    )
    found = codes(a)
    assert len(found) == len(set(found))
    if walk_in:
        assert not {B.UNCONFIRMED_ARRIVAL, B.LATE_ARRIVAL, B.REGIONAL_HEAD_INVALID} & set(found)
