"""The attendance-confirmation form: the final delegation and whether the regional head attends.

The guests are the rows already known (the confirmation, else the requested delegation) and one
or two blank ones; "Tambah baris" is a submit button that shows the form again, as typed, with
one row more, up to the policy's limit, so the page works without JavaScript. Blank rows are
ignored. `version` is the confirmation's version when the form was opened: a form opened before
somebody else's change is refused, not applied.
"""

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from wtforms import FormField, HiddenField, RadioField, SelectChoice
from wtforms.validators import InputRequired

from app.core.forms import BaseForm
from app.requests.forms import PersonRowForm, RowList

MAX_ROWS = 60  # what a post may carry at most; the policy's limit is checked by the service
SPARE_ROWS = 1  # blank rows shown after the filled ones (two when none is filled yet)
ADD_ROW = "add_row"  # the name of the "Tambah baris" submit button


class GuestForm(PersonRowForm):
    """One member of the final delegation: a delegation row without email and phone."""


class ConfirmForm(BaseForm):
    guests = RowList(FormField(GuestForm), min_entries=1, max_entries=MAX_ROWS)
    regional_head_attends = RadioField(
        _l("Apakah kepala daerah hadir?"),
        choices=[SelectChoice("ya", _l("Ya, kepala daerah hadir")), SelectChoice("tidak", _l("Tidak"))],
        validators=[InputRequired(message=_l("Pilih apakah kepala daerah hadir."))],
        invalid_choice_message=_l("Pilih apakah kepala daerah hadir."),
    )
    version = HiddenField(default="0")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.general_errors: list[str] = []

    def pad(self, max_guests: int, *, add: bool = False) -> None:
        """Rows to show: those there already (never fewer: nothing typed is dropped), then blank
        ones, or one more after "Tambah baris"; never more than the limit `max_guests`."""
        filled = len(self.filled())
        wanted = len(self.guests) + 1 if add else max(filled + SPARE_ROWS, 2)
        while len(self.guests) < min(wanted, max_guests, MAX_ROWS):
            self.guests.append_entry()

    def filled(self) -> list[GuestForm]:
        return [e.form for e in self.guests if not e.form.is_blank()]

    def posted_version(self) -> int:
        try:
            return int(self.version.data or 0)
        except (TypeError, ValueError):
            return -1  # never a version: a tampered form is stale

    def check(self, max_guests: int) -> bool:
        """The field validators, then the rules across rows; errors go where they belong."""
        ok = self.validate()
        filled = self.filled()
        for guest in filled:
            ok = guest.check_complete() and ok
        if not filled:
            self.general_errors.append(_("Isi paling sedikit satu anggota delegasi."))
            ok = False
        elif len(filled) > max_guests:
            self.general_errors.append(
                _(
                    "Delegasi paling banyak %(max)d orang; Anda mengisi %(count)d.",
                    max=max_guests,
                    count=len(filled),
                )
            )
            ok = False
        heads = sum(1 for g in filled if g.is_regional_head.data)
        answer = self.regional_head_attends.data
        if heads > 1:
            self.general_errors.append(
                _("Hanya satu anggota delegasi yang dapat ditandai sebagai kepala daerah.")
            )
            ok = False
        elif answer == "ya" and heads == 0:
            self.general_errors.append(
                _("Kepala daerah dinyatakan hadir: tandai kepala daerah pada daftar delegasi.")
            )
            ok = False
        elif answer == "tidak" and heads == 1:
            self.general_errors.append(
                _(
                    "Seorang anggota ditandai sebagai kepala daerah, tetapi kepala daerah dinyatakan tidak hadir."
                )
            )
            ok = False
        return ok

    def problems(self) -> list[str]:
        """Every error on the form, labelled, for the summary at the top of the page."""
        out = list(self.general_errors)
        out.extend(f"{self.regional_head_attends.label.text}: {m}" for m in self.regional_head_attends.errors)
        for i, entry in enumerate(self.guests):
            for f in entry.form:
                out.extend(
                    _("Baris %(n)d, %(field)s: %(message)s", n=i + 1, field=f.label.text, message=m)
                    for m in f.errors
                )
        out.extend(str(m) for m in self.errors.get("csrf_token", []))
        return out
