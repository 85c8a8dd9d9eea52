"""What the administrator maintains besides accounts: topics and policy versions.

Topics are never deleted (old requests keep pointing at them): they are deactivated, and a
deactivated topic is no longer offered on new requests. Policy versions are never edited:
a change is a new version with a future effective time (entered in WIB, stored in UTC).
"""

from dataclasses import dataclass, fields
from datetime import UTC, datetime

from flask_babel import gettext as _
from sqlalchemy import func, select

from app.admin.services import AdminError, require_role
from app.auth.models import Role, User
from app.catalog.models import Topic
from app.core import audit
from app.core.clock import WIB, now_utc
from app.domain.policy import PolicyValues
from app.extensions import db
from app.policy.models import PolicyVersion
from app.policy.services import create_version, values_of, version_in_force

# Topics --------------------------------------------------------------------------------


def list_topics() -> list[Topic]:
    return list(db.session.scalars(select(Topic).order_by(Topic.sort_order, Topic.code)))


def topic_snapshot(topic: Topic) -> dict:
    return {
        "code": topic.code,
        "name": topic.name,
        "description": topic.description,
        "active": topic.active,
        "sort_order": topic.sort_order,
    }


@dataclass
class TopicData:
    code: str
    name: str
    description: str | None = None
    active: bool = True
    sort_order: int = 100


def _check_code(code: str, topic_id: int | None = None) -> str:
    code = " ".join(code.split())
    query = select(Topic.id).where(func.lower(Topic.code) == code.lower())
    if topic_id is not None:
        query = query.where(Topic.id != topic_id)
    if db.session.scalars(query).first() is not None:
        raise AdminError(_("Kode topik %(code)s sudah dipakai.", code=code), "code")
    return code


def create_topic(data: TopicData, actor: User) -> Topic:
    require_role(actor, Role.ADMIN)
    topic = Topic(
        code=_check_code(data.code),
        name=data.name.strip(),
        description=(data.description or "").strip() or None,
        active=data.active,
        sort_order=data.sort_order,
    )
    db.session.add(topic)
    db.session.flush()
    audit.record("topic.create", topic, actor=actor, after=topic_snapshot(topic))
    return topic


def update_topic(topic: Topic, data: TopicData, actor: User) -> bool:
    require_role(actor, Role.ADMIN)
    before = topic_snapshot(topic)
    topic.code = _check_code(data.code, topic.id)
    topic.name = data.name.strip()
    topic.description = (data.description or "").strip() or None
    topic.active = data.active
    topic.sort_order = data.sort_order
    after = topic_snapshot(topic)
    if after == before:
        return False
    audit.record("topic.update", topic, actor=actor, before=before, after=after)
    return True


def set_topic_active(topic: Topic, active: bool, actor: User) -> None:
    require_role(actor, Role.ADMIN)
    if topic.active == active:
        return
    before = topic_snapshot(topic)
    topic.active = active
    action = "topic.activate" if active else "topic.deactivate"
    audit.record(action, topic, actor=actor, before=before, after=topic_snapshot(topic))


# Policy --------------------------------------------------------------------------------

POLICY_FIELDS = [f.name for f in fields(PolicyValues)]


@dataclass
class PolicyOverview:
    in_force: PolicyVersion | None
    earlier: list[PolicyVersion]
    future: list[PolicyVersion]


def policy_overview(at: datetime | None = None) -> PolicyOverview:
    at = at or now_utc()
    current = version_in_force(at)
    versions = list(
        db.session.scalars(
            select(PolicyVersion).order_by(PolicyVersion.effective_from.desc(), PolicyVersion.id.desc())
        )
    )
    future = [v for v in versions if v.effective_from > at]
    earlier = [v for v in versions if v.effective_from <= at and v is not current]
    return PolicyOverview(in_force=current, earlier=earlier, future=list(reversed(future)))


def values_in_force() -> PolicyValues:
    return values_of(version_in_force())


def wib_to_utc(local: datetime) -> datetime:
    """A naive date and time typed in WIB, as an aware UTC datetime."""
    return local.replace(tzinfo=WIB).astimezone(UTC)


def new_policy_version(
    values: PolicyValues, effective_local: datetime, actor: User, note: str | None = None
) -> PolicyVersion:
    """A new version from `effective_local` (WIB) on; the past cannot be rewritten."""
    require_role(actor, Role.ADMIN)
    effective_from = wib_to_utc(effective_local)
    if effective_from <= now_utc():
        raise AdminError(
            _("Waktu mulai berlaku sudah lewat. Pilih waktu yang akan datang."), "effective_from"
        )
    if values.service_end <= values.service_start:
        raise AdminError(_("Jam selesai harus sesudah jam mulai layanan."), "service_end")
    return create_version(values, effective_from, actor=actor, note=(note or "").strip() or None)
