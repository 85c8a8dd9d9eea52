"""How many new requests one Pemda may submit per day (REQUESTS_PER_PEMDA_PER_DAY).

"One Pemda" is a region and a unit type (the executive and the DPRD of a region count apart),
whoever of its operators submits; "a day" is a calendar day in WIB, DJPK's time. The count is
taken from the requests table (every request submitted that day, withdrawn ones too: each
sent email to the Pemda and DJPK), not from the rate limiter, so it holds across workers and
restarts. Two submissions of one Pemda are made one after the other (lock_pemda), so that
concurrent posts cannot all pass the count.
"""

from datetime import datetime, time, timedelta

from flask import current_app
from flask_babel import gettext as _
from sqlalchemy import func, select, text

from app.auth.models import User
from app.core.clock import WIB
from app.core.db_setup import lock_for_write
from app.extensions import db
from app.requests.models import ConsultationRequest


def lock_pemda(user: User) -> None:
    """Until the transaction ends, no other submission of `user`'s Pemda gets past here.

    SQLite: the database write lock. PostgreSQL: a transaction-level advisory lock keyed by
    region and unit type (hashtext: another Pemda sharing the key only waits a moment).
    """
    lock_for_write(db.session)
    if db.session.connection().dialect.name == "postgresql":
        key = f"request-submit:{user.region_id}:{user.unit_type}"
        db.session.execute(text("SELECT pg_advisory_xact_lock(hashtext(:key))"), {"key": key})


def submitted_on_day(user: User, now: datetime) -> int:
    """Requests of `user`'s Pemda submitted on the WIB day of `now`."""
    day_start = datetime.combine(now.astimezone(WIB).date(), time(0), tzinfo=WIB)
    return db.session.scalar(
        select(func.count())
        .select_from(ConsultationRequest)
        .where(
            ConsultationRequest.region_id == user.region_id,
            ConsultationRequest.unit_type == user.unit_type,
            ConsultationRequest.submitted_at >= day_start,
            ConsultationRequest.submitted_at < day_start + timedelta(days=1),
        )
    )


def over_daily_limit(user: User, now: datetime) -> str | None:
    """Why `user`'s Pemda may not submit another request today, or None when it may."""
    most = current_app.config["REQUESTS_PER_PEMDA_PER_DAY"]
    done = submitted_on_day(user, now)
    if done < most:
        return None
    return _(
        "Instansi Anda sudah mengajukan %(count)d permohonan hari ini, batas per hari adalah "
        "%(limit)d permohonan. Ajukan permohonan berikutnya besok (mulai pukul 00.00 WIB), atau "
        "hubungi DJPK bila mendesak.",
        count=done,
        limit=most,
    )
