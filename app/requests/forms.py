"""Forms of the request journey: the request (new and edit) and the withdrawal.

The preferred windows and the delegation are FieldLists of sub-forms with a fixed number of
rows, so the page works without JavaScript; blank rows are ignored. Times are entered in the
Pemda's own zone; the service converts them to UTC.
"""

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_wtf.file import FileField
from wtforms import (
    BooleanField,
    DateField,
    FieldList,
    FormField,
    HiddenField,
    RadioField,
    SelectChoice,
    StringField,
    TextAreaField,
    TimeField,
)
from wtforms.utils import unset_value
from wtforms.validators import DataRequired, Email, InputRequired, Length, Optional, Regexp

from app.core import once
from app.core.forms import BaseForm, BaseSubForm, MultiCheckboxField
from app.domain.policy import Mode
from app.policy.messages import violation_message

WINDOW_ROWS = 3
DELEGATION_ROWS = 15
DELEGATION_MAX_ROWS = 60
DEFAULT_ADDRESSEE = "Direktur Jenderal Perimbangan Keuangan"
AGENDA_MIN, AGENDA_MAX = 20, 4000
PHONE = Regexp(r"^\+?[0-9 ()-]{6,32}$", message=_l("Nomor telepon hanya boleh berisi angka (6–32 digit)."))


def _required(what):
    return DataRequired(message=what)


class RowList(FieldList):
    """A FieldList whose padding rows never read the post.

    FieldList renumbers the posted rows (5 becomes 3 when rows 3-4 are missing) and then pads
    with rows that would read the post again under the freed numbers, duplicating a row.
    """

    def process(self, formdata, data=unset_value, extra_filters=None):
        wanted, self.min_entries = self.min_entries, 0
        try:
            super().process(formdata, data, extra_filters)
        finally:
            self.min_entries = wanted
        while len(self.entries) < self.min_entries:
            self._add_entry(None)


class WindowForm(BaseSubForm):
    """One preferred time window: a date and a start and end time in the Pemda's zone."""

    day = DateField(_l("Tanggal"), validators=[Optional()], invalid_value_message=_l("Tanggal tidak valid."))
    start = TimeField(_l("Mulai"), validators=[Optional()], invalid_value_message=_l("Jam tidak valid."))
    end = TimeField(_l("Selesai"), validators=[Optional()], invalid_value_message=_l("Jam tidak valid."))

    def is_blank(self) -> bool:
        return not any(f.raw_data and f.raw_data[0].strip() for f in (self.day, self.start, self.end))

    def check_complete(self) -> bool:
        ok = True
        for f in (self.day, self.start, self.end):
            if f.data is None and not f.errors:
                f.errors.append(str(_l("Wajib diisi.")))
                ok = False
            elif f.errors:
                ok = False
        if ok and self.end.data <= self.start.data:
            self.end.errors.append(str(_l("Jam selesai harus sesudah jam mulai.")))
            ok = False
        return ok


class PersonRowForm(BaseSubForm):
    """One person of a delegation row: name, title and whether it is the regional head.

    Also the guest row of the attendance confirmation (app.attendance.forms).
    """

    name = StringField(_l("Nama"), validators=[Optional(), Length(max=120)])
    title = StringField(_l("Jabatan"), validators=[Optional(), Length(max=160)])
    is_regional_head = BooleanField(_l("Kepala Daerah"))
    texts = ("name", "title")  # a row with none of these filled and no tick is blank

    def is_blank(self) -> bool:
        filled = any((self[name].data or "").strip() for name in self.texts)
        return not filled and not self.is_regional_head.data

    def check_complete(self) -> bool:
        ok = not any(f.errors for f in self)
        for f in (self.name, self.title):
            if not (f.data or "").strip():
                f.errors.append(str(_l("Wajib diisi.")))
                ok = False
        return ok


class MemberForm(PersonRowForm):
    """One member of the delegation, with an email and a phone number."""

    email = StringField(
        _l("Email"),
        validators=[Optional(), Length(max=254), Email(message=_l("Alamat email tidak valid."))],
    )
    phone = StringField(_l("Telepon"), validators=[Optional(), PHONE])
    texts = ("name", "title", "email", "phone")


class RequestForm(BaseForm):
    mode = RadioField(
        _l("Jenis konsultasi"),
        choices=[
            SelectChoice(Mode.VC.value, _l("Video conference")),
            SelectChoice(Mode.FTF.value, _l("Tatap muka di DJPK")),
        ],
        invalid_choice_message=_l("Pilih jenis konsultasi."),
    )
    topics = MultiCheckboxField(
        _l("Topik"),
        coerce=int,
        validators=[InputRequired(message=_l("Pilih paling sedikit satu topik."))],
        invalid_value_message=_l("Topik yang dipilih tidak tersedia."),
        invalid_choice_message=lambda n: str(_l("Topik yang dipilih tidak tersedia.")),
    )
    agenda = TextAreaField(
        _l("Agenda / pertanyaan yang akan dikonsultasikan"),
        validators=[
            _required(_l("Tuliskan agenda konsultasi.")),
            Length(
                min=AGENDA_MIN,
                max=AGENDA_MAX,
                message=_l("Agenda terlalu singkat atau terlalu panjang (20–4000 karakter)."),
            ),
        ],
    )
    contact_name = StringField(
        _l("Nama narahubung"), validators=[_required(_l("Isi nama narahubung.")), Length(max=120)]
    )
    contact_email = StringField(
        _l("Email narahubung"),
        validators=[
            _required(_l("Isi email narahubung.")),
            Length(max=254),
            Email(message=_l("Alamat email tidak valid.")),
        ],
    )
    contact_phone = StringField(
        _l("Telepon/WhatsApp narahubung"), validators=[_required(_l("Isi nomor telepon narahubung.")), PHONE]
    )
    windows = RowList(FormField(WindowForm), min_entries=WINDOW_ROWS, max_entries=WINDOW_ROWS)
    delegation = RowList(FormField(MemberForm), min_entries=DELEGATION_ROWS, max_entries=DELEGATION_MAX_ROWS)

    letter_number = StringField(_l("Nomor surat"), validators=[Optional(), Length(max=120)])
    letter_date = DateField(
        _l("Tanggal surat"), validators=[Optional()], invalid_value_message=_l("Tanggal tidak valid.")
    )
    letter_signatory = StringField(_l("Penanda tangan"), validators=[Optional(), Length(max=160)])
    letter_addressee = StringField(
        _l("Ditujukan kepada"), default=DEFAULT_ADDRESSEE, validators=[Optional(), Length(max=200)]
    )
    letter_file = FileField(_l("Berkas surat (PDF, maksimum 5 MB)"))
    # One token per opened form: sent twice, it finds the request it made (services.submit_request).
    token = HiddenField(default=once.new_token)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # Policy messages that belong to no single field: "windows-<row>" and "delegation".
        self.policy_errors: dict[str, list[str]] = {}

    def set_topic_choices(self, topics) -> None:
        self.topics.choices = [SelectChoice(t.id, f"{t.code} – {t.name}") for t in topics]

    def pad_delegation(self, rows: int) -> None:
        while len(self.delegation) < min(rows, DELEGATION_MAX_ROWS):
            self.delegation.append_entry()

    def filled_windows(self) -> list[tuple[int, WindowForm]]:
        return [(i, e.form) for i, e in enumerate(self.windows) if not e.form.is_blank()]

    def filled_members(self) -> list[MemberForm]:
        return [e.form for e in self.delegation if not e.form.is_blank()]

    def has_upload(self) -> bool:
        upload = self.letter_file.data
        return bool(upload and getattr(upload, "filename", ""))

    def letter_given(self) -> bool:
        """Whether the Pemda filled in anything about a letter."""
        texts = (self.letter_number, self.letter_signatory)
        return any((f.data or "").strip() for f in texts) or self.letter_date.data is not None

    def check_rows(self, letter_on_file: bool) -> bool:
        """Row-level checks the field validators cannot express; errors go on the fields."""
        ok = True
        filled = self.filled_windows()
        if not filled:
            self.windows[0].form.day.errors.append(str(_l("Isi paling sedikit satu waktu pilihan.")))
            ok = False
        for _i, window in filled:
            ok = window.check_complete() and ok
        for member in self.filled_members():
            ok = member.check_complete() and ok
        if self.letter_given() or self.has_upload():
            for f, msg in (
                (self.letter_number, _l("Isi nomor surat.")),
                (self.letter_signatory, _l("Isi nama penanda tangan surat.")),
                (self.letter_addressee, _l("Isi tujuan surat.")),
            ):
                if not (f.data or "").strip():
                    f.errors.append(str(msg))
                    ok = False
            if self.letter_date.data is None and not self.letter_date.errors:
                self.letter_date.errors.append(str(_l("Isi tanggal surat.")))
                ok = False
            if not self.has_upload() and not letter_on_file:
                self.letter_file.errors.append(str(_l("Unggah berkas PDF surat permohonan.")))
                ok = False
        return ok

    def attach_violations(self, found: list, zone: str | None = None) -> None:
        """Policy violations, each as a message on its field: (Violation, window row or None).
        `zone`: the Pemda's time zone, in which clock times are told besides WIB."""
        self.policy_errors = {}
        for violation, row in found:
            message = violation_message(violation, zone)
            if violation.field == "letter":
                self.letter_file.errors.append(message)
            elif violation.field == "letter_addressee":
                self.letter_addressee.errors.append(message)
            elif violation.field == "letter_date":
                self.letter_date.errors.append(message)
            else:
                key = f"windows-{row}" if row is not None else violation.field
                self.policy_errors.setdefault(key, []).append(message)

    def problems(self) -> list[str]:
        """Every error on the form, labelled, for the summary at the top of the page."""
        out: list[str] = []
        policy = self.policy_errors
        for name, field in self._fields.items():
            if name == "windows":
                for i, entry in enumerate(field):
                    for message in _errors_of(entry.form) + policy.get(f"windows-{i}", []):
                        out.append(_("Waktu pilihan %(n)d: %(message)s", n=i + 1, message=message))
            elif name == "delegation":
                for message in policy.get("delegation", []):
                    out.append(_("Delegasi: %(message)s", message=message))
                for i, entry in enumerate(field):
                    for message in _errors_of(entry.form):
                        out.append(_("Delegasi baris %(n)d: %(message)s", n=i + 1, message=message))
            elif name != "csrf_token":
                out.extend(f"{field.label.text}: {message}" for message in field.errors)
            else:
                out.extend(str(m) for m in field.errors)
        return out


def _errors_of(subform) -> list[str]:
    return [f"{f.label.text}: {m}" for f in subform for m in f.errors]


class WithdrawForm(BaseForm):
    """The confirmation page of a withdrawal: a reason and an explicit "I am sure" (no JavaScript
    dialog: the page itself is the confirmation step)."""

    reason = TextAreaField(
        _l("Alasan penarikan (tidak wajib)"),
        validators=[Optional(), Length(max=1000, message=_l("Alasan paling panjang 1000 karakter."))],
    )
    confirm = BooleanField(
        _l("Saya yakin ingin menarik permohonan ini. Penarikan tidak dapat dibatalkan."),
        validators=[DataRequired(message=_l("Centang pernyataan bahwa Anda yakin menarik permohonan ini."))],
    )
