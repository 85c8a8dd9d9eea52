"""Operations: /healthz (the process answers), /readyz (it can serve), /metrics (Prometheus)."""

from flask import Blueprint

bp = Blueprint("ops", __name__)

from app.ops import routes  # noqa: E402,F401
