"""Signed webhooks: other systems (the contact-centre CRM) learn of changes as they happen.

An administrator registers endpoints (app.webhooks.routes); each change worth telling
(app.webhooks.events) adds one delivery per subscribed endpoint in the transaction that makes
the change; the scheduler's `webhooks` job sends them (app.webhooks.sender), signed as the
Standard Webhooks specification says (app.webhooks.signing), with retries and backoff.
"""

from flask import Blueprint

bp = Blueprint("webhooks", __name__, url_prefix="/admin/webhook")

from app.webhooks import routes  # noqa: E402,F401
