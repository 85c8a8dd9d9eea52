"""Who receives the monthly report: an administrator adds, deactivates and reactivates
addresses. Rows are never deleted, so the audit log keeps who received which month."""

from sqlalchemy import func, select

from app.core import audit
from app.core.clock import now_utc
from app.extensions import db
from app.reports.models import ReportRecipient


def list_recipients() -> list[ReportRecipient]:
    return list(
        db.session.scalars(
            select(ReportRecipient).order_by(ReportRecipient.active.desc(), ReportRecipient.email)
        )
    )


def active_emails() -> list[str]:
    return list(
        db.session.scalars(
            select(ReportRecipient.email)
            .where(ReportRecipient.active.is_(True))
            .order_by(ReportRecipient.email)
        )
    )


def add_recipient(email: str, name: str | None, actor) -> tuple[ReportRecipient, bool]:
    """Add `email` (or reactivate it when it was deactivated); (row, changed)."""
    email = email.strip()
    existing = db.session.scalars(
        select(ReportRecipient).where(func.lower(ReportRecipient.email) == email.lower())
    ).first()
    if existing is not None:
        if existing.active:
            return existing, False
        set_active(existing, True, actor)
        if name:
            existing.name = name.strip()
        return existing, True
    row = ReportRecipient(
        email=email,
        name=(name or "").strip() or None,
        active=True,
        created_at=now_utc(),
        created_by_id=actor.id,
    )
    db.session.add(row)
    db.session.flush()
    audit.record("report_recipient.add", row, actor=actor, after={"email": row.email, "name": row.name})
    return row, True


def set_active(row: ReportRecipient, active: bool, actor) -> bool:
    if row.active == active:
        return False
    before = {"active": row.active}
    row.active = active
    audit.record("report_recipient.set_active", row, actor=actor, before=before, after={"active": active})
    return True
