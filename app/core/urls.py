"""Absolute links to this application, always from the configured PUBLIC_URL.

Email (a verification or reset link), calendar files and feeds, QR codes and the printed
confirmation letter carry links that leave the browser. They are built from PUBLIC_URL, never
from the request: `url_for(..., _external=True)` takes the scheme and host from the request's
Host (or X-Forwarded-Host) header, so a `POST /lupa-kata-sandi` with `Host: attacker.example`
would email the victim a reset link to the attacker's site (host header poisoning).
tests/test_public_urls.py fails when `_external=True` appears in app/ or templates/.
"""

from urllib.parse import urlencode

from flask import current_app, has_request_context, request, url_for


def public_base() -> str:
    """PUBLIC_URL without its trailing slash ("https://konsultasi.djpk.kemenkeu.go.id")."""
    return (current_app.config.get("PUBLIC_URL") or "").strip().rstrip("/")


def public_url(path: str, **query: str) -> str:
    """PUBLIC_URL + an application path ("/verifikasi") and its query string."""
    return f"{public_base()}{path}" + (f"?{urlencode(query)}" if query else "")


def public_url_for(endpoint: str, **values) -> str:
    """`url_for(endpoint, **values)` as an absolute link under PUBLIC_URL.

    Works inside a request (its Host is ignored) and outside one (a scheduler job, a CLI
    command), where Flask cannot build URLs without SERVER_NAME: there a request context for
    PUBLIC_URL is made just for building the path.
    """
    values.pop("_external", None)
    values.pop("_scheme", None)
    base = public_base()
    if has_request_context():
        return base + _app_path(url_for(endpoint, **values), request.script_root)
    with current_app.test_request_context("/", base_url=base + "/"):
        return base + _app_path(url_for(endpoint, **values), request.script_root)


def _app_path(path: str, script_root: str) -> str:
    # url_for's path starts with the mount point the request came through; PUBLIC_URL names
    # the public one, so only the path inside the application is kept.
    if script_root and path.startswith(script_root + "/"):
        return path[len(script_root) :]
    return path
