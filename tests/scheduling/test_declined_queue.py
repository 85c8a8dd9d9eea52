"""A session whose narasumber declined stands out in the coordinator's queue (a badge, first
in every view, its own filter, and in the default view although it is scheduled) until
someone is assigned in the declined person's place."""

from app.core.clock import now_utc
from app.domain.policy import Mode
from app.extensions import db
from app.narasumber.services import respond
from app.scheduling.declines import open_declines
from tests.scheduling import coord_helpers as h
from tests.scheduling.coord_helpers import booked, login_as, narasumber, request_at, text_of, wib

frozen, dau = h.frozen, h.dau

BADGE = 'data-test="declined-badge"'


def _decline(app, assignment, reason="Dinas luar kota"):
    with app.test_request_context():  # the alert to the coordinators is rendered
        respond(assignment.narasumber.user, assignment, accept=False, reason=reason)
        db.session.commit()


def _queue(client, **args) -> str:
    response = client.get("/koordinator/", query_string=args)
    assert response.status_code == 200
    return text_of(response)


def _session(pemda, dau, *people):
    return booked(pemda, wib("2026-12-09", "09:00"), people=people, mode=Mode.VC, topics=[dau])


def test_a_decline_is_flagged_first_until_replaced(client, coordinator, pemda, dau, frozen):
    budi = narasumber("Budi Santoso", [dau])
    citra = narasumber("Citra Lestari", [dau])
    older = request_at(pemda, "2026-12-08")  # submitted earlier: first of the queue otherwise
    frozen.shift(3600)
    req = _session(pemda, dau, budi)
    db.session.commit()
    frozen.shift(3600)
    [a] = req.assignments
    _decline(client.application, a)
    login_as(client, coordinator)

    page = _queue(client)
    assert page.count(BADGE) == 2  # the phone list and the table
    assert "Narasumber menolak" in page
    assert page.index(req.reference) < page.index(older.reference)  # first
    assert "Belum ada pengganti untuk: Budi Santoso" in page
    only = _queue(client, state="declined")
    assert req.reference in only and older.reference not in only
    assert 'data-test="declined-filter"' in only
    assert BADGE in _queue(client, state="scheduled")  # flagged in every view

    review = text_of(client.get(f"/koordinator/permohonan/{req.id}"))
    assert 'data-test="needs-replacement"' in review and '<details class="mt-2" open>' in review

    frozen.shift(3600)
    response = client.post(
        f"/koordinator/penugasan/{a.id}/ganti", data={"narasumber_id": citra.id, "suggested_id": citra.id}
    )
    assert response.status_code == 302
    page = _queue(client)
    assert BADGE not in page and req.reference not in page  # back to a plain scheduled session
    assert 'data-test="declined-filter"' not in page
    review = text_of(client.get(f"/koordinator/permohonan/{req.id}"))
    assert 'data-test="needs-replacement"' not in review
    assert f'action="/koordinator/penugasan/{a.id}/ganti"' not in review  # no second replacement


def test_each_decline_needs_its_own_replacement(client, coordinator, pemda, dau, frozen):
    budi, citra, dewi = (narasumber(n, [dau]) for n in ("Budi Santoso", "Citra Lestari", "Dewi Anggraini"))
    req = _session(pemda, dau, budi, citra)
    db.session.commit()
    first, second = req.assignments
    frozen.shift(60)
    _decline(client.application, first)
    frozen.shift(60)
    _decline(client.application, second)
    frozen.shift(60)
    login_as(client, coordinator)
    client.post(
        f"/koordinator/penugasan/{first.id}/ganti", data={"narasumber_id": dewi.id, "suggested_id": dewi.id}
    )
    waiting = open_declines(now_utc())
    assert [x.id for x in waiting[req.id]] == [second.id]
    assert "Belum ada pengganti untuk: Citra Lestari" in _queue(client)


def test_a_decline_before_the_session_moved_or_ended_is_not_flagged(client, coordinator, pemda, dau, frozen):
    budi = narasumber("Budi Santoso", [dau])
    req = _session(pemda, dau, budi)
    db.session.commit()
    frozen.shift(60)
    _decline(client.application, req.assignments[0])
    assert req.id in open_declines(now_utc())
    # The session was moved since (a new time, chosen with its team): nothing left to replace.
    req.scheduled_start, req.scheduled_end = wib("2026-12-10", "09:00"), wib("2026-12-10", "10:00")
    db.session.commit()
    assert open_declines(now_utc()) == {}
    # A session already over is no work for the coordinator either.
    req.scheduled_start, req.scheduled_end = req.assignments[0].start, req.assignments[0].end
    db.session.commit()
    frozen.move_to(wib("2026-12-09", "11:00"))
    assert open_declines(now_utc()) == {}


def test_a_declined_session_is_shown_only_under_its_own_mode(client, coordinator, pemda, dau, frozen):
    # The default view is "open requests OR sessions with an open decline", and the filters
    # apply to both sides of that OR: a declined video conference is not a face-to-face one.
    budi = narasumber("Budi Santoso", [dau])
    req = _session(pemda, dau, budi)  # a video conference
    db.session.commit()
    [a] = req.assignments
    _decline(client.application, a)
    login_as(client, coordinator)

    assert req.reference in _queue(client, mode="vc")
    assert req.reference not in _queue(client, mode="ftf")
    assert BADGE not in _queue(client, mode="ftf")
