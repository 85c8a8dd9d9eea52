"""A small month of consultations with known figures: April 2023 (WIB), frozen in May 2023.

April 2023 holds (live HELD requests and imported history):
- VC: Kab. Brebes 3 Apr (DAU, DBH); Kota Balikpapan 5 Apr (DBH); Kota Jayapura 1 Apr 00:30 WIB,
  which is still 31 March in UTC (DBH); Kab. Brebes (DPRD) 30 Apr 23:30 WIB, already 1 May
  0:30 in WITA but April in WIB (DAU); history: Kab. Brebes 12 Apr (DAU). 5 sessions; DAU and
  DBH tie at 3.
- FTF: Kab. Brebes (DPRD) 10 Apr (PDRD); history: "Prov. Jawa Tengah" unresolved 20 Apr (APBD,
  PDRD). 2 sessions; PDRD on top.
- Not counted as held: a cancelled FTF and a no-show VC in April.
March 2023: VC Kab. Brebes 31 Mar 23:30 WIB (live) and a history VC 15 Mar: 2 VC, 0 FTF.
April 2022 (history): 1 VC, 1 FTF; the data starts then.
Breaches recorded in April (WIB): 2 guests over limit (Brebes, Balikpapan), 1 walk-in (Brebes
DPRD), 1 other at 1 Apr 01:00 WIB (Brebes); not counted: a voided no-show and one at 1 May
00:30 WIB. Ratings: (5, 4) and (4, 3) by two operators.
"""

import hashlib
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from app.auth.models import Role, UnitType
from app.compliance.models import Breach, RecordedBy
from app.domain.policy import Mode
from app.domain.states import RequestState
from app.extensions import db
from app.history.models import HistorySession, ImportBatch
from app.satisfaction.models import SatisfactionRating
from tests import factories
from tests.people import frozen_at

WIB = ZoneInfo("Asia/Jakarta")
NOW = datetime(2023, 5, 10, 9, 0, tzinfo=WIB)
APRIL = date(2023, 4, 1)
JATENG = "33"


frozen = frozen_at(NOW)


@pytest.fixture
def admin(app, frozen):
    user = factories.user(Role.ADMIN, name="Admin DJPK")
    db.session.commit()
    return user


class Builder:
    """Adds sessions, history and breaches; topics by code."""

    def __init__(self):
        self.topics = {}
        self.operators = {}
        self.batch = None
        self._n = 0

    def topic(self, code):
        if code not in self.topics:
            self.topics[code] = factories.topic(code, code)
        return self.topics[code]

    def operator(self, code, unit=UnitType.PEMDA):
        if (code, unit) not in self.operators:
            self.operators[(code, unit)] = factories.pemda_user(code, unit)
        return self.operators[(code, unit)]

    def live(self, code, when, mode, topics, state=RequestState.HELD, unit=UnitType.PEMDA):
        owner = self.operator(code, unit)
        req = factories.consultation(
            owner, mode=mode, state=state, topics=[self.topic(t) for t in topics], with_letter=False
        )
        req.scheduled_start = when
        req.scheduled_end = when + timedelta(hours=1)
        db.session.flush()
        return req

    def history(self, day, mode, service_user, topics, region_code=None, unit=UnitType.PEMDA):
        if self.batch is None:
            self.batch = ImportBatch(
                filename="riwayat.xlsx", sha256="0" * 64, imported_at=NOW, rows_total=0, rows_added=0
            )
            db.session.add(self.batch)
            db.session.flush()
        self._n += 1
        row = HistorySession(
            batch_id=self.batch.id,
            mode=mode,
            session_date=day,
            region_id=factories.region(region_code).id if region_code else None,
            unit_type=unit,
            service_user=service_user,
            row_number=self._n,
            fingerprint=hashlib.sha256(f"{self._n}".encode()).hexdigest(),
        )
        row.topics = [self.topic(t) for t in topics]
        db.session.add(row)
        db.session.flush()
        return row

    def breach(self, code, when, type_code, unit=UnitType.PEMDA, voided=False):
        row = Breach(
            type_code=type_code,
            region_id=factories.region(code).id,
            unit_type=unit,
            recorded_by_kind=RecordedBy.RECEPTIONIST,
            recorded_at=when,
            evidence={},
            voided_at=NOW if voided else None,
            void_reason="keliru" if voided else None,
        )
        db.session.add(row)
        db.session.flush()
        return row

    def rate(self, req, service, substance):
        db.session.add(
            SatisfactionRating(
                request_id=req.id,
                service_score=service,
                substance_score=substance,
                rated_by_id=req.created_by_id,
                rated_at=NOW,
            )
        )
        db.session.flush()


def wib(*args):
    return datetime(*args, tzinfo=WIB)


@pytest.fixture
def builder(app, frozen):
    b = Builder()
    for code in ("DAU", "DBH", "PDRD", "APBD"):
        b.topic(code)
    return b


@pytest.fixture
def april(builder):
    b = builder
    B, K, J = factories.BREBES, factories.BALIKPAPAN, factories.JAYAPURA
    DPRD = UnitType.DPRD
    brebes = b.live(B, wib(2023, 4, 3, 9), Mode.VC, ["DAU", "DBH"])
    balikpapan = b.live(K, wib(2023, 4, 5, 10), Mode.VC, ["DBH"])
    b.live(J, wib(2023, 4, 1, 0, 30), Mode.VC, ["DBH"])
    b.live(B, wib(2023, 4, 30, 23, 30), Mode.VC, ["DAU"], unit=DPRD)
    b.history(date(2023, 4, 12), Mode.VC, "Kab. Brebes", ["DAU"], region_code=B)
    b.live(B, wib(2023, 4, 10, 13), Mode.FTF, ["PDRD"], unit=DPRD)
    b.history(date(2023, 4, 20), Mode.FTF, "Prov. Jawa Tengah", ["APBD", "PDRD"])
    b.live(K, wib(2023, 4, 11, 9), Mode.FTF, ["DAU"], state=RequestState.CANCELLED)
    b.live(J, wib(2023, 4, 12, 9), Mode.VC, ["DAU"], state=RequestState.NO_SHOW)
    # March 2023 and April 2022
    b.live(B, wib(2023, 3, 31, 23, 30), Mode.VC, ["DAU"])
    b.history(date(2023, 3, 15), Mode.VC, "Kota Balikpapan", ["DBH"], region_code=K)
    b.history(date(2022, 4, 14), Mode.VC, "Kab. Brebes", ["DAU"], region_code=B)
    b.history(date(2022, 4, 14), Mode.FTF, "Kab. Brebes", ["DAU"], region_code=B)
    # Breaches
    b.breach(B, wib(2023, 4, 10, 10), "guests_over_limit")
    b.breach(K, wib(2023, 4, 5, 10), "guests_over_limit")
    b.breach(B, wib(2023, 4, 10, 10), "walk_in", unit=DPRD)
    b.breach(B, wib(2023, 4, 1, 1), "other")
    b.breach(J, wib(2023, 4, 12, 9), "no_show", voided=True)
    b.breach(B, wib(2023, 5, 1, 0, 30), "late_arrival")
    # Ratings
    b.rate(brebes, 5, 4)
    b.rate(balikpapan, 4, 3)
    db.session.commit()
    return APRIL
