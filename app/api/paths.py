"""Which requests are API calls (their errors are problem documents, their language comes
from Accept-Language)."""

from flask import has_request_context, request

PREFIX = "/api/"


def is_api_request() -> bool:
    return has_request_context() and request.path.startswith(PREFIX)
