"""Helpers of the attendance tests: a scheduled session at a known time, form posts, clocks.

The session is on Tuesday 8 December 2026, 09:00-10:00 WIB (FTF unless asked). Under the
default policy the Pemda may confirm from Friday 4 December 08:00 WIB (two working days
before) until Monday 7 December 15:00 WIB (one working day before).
"""

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from app.domain import booking_codes
from app.domain.policy import Mode
from app.domain.states import RequestState
from tests import factories

WIB = ZoneInfo("Asia/Jakarta")
START = datetime(2026, 12, 8, 9, 0, tzinfo=WIB)
OPENS = datetime(2026, 12, 4, 8, 0, tzinfo=WIB)
DEADLINE = datetime(2026, 12, 7, 15, 0, tzinfo=WIB)
INSIDE = datetime(2026, 12, 7, 10, 0, tzinfo=WIB)  # within the window
BEFORE = datetime(2026, 12, 1, 9, 0, tzinfo=WIB)  # when the session is scheduled


def scheduled(owner, *, mode: Mode = Mode.FTF, state: RequestState = RequestState.SCHEDULED, **kwargs):
    """A scheduled session of `owner`'s Pemda with a booking code (as schedule() leaves it)."""
    room = _room() if mode == Mode.FTF else None
    return factories.consultation(
        owner,
        mode=mode,
        state=state,
        start=START,
        scheduled_start=START,
        scheduled_end=START + timedelta(hours=1),
        room_id=room.id if room else None,
        meeting_url="https://teams.example.org/rapat-uji" if mode == Mode.VC else None,
        booking_code=booking_codes.new_code(),
        **kwargs,
    )


def _room():
    from sqlalchemy import select

    from app.catalog.models import Room
    from app.extensions import db

    existing = db.session.scalars(select(Room).where(Room.name == "Ruang Rapat Dahlia")).first()
    return existing or factories.room("Ruang Rapat Dahlia")


def confirm_data(guests=3, *, head: str = "tidak", version: int = 0, head_row: int | None = None, **extra):
    """A confirmation post: `guests` rows "Peserta n" / "Kepala Bidang"; `head_row` ticks one."""
    data = {"regional_head_attends": head, "version": str(version)}
    for i in range(guests):
        data[f"guests-{i}-name"] = f"Peserta {i + 1}"
        data[f"guests-{i}-title"] = "Kepala Bidang"
        if head_row == i:
            data[f"guests-{i}-is_regional_head"] = "y"
    data.update(extra)
    return data


def url(req) -> str:
    return f"/permohonan/{req.id}/konfirmasi-kehadiran"


def letter_url(req) -> str:
    return f"/permohonan/{req.id}/konfirmasi-jadwal"
