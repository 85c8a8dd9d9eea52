"""The Pemda's next step for a scheduled session follows its confirmation window: the date it
opens before then, the deadline while open (issue 11, item 7)."""

import re
from datetime import timedelta

from app.extensions import db
from tests import factories
from tests.attendance.helpers import DEADLINE, INSIDE, scheduled
from tests.requests.helpers import login_as, text_of


def _step(html: str) -> str:
    return re.search(r"Langkah berikutnya:</strong>\s*([^<]*?)\s*<", html).group(1)


def _session(owner):
    req = scheduled(owner)
    db.session.commit()
    return req


def test_before_the_window_opens_the_step_says_when(client, pemda, clock):
    req = _session(pemda)
    login_as(client, pemda)
    step = _step(text_of(client.get(f"/permohonan/{req.id}")))
    assert step == "Konfirmasi kehadiran delegasi mulai Jumat, 4 Desember 2026 08.00 WIB"
    assert "Konfirmasi kehadiran delegasi mulai Jumat, 4 Desember 2026 08.00 WIB" in text_of(
        client.get("/permohonan/")
    )


def test_while_open_the_step_gives_the_deadline(client, pemda, clock):
    req = _session(pemda)
    clock.move_to(INSIDE)
    login_as(client, pemda)
    step = _step(text_of(client.get(f"/permohonan/{req.id}")))
    assert step == "Konfirmasi kehadiran delegasi paling lambat Senin, 7 Desember 2026 15.00 WIB"


def test_after_the_deadline_the_step_says_it_is_locked(client, pemda, clock):
    req = _session(pemda)
    clock.move_to(DEADLINE + timedelta(minutes=1))
    login_as(client, pemda)
    step = _step(text_of(client.get(f"/permohonan/{req.id}")))
    assert "telah lewat" in step and "terkunci" in step


def test_the_date_is_in_the_pemda_zone_and_wib(client, clock):
    user = factories.pemda_user(factories.JAYAPURA)
    req = _session(user)
    login_as(client, user)
    step = _step(text_of(client.get(f"/permohonan/{req.id}")))
    assert step == "Konfirmasi kehadiran delegasi mulai Jumat, 4 Desember 2026 10.00 WIT (08.00 WIB)"
