"""Consultation request states and the only transitions allowed between them.

Every state change in the application goes through transition(); anything not in the table
is refused with IllegalTransition.
"""

import enum


class RequestState(enum.StrEnum):
    SUBMITTED = "submitted"
    CHANGES_REQUESTED = "changes_requested"
    SCHEDULED = "scheduled"  # approved and given a time
    CONFIRMED = "confirmed"  # the Pemda confirmed its delegation
    HELD = "held"
    NO_SHOW = "no_show"
    CANCELLED = "cancelled"
    REJECTED = "rejected"


class Action(enum.StrEnum):
    EDIT = "edit"  # the Pemda edits (and so resubmits) its request
    REQUEST_CHANGES = "request_changes"
    APPROVE = "approve"  # approve and schedule
    REJECT = "reject"
    CONVERT_TO_VC = "convert_to_vc"
    RESCHEDULE = "reschedule"
    CONFIRM = "confirm"
    WITHDRAW = "withdraw"  # the Pemda withdraws or cancels its own request
    CANCEL = "cancel"  # DJPK cancels
    MARK_HELD = "mark_held"
    MARK_NO_SHOW = "mark_no_show"


S = RequestState
TRANSITIONS: dict[tuple[RequestState, Action], RequestState] = {
    (S.SUBMITTED, Action.EDIT): S.SUBMITTED,
    (S.CHANGES_REQUESTED, Action.EDIT): S.SUBMITTED,
    (S.SUBMITTED, Action.REQUEST_CHANGES): S.CHANGES_REQUESTED,
    (S.SUBMITTED, Action.APPROVE): S.SCHEDULED,
    (S.SUBMITTED, Action.REJECT): S.REJECTED,
    (S.CHANGES_REQUESTED, Action.REJECT): S.REJECTED,
    (S.SUBMITTED, Action.CONVERT_TO_VC): S.SUBMITTED,
    (S.SCHEDULED, Action.CONVERT_TO_VC): S.SCHEDULED,
    (S.SCHEDULED, Action.RESCHEDULE): S.SCHEDULED,
    (S.CONFIRMED, Action.RESCHEDULE): S.SCHEDULED,
    (S.SCHEDULED, Action.CONFIRM): S.CONFIRMED,
    (S.CONFIRMED, Action.CONFIRM): S.CONFIRMED,
    (S.SUBMITTED, Action.WITHDRAW): S.CANCELLED,
    (S.CHANGES_REQUESTED, Action.WITHDRAW): S.CANCELLED,
    (S.SCHEDULED, Action.WITHDRAW): S.CANCELLED,
    (S.CONFIRMED, Action.WITHDRAW): S.CANCELLED,
    (S.SUBMITTED, Action.CANCEL): S.CANCELLED,
    (S.SCHEDULED, Action.CANCEL): S.CANCELLED,
    (S.CONFIRMED, Action.CANCEL): S.CANCELLED,
    (S.SCHEDULED, Action.MARK_HELD): S.HELD,
    (S.CONFIRMED, Action.MARK_HELD): S.HELD,
    (S.SCHEDULED, Action.MARK_NO_SHOW): S.NO_SHOW,
    (S.CONFIRMED, Action.MARK_NO_SHOW): S.NO_SHOW,
    # A video conference is marked held after its end (nobody checks it in); a coordinator
    # who knows the Pemda did not join records the no-show afterwards.
    (S.HELD, Action.MARK_NO_SHOW): S.NO_SHOW,
}

FINAL_STATES = frozenset({S.HELD, S.NO_SHOW, S.CANCELLED, S.REJECTED})
OPEN_STATES = frozenset({S.SUBMITTED, S.CHANGES_REQUESTED})
ACTIVE_SESSION_STATES = frozenset({S.SCHEDULED, S.CONFIRMED})


class IllegalTransition(Exception):
    def __init__(self, state: RequestState, action: Action):
        super().__init__(f"{action} is not allowed from {state}")
        self.state = state
        self.action = action


def transition(state: RequestState, action: Action) -> RequestState:
    try:
        return TRANSITIONS[(RequestState(state), Action(action))]
    except KeyError:
        raise IllegalTransition(RequestState(state), Action(action)) from None


def allowed(state: RequestState, action: Action) -> bool:
    return (RequestState(state), Action(action)) in TRANSITIONS
