"""The API's rate limit, per token (per address for calls without one), and the RateLimit
headers that tell a caller where it stands (draft-ietf-httpapi-ratelimit-headers:
RateLimit-Limit, RateLimit-Remaining, RateLimit-Reset and RateLimit-Policy).

API_RATE_LIMIT (default 300 per minute) is counted in Redis like the other limits
(app.core.rate_limits), so every worker of every server counts the same calls; a call over it
answers 429 with Retry-After. The public verification counts against its own, stricter limit
as well (the page's).
"""

import time

from flask import Flask, g
from flask_limiter.util import get_remote_address

from app.api import paths
from app.core import rate_limits
from app.extensions import limiter

DEFAULT = "300 per minute"


def caller_key() -> str:
    token = g.get("api_token")
    return f"token:{token.id}" if token is not None else f"address:{get_remote_address()}"


api_limit = limiter.shared_limit(
    rate_limits.setting("API_RATE_LIMIT", DEFAULT), scope="api", key_func=caller_key
)


def add_headers(response):
    if not paths.is_api_request():
        return response
    current = limiter.current_limit
    if current is None:
        return response
    item = current.limit
    response.headers["RateLimit-Limit"] = str(item.amount)
    response.headers["RateLimit-Remaining"] = str(max(0, current.remaining))
    response.headers["RateLimit-Reset"] = str(max(0, int(current.window[0] - time.time())))
    response.headers["RateLimit-Policy"] = f"{item.amount};w={item.get_expiry()}"
    return response


def init_app(app: Flask, blueprints) -> None:
    for blueprint in blueprints:
        api_limit(blueprint)
    app.after_request(add_headers)
