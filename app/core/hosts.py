"""Which Host names the application answers, and which proxy headers it believes.

Host: wherever PUBLIC_URL is set (always in production) only PUBLIC_URL's host and the names
in EXTRA_HOSTS are served; any other Host answers 400 with the usual error page. Links never
come from the Host anyway (app.core.urls); refusing the rest also stops cache poisoning and
the app being served under a name nobody configured.

Flask's own TRUSTED_HOSTS is not used for this: it rejects the host before the URL adapter
exists, so the 400 could not render a page with links (url_for fails and the answer becomes
a bare 500). The check here is the first before_request hook instead, with the same
comparison (werkzeug's host_is_trusted: the port is ignored, ".example.go.id" matches its
subdomains).

Proxies: ProxyFix only when PROXY_COUNT > 0, believing that many hops of X-Forwarded-For
and X-Forwarded-Proto (the last ones, which our own proxies appended). X-Forwarded-Host,
-Port and -Prefix are never believed: the public address is PUBLIC_URL.
"""

from urllib.parse import urlsplit

from flask import Flask, abort, current_app, request
from werkzeug.middleware.proxy_fix import ProxyFix
from werkzeug.sansio.utils import host_is_trusted


def init_app(app: Flask) -> None:
    """Call before any other before_request hook is registered: the Host check runs first."""
    count = int(app.config.get("PROXY_COUNT") or 0)
    if count > 0:
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=count, x_proto=count, x_host=0, x_port=0, x_prefix=0)
    app.before_request_funcs.setdefault(None, []).insert(0, refuse_unknown_host)


def allowed_hosts(config) -> list[str]:
    """PUBLIC_URL's host name and EXTRA_HOSTS; empty when nothing restricts the Host."""
    if not config.get("CHECK_HOST"):
        return []
    names = [urlsplit(config.get("PUBLIC_URL") or "").hostname or ""]
    names += [name.strip().lower() for name in config.get("EXTRA_HOSTS") or () if name.strip()]
    return [name for name in names if name]


def refuse_unknown_host() -> None:
    allowed = allowed_hosts(current_app.config)
    if not allowed:
        return
    host = (request.environ.get("HTTP_HOST") or request.environ.get("SERVER_NAME") or "").lower()
    if not host_is_trusted(host, allowed):
        abort(400)
