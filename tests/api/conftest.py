"""Fixtures of the API write tests: time frozen on Tuesday 1 December 2026, 09:00 WIB
(tests.requests.helpers.NOW), topics DAU and DBH, and a Pemda operator of Brebes."""

import pytest

from app.extensions import db
from tests import factories
from tests.people import frozen_at
from tests.requests.helpers import NOW

frozen = frozen_at(NOW)


def vc_body(**overrides) -> dict:
    body = {
        "mode": "vc",
        "topics": ["DAU", "dbh"],
        "agenda": "Konsultasi mengenai penyaluran DAU dan penggunaannya pada APBD 2027.",
        "contact_name": "Siti Aminah",
        "contact_email": "siti@brebeskab.go.id",
        "contact_phone": "081234567890",
        "windows-0-day": "2026-12-03",
        "windows-0-start": "09:00",
        "windows-0-end": "10:30",
        "delegation-0-name": "Siti Aminah",
        "delegation-0-title": "Kepala Bidang Anggaran",
    }
    body.update(overrides)
    return body


@pytest.fixture
def operator(app, frozen):
    factories.topic("DAU", "Dana Alokasi Umum")
    factories.topic("DBH", "Dana Bagi Hasil")
    user = factories.pemda_user(name="Operator Brebes")
    db.session.commit()
    return user
