"""Sessions whose invite state was never recorded (the demo seed before it adopted them, rows
made by hand or by an import) may still have an invite with SEQUENCE 0 in someone's calendar.
Their first change must be SEQUENCE 1, or calendar clients ignore it as a repeat; and the
demo seed records the state of every session it books."""

import pytest
from sqlalchemy import select

from app.auth.models import User
from app.domain.policy import Mode
from app.domain.states import RequestState
from app.extensions import db
from app.invites import services as invites
from app.invites.models import InviteState
from app.requests.models import ConsultationRequest
from app.scheduling import decisions
from app.scheduling import services as booking
from app.scheduling.models import AssignmentStatus
from app.seed import seed_demo
from tests import factories, icaljs
from tests.invites.helpers import cancel, checked, reschedule
from tests.narasumber import factories as made
from tests.scheduling.factories import coordinator, narasumber, wib

NINE = wib("2026-12-08", "09:00")


@pytest.fixture
def untracked(app, frozen):
    """A scheduled face-to-face session made directly, with no invite state."""
    pemda = factories.pemda_user(factories.BREBES, email="operator@brebeskab.go.id")
    boss = coordinator()
    ani, budi = narasumber("Ani Rahmawati"), narasumber("Budi Santoso")
    room = factories.room("Ruang Rapat Dahlia", capacity=10)
    req = made.session(pemda, NINE, mode=Mode.FTF, room=room)
    made.assignment(req, ani, status=AssignmentStatus.ACCEPTED)
    db.session.commit()
    assert invites.state_of(req) is None
    return {"req": req, "boss": boss, "ani": ani, "budi": budi}


def _reschedule(app, s):
    reschedule(app, s["req"], s["boss"], wib("2026-12-08", "13:00"), wib("2026-12-08", "14:00"))


def _cancel(app, s):
    cancel(app, s["req"], s["boss"])


def _convert(app, s):
    with app.test_request_context():
        decisions.convert_to_vc(s["req"], actor=s["boss"], reason="Sesuai S-38/PK/2023")
        db.session.commit()


def _replace(app, s):
    [old] = s["req"].assignments
    with app.test_request_context():
        booking.replace_narasumber(old, s["budi"].id, actor=s["boss"])
        booking.commit_or_conflict()


@pytest.mark.parametrize(
    "change, method",
    [(_reschedule, "REQUEST"), (_cancel, "CANCEL"), (_convert, "REQUEST"), (_replace, "REQUEST")],
    ids=["reschedule", "cancel", "convert-to-vc", "replace-narasumber"],
)
def test_the_first_change_of_an_untracked_session_is_sequence_1(app, untracked, change, method):
    req = untracked["req"]
    before = invites.invite(req)  # what a participant may already hold
    assert int(checked(before.content).vevent.sequence.value) == 0

    change(app, untracked)
    db.session.refresh(req)
    state = db.session.get(InviteState, req.id)
    assert (state.sequence, state.last_method) == (1, method)
    after = invites.invite(req)
    assert after.method == method
    old, new = icaljs.parse([before.content, after.content])
    assert old["events"][0]["uid"] == new["events"][0]["uid"] == invites.uid_of(req)
    assert (old["events"][0]["sequence"], new["events"][0]["sequence"]) == (0, 1)


def test_an_untracked_session_cancelled_without_the_booking_services_cancels_at_1(app, untracked):
    req = untracked["req"]
    req.state = RequestState.CANCELLED
    for row in req.assignments:
        row.active, row.status = False, AssignmentStatus.RELEASED
    db.session.commit()
    invite = invites.invite(req)
    [event] = icaljs.parse_one(invite.content)["events"]
    assert invite.method == "CANCEL" and (event["sequence"], event["status"]) == (1, "CANCELLED")
    assert untracked["ani"].user.email.lower() in {a["email"] for a in event["attendees"]}


def test_the_demo_seed_records_the_invite_of_every_session_it_books(app):
    seed_demo()
    db.session.commit()
    sessions = [
        req
        for req in db.session.scalars(select(ConsultationRequest).order_by(ConsultationRequest.id))
        if invites.available(req)
    ]
    assert sessions
    for req in sessions:
        state = db.session.get(InviteState, req.id)
        assert state is not None, req.reference
        assert (state.sequence, state.last_method) == (0, "REQUEST")
        recorded = {email for email, _name, _role in state.attendees}
        assert req.contact_email in recorded and len(recorded) >= 2  # the Pemda and a narasumber

    # The first change of a demo session is a new version for whoever holds the invite.
    req = next(r for r in sessions if r.state in (RequestState.SCHEDULED, RequestState.CONFIRMED))
    boss = db.session.scalars(select(User).filter_by(email="koordinator@demo.djpk.go.id")).one()
    cancel(app, req, boss)
    [event] = icaljs.parse_one(invites.invite(req).content)["events"]
    assert (event["sequence"], event["status"]) == (1, "CANCELLED")
