"""/api/v1/docs: the API reference, Swagger UI over /api/v1/openapi.json, served from static/.

Swagger UI sets inline style attributes as it renders, so this page (and only this page, which
shows no one's data) lets inline styles through its Content-Security-Policy; scripts stay
limited to this site.
"""

from flask import Blueprint, render_template

from app.core.headers import CONTENT_SECURITY_POLICY

bp = Blueprint("api_docs", __name__, url_prefix="/api/v1")

DOCS_POLICY = CONTENT_SECURITY_POLICY.replace("style-src 'self'", "style-src 'self' 'unsafe-inline'")


@bp.route("/docs")
def reference():
    response = render_template("api/docs.html")
    return response, 200, {"Content-Security-Policy": DOCS_POLICY}
