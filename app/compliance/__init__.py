"""Compliance: breach records against a Pemda (the catalogue is app.domain.breaches), the
coordinator's breach ledger, the Pemda's own breaches and the breach-threshold override."""

from flask import Blueprint

bp = Blueprint("compliance", __name__)

from app.compliance import routes  # noqa: E402,F401
