"""The desk's forms. The guest rows vary in number, so they are read from the posted form by
parse_guests() rather than declared: `present` (the ticked row numbers of the list) and
`extra_name` / `extra_title` (guests not on the list, added at the desk)."""

from datetime import datetime, time

from flask_babel import lazy_gettext as _l
from wtforms import HiddenField, RadioField, SelectChoice, TextAreaField, TimeField
from wtforms.validators import DataRequired, InputRequired, Length, Optional, ValidationError

from app.checkin.services import GuestRow
from app.core import once
from app.core.clock import WIB
from app.core.forms import BaseForm
from app.extensions import db
from app.regions.forms import region_field, unit_type_field
from app.regions.models import Region

YES_NO = [SelectChoice("1", _l("Ya")), SelectChoice("0", _l("Tidak"))]
MAX_EXTRA = 30


def parse_guests(form_data, rows: list[GuestRow]) -> list[GuestRow]:
    """The list rows with their ticks, then the added guests (present, not on the list)."""
    ticked = set(form_data.getlist("present"))
    out = [
        GuestRow(r.name, r.title, r.on_list, str(i) in ticked, r.is_regional_head) for i, r in enumerate(rows)
    ]
    names = form_data.getlist("extra_name")[:MAX_EXTRA]
    titles = form_data.getlist("extra_title")[:MAX_EXTRA]
    for i, name in enumerate(names):
        name = (name or "").strip()
        if name:
            title = (titles[i] if i < len(titles) else "").strip()
            out.append(GuestRow(name[:120], title[:160], on_list=False, present=True))
    return out


def as_entered(form_data, rows: list[GuestRow]) -> tuple[list[GuestRow], list[GuestRow]]:
    """The list rows with the ticks as posted, and the added guests as typed: what a form sent
    back with an error shows again, so the receptionist does not tick and type it all twice."""
    guests = parse_guests(form_data, rows)
    return guests[: len(rows)], guests[len(rows) :]


def at_wib(day, clock: time) -> datetime:
    return datetime.combine(day, clock, WIB)


class _ArrivalFields(BaseForm):
    arrival_time = TimeField(
        _l("Waktu kedatangan (WIB)"),
        format="%H:%M",
        validators=[InputRequired(message=_l("Isi waktu kedatangan."))],
    )
    regional_head_present = RadioField(
        _l("Kepala Daerah hadir?"),
        choices=YES_NO,
        validators=[InputRequired(message=_l("Pilih apakah Kepala Daerah hadir."))],
    )

    def head_present(self) -> bool:
        return self.regional_head_present.data == "1"


class CheckInForm(_ArrivalFields):
    pass


class WalkInForm(_ArrivalFields):
    region_id = region_field(_l("Pilih daerah asal delegasi."))
    unit_type = unit_type_field()
    note = TextAreaField(_l("Catatan"), validators=[Optional(), Length(max=1000)])
    token = HiddenField(default=once.new_token)  # a double click records one visit

    def validate_region_id(self, field):
        if field.data is None or db.session.get(Region, field.data) is None:
            raise ValidationError(_l("Pilih daerah asal delegasi dari daftar."))


class NoteForm(BaseForm):
    note = TextAreaField(
        _l("Catatan"),
        validators=[
            DataRequired(message=_l("Isi catatan.")),
            Length(max=1000, message=_l("Catatan maksimal 1000 karakter.")),
        ],
    )


class ReasonForm(BaseForm):
    reason = TextAreaField(
        _l("Alasan"),
        validators=[
            DataRequired(message=_l("Isi alasan.")),
            Length(max=1000, message=_l("Alasan maksimal 1000 karakter.")),
        ],
    )


class PlainForm(BaseForm):
    """A button with its CSRF token (check-out)."""
