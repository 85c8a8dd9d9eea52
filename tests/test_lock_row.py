"""lock_row on an object a page loaded with joined eager loads.

Pages load a request with its region, room and visit joined (LEFT OUTER JOIN); the refresh
that locks it repeats those joins, and PostgreSQL refuses FOR UPDATE on the nullable side of
an outer join. The lock is taken on the request's own table only. Runs in both passes.
"""

from sqlalchemy import select
from sqlalchemy.orm import joinedload

from app.extensions import db
from app.requests.models import ConsultationRequest
from tests import factories


def _loaded_like_a_page() -> ConsultationRequest:
    owner = factories.pemda_user()
    req_id = factories.consultation(owner).id
    db.session.commit()
    db.session.expunge_all()
    return db.session.scalars(
        select(ConsultationRequest)
        .where(ConsultationRequest.id == req_id)
        .options(
            joinedload(ConsultationRequest.region),
            joinedload(ConsultationRequest.room),
            joinedload(ConsultationRequest.visit),
        )
    ).one()


def test_a_request_loaded_with_outer_joins_can_be_locked(app):
    from app.core.db_setup import lock_row

    req = _loaded_like_a_page()
    req.agenda = "changed in memory, not saved"
    lock_row(db.session, req)
    assert req.agenda == "Konsultasi penyaluran DAU tahun berjalan"  # re-read from the row
    assert req.region is not None and req.visit is None
    db.session.rollback()


def test_the_booking_lock_takes_the_same_path(app):
    from app.scheduling.booking import lock_request

    req = _loaded_like_a_page()
    assert lock_request(req) == []
    db.session.rollback()
