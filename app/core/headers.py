"""Security headers on every response.

- Content-Security-Policy: scripts, styles, images and fonts only from this site (Bootstrap
  and the vendored jsQR are served from static/), no inline script or on*="" attribute and no
  inline style (their rules live in static/css and static/js), no plugins, no <base>, forms
  post only here, and no other site may frame a page (clickjacking). `data:` images: Bootstrap's
  CSS draws its select arrows, checkboxes and navbar toggler as data: SVGs. A route that sets
  its own policy keeps it (the outbox's email preview, app/outbox/routes.py).
- Strict-Transport-Security in production only (a development server speaks plain http).
- Referrer-Policy: links to other sites (a meeting link) carry no path, which may hold a token.
- Permissions-Policy: no camera, microphone, location...; the camera only on the front-desk
  page that scans the QR code of a confirmation letter.
- Cache-Control: no-store on every response to a signed-in user (a shared computer's cache or
  back button must not show a Pemda's requests to the next person), never on static files.
"""

from flask import Flask, request
from flask_login import current_user

CONTENT_SECURITY_POLICY = "; ".join(
    [
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self'",
        "img-src 'self' data:",
        "font-src 'self'",
        "connect-src 'self'",
        "object-src 'none'",
        "base-uri 'self'",
        "form-action 'self'",
        "frame-ancestors 'none'",
    ]
)
HSTS = "max-age=31536000; includeSubDomains"
DENIED_FEATURES = (
    "accelerometer",
    "geolocation",
    "gyroscope",
    "magnetometer",
    "microphone",
    "payment",
    "usb",
)
# Endpoints whose page scans a QR code with the tablet's camera (templates/checkin/today.html).
CAMERA_ENDPOINTS = frozenset({"checkin.today"})


def permissions_policy(camera: bool) -> str:
    features = [f"{name}=()" for name in DENIED_FEATURES]
    features.append("camera=(self)" if camera else "camera=()")
    return ", ".join(sorted(features))


def init_app(app: Flask) -> None:
    app.after_request(add_security_headers)


def add_security_headers(response):
    from flask import current_app

    headers = response.headers
    headers.setdefault("Content-Security-Policy", CONTENT_SECURITY_POLICY)
    headers.setdefault("X-Content-Type-Options", "nosniff")
    headers.setdefault("X-Frame-Options", "DENY")
    headers.setdefault("Referrer-Policy", "strict-origin-when-cross-origin")
    headers.setdefault("Cross-Origin-Opener-Policy", "same-origin")
    headers["Permissions-Policy"] = permissions_policy(request.endpoint in CAMERA_ENDPOINTS)
    if current_app.config.get("SEND_HSTS"):
        headers["Strict-Transport-Security"] = HSTS
    if not is_static(request.endpoint) and _signed_in():
        cache = headers.get("Cache-Control", "")
        if "no-store" not in cache:
            headers["Cache-Control"] = "no-store"
    return response


def is_static(endpoint: str | None) -> bool:
    # The app's static files and Bootstrap's (bootstrap.static).
    return bool(endpoint) and (endpoint == "static" or endpoint.endswith(".static"))


def _signed_in() -> bool:
    try:
        return bool(current_user and current_user.is_authenticated)
    except Exception:  # a failing user lookup (during a 500) must not hide the original answer
        return False
