"""Who calls the API: a bearer token (app.api.tokens), never the browser's session cookie.

`authenticate` runs before every /api/ call: without an Authorization header the caller is
anonymous (public operations only); with a header that names no usable token the call is
refused with 401 at once. `requires(scope, ...)` guards an operation and documents it.
"""

from functools import wraps

from flask import g, request
from flask_babel import gettext as _

from app.api import paths
from app.api.apidoc import manual_doc
from app.api.problems import ApiProblem
from app.api.scopes import holds
from app.api.tokens import find_usable, mark_used
from app.extensions import login

SECURITY_SCHEME = "token"


def authenticate() -> None:
    if not paths.is_api_request():
        return
    g.api_token = None
    # The API never acts on a cookie: a browser signed in to the web pages is anonymous here,
    # so a page on another site cannot make a signed-in browser call the API (no CSRF).
    g._login_user = login.anonymous_user()
    header = request.headers.get("Authorization")
    if header is None:
        return
    scheme, _sep, secret = header.partition(" ")
    token = find_usable(secret.strip()) if scheme.lower() == "bearer" and secret.strip() else None
    if token is None:
        raise ApiProblem(401)
    g.api_token = token
    g._login_user = token.owner
    mark_used(token)


def current_token():
    return g.get("api_token")


def requires(*scopes: str):
    """Let the operation run only for a token holding every one of `scopes` (401 without a
    token, 403 without the scope), and say so in the OpenAPI document."""

    def decorator(view):
        @wraps(view)
        def wrapped(*args, **kwargs):
            token = current_token()
            if token is None:
                raise ApiProblem(401)
            missing = [s for s in scopes if not holds(token, s)]
            if missing:
                raise ApiProblem(
                    403,
                    slug="insufficient-scope",
                    detail=_("Token ini tidak memiliki cakupan: %(scopes)s.", scopes=", ".join(missing)),
                    hint=_("Buat token baru dengan cakupan tersebut di halaman Akun saya."),
                )
            return view(*args, **kwargs)

        manual = manual_doc(wrapped, view)
        manual["security"] = [{SECURITY_SCHEME: list(scopes)}]
        responses = manual.setdefault("responses", {})
        responses.setdefault(401, "UNAUTHORIZED")
        responses.setdefault(403, "FORBIDDEN")
        return wrapped

    return decorator


def require_role(roles, detail: str) -> None:
    """403 with `detail` unless the token's owner has one of `roles` (an operation only some
    roles may use, whatever scopes the token holds)."""
    token = current_token()
    if token is None or token.owner.role not in roles:
        raise ApiProblem(403, detail=detail)
