"""Static file names carry a hash of their content (app/core/static_files.py): a long cache
for the hashed URL, a short one for the plain name, 404 for what is not a static file."""

import hashlib
import re
from pathlib import Path

import pytest
from flask import Flask, url_for

from app.core import static_files

ROOT = Path(__file__).resolve().parents[2]
IMMUTABLE = "public, max-age=31536000, immutable"
BLACK = b"body { color: black; }\n"
BLUE = b"body { color: darkblue; }\n"
MIT = b"MIT\n"


def _hex(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()[:12]


@pytest.fixture
def bare(tmp_path):
    """A Flask app of its own on a static folder the test may change."""
    folder = tmp_path / "static"
    (folder / "css").mkdir(parents=True)
    (folder / "css" / "site.css").write_bytes(BLACK)
    (folder / "LICENSE").write_bytes(MIT)
    app = Flask(__name__, static_folder=str(folder))
    static_files.init_app(app)
    return app, folder


def _url(app: Flask, filename: str, endpoint: str = "static") -> str:
    with app.test_request_context():
        return url_for(endpoint, filename=filename)


def test_the_hash_in_the_url_changes_with_the_content(bare):
    app, folder = bare
    first = _url(app, "css/site.css")
    assert first == f"/static/css/site.{_hex(BLACK)}.css"
    assert _url(app, "css/site.css") == first  # the same file, the same name
    (folder / "css" / "site.css").write_bytes(BLUE)
    second = _url(app, "css/site.css")
    assert second == f"/static/css/site.{_hex(BLUE)}.css" != first
    assert _url(app, "LICENSE") == f"/static/LICENSE.{_hex(MIT)}"
    assert _url(app, "css/missing.css") == "/static/css/missing.css"  # a 404, as before


def test_a_stale_hash_still_serves_the_file_but_not_for_long(bare):
    app, folder = bare
    old = _url(app, "css/site.css")
    (folder / "css" / "site.css").write_bytes(BLUE)
    with app.test_client().get(old) as response:
        assert response.status_code == 200
        assert response.data == BLUE
        assert "immutable" not in response.headers["Cache-Control"]
        assert "no-cache" in response.headers["Cache-Control"]


def test_split_and_join_agree_with_the_nginx_pattern():
    digest = "0123456789ab"
    for name in ("css/app.css", "vendor/jsqr/jsQR.js", "vendor/jsqr/LICENSE", "a/b.min.js", "odd.name-x"):
        hashed = static_files.hashed_name(name, digest)
        assert static_files.split_hashed(hashed) == (name, digest)
    assert static_files.split_hashed("css/app.css") == ("css/app.css", None)


def test_the_app_links_hashed_names_served_with_a_long_cache(app, client):
    with app.test_request_context():
        css = url_for("static", filename="css/app.css")
        bootstrap = url_for("bootstrap.static", filename="css/bootstrap.min.css")
    content = (ROOT / "static" / "css" / "app.css").read_bytes()
    assert css == f"/static/css/app.{_hex(content)}.css"
    with client.get(css) as response:
        assert response.status_code == 200 and response.data == content
        assert response.headers["Cache-Control"] == IMMUTABLE
        assert response.headers["Content-Type"].startswith("text/css")
        assert "no-store" not in response.headers["Cache-Control"]
    assert re.fullmatch(r"/bootstrap/static/css/bootstrap\.min\.[0-9a-f]{12}\.css", bootstrap)
    with client.get(bootstrap) as response:
        assert response.status_code == 200 and response.headers["Cache-Control"] == IMMUTABLE
    with client.get("/masuk") as page:
        assert css in page.get_data(as_text=True)


def test_plain_names_keep_working_with_a_short_cache(client):
    with client.get("/static/css/app.css") as response:
        assert response.status_code == 200
        assert response.headers["Cache-Control"] == "public, max-age=600"


@pytest.mark.parametrize(
    "path",
    [
        "/static/..%2fconfig.py",
        "/static/..%2fconfig.0123456789ab.py",
        "/static/css/..%2f..%2fconfig.0123456789ab.py",
        "/static/%2e%2e/config.py",
        "/static/css/missing.0123456789ab.css",
        "/static/css/missing.css",
    ],
)
def test_outside_or_missing_files_are_404(client, path):
    with client.get(path) as response:
        assert response.status_code == 404
        assert b"SECRET_KEY" not in response.data
