"""/healthz, /readyz and /metrics: public probes (no login, no session, no rate limit) and
the Prometheus scrape, answered only to the addresses in METRICS_ALLOW (404 to the rest)."""

import ipaddress

from flask import Response, abort, current_app, jsonify, request

from app.extensions import limiter
from app.ops import bp, checks, metrics

DEFAULT_METRICS_ALLOW = "127.0.0.1,::1"


@bp.get("/healthz")
@limiter.exempt
def healthz():
    """The process answers; no database is touched."""
    return jsonify(status="ok")


@bp.get("/readyz")
@limiter.exempt
def readyz():
    results, ready = checks.readiness()
    if not ready:
        status = checks.FAIL
    elif any(result["status"] == checks.DEGRADED for result in results.values()):
        status = checks.DEGRADED  # still 200: it serves, with a part reported
    else:
        status = checks.OK
    return jsonify(status=status, checks=results), 200 if ready else 503


def allowed_networks(value: str | None) -> list:
    networks = []
    for part in (value if value is not None else DEFAULT_METRICS_ALLOW).split(","):
        if not part.strip():
            continue
        try:
            networks.append(ipaddress.ip_network(part.strip(), strict=False))
        except ValueError:  # a typo allows nobody more, it only allows less
            current_app.logger.warning("METRICS_ALLOW: %r is not an IP address or network", part.strip())
    return networks


def _allowed(address: str | None) -> bool:
    """`address` is request.remote_addr, as ProxyFix resolved it (PROXY_COUNT hops)."""
    try:
        ip = ipaddress.ip_address(address or "")
    except ValueError:
        return False
    if ip.version == 6 and ip.ipv4_mapped:
        ip = ip.ipv4_mapped
    networks = allowed_networks(current_app.config.get("METRICS_ALLOW"))
    return any(ip.version == net.version and ip in net for net in networks)


@bp.get("/metrics")
@limiter.exempt
def prometheus():
    if not _allowed(request.remote_addr):
        abort(404)
    return Response(metrics.scrape(current_app._get_current_object()), mimetype="text/plain; version=0.0.4")
