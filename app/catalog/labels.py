"""How a room is named in a sentence.

DJPK names most rooms "Ruang ..." already ("Ruang Konsultasi 3"); a sentence that says
"Ruang %(name)s" would then read "Ruang Ruang Konsultasi 3". room_label() adds the word only
to a name that does not start with it (or with its English "Room").
"""

import re

from flask_babel import gettext as _

_NAMED_AS_ROOM = re.compile(r"(ruang|ruangan|room)\b", re.IGNORECASE)


def room_label(name: str) -> str:
    """ "Ruang Konsultasi 3" as it is; "Aula Utama" -> "Ruang Aula Utama"."""
    name = (name or "").strip()
    if _NAMED_AS_ROOM.match(name):
        return name
    return _("Ruang %(name)s", name=name)
