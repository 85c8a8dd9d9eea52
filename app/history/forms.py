"""Forms of the import page: the upload, and the decisions on names that were not resolved.

The decisions are one select per unresolved name ("pilihan-<i>": a suggested region code,
KEEP, or nothing yet) and an optional region code typed in ("kode-<i>"), where <i> is the
name's place in the plan made without decisions; so the page works without JavaScript.
"""

import hashlib
from dataclasses import dataclass

from flask_babel import lazy_gettext as _l
from flask_wtf.file import FileField
from wtforms import HiddenField

from app.core.forms import BaseForm
from app.history.plans import Unresolved

KEEP = "keep"


class UploadForm(BaseForm):
    file = FileField(_l("Berkas riwayat (CSV atau XLSX, maksimum 5 MB)"))


class DecisionForm(BaseForm):
    """CSRF and the step asked for; the decisions are read by read_decisions()."""

    # Not "action": a control of that name hides the form's own action from scripts
    # (form.action is then the control), as the browser journeys' form audit found.
    step = HiddenField()
    previewed = HiddenField()  # Decisions.digest of the preview the user saw


@dataclass(frozen=True)
class Decisions:
    aliases: dict[str, str]  # name as written -> region code
    keep: list[str]  # names kept as written
    chosen: dict[int, str]  # what each select shows again
    typed: dict[int, str]  # codes typed in

    @property
    def digest(self) -> str:
        """Names what the preview showed, so that "Impor" imports only what was seen."""
        text = repr((sorted(self.aliases.items()), sorted(self.keep)))
        return hashlib.sha256(text.encode()).hexdigest()[:16]


def read_decisions(data, names: list[Unresolved]) -> Decisions:
    aliases, keep, chosen, typed = {}, [], {}, {}
    for i, name in enumerate(names):
        choice = (data.get(f"pilihan-{i}") or "").strip()
        code = (data.get(f"kode-{i}") or "").strip()[:8]
        if code:
            typed[i] = code
            aliases[name.written] = code
        elif choice == KEEP:
            keep.append(name.written)
        elif choice in {s.code for s in name.suggestions}:
            aliases[name.written] = choice
        else:
            continue
        chosen[i] = choice
    return Decisions(aliases, keep, chosen, typed)


def split_names(names: list[Unresolved], decisions: Decisions) -> tuple[list, list]:
    """(still undecided, decided): each a list of (i, name), i the name's place in `names`
    (what its form fields are numbered by). A decided name leaves the undecided list."""
    pending, decided = [], []
    for i, name in enumerate(names):
        (decided if i in decisions.chosen else pending).append((i, name))
    return pending, decided
