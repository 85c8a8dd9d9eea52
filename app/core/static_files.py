"""Static file names that change with their content, so browsers may keep them for a year.

`url_for("static", filename="css/app.css")` gives `/static/css/app.<12 hex>.css`, the hex
being the start of the SHA-256 of the file (of Bootstrap's files too: every `*.static`
endpoint). A release that changes a file changes its name in every page, so a browser never
uses an old copy, and an unchanged file keeps its name and stays cached.

The hash is computed once per file and process, and again only when the file's size or
modification time changes (one stat() per link), so the names always match what is on disk,
which is also what nginx serves (deploy/nginx/konsultasi.conf strips the hash with the same
pattern as HASHED below and serves the file itself).

Flask serves these URLs too (development, or without nginx):
- a hashed name whose hash is the file's current one: `public, max-age=31536000, immutable`;
- a hashed name with another hash (a page rendered before the file changed, during a
  release): the current file with `no-cache`. It is better than a 404 (a page without its
  style) and than a redirect (one more round trip, to a name that may change again); it
  must not be cached for a year, as that name promises other content;
- a plain name (`/static/css/app.css`, links from outside the pages): a short cache (10 min).
A hashed name of a missing file, or a path leaving the folder, is a 404 like any other.
"""

import hashlib
import os
import re

from flask import Flask, send_from_directory
from werkzeug.security import safe_join

HASH_LENGTH = 12
# name.<hash>.ext or name.<hash> (no extension); nginx's regex location is the same.
HASHED = re.compile(r"^(?P<base>.+)\.(?P<digest>[0-9a-f]{12})(?P<ext>\.[A-Za-z0-9]+)?$")
EXTENSION = re.compile(r"\.[A-Za-z0-9]+$")
LONG_MAX_AGE = 365 * 24 * 3600
SHORT_MAX_AGE = 600

# (folder, filename) -> (size, mtime_ns, digest)
_digests: dict[tuple[str, str], tuple[int, int, str]] = {}


def file_digest(folder: str, filename: str) -> str | None:
    """The first HASH_LENGTH hex digits of the file's SHA-256, None for a missing file or a
    path outside `folder`."""
    path = safe_join(folder, filename)
    if path is None:
        return None
    try:
        info = os.stat(path)
    except OSError:
        return None
    if not os.path.isfile(path):
        return None
    known = _digests.get((folder, filename))
    if known and known[:2] == (info.st_size, info.st_mtime_ns):
        return known[2]
    with open(path, "rb") as handle:
        digest = hashlib.file_digest(handle, "sha256").hexdigest()[:HASH_LENGTH]
    _digests[(folder, filename)] = (info.st_size, info.st_mtime_ns, digest)
    return digest


def hashed_name(filename: str, digest: str) -> str:
    """css/app.css -> css/app.<digest>.css; vendor/LICENSE -> vendor/LICENSE.<digest>."""
    head, _, name = filename.rpartition("/")
    extension = EXTENSION.search(name)
    if extension and extension.start() > 0:
        name = f"{name[: extension.start()]}.{digest}{extension.group()}"
    else:
        name = f"{name}.{digest}"
    return f"{head}/{name}" if head else name


def split_hashed(filename: str) -> tuple[str, str | None]:
    """css/app.<digest>.css -> (css/app.css, digest); a plain name -> (name, None)."""
    match = HASHED.match(filename)
    if not match:
        return filename, None
    return match["base"] + (match["ext"] or ""), match["digest"]


def init_app(app: Flask) -> None:
    """After every blueprint is registered: Bootstrap's static endpoint too."""
    folders = _static_folders(app)

    @app.url_defaults
    def add_content_hash(endpoint: str, values: dict) -> None:
        folder = folders.get(endpoint)
        filename = values.get("filename")
        if folder and isinstance(filename, str):
            digest = file_digest(folder, filename)
            if digest:
                values["filename"] = hashed_name(filename, digest)

    for endpoint, folder in folders.items():
        app.view_functions[endpoint] = _view(folder)


def _static_folders(app: Flask) -> dict[str, str]:
    folders = {}
    if app.static_folder and "static" in app.view_functions:
        folders["static"] = app.static_folder
    for name, blueprint in app.blueprints.items():
        endpoint = f"{name}.static"
        if blueprint.static_folder and endpoint in app.view_functions:
            folders[endpoint] = blueprint.static_folder
    return folders


def _view(folder: str):
    def send_static(filename: str):
        real, digest = split_hashed(filename)
        if digest is None or file_digest(folder, real) is None:
            # A plain name (or a real file whose name looks hashed); a missing one is a 404.
            return send_from_directory(folder, filename, max_age=SHORT_MAX_AGE)
        if digest != file_digest(folder, real):
            return send_from_directory(folder, real, max_age=0)
        response = send_from_directory(folder, real, max_age=LONG_MAX_AGE)
        response.cache_control.immutable = True
        return response

    return send_static
