""" "Riwayat Pemda ini" on the review page says which date each earlier request shows: its
session ("Jadwal: ...") or, never scheduled, its submission ("Diajukan: ...")."""

from app.domain.states import RequestState
from app.extensions import db
from tests.scheduling import coord_helpers as h
from tests.scheduling.coord_helpers import booked, login_as, request_at, text_of, wib

frozen, dau = h.frozen, h.dau


def test_each_earlier_date_says_what_it_is(client, coordinator, pemda, dau, frozen):
    frozen.shift(-30 * 24 * 3600)  # submitted on 1 November 2026
    held = booked(pemda, wib("2026-11-10", "09:00"), state=RequestState.HELD, topics=[dau])
    rejected = request_at(pemda, "2026-11-12", state=RequestState.REJECTED)
    frozen.shift(30 * 24 * 3600)
    req = request_at(pemda, "2026-12-08")
    db.session.commit()
    login_as(client, coordinator)
    page = text_of(client.get(f"/koordinator/permohonan/{req.id}"))
    history = page[page.index("Riwayat Pemda ini") : page.index("Riwayat permohonan")]
    assert held.reference in history and "Jadwal: 10 November 2026" in history
    assert rejected.reference in history and "Diajukan: 1 November 2026" in history
