"""Row factories (after cookiecutter-flask's tests/factories.py), as plain functions.

Each adds its row to the session and flushes; the caller commits when it needs to.
"""

import itertools
from datetime import datetime, timedelta

from sqlalchemy import select

from app.auth.models import STAFF_ROLES, Role, UnitType, User
from app.auth.passwords import hash_password
from app.catalog.models import Room, Topic
from app.core.clock import now_utc
from app.domain.policy import Mode
from app.domain.states import RequestState
from app.extensions import db
from app.regions.models import Region
from app.requests.models import ConsultationRequest, DelegationMember, PreferredWindow, RequestLetter
from tests.files import PDF  # a valid one-page PDF, as uploads must be

PASSWORD = "kata-sandi-uji-123"
# The authenticator secret of every test user with a second factor (staff unless mfa=False).
TOTP_SECRET = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP"
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
    mfa: bool | None = None,
    **kwargs,
) -> User:
    """A user; staff have their second factor enrolled (TOTP_SECRET) unless mfa=False."""
    n = next(_seq)
    now = now_utc()
    enrolled = Role(role) in STAFF_ROLES if mfa is None else mfa
    u = User(
        email=email or f"user{n}@example.go.id",
        name=kwargs.pop("name", f"Pengguna {n}"),
        phone=kwargs.pop("phone", "081234567890"),
        password_hash=hash_password(password),
        role=Role(role),
        created_at=now,
        email_verified_at=now if verified else None,
        activated_at=now if active else None,
        mfa_secret=TOTP_SECRET if enrolled else None,
        mfa_enabled_at=now if enrolled else None,
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


def letter(req: ConsultationRequest, owner: User, *, content: bytes = PDF) -> RequestLetter:
    """A letter row with its PDF stored in the database."""
    from app.core import files

    stored = files.new(content, files.FileKind.LETTER, "application/pdf", owner.id)
    row = RequestLetter(
        request_id=req.id,
        number=f"900/{next(_seq)}/BPKAD/2026",
        letter_date=now_utc().date(),
        signatory="Sekretaris Daerah",
        addressee="Direktur Jenderal Perimbangan Keuangan",
        original_filename="surat.pdf",
        file=stored,
        size=stored.size,
        sha256=stored.sha256,
        uploaded_at=now_utc(),
        uploaded_by_id=owner.id,
    )
    db.session.add(row)
    db.session.flush()
    return row


def totp_code(secret: str = TOTP_SECRET, at: datetime | None = None) -> str:
    """The authenticator app's code now (or at `at`)."""
    import pyotp

    return pyotp.TOTP(secret).at(at or now_utc())


def forget_last_code(email: str) -> None:
    """Let a test log the same user in again within one 30-second step: the app refuses a
    code of a step it has accepted already (tests/auth/test_mfa.py proves that)."""
    from sqlalchemy import func, update

    db.session.execute(update(User).where(func.lower(User.email) == email.lower()).values(mfa_last_step=None))
    db.session.commit()


def pass_code_step(client, response, email: str, secret: str = TOTP_SECRET):
    """After a POST to /masuk: when the app asks for the code, send it like the person would;
    a staff member without a second factor (the seeded demo) enrols with the secret the page
    shows. Returns the answer that ends the login (the recovery codes page after an
    enrolment), or `response` when no code was asked."""
    import re

    location = response.headers.get("Location", "") if response.status_code == 302 else ""
    if location.startswith("/masuk/daftarkan-kode"):
        page = client.get("/masuk/daftarkan-kode").get_data(as_text=True)
        shown = re.search(r'id="kunci-rahasia">([A-Z2-7 ]+)<', page).group(1).replace(" ", "")
        return client.post("/masuk/daftarkan-kode", data={"code": totp_code(shown)})
    if not location.startswith("/masuk/kode"):
        return response
    forget_last_code(email)
    return client.post("/masuk/kode", data={"code": totp_code(secret)}, follow_redirects=False)
