"""Row factories (after cookiecutter-flask's tests/factories.py), as plain functions.

Each adds its row to the session and flushes; the caller commits when it needs to.
"""

import itertools
from datetime import datetime, timedelta

from sqlalchemy import select

from app.auth.models import Role, UnitType, User
from app.auth.passwords import hash_password
from app.catalog.models import Room, Topic
from app.core.clock import now_utc
from app.domain.policy import Mode
from app.domain.states import RequestState
from app.extensions import db
from app.regions.models import Region
from app.requests.models import ConsultationRequest, DelegationMember, PreferredWindow, RequestLetter

PASSWORD = "kata-sandi-uji-123"
_seq = itertools.count(1)

# Three Pemda in the three time zones, used across the suite.
BREBES = "33.29"  # Kab. Brebes, Jawa Tengah (WIB)
BALIKPAPAN = "64.71"  # Kota Balikpapan, Kalimantan Timur (WITA)
JAYAPURA = "91.71"  # Kota Jayapura, Papua (WIT)


def region(code: str = BREBES) -> Region:
    return db.session.scalars(select(Region).where(Region.code == code)).one()


def user(
    role: Role | str = Role.COORDINATOR,
    *,
    email: str | None = None,
    password: str = PASSWORD,
    active: bool = True,
    verified: bool = True,
    **kwargs,
) -> User:
    n = next(_seq)
    now = now_utc()
    u = User(
        email=email or f"user{n}@example.go.id",
        name=kwargs.pop("name", f"Pengguna {n}"),
        phone=kwargs.pop("phone", "081234567890"),
        password_hash=hash_password(password),
        role=Role(role),
        created_at=now,
        email_verified_at=now if verified else None,
        activated_at=now if active else None,
        **kwargs,
    )
    db.session.add(u)
    db.session.flush()
    return u


def pemda_user(region_code: str = BREBES, unit_type: UnitType = UnitType.PEMDA, **kwargs) -> User:
    return user(Role.PEMDA, region_id=region(region_code).id, unit_type=unit_type, **kwargs)


def topic(code: str = "DAU", name: str = "Dana Alokasi Umum") -> Topic:
    existing = db.session.scalars(select(Topic).where(Topic.code == code)).first()
    if existing:
        return existing
    t = Topic(code=code, name=name, active=True, sort_order=next(_seq))
    db.session.add(t)
    db.session.flush()
    return t


def room(name: str | None = None, capacity: int = 10) -> Room:
    r = Room(name=name or f"Ruang {next(_seq)}", floor="9", capacity=capacity, active=True)
    db.session.add(r)
    db.session.flush()
    return r


def consultation(
    owner: User,
    *,
    mode: Mode = Mode.FTF,
    state: RequestState = RequestState.SUBMITTED,
    start: datetime | None = None,
    guests: int = 3,
    with_letter: bool | None = None,
    topics: list[Topic] | None = None,
    **kwargs,
) -> ConsultationRequest:
    """A request of `owner`'s Pemda, bypassing the policy (for tests that need one in place)."""
    now = now_utc()
    start = start or (now + timedelta(days=14)).replace(hour=2, minute=0, second=0, microsecond=0)
    req = ConsultationRequest(
        region_id=owner.region_id,
        unit_type=owner.unit_type,
        created_by_id=owner.id,
        mode=mode,
        state=state,
        agenda=kwargs.pop("agenda", "Konsultasi penyaluran DAU tahun berjalan"),
        contact_name=owner.name,
        contact_email=owner.email,
        contact_phone=owner.phone or "081200000000",
        submitted_at=now,
        updated_at=now,
        **kwargs,
    )
    req.topics = topics or [topic()]
    req.windows = [PreferredWindow(position=0, start=start, end=start + timedelta(hours=2))]
    req.delegation = [
        DelegationMember(
            position=i,
            name=f"Tamu {i + 1}",
            title="Kepala Bidang",
            email=None,
            phone=None,
            is_regional_head=False,
        )
        for i in range(guests)
    ]
    db.session.add(req)
    db.session.flush()
    if with_letter if with_letter is not None else mode == Mode.FTF:
        letter(req, owner)
    return req


def letter(req: ConsultationRequest, owner: User, *, content: bytes = b"%PDF-1.4\n%test\n") -> RequestLetter:
    """A letter row with its PDF written to the upload directory."""
    import hashlib
    import os
    import uuid

    from flask import current_app

    stored = f"{uuid.uuid4().hex}.pdf"
    folder = os.path.join(current_app.config["UPLOAD_DIR"], "letters")
    os.makedirs(folder, exist_ok=True)
    with open(os.path.join(folder, stored), "wb") as fh:
        fh.write(content)
    row = RequestLetter(
        request_id=req.id,
        number=f"900/{next(_seq)}/BPKAD/2026",
        letter_date=now_utc().date(),
        signatory="Sekretaris Daerah",
        addressee="Direktur Jenderal Perimbangan Keuangan",
        original_filename="surat.pdf",
        stored_name=stored,
        size=len(content),
        sha256=hashlib.sha256(content).hexdigest(),
        uploaded_at=now_utc(),
        uploaded_by_id=owner.id,
    )
    db.session.add(row)
    db.session.flush()
    return row
