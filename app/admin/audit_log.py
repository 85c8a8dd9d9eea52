"""The administrators' audit page (/admin/audit): the audit log, newest first, 50 rows a
page (keyset pagination on the chain's `seq`), filtered by who, what, which object and WIB
dates; a second view shows only the security events (auth.* and security.*). Read only:
nothing on the page changes a row. Registered on the `admin` blueprint."""

import json
from datetime import datetime, time, timedelta

from flask import render_template, request
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import func, or_, select
from wtforms import DateField, HiddenField, SelectField, StringField, ValidationError
from wtforms.fields.choices import SelectChoice
from wtforms.validators import AnyOf, Length, Optional

from app.admin import bp
from app.admin.audit_labels import ACTION_GROUPS, SECURITY_PREFIXES, action_label, is_security
from app.auth.models import User
from app.core import audit_chain
from app.core.access import admin_required
from app.core.audit import AuditLog
from app.core.clock import WIB
from app.core.forms import BaseForm
from app.extensions import db

PAGE_SIZE = 50
SECURITY_VIEW = "keamanan"
# The first page checks the links of this many newest rows (the rows it shows when unfiltered)
# and the own hash of every row it shows; `flask audit verify` checks the whole chain.
CHECKED_ON_PAGE = PAGE_SIZE
NOT_A_DATE = _l("Isi tanggal dengan format TTTT-BB-HH.")


class AuditFilterForm(BaseForm):
    class Meta:
        csrf = False  # a GET search form

    view = HiddenField(validators=[Optional(), AnyOf(["", SECURITY_VIEW])])
    who = StringField(_l("Pelaku (nama atau email)"), validators=[Optional(), Length(max=100)])
    action = SelectField(
        _l("Aksi"),
        choices=[SelectChoice("", _l("Semua aksi"))]
        + [
            SelectChoice(action, label, optgroup=group)
            for group, labels in ACTION_GROUPS
            for action, label in labels.items()
        ],
        validators=[Optional()],
    )
    object_type = StringField(_l("Jenis objek"), validators=[Optional(), Length(max=64)])
    object_id = StringField(_l("ID objek"), validators=[Optional(), Length(max=64)])
    date_from = DateField(
        _l("Dari tanggal (WIB)"),
        invalid_value_message=NOT_A_DATE,
        validators=[Optional()],
        render_kw={"type": "date"},
    )
    date_to = DateField(
        _l("Sampai tanggal (WIB)"),
        invalid_value_message=NOT_A_DATE,
        validators=[Optional()],
        render_kw={"type": "date"},
    )

    def validate_date_to(self, field):
        if field.data and self.date_from.data and field.data < self.date_from.data:
            raise ValidationError(_("Tanggal akhir tidak boleh sebelum tanggal awal."))


def _ok(field):
    return field.data if not field.errors else None


def _like(text: str) -> str:
    escaped = text.strip().lower().replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"


def _wib_start(day) -> datetime:
    return datetime.combine(day, time(0), tzinfo=WIB)


def filtered(form: AuditFilterForm):
    """The rows the valid filters of `form` ask for (filters with errors are left out)."""
    query = select(AuditLog)
    if _ok(form.view) == SECURITY_VIEW:
        query = query.where(or_(*[AuditLog.action.startswith(p, autoescape=True) for p in SECURITY_PREFIXES]))
    if who := (_ok(form.who) or "").strip():
        actors = select(User.id).where(
            or_(
                func.lower(User.name).like(_like(who), escape="\\"),
                func.lower(User.email).like(_like(who), escape="\\"),
            )
        )
        query = query.where(AuditLog.actor_id.in_(actors))
    if action := _ok(form.action):
        query = query.where(AuditLog.action == action)
    if object_type := (_ok(form.object_type) or "").strip():
        query = query.where(AuditLog.object_type == object_type)
    if object_id := (_ok(form.object_id) or "").strip():
        query = query.where(AuditLog.object_id == object_id)
    if start := _ok(form.date_from):
        query = query.where(AuditLog.at >= _wib_start(start))
    if end := _ok(form.date_to):
        query = query.where(AuditLog.at < _wib_start(end + timedelta(days=1)))
    return query


def page_of(query, older_than: int | None) -> tuple[list[AuditLog], int | None]:
    """PAGE_SIZE rows, newest first, and the cursor of the next (older) page, if any."""
    if older_than is not None:
        query = query.where(AuditLog.seq < older_than)
    rows = list(db.session.scalars(query.order_by(AuditLog.seq.desc()).limit(PAGE_SIZE + 1)))
    more = len(rows) > PAGE_SIZE
    rows = rows[:PAGE_SIZE]
    return rows, (rows[-1].seq if more else None)


def _shown(value) -> str:
    if value is None:
        return "–"
    if isinstance(value, str):
        text = value
    else:
        text = json.dumps(value, ensure_ascii=False, separators=(", ", ": "))
    return text if len(text) <= 120 else text[:119] + "…"


_ABSENT = object()


def changes(before: dict | None, after: dict | None) -> list[tuple[str, str | None, str | None]]:
    """(key, old, new) for each key whose value differs; old or new None when absent."""
    before, after = before or {}, after or {}
    rows = []
    for key in list(before) + [k for k in after if k not in before]:
        old, new = before.get(key, _ABSENT), after.get(key, _ABSENT)
        if old == new:
            continue
        rows.append((key, None if old is _ABSENT else _shown(old), None if new is _ABSENT else _shown(new)))
    return rows


def _people(rows: list[AuditLog]) -> dict[int, User]:
    ids = {r.actor_id for r in rows if r.actor_id} | {
        int(r.object_id) for r in rows if r.object_type == "User" and r.object_id.isdigit()
    }
    if not ids:
        return {}
    return {u.id: u for u in db.session.scalars(select(User).where(User.id.in_(ids)))}


def chain_state(shown: list[AuditLog], *, newest_shown: bool, more: bool) -> audit_chain.Verdict:
    """The chain as far as the first page checks it: the links and hashes of the
    CHECKED_ON_PAGE newest rows (what the page says it checked), and the own hash of each row
    it shows, which on a filtered view may lie further back, so that no row is shown as
    intact when it was changed. `newest_shown`: the page shows the newest rows unfiltered,
    already loaded, so they are checked as they are (`more`: older rows exist, so the
    oldest shown row's link is trusted as verify(newest=...) trusts it)."""
    if newest_shown:
        if more:
            return audit_chain.verify_rows(reversed(shown), start_seq=shown[-1].seq, start_hash=None)
        return audit_chain.verify_rows(reversed(shown))
    verdict = audit_chain.verify(db.session, newest=CHECKED_ON_PAGE)
    if not verdict.ok:
        return verdict
    changed = audit_chain.verify_each(shown)
    return verdict if changed.ok else changed


@bp.route("/audit")
@admin_required
def audit_log():
    form = AuditFilterForm(request.args)
    form.validate()
    older_than = request.args.get("sebelum", type=int)
    query = filtered(form)
    rows, next_cursor = page_of(query, older_than)
    chain = None
    if older_than is None:
        chain = chain_state(rows, newest_shown=query.whereclause is None, more=next_cursor is not None)
    return render_template(
        "admin/audit_log.html",
        form=form,
        rows=rows,
        next_cursor=next_cursor,
        first_page=older_than is None,
        security_view=_ok(form.view) == SECURITY_VIEW,
        people=_people(rows),
        action_label=action_label,
        is_security=is_security,
        changes=changes,
        chain=chain,
    )
