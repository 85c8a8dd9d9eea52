"""The review page as the outside validators read it (axe-core, the Nu HTML Checker): each
decision's reason box has an id of its own named by its own label, a refused decision shows
the error summary above its form, the request-changes button is readable, the earlier
requests put no block inside an inline element, and holidays in the calendar are readable."""

import re

from app.domain.policy import Mode
from app.domain.states import RequestState
from app.extensions import db
from tests.scheduling import coord_helpers as h
from tests.scheduling.coord_helpers import booked, login_as, narasumber, request_at, wib

frozen, dau = h.frozen, h.dau

SUBMITTED_PANELS = {
    "alasan-tolak": "Alasan",
    "alasan-perbaikan": "Perbaikan yang diminta",
    "alasan-ubah-vc": "Alasan diubah menjadi video conference",
    "alasan-batal": "Alasan pembatalan",
}


def _page(client, req) -> str:
    response = client.get(f"/koordinator/permohonan/{req.id}")
    assert response.status_code == 200
    return response.get_data(as_text=True)


def test_each_reason_box_has_its_own_id_and_label(client, coordinator, pemda, dau, frozen):
    req = request_at(pemda, "2026-12-08", mode=Mode.FTF)
    db.session.commit()
    login_as(client, coordinator)
    page = _page(client, req)
    assert 'id="reason"' not in page
    for box, label in SUBMITTED_PANELS.items():
        assert page.count(f'id="{box}"') == 1, box
        assert re.search(rf'<label[^>]*for="{box}"[^>]*>{label}</label>', page), box


def test_the_reschedule_reason_has_its_own_id(client, coordinator, pemda, dau, frozen):
    person = narasumber("Budi Santoso", [dau])
    req = booked(pemda, wib("2026-12-09", "09:00"), people=[person], topics=[dau])
    db.session.commit()
    login_as(client, coordinator)
    page = _page(client, req)
    assert page.count('id="alasan-jadwal-ulang"') == 1 and page.count('id="alasan-batal"') == 1
    assert 'id="reason"' not in page


def test_a_refused_decision_shows_the_error_summary_above_its_form(client, coordinator, pemda, dau, frozen):
    req = request_at(pemda, "2026-12-08")
    db.session.commit()
    login_as(client, coordinator)
    response = client.post(f"/koordinator/permohonan/{req.id}/tolak", data={"reason": "   "})
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert page.count('id="ringkasan-kesalahan"') == 1
    panel = page[page.index('<details class="card mb-2" id="tolak"') :]
    assert panel.startswith('<details class="card mb-2" id="tolak" open>')
    assert panel.index('id="ringkasan-kesalahan"') < panel.index("<form")
    assert 'href="#alasan-tolak"' in panel
    db.session.expire_all()
    assert req.state == RequestState.SUBMITTED


def test_the_request_changes_button_is_readable(client, coordinator, pemda, dau, frozen):
    req = request_at(pemda, "2026-12-08")
    db.session.commit()
    login_as(client, coordinator)
    # btn-outline-warning: yellow text on white, 1.63:1 (axe-core).
    assert "btn-outline-warning" not in _page(client, req)


def test_earlier_requests_hold_no_block_inside_an_inline_element(client, coordinator, pemda, dau, frozen):
    frozen.shift(-30 * 24 * 3600)
    booked(pemda, wib("2026-11-10", "09:00"), state=RequestState.HELD, topics=[dau])
    frozen.shift(30 * 24 * 3600)
    req = request_at(pemda, "2026-12-08")
    db.session.commit()
    login_as(client, coordinator)
    page = _page(client, req)
    history = page[page.index("Riwayat Pemda ini") : page.index("Riwayat permohonan")]
    assert "Jadwal: 10 November 2026" in history
    assert not re.search(r"<span>(?:(?!</span>).)*<div", history, re.S)


def test_holidays_in_the_calendar_are_readable(client, coordinator, frozen):
    login_as(client, coordinator)
    for view in ("week", "month"):
        page = client.get("/koordinator/kalender", query_string={"view": view, "date": "2026-12-24"})
        html = page.get_data(as_text=True)
        holidays = re.findall(r'class="([^"]*)">[^<]*Natal', html)
        assert holidays and all("text-danger-emphasis" in c for c in holidays), (view, holidays)


def test_every_link_of_a_refused_schedule_form_reaches_its_field(client, coordinator, pemda, dau, frozen):
    narasumber("Budi Santoso", [dau])
    narasumber("Citra Lestari", [dau])
    req = request_at(pemda, "2026-12-08", topics=[dau])
    db.session.commit()
    login_as(client, coordinator)
    data = {"day": "2026-12-08", "start_time": "10:00", "end_time": "09:00"}
    page = client.post(f"/koordinator/permohonan/{req.id}/jadwalkan", data=data).get_data(as_text=True)
    summary = re.search(r'<div[^>]*id="ringkasan-kesalahan".*?</div>', page, re.S).group(0)
    targets = re.findall(r'href="#([^"]+)"', summary)
    assert set(targets) == {"end_time", "narasumber_ids"}
    for target in targets:
        assert page.count(f'id="{target}"') == 1, target


def test_the_queue_filter_shows_the_error_summary(client, coordinator, frozen):
    login_as(client, coordinator)
    page = client.get("/koordinator/", query_string={"date_from": "2026-13-01"}).get_data(as_text=True)
    assert page.count('id="ringkasan-kesalahan"') == 1 and 'href="#date_from"' in page
