"""The API's resources, one flask-smorest Blueprint each (a tag of the OpenAPI document)."""

from app.api.resources import actions  # noqa: F401  (its operations are on the requests blueprint)
from app.api.resources.breaches import blp as breaches
from app.api.resources.planning import blp as narasumber
from app.api.resources.reports import blp as reports
from app.api.resources.requests import blp as requests
from app.api.resources.sessions import blp as sessions
from app.api.resources.verification import blp as verification

ALL = (requests, sessions, narasumber, breaches, reports, verification)
