"""The mechanism that retires an operation when a later version comes (none is deprecated
in v1): the headers of RFC 9745 and RFC 8594, and `deprecated` in the OpenAPI document."""

from datetime import date

from flask import Flask
from flask_smorest import Api, Blueprint

from app.api.deprecation import deprecated


def test_a_deprecated_operation_says_so_in_its_headers_and_the_document():
    app = Flask(__name__)
    app.config.update(API_TITLE="t", API_VERSION="1", OPENAPI_VERSION="3.1.0")
    api = Api(app)
    blp = Blueprint("old", __name__, url_prefix="/old")

    @blp.route("")
    @deprecated(on=date(2027, 1, 1), sunset=date(2027, 7, 1), successor="/api/v2/requests")
    @blp.response(200)
    def old():
        return {"ok": True}

    api.register_blueprint(blp)
    response = app.test_client().get("/old")
    assert response.status_code == 200 and response.get_json() == {"ok": True}
    assert response.headers["Deprecation"] == "@1798761600"
    assert response.headers["Sunset"] == "Thu, 01 Jul 2027 00:00:00 GMT"
    assert response.headers["Link"] == '</api/v2/requests>; rel="successor-version"'
    assert api.spec.to_dict()["paths"]["/old"]["get"]["deprecated"] is True


def test_no_operation_of_v1_is_deprecated(client):
    spec = client.get("/api/v1/openapi.json").get_json()
    flags = [
        op.get("deprecated", False)
        for path in spec["paths"].values()
        for op in path.values()
        if isinstance(op, dict)
    ]
    assert flags and not any(flags)
