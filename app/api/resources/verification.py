"""/api/v1/verification/{code}: is a booking code genuine? Public, logged and rate limited
exactly as the /verifikasi page (the same counter per address)."""

from flask import request

from app.api import ApiBlueprint
from app.api.schemas import VerificationSchema
from app.extensions import db
from app.verification import services
from app.verification.routes import verification_limit

blp = ApiBlueprint(
    "api_verification",
    __name__,
    tag="Verification",
    url_prefix="/api/v1/verification",
    description="Verification of a booking code (public, no token).",
)


@blp.route("/<string(maxlength=40):code>")
@verification_limit
@blp.response(200, VerificationSchema)
@blp.alt_response(429, response="TOO_MANY_REQUESTS")
def verify(code):
    """The answer of the verification page for `code` (with or without its dash); no token needed."""
    answer = services.look_up(code, client_ip=request.remote_addr, via_qr=False)
    db.session.commit()
    return {
        "result": answer.result,
        "code": answer.code,
        "start": answer.start,
        "mode": answer.mode,
        "service_user": answer.service_user,
        "past": answer.past,
    }
