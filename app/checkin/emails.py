"""Email on arrival: the session's narasumber and the coordinators hear that the delegation
is in the building (through the outbox, once per visit)."""

from app.checkin.models import Visit
from app.core.mail import queue_email
from app.requests.labels import mode_label
from app.scheduling.emails import coordinator_emails


def arrival_recipients(visit: Visit) -> list[str]:
    people = set(coordinator_emails())
    if visit.request is not None:
        people |= {a.narasumber.user.email for a in visit.request.assignments if a.active}
    return sorted(e.lower() for e in people)


def queue_arrived(visit: Visit) -> None:
    to = arrival_recipients(visit)
    if not to:
        return
    queue_email(
        to,
        "checkin/arrived",
        dedupe_key=f"checkin:arrived:{visit.id}",
        request_id=visit.request_id,
        visit=visit,
        req=visit.request,
        present=[g for g in visit.guests if g.present],
        zone="Asia/Jakarta",
        mode_label=mode_label,
    )
