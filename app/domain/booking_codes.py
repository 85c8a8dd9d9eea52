"""Booking codes: what a delegation reads out at the front desk and types into /verifikasi.

Ten characters from an alphabet without look-alikes (no 0/O, 1/I/L), shown as two groups of
five ("K7Q2M-X9RTA"): 31**10, about 49.5 bits of randomness from `secrets`, never sequential.
normalize() accepts what people type: lower case, spaces, dashes, and the look-alikes that
are not in the alphabet read as the character people meant.
"""

import re
import secrets

ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"
LENGTH = 10
GROUP = 5
# Characters people type for one that is in the alphabet.
_LOOKALIKES = str.maketrans({"0": "D", "O": "D", "1": "J", "I": "J", "L": "J"})
_SEPARATORS = re.compile(r"[\s\-_.]+")


def new_code() -> str:
    """A fresh code in its stored form (no separator)."""
    return "".join(secrets.choice(ALPHABET) for _ in range(LENGTH))


def normalize(text: str | None) -> str | None:
    """The stored form of a typed code, or None when it cannot be a code."""
    if not text:
        return None
    raw = _SEPARATORS.sub("", text.strip().upper())
    if len(raw) != LENGTH:
        return None
    raw = raw.translate(_LOOKALIKES)
    if any(ch not in ALPHABET for ch in raw):
        return None
    return raw


def display(code: str | None) -> str:
    """ "K7Q2MX9RTA" -> "K7Q2M-X9RTA"."""
    if not code:
        return ""
    return f"{code[:GROUP]}-{code[GROUP:]}"
