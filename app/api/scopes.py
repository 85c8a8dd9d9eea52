"""What an API token may be allowed to do, and which roles may hold each scope.

A scope never widens what its owner sees: the API applies the same access rules as the web
pages (app.core.access). A scope the owner's role may not hold is refused when the token is
made, and again on every call (an account that changed role keeps no more than it may).
"""

from flask_babel import lazy_gettext as _l

from app.auth.models import Role

READERS = frozenset({Role.PEMDA, Role.COORDINATOR, Role.ADMIN, Role.NARASUMBER})
COORDINATORS = frozenset({Role.COORDINATOR, Role.ADMIN})
PEMDA = frozenset({Role.PEMDA})
EVERYONE = frozenset(Role)

# scope -> (what it allows, as the token form shows it; the roles that may hold it).
SCOPES: dict[str, tuple] = {
    "requests:read": (_l("Membaca permohonan konsultasi"), READERS),
    "requests:write": (
        _l("Mengajukan, menarik dan mengonfirmasi permohonan; memutus permohonan (koordinator)"),
        PEMDA | COORDINATORS,
    ),
    "sessions:read": (_l("Membaca jadwal sesi konsultasi"), EVERYONE),
    "breaches:read": (_l("Membaca catatan pelanggaran"), PEMDA | COORDINATORS),
    "breaches:write": (_l("Mencatat dan membatalkan pelanggaran"), COORDINATORS),
    "reports:read": (_l("Membaca laporan bulanan"), COORDINATORS),
}


def allowed_for(role: Role | str) -> list[str]:
    """The scopes a token of an account with `role` may hold, in catalogue order."""
    return [name for name, (_label, roles) in SCOPES.items() if Role(role) in roles]


def label(scope: str) -> str:
    return str(SCOPES[scope][0]) if scope in SCOPES else scope


def holds(token, scope: str) -> bool:
    """Whether `token` was given `scope` and its owner's role (now) may hold it."""
    return scope in (token.scopes or ()) and scope in allowed_for(token.owner.role)
