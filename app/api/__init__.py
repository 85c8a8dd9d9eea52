"""The JSON API (/api/v1) for other systems: DJPK's contact-centre CRM, a Pemda's own tools.

Built with flask-smorest (marshmallow schemas, the OpenAPI 3.1 document generated from the
code at /api/v1/openapi.json) on the same services as the web pages: the same access rules
(app.core.access), the same policy checks and messages. Calls authenticate with a bearer
token (app.api.auth); errors are problem documents (app.api.problems) in the language of
Accept-Language.
"""

import http

from flask import Flask
from flask_smorest import Api as SmorestApi
from flask_smorest import Blueprint
from flask_smorest.utils import prepare_response
from werkzeug.exceptions import HTTPException

from app.api import paths
from app.api.problems import MEDIA_TYPE
from app.api.schemas import ProblemSchema

VERSION = "1.0.0"


class Api(SmorestApi):
    """flask-smorest's Api, with errors as problem documents for /api/ paths only (the web
    pages keep their HTML error pages)."""

    ERROR_SCHEMA = ProblemSchema

    def _register_error_handlers(self):
        self._app.register_error_handler(HTTPException, handle_http_exception)

    def _register_responses(self):
        for status in http.HTTPStatus:
            response = {"description": status.phrase}
            if status >= 400:
                response["schema"] = self.ERROR_SCHEMA
            prepare_response(response, self.spec, MEDIA_TYPE)
            self.spec.components.response(status.name, response, lazy=True)
        response = {"description": "Error", "schema": self.ERROR_SCHEMA}
        prepare_response(response, self.spec, MEDIA_TYPE)
        self.spec.components.response("DEFAULT_ERROR", response, lazy=True)

    def register_blueprint(self, blp, *, parameters=None, **options):
        super().register_blueprint(blp, parameters=parameters, **options)
        # The document's tag is the blueprint's reader-facing name ("Requests"), not its
        # Flask name ("api_requests", unique beside the web pages' blueprints).
        tag = getattr(blp, "tag", None)
        if tag:
            self.spec._tags[-1]["name"] = tag


class ApiBlueprint(Blueprint):
    """A resource of the API: its operations are tagged `tag` in the OpenAPI document."""

    def __init__(self, name: str, import_name: str, *, tag: str, **kwargs):
        super().__init__(name, import_name, **kwargs)
        self.tag = tag

    def route(self, rule, *, parameters=None, tags=None, **options):
        return super().route(rule, parameters=parameters, tags=tags or [self.tag], **options)


def handle_http_exception(error: HTTPException):
    """Every HTTPException without a handler of its own code: a problem document on /api/
    paths, Werkzeug's own answer elsewhere (the web pages' codes have their HTML handlers,
    which hand /api/ paths back here)."""
    if paths.is_api_request():
        from app.api.problems import from_exception

        return from_exception(error)
    return error


api = Api()


def init_app(app: Flask) -> None:
    app.config.setdefault("API_TITLE", "Konsultasi DJPK API")
    app.config.setdefault("API_VERSION", VERSION)
    app.config.setdefault("OPENAPI_VERSION", "3.1.0")
    app.config.setdefault("OPENAPI_URL_PREFIX", "/api/v1")
    app.config.setdefault("OPENAPI_JSON_PATH", "openapi.json")
    app.config.setdefault("API_SPEC_OPTIONS", spec_options())
    api.init_app(app)
    from app.api import docs, limits, token_routes
    from app.api.resources import ALL
    from app.extensions import csrf

    limits.init_app(app, ALL)  # before registration: Flask-Limiter reads them by name
    for blueprint in ALL:
        csrf.exempt(blueprint)  # token calls only: no cookie, so nothing to forge
        api.register_blueprint(blueprint)
    app.register_blueprint(docs.bp)
    app.register_blueprint(token_routes.bp)
    from app import webhooks
    from app.core import audit
    from app.webhooks.events import on_audit

    app.register_blueprint(webhooks.bp)
    if on_audit not in audit.LISTENERS:  # once per process, however many apps are made
        audit.LISTENERS.append(on_audit)


def spec_options() -> dict:
    return {
        "info": {
            "description": (
                "The API of Konsultasi DJPK, for DJPK's contact centre and other systems. "
                "Authenticate with a bearer token made on the account page (personal) or by an "
                "administrator (integration). Errors are application/problem+json (RFC 9457) in "
                "the language of Accept-Language (id by default, en). Lists are paginated with "
                "an opaque cursor (`cursor`, `next_cursor`); reads carry an ETag and answer 304 "
                "to a matching If-None-Match; times are RFC 3339 with an offset."
            ),
        },
        "servers": [{"url": "/"}],
        "components": {
            "securitySchemes": {
                "token": {
                    "type": "http",
                    "scheme": "bearer",
                    "description": "A token `kdjpk_...` with the scopes the operation names.",
                }
            }
        },
    }
