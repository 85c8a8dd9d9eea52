"""Planning and applying an import of history sessions (`flask import sessions`, the upload page).

plan() reads every row and says what would happen: rows to add, rows already present, and
every problem with its row, cell, message and suggestions. It changes nothing, so it is the
dry run. apply() writes a plan without problems: the batch, every new session and the aliases
given, all in the caller's one transaction (the caller commits; on any error apply() rolls
the session back, so a failed import leaves nothing).

Same session, same fingerprint: sha256 of the mode, the date, the service user (region code
and unit when resolved, else the normalised name as written: "Kab. Foo" = "Kabupaten Foo"),
the sorted topic codes, and the occurrence of that combination within the file. Identical
rows in one file are taken as distinct sessions (a Pemda can consult twice on one day, in
the morning and the afternoon); counting occurrences keeps re-importing the file (or another
file repeating those sessions) from adding them again.
"""

import hashlib
import re
from collections import Counter
from collections.abc import Collection, Iterable, Mapping
from datetime import date

from flask_babel import gettext as _
from sqlalchemy import select

from app.auth.models import UnitType, service_user_name
from app.catalog.models import Topic
from app.core import audit
from app.core.clock import WIB, now_utc
from app.domain.history_parsing import (
    DEFAULT_TOPIC_ALIASES,
    ParseError,
    TopicEntry,
    TopicMatcher,
    parse_date,
    parse_mode,
)
from app.domain.region_names import DPRD, CanonicalRegion, Resolution, Resolver, alias_key
from app.extensions import db
from app.history import messages
from app.history.models import HistorySession, ImportBatch, RegionAlias
from app.history.plans import ImportPlan, PlannedRow, Problem, Suggestion, Unresolved
from app.history.reader import SheetRow
from app.regions.models import Region

EARLIEST = date(2000, 1, 1)
_FINGERPRINT_CHUNK = 500


class ImportRefused(Exception):
    """apply() was given a plan with problems."""


class AliasRejected(ValueError):
    """An alias as given (--alias, a choice on the page) cannot be used; the message says why."""


def parse_alias(text: str) -> tuple[str, str]:
    """ "AS WRITTEN=REGION CODE" -> (written, code); the code is checked by plan()."""
    written, sep, code = (text or "").rpartition("=")
    if not sep or not written.strip() or not code.strip():
        with messages.speaking():
            message = _('Alias tidak valid: %(alias)s. Tulis "NAMA SESUAI TULISAN=KODE DAERAH".', alias=text)
        raise AliasRejected(message)
    return " ".join(written.split()), code.strip()


def _topic_matcher(topics: Iterable[Topic]) -> TopicMatcher:
    def key(text: str) -> str:
        return re.sub(r"[^0-9a-z]", "", text.casefold())

    topics = list(topics)
    taken = {key(t.code): t.code for t in topics}
    entries = []
    for t in topics:  # a name or alias another topic already answers to is left out
        name = t.name if taken.setdefault(key(t.name), t.code) == t.code else ""
        extra = [
            a for a in DEFAULT_TOPIC_ALIASES.get(t.code, ()) if taken.setdefault(key(a), t.code) == t.code
        ]
        entries.append(TopicEntry(t.code, name, tuple(extra)))
    return TopicMatcher(entries)


def _fingerprint(*parts: object) -> str:
    return hashlib.sha256("|".join(str(p) for p in parts).encode()).hexdigest()


class _Planner:
    def __init__(self, aliases: Mapping[str, str], keep: bool | Collection[str]):
        self.regions = {r.code: r for r in db.session.scalars(select(Region))}
        self.resolver = Resolver(CanonicalRegion(r.code, r.name, r.kind.value) for r in self.regions.values())
        for stored in db.session.scalars(select(RegionAlias)):
            unit = stored.unit_type.value if stored.unit_type else None
            self.resolver.add_alias(stored.as_written, stored.region.code, unit)
        self.plan = ImportPlan()
        for written, code in aliases.items():
            if code not in self.regions:
                raise AliasRejected(_("Kode daerah tidak dikenal: %(code)s.", code=code))
            self.resolver.add_alias(written, code)
            self.plan.aliases[written] = (code, self.regions[code].id)
            self.plan.alias_labels[written] = self.suggestion(code).label
        self.keep_all = keep is True
        self.keep = set() if isinstance(keep, bool) else {alias_key(k) for k in keep}
        self.topics = list(db.session.scalars(select(Topic).order_by(Topic.sort_order, Topic.code)))
        self.matcher = _topic_matcher(self.topics)
        self.latest = now_utc().astimezone(WIB).date()
        self.unresolved: dict[str, Unresolved] = {}

    def suggestion(self, code: str) -> Suggestion:
        return Suggestion(code, f"{self.regions[code].display_name} ({code})")

    def problem(self, row: SheetRow, column: str, message: str, suggestions=()) -> None:
        cell = getattr(row, column)
        written = cell.isoformat() if hasattr(cell, "isoformat") else ("" if cell is None else str(cell))
        self.plan.problems.append(Problem(row.number, column, written, message, tuple(suggestions)))

    def service_user(self, row: SheetRow):
        written = " ".join(str(row.service_user or "").split())
        res: Resolution = self.resolver.resolve(written) if written else None
        if res is None:
            self.problem(row, "service_user", messages.region_problem(None))
            return None
        unit = UnitType.DPRD if res.unit == DPRD else UnitType.PEMDA
        if res.confident:
            region = self.regions[res.code]
            shown = service_user_name(region.display_name, unit)
            return written, shown, region, unit, f"region:{region.code}:{unit}"
        key = alias_key(written)
        if self.keep_all or key in self.keep:
            return written, written, None, unit, f"name:{unit}:{key}"
        codes = tuple(dict.fromkeys(c for c in (res.code, *res.suggestions) if c))
        suggestions = tuple(self.suggestion(c) for c in codes)
        entry = self.unresolved.setdefault(key, Unresolved(key, written, suggestions=suggestions))
        entry.rows.append(row.number)
        self.problem(row, "service_user", messages.region_problem(res.status), suggestions)
        return None

    def topic_codes(self, row: SheetRow):
        matches = self.matcher.match_cell(str(row.topics or "").strip() or None)
        if not matches:
            self.problem(row, "topics", messages.topics_empty())
            return None
        codes, ok = [], True
        for found in matches:
            if found.code is None:
                ok = False
                hints = [Suggestion(c, c) for c in found.suggestions]
                self.problem(row, "topics", messages.topic_unknown(found.written), hints)
            else:
                codes.append(found.code)
        return tuple(sorted(codes)) if ok else None

    def read(self, row: SheetRow):
        try:
            mode = parse_mode(str(row.mode) if row.mode is not None else None)
        except ParseError as error:
            mode = self.problem(row, "mode", messages.mode_problem(error.reason))
        try:
            day = parse_date(row.date, earliest=EARLIEST, latest=self.latest)
        except ParseError as error:
            day = self.problem(row, "date", messages.date_problem(error.reason))
        user = self.service_user(row)
        codes = self.topic_codes(row)
        if mode is None or day is None or user is None or codes is None:
            return None
        return mode, day, user, codes


def plan(
    rows: Iterable[SheetRow],
    aliases: Mapping[str, str] | None = None,
    keep_unresolved: bool | Collection[str] = False,
) -> ImportPlan:
    """What importing `rows` would do. `aliases` maps names as written to region codes (for
    this plan, and kept by apply()); `keep_unresolved` keeps every unresolved name (True) or
    the names given, as written."""
    with messages.speaking():
        return _plan(rows, aliases or {}, keep_unresolved)


def _plan(rows: Iterable[SheetRow], aliases: Mapping[str, str], keep_unresolved) -> ImportPlan:
    planner = _Planner(aliases, keep_unresolved)
    result = planner.plan
    seen: Counter = Counter()
    planned: list[PlannedRow] = []
    for row in rows:
        result.rows_read += 1
        read = planner.read(row)
        if read is None:
            continue
        mode, day, (written, shown, region, unit, user_key), codes = read
        base = (mode.value, day.isoformat(), user_key, ",".join(codes))
        occurrence = seen[base]
        seen[base] += 1
        fingerprint = _fingerprint(*base, occurrence)
        region_id = region.id if region else None
        planned.append(PlannedRow(row.number, mode, day, written, shown, region_id, unit, codes, fingerprint))
    existing = _existing({p.fingerprint for p in planned})
    for p in planned:
        (result.present if p.fingerprint in existing else result.to_add).append(p)
    result.unresolved = list(planner.unresolved.values())
    return result


def _existing(fingerprints: set[str]) -> set[str]:
    found: set[str] = set()
    ordered = sorted(fingerprints)
    for i in range(0, len(ordered), _FINGERPRINT_CHUNK):
        chunk = ordered[i : i + _FINGERPRINT_CHUNK]
        found.update(
            db.session.scalars(
                select(HistorySession.fingerprint).where(HistorySession.fingerprint.in_(chunk))
            )
        )
    return found


def _new_session(batch: ImportBatch, row: PlannedRow, topics: dict[str, Topic]) -> HistorySession:
    session = HistorySession(
        batch=batch,
        mode=row.mode,
        session_date=row.session_date,
        region_id=row.region_id,
        unit_type=row.unit_type,
        service_user=row.service_user[:200],
        row_number=row.row,
        fingerprint=row.fingerprint,
        topics=[topics[c] for c in row.topic_codes],
    )
    db.session.add(session)
    return session


def _save_aliases(aliases: Mapping[str, tuple[str, int]], actor, now) -> None:
    for written, (code, region_id) in aliases.items():
        key = alias_key(written)
        if len(key) > 200:  # RegionAlias.alias_key; such a name is only used for this import
            continue
        alias = db.session.scalars(select(RegionAlias).where(RegionAlias.alias_key == key)).first()
        before = {"region": alias.region.code, "as_written": alias.as_written} if alias else None
        if alias is None:
            alias = RegionAlias(alias_key=key, created_at=now, created_by_id=getattr(actor, "id", None))
            db.session.add(alias)
        elif alias.region_id == region_id:
            continue
        alias.as_written, alias.region_id, alias.unit_type = written[:200], region_id, None
        db.session.flush()
        audit.record(
            "history.alias", alias, actor=actor, before=before, after={"region": code, "as_written": written}
        )


def apply(plan: ImportPlan, *, filename: str, sha256: str, actor=None) -> ImportBatch | None:
    """Write `plan` (which must have no problems): the aliases, then the batch and its
    sessions. Returns the batch, or None when there was nothing new to add."""
    if not plan.ok:
        raise ImportRefused(f"{len(plan.problems)} problems")
    now = now_utc()
    try:
        _save_aliases(plan.aliases, actor, now)
        if not plan.to_add:
            db.session.flush()
            return None
        batch = ImportBatch(
            filename=filename[:255],
            sha256=sha256,
            imported_at=now,
            imported_by_id=getattr(actor, "id", None),
            rows_total=plan.rows_read,
            rows_added=len(plan.to_add),
        )
        db.session.add(batch)
        codes = {c for row in plan.to_add for c in row.topic_codes}
        topics = {t.code: t for t in db.session.scalars(select(Topic).where(Topic.code.in_(codes)))}
        for row in plan.to_add:
            _new_session(batch, row, topics)
        db.session.flush()
        kept = dict(plan.kept)
        after = {"filename": filename, "sha256": sha256, "rows_total": plan.rows_read}
        after |= {"rows_added": len(plan.to_add), "already_present": len(plan.present), "kept": kept}
        audit.record("history.import", batch, actor=actor, after=after)
        db.session.flush()
    except Exception:
        db.session.rollback()
        raise
    return batch
