"""Password rules (OWASP ASVS 2.1) and hashing (argon2id).

At least 8 characters, up to 128; any characters, spaces included; no composition rules;
refused when it is among common passwords or is the user's own email or name.
"""

import gzip
from functools import lru_cache
from pathlib import Path

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from flask import current_app, has_app_context

MIN_LENGTH = 8
MAX_LENGTH = 128
COMMON_PASSWORDS_FILE = Path(__file__).resolve().parents[2] / "data" / "passwords" / "common-passwords.txt.gz"

_hasher = PasswordHasher()
# Tests hash hundreds of passwords; the minimum argon2 cost keeps the suite fast.
_fast_hasher = PasswordHasher(time_cost=1, memory_cost=8, parallelism=1)


def _active_hasher() -> PasswordHasher:
    if has_app_context() and current_app.config.get("PASSWORD_HASH_FAST"):
        return _fast_hasher
    return _hasher


@lru_cache(maxsize=1)
def common_passwords() -> frozenset[str]:
    with gzip.open(COMMON_PASSWORDS_FILE, "rt", encoding="utf-8") as fh:
        return frozenset(line.strip().lower() for line in fh if line.strip())


def password_problem(password: str, *, email: str = "", name: str = "") -> str | None:
    """A code naming what is wrong with `password`, or None when it is acceptable.

    Codes: too_short, too_long, common, personal.
    """
    if len(password) < MIN_LENGTH:
        return "too_short"
    if len(password) > MAX_LENGTH:
        return "too_long"
    lowered = password.lower()
    if lowered in common_passwords():
        return "common"
    local_part = email.split("@")[0].lower() if email else ""
    personal = {p for p in (email.lower(), local_part, name.lower().replace(" ", "")) if len(p) >= 4}
    if lowered.replace(" ", "") in personal:
        return "personal"
    return None


def hash_password(password: str) -> str:
    return _active_hasher().hash(password)


def verify_password(password_hash: str, password: str) -> bool:
    try:
        return _hasher.verify(password_hash, password)
    except (VerificationError, InvalidHashError):
        return False


def needs_rehash(password_hash: str) -> bool:
    return _active_hasher().check_needs_rehash(password_hash)
