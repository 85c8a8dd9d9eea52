"""Replacing a narasumber who declined: the person who declined is not offered as their own
replacement, and a refused replacement shows the review page again with the choice and the
reason kept and the error summary above that narasumber's form (not a passing message)."""

import re

from app.domain.policy import Mode
from app.extensions import db
from app.scheduling.models import AssignmentStatus
from tests.scheduling import coord_helpers as h
from tests.scheduling.coord_helpers import booked, login_as, narasumber, wib

frozen, dau = h.frozen, h.dau


def _declined(pemda, dau):
    budi = narasumber("Budi Santoso", [dau])
    citra = narasumber("Citra Lestari", [dau])
    dewi = narasumber("Dewi Anggraini", [dau])
    req = booked(pemda, wib("2026-12-09", "09:00"), people=[budi], mode=Mode.VC, topics=[dau])
    [a] = req.assignments
    a.status, a.active, a.decline_reason = AssignmentStatus.DECLINED, False, "Dinas luar kota"
    db.session.commit()
    return req, a, citra, dewi


def _options(page: str, assignment_id: int) -> list[str]:
    select = re.search(rf'<select[^>]*id="replace-{assignment_id}".*?</select>', page, re.S).group(0)
    return re.findall(r"<option[^>]*>([^<—]+) —", select)


def test_who_declined_is_not_offered_as_the_replacement(client, coordinator, pemda, dau, frozen):
    req, a, _citra, _dewi = _declined(pemda, dau)
    login_as(client, coordinator)
    page = client.get(f"/koordinator/permohonan/{req.id}").get_data(as_text=True)
    assert [o.strip() for o in _options(page, a.id)] == ["Citra Lestari", "Dewi Anggraini"]


def test_a_refused_replacement_keeps_the_choice_and_shows_the_summary(
    client, coordinator, pemda, dau, frozen
):
    req, a, citra, dewi = _declined(pemda, dau)
    login_as(client, coordinator)
    response = client.post(
        f"/koordinator/penugasan/{a.id}/ganti",
        data={"narasumber_id": dewi.id, "suggested_id": citra.id, "override_reason": "  "},
    )
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert page.count('id="ringkasan-kesalahan"') == 1
    assert "tuliskan alasannya" in page and f'href="#override-{a.id}"' in page
    assert re.search(rf'<option value="{dewi.id}" selected>', page)
    assert re.search(rf'<textarea class="[^"]*is-invalid"[^>]*id="override-{a.id}"', page)
    db.session.expire_all()
    assert not any(x.active for x in req.assignments)
