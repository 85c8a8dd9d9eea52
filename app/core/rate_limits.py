"""Rate limits that keep holding when Redis does not answer.

The limits (logins, password and second-factor checks, registration and reset emails,
verification look-ups) are counted in Redis (REDIS_URL), so that every worker of every server
counts the same attempts. When Redis refuses, times out or is gone, Flask-Limiter's in-memory
fallback (RATELIMIT_IN_MEMORY_FALLBACK_ENABLED) counts them in each worker's own memory
instead, and asks Redis again after 1, 2, 4, ... 32 seconds; the first answer puts the shared
counts back in charge, without a restart. Flask-Limiter logs the switch once per worker
("Rate limit storage unreachable"), and /readyz reports Redis as degraded.

In memory, each worker allows only its share of a limit: the amount divided by
RATELIMIT_FALLBACK_PROCESSES (the workers that share the limit: WEB_CONCURRENCY, or every
worker of every server), at least 1. All of them together then never allow more than the
shared limit would: stricter while Redis is away, never off.
"""

from collections.abc import Callable

from flask import current_app
from limits import parse_many

from app.extensions import limiter


def on_fallback() -> bool:
    """Whether this worker counts in its own memory because Redis did not answer.

    Flask-Limiter keeps the state in a private attribute (4.1); test_redis_outage.py fails
    should that change."""
    return bool(getattr(limiter, "_storage_dead", False))


def share(limit_text: str, processes: int) -> str:
    """`limit_text` with each amount divided by `processes` (at least 1):
    share("10 per 5 minutes", 4) == "2 per 5 minutes"."""
    if processes <= 1:
        return limit_text
    parts = []
    for item in parse_many(limit_text):
        amount = max(1, item.amount // processes)
        parts.append(f"{amount} per {item.multiples} {item.GRANULARITY.name}")
    return ";".join(parts)


def current(limit_text: str) -> str:
    """The limit this worker enforces now: `limit_text`, or its share while on the fallback."""
    if on_fallback():
        return share(limit_text, int(current_app.config.get("RATELIMIT_FALLBACK_PROCESSES") or 1))
    return limit_text


def setting(name: str, default: str | None = None) -> Callable[[], str]:
    """A limit provider for `limiter.limit()`: the setting `name` (or `default`), as current()
    says."""

    def provider() -> str:
        text = current_app.config[name] if default is None else current_app.config.get(name, default)
        return current(text)

    return provider
