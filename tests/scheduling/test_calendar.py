"""The coordinator's calendar: week and month views, navigation, filters."""

import re

from app.domain.policy import Mode
from app.domain.states import RequestState
from app.extensions import db
from tests import factories
from tests.scheduling import coord_helpers as h
from tests.scheduling.coord_helpers import booked, login_as, narasumber, request_at, text_of, wib

frozen, dau, dbh = h.frozen, h.dau, h.dbh
S = RequestState


def _calendar(client, **args) -> str:
    response = client.get("/koordinator/kalender", query_string=args)
    assert response.status_code == 200
    return text_of(response)


def _sessions(page: str) -> list[str]:
    """The detail links of the sessions shown (each appears in the phone list and the grid)."""
    return sorted(set(re.findall(r'href="/koordinator/permohonan/(\d+)"', page)))


def test_week_view_shows_this_weeks_sessions_monday_to_friday(client, coordinator, pemda, dau, dbh):
    ani = narasumber("Ani Rahmawati", [dau])
    room = factories.room("Ruang Rapat 9A")
    ftf = booked(pemda, wib("2026-12-02", "09:00"), people=[ani], room=room, topics=[dau, dbh])
    vc = booked(pemda, wib("2026-12-04", "13:00"), people=[ani], mode=Mode.VC, state=S.CONFIRMED)
    next_week = booked(pemda, wib("2026-12-08", "10:00"), people=[ani], room=room)
    request_at(pemda, "2026-12-03")  # submitted, not a session
    cancelled = booked(pemda, wib("2026-12-03", "10:00"), state=S.CANCELLED)
    db.session.commit()
    login_as(client, coordinator)
    page = _calendar(client)
    assert _sessions(page) == sorted([str(ftf.id), str(vc.id)])
    assert str(next_week.id) not in _sessions(page) and str(cancelled.id) not in _sessions(page)
    assert "Senin, 30 Nov" in page and "Jumat, 4 Des" in page and "Sabtu" not in page
    assert "09.00–10.00" in page and "Kab. Brebes" in page
    assert "DAU, DBH" in page and "Ruang Rapat 9A" in page and "VC" in page
    assert "Kehadiran dikonfirmasi" in page
    for hour in ("08.00", "15.00"):
        assert hour in page


def test_week_navigation(client, coordinator, pemda, dau):
    later = booked(pemda, wib("2026-12-08", "10:00"))
    db.session.commit()
    login_as(client, coordinator)
    page = _calendar(client)
    assert "date=2026-12-07" in page and "date=2026-11-23" in page  # next / previous Monday
    assert _sessions(_calendar(client, date="2026-12-07")) == [str(later.id)]
    assert _sessions(_calendar(client, date="2026-12-10")) == [str(later.id)]


def test_month_view_and_its_navigation(client, coordinator, pemda, dau):
    early = booked(pemda, wib("2026-12-01", "14:00"))
    late = booked(pemda, wib("2026-12-30", "09:00"))
    january = booked(pemda, wib("2027-01-05", "09:00"))
    db.session.commit()
    login_as(client, coordinator)
    page = _calendar(client, view="month")
    assert _sessions(page) == sorted([str(early.id), str(late.id)])
    assert "Desember 2026" in page
    assert "date=2027-01-01" in page and "date=2026-11-01" in page
    assert "Natal" in page  # 25 December is shown as a holiday
    assert _sessions(_calendar(client, view="month", date="2027-01-01")) == [str(january.id)]


def test_a_busy_day_of_the_month_shows_four_and_links_to_its_week(client, coordinator, pemda, dau):
    room = factories.room("Ruang Rapat 9A")
    busy = [booked(pemda, wib("2026-12-09", f"{8 + i:02d}:00"), room=room) for i in range(6)]
    quiet = booked(pemda, wib("2026-12-10", "09:00"), room=room)
    db.session.commit()
    login_as(client, coordinator)
    page = _calendar(client, view="month")
    # The first four of the day by time, then a link to the day's week (in both layouts).
    assert _sessions(page) == sorted([*(str(r.id) for r in busy[:4]), str(quiet.id)])
    assert page.count("+2 sesi lainnya") == 2
    link = re.search(r'href="([^"]*)">\+2 sesi lainnya', page).group(1).replace("&amp;", "&")
    assert "view=week" in link and "date=2026-12-09" in link
    week = text_of(client.get(link))
    assert _sessions(week) == sorted(str(r.id) for r in [*busy, quiet])
    assert "lainnya" not in week


def test_filter_by_narasumber_and_room(client, coordinator, pemda, dau):
    ani = narasumber("Ani Rahmawati", [dau])
    budi = narasumber("Budi Santoso", [dau])
    a_room, b_room = factories.room("Ruang A"), factories.room("Ruang B")
    with_ani = booked(pemda, wib("2026-12-02", "09:00"), people=[ani], room=a_room)
    with_budi = booked(pemda, wib("2026-12-03", "09:00"), people=[budi], room=b_room)
    db.session.commit()
    login_as(client, coordinator)
    assert _sessions(_calendar(client, narasumber=ani.id)) == [str(with_ani.id)]
    assert _sessions(_calendar(client, narasumber=budi.id)) == [str(with_budi.id)]
    assert _sessions(_calendar(client, room=b_room.id)) == [str(with_budi.id)]
    assert _sessions(_calendar(client, room=b_room.id, narasumber=ani.id)) == []
    # Filters survive navigation.
    assert f"narasumber={ani.id}" in _calendar(client, narasumber=ani.id).split("Sebelumnya")[0]


def test_bad_date_falls_back_to_today(client, coordinator, pemda, dau):
    this_week = booked(pemda, wib("2026-12-02", "09:00"))
    db.session.commit()
    login_as(client, coordinator)
    assert _sessions(_calendar(client, date="bukan-tanggal", narasumber="x")) == [str(this_week.id)]
