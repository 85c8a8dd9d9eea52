"""The QR code of a session's verification link (segno, inline SVG: no image file, no network)."""

import segno
from markupsafe import Markup

from app.core.urls import public_url_for
from app.requests.models import ConsultationRequest


def verification_link(req: ConsultationRequest) -> str:
    """The public /verifikasi link of the session's booking code, marked as opened from the QR."""
    return public_url_for("verification.verify", kode=req.booking_code_display, qr=1)


def qr_svg(data: str, *, title: str = "", scale: int = 4) -> Markup:
    """An inline <svg> of `data` (error correction M: still readable from a creased printout)."""
    svg = segno.make(data, error="m").svg_inline(
        scale=scale, border=4, dark="#000", light="#fff", title=title or None, svgclass="qr-code"
    )
    return Markup(svg)
