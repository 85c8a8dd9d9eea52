"""What an import would do (ImportPlan), row by row: built by services.plan(), shown by the
command and the upload page, written by services.apply()."""

from collections import Counter
from dataclasses import dataclass, field
from datetime import date

from app.auth.models import UnitType
from app.domain.policy import Mode
from app.history import messages


@dataclass(frozen=True)
class Suggestion:
    code: str  # a region code or a topic code
    label: str  # "Kab. Bandung (32.04)"


@dataclass(frozen=True)
class Problem:
    row: int
    column: str  # a key of reader.COLUMNS
    cell: str  # as written
    message: str
    suggestions: tuple[Suggestion, ...] = ()

    @property
    def column_label(self) -> str:
        return messages.column_label(self.column)


@dataclass(frozen=True)
class PlannedRow:
    row: int
    mode: Mode
    session_date: date
    written: str  # the service user as written
    service_user: str  # as DJPK writes it ("Kab. Brebes (DPRD)"), or as written when kept
    region_id: int | None
    unit_type: UnitType
    topic_codes: tuple[str, ...]
    fingerprint: str

    @property
    def kept(self) -> bool:
        return self.region_id is None


@dataclass
class Unresolved:
    """A name (all writings with one alias_key) that needs a decision: an alias, or keep it."""

    key: str
    written: str
    rows: list[int] = field(default_factory=list)
    suggestions: tuple[Suggestion, ...] = ()


@dataclass
class ImportPlan:
    rows_read: int = 0
    to_add: list[PlannedRow] = field(default_factory=list)
    present: list[PlannedRow] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    unresolved: list[Unresolved] = field(default_factory=list)  # undecided names (problems)
    aliases: dict[str, tuple[str, int]] = field(default_factory=dict)  # written -> (code, region id)
    alias_labels: dict[str, str] = field(default_factory=dict)  # written -> "Kab. Bandung (32.04)"

    @property
    def ok(self) -> bool:
        return not self.problems

    @property
    def kept(self) -> Counter:
        """Rows to add under a name as written, by that name."""
        return Counter(r.service_user for r in self.to_add if r.kept)
