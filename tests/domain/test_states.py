"""The request state machine: exactly the transitions in the table, nothing else."""

import pytest

from app.domain.states import (
    ACTIVE_SESSION_STATES,
    FINAL_STATES,
    OPEN_STATES,
    TRANSITIONS,
    Action,
    IllegalTransition,
    RequestState,
    allowed,
    transition,
)

S, A = RequestState, Action

# Written out again on purpose: changing the table in app/domain/states.py must be a
# conscious decision that changes this test too.
EXPECTED = {
    (S.SUBMITTED, A.EDIT): S.SUBMITTED,
    (S.SUBMITTED, A.REQUEST_CHANGES): S.CHANGES_REQUESTED,
    (S.SUBMITTED, A.APPROVE): S.SCHEDULED,
    (S.SUBMITTED, A.REJECT): S.REJECTED,
    (S.SUBMITTED, A.CONVERT_TO_VC): S.SUBMITTED,
    (S.SUBMITTED, A.WITHDRAW): S.CANCELLED,
    (S.SUBMITTED, A.CANCEL): S.CANCELLED,
    (S.CHANGES_REQUESTED, A.EDIT): S.SUBMITTED,
    (S.CHANGES_REQUESTED, A.REJECT): S.REJECTED,
    (S.CHANGES_REQUESTED, A.WITHDRAW): S.CANCELLED,
    (S.SCHEDULED, A.CONVERT_TO_VC): S.SCHEDULED,
    (S.SCHEDULED, A.RESCHEDULE): S.SCHEDULED,
    (S.SCHEDULED, A.CONFIRM): S.CONFIRMED,
    (S.SCHEDULED, A.WITHDRAW): S.CANCELLED,
    (S.SCHEDULED, A.CANCEL): S.CANCELLED,
    (S.SCHEDULED, A.MARK_HELD): S.HELD,
    (S.SCHEDULED, A.MARK_NO_SHOW): S.NO_SHOW,
    (S.CONFIRMED, A.RESCHEDULE): S.SCHEDULED,
    (S.CONFIRMED, A.CONFIRM): S.CONFIRMED,
    (S.CONFIRMED, A.WITHDRAW): S.CANCELLED,
    (S.CONFIRMED, A.CANCEL): S.CANCELLED,
    (S.CONFIRMED, A.MARK_HELD): S.HELD,
    (S.CONFIRMED, A.MARK_NO_SHOW): S.NO_SHOW,
    (S.HELD, A.MARK_NO_SHOW): S.NO_SHOW,  # a VC no-show recorded after the job marked it held
}
ALL_PAIRS = [(state, action) for state in S for action in A]


def test_table_is_exactly_the_expected_one():
    assert TRANSITIONS == EXPECTED


@pytest.mark.parametrize("state, action", [p for p in ALL_PAIRS if p in EXPECTED])
def test_allowed_transition(state, action):
    assert transition(state, action) == EXPECTED[(state, action)]
    assert allowed(state, action)


@pytest.mark.parametrize("state, action", [p for p in ALL_PAIRS if p not in EXPECTED])
def test_every_other_pair_is_refused(state, action):
    with pytest.raises(IllegalTransition) as info:
        transition(state, action)
    assert (info.value.state, info.value.action) == (state, action)
    assert not allowed(state, action)


@pytest.mark.parametrize("state", sorted(FINAL_STATES))
def test_final_states_accept_nothing(state):
    # The one exception: a held video conference can still be recorded as a no-show.
    assert [a for a in A if allowed(state, a)] == ([A.MARK_NO_SHOW] if state == S.HELD else [])


def test_state_groups():
    assert FINAL_STATES == {S.HELD, S.NO_SHOW, S.CANCELLED, S.REJECTED}
    assert OPEN_STATES == {S.SUBMITTED, S.CHANGES_REQUESTED}
    assert ACTIVE_SESSION_STATES == {S.SCHEDULED, S.CONFIRMED}
    assert FINAL_STATES.isdisjoint(OPEN_STATES | ACTIVE_SESSION_STATES)
    assert FINAL_STATES | OPEN_STATES | ACTIVE_SESSION_STATES == set(S)


def test_every_state_is_reachable_from_submitted():
    reached, frontier = {S.SUBMITTED}, [S.SUBMITTED]
    while frontier:
        state = frontier.pop()
        for (source, _action), target in TRANSITIONS.items():
            if source == state and target not in reached:
                reached.add(target)
                frontier.append(target)
    assert reached == set(S)


def test_values_stored_as_strings_are_accepted():
    assert transition("scheduled", "confirm") == S.CONFIRMED
    with pytest.raises(IllegalTransition):
        transition("held", "cancel")
