"""/verifikasi: anyone checks a booking code (typed, or opened from the QR code's link).

Rate limited per IP address on every look-up (a POST, or a GET that carries ?kode=), so that
codes cannot be guessed in bulk; a page without a code is free.
"""

from flask import render_template, request
from flask_babel import gettext as _
from flask_limiter.util import get_remote_address

from app.core import rate_limits
from app.extensions import db, limiter
from app.requests.labels import mode_label
from app.verification import bp, services
from app.verification.forms import VerifyForm

_limit = rate_limits.setting("VERIFY_LIMIT", "20 per minute;200 per day")


def _no_look_up() -> bool:
    return (
        request.endpoint == "verification.verify" and request.method == "GET" and not request.args.get("kode")
    )


# The page and the API's /api/v1/verification/<code> count on one counter per address.
verification_limit = limiter.shared_limit(
    _limit, scope="verification", key_func=get_remote_address, exempt_when=_no_look_up
)


@bp.errorhandler(429)
def too_many_look_ups(_error):
    message = _(
        "Terlalu banyak pemeriksaan kode dari alamat Anda. Silakan tunggu beberapa menit lalu coba lagi."
    )
    return render_template(
        "verification/verify.html", form=VerifyForm(formdata=None), answer=None, limited=message
    ), 429


@bp.route("/verifikasi", methods=["GET", "POST"])
@verification_limit
def verify():
    typed = None
    if request.method == "POST":
        form = VerifyForm()
        if form.validate():
            typed = form.kode.data
    else:
        form = VerifyForm(formdata=None, kode=request.args.get("kode", ""))
        if request.args.get("kode"):
            typed = request.args["kode"][:100]
    answer = None
    if typed is not None:
        answer = services.look_up(
            typed,
            client_ip=request.remote_addr,
            via_qr=request.method == "GET" and request.args.get("qr") == "1",
        )
        db.session.commit()
    return render_template("verification/verify.html", form=form, answer=answer, mode_label=mode_label)
