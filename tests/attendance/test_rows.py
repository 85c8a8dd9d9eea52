"""The confirmation form shows the delegation already known and one blank row (not a row per
allowed guest); "Tambah baris" adds one more without JavaScript, keeping what was typed, up to
the policy's limit (issue 11, item 9)."""

import re

from app.attendance.models import AttendanceConfirmation, ConfirmedGuest
from app.domain.policy import Mode
from app.domain.states import RequestState
from app.extensions import db
from tests.attendance.helpers import OPENS, confirm_data, scheduled, url
from tests.requests.helpers import login_as, text_of


def _session(owner, **kwargs):
    req = scheduled(owner, **kwargs)
    db.session.commit()
    return req


def _rows(html: str) -> int:
    return len(re.findall(r'name="guests-\d+-name"', html))


def _reload(req):
    db.session.expire_all()
    return db.session.get(type(req), req.id)


def test_a_video_conference_shows_the_known_rows_and_one_blank_not_fifteen(client, pemda, inside):
    req = _session(pemda, mode=Mode.VC, guests=3)
    login_as(client, pemda)
    html = text_of(client.get(url(req)))
    assert _rows(html) == 4
    assert 'name="guests-3-name" type="text" value=""' in html
    assert "Tambah baris" in html and "4 dari paling banyak 15 baris." in html


def test_nothing_known_shows_two_blank_rows(client, pemda, inside):
    req = _session(pemda, mode=Mode.VC, guests=0)
    login_as(client, pemda)
    assert _rows(text_of(client.get(url(req)))) == 2


def test_a_saved_confirmation_is_what_the_rows_start_from(client, pemda, inside):
    req = _session(pemda, state=RequestState.CONFIRMED)
    conf = AttendanceConfirmation(
        request=req, confirmed_at=OPENS, confirmed_by_id=pemda.id, updated_at=OPENS, updated_by_id=pemda.id
    )
    conf.guests = [ConfirmedGuest(position=i, name=f"Hadir {i + 1}", title="Staf") for i in range(2)]
    db.session.add(conf)
    db.session.commit()
    login_as(client, pemda)
    html = text_of(client.get(url(req)))
    assert 'value="Hadir 2"' in html and 'value="Tamu 1"' not in html
    assert _rows(html) == 3


def test_add_a_row_keeps_what_was_typed_and_saves_nothing(client, pemda, inside):
    req = _session(pemda, mode=Mode.VC, guests=3)
    login_as(client, pemda)
    typed = confirm_data(4, head="ya", head_row=0, add_row="1")
    response = client.post(url(req), data=typed)
    assert response.status_code == 200
    html = text_of(response)
    assert _rows(html) == 5
    assert 'value="Peserta 4"' in html and 'id="guests-0-is_regional_head"' in html
    assert re.search(r'checked class="form-check-input" id="regional_head_attends-0"', html)
    assert re.search(r'autofocus[^>]*name="guests-4-name"', html)  # the new row is where typing goes
    assert "Konfirmasi belum disimpan" not in html and "Wajib diisi" not in html
    req = _reload(req)
    assert req.state == RequestState.SCHEDULED and req.confirmation is None
    # The added row, filled in, is saved with the rest.
    saved = client.post(url(req), data=confirm_data(5, head="ya", head_row=0))
    assert saved.status_code == 302
    assert [g.name for g in _reload(req).confirmation.guests][-1] == "Peserta 5"


def test_rows_stop_at_the_policy_limit(client, pemda, inside):
    req = _session(pemda, guests=3)  # face to face: at most 5
    login_as(client, pemda)
    html = text_of(client.post(url(req), data=confirm_data(5, add_row="1")))
    assert _rows(html) == 5
    assert "Tambah baris" not in html and "Jumlah baris sudah mencapai batas 5 orang." in html


def test_enter_in_a_field_saves_rather_than_adds(client, pemda, inside):
    """The default button of the form (the first submit button) is the save button."""
    req = _session(pemda, guests=3)
    login_as(client, pemda)
    html = text_of(client.get(url(req)))
    form = html[html.index("<main") :]
    form = form[form.index('<form method="post" novalidate>') :]
    first_submit = re.search(r'<button type="submit"[^>]*>', form).group(0)
    assert "name=" not in first_submit
