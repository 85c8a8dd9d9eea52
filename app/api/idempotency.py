"""Idempotency-Key on the POSTs that create something: a retried call never creates twice.

A caller sends `Idempotency-Key: <up to 255 printable characters>` (a UUID, say). The first
call with a key creates, and the key is stored with what it created (app.api.models.
IdempotencyKey) in the same transaction. A later call with the same key and the same body
answers 201 with that object as it is now, `Idempotent-Replayed: true`, and creates nothing;
with another body it is refused (422). Two calls with one key at the same moment: the unique
key refuses the second's commit, which is rolled back and answers as a retry.
Keys are kept for KEEP_HOURS (the scheduler's api_idempotency_cleanup job drops older ones).
"""

import hashlib
import json
import re
from collections.abc import Callable
from datetime import timedelta
from functools import wraps

from flask import Response, current_app, g, request
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import delete, select
from sqlalchemy.exc import IntegrityError

from app.api.apidoc import manual_doc
from app.api.models import IdempotencyKey
from app.api.problems import ApiProblem
from app.core.clock import now_utc
from app.extensions import db

HEADER = "Idempotency-Key"
KEY = re.compile(r"^[\x21-\x7e]{1,255}$")
KEEP_HOURS = 48

# kind -> a function (object id) -> the JSON body that shows it, as the create answered
RENDERERS: dict[str, Callable[[int], dict]] = {}

PARAMETER = {
    "in": "header",
    "name": HEADER,
    "required": False,
    "description": (
        "Any unique value per operation (a UUID). A retry with the same key and body answers "
        "with the object the first call created (Idempotent-Replayed: true) and creates nothing."
    ),
    "schema": {"type": "string", "minLength": 1, "maxLength": 255},
}


def fingerprint() -> str:
    """The call's method, path and body, independent of the multipart boundary and field order."""
    digest = hashlib.sha256(f"{request.method} {request.path}\n".encode())
    if request.mimetype == "application/json":
        digest.update(json.dumps(request.get_json(silent=True), sort_keys=True).encode())
    else:
        digest.update(json.dumps(sorted(request.form.items(multi=True))).encode())
        for name, upload in sorted(request.files.items(multi=True), key=lambda item: item[0]):
            content = upload.stream.read()
            upload.stream.seek(0)
            digest.update(f"{name}:{upload.filename}:{hashlib.sha256(content).hexdigest()}".encode())
    return digest.hexdigest()


def _given_key() -> str | None:
    key = request.headers.get(HEADER)
    if key is None:
        return None
    if not KEY.match(key):
        raise ApiProblem(
            422,
            errors={HEADER: [_("Idempotency-Key harus 1 sampai 255 karakter ASCII yang terlihat.")]},
        )
    return key


def _found(key: str) -> IdempotencyKey | None:
    return db.session.scalar(
        select(IdempotencyKey).where(IdempotencyKey.owner_id == current_user.id, IdempotencyKey.key == key)
    )


def _replay(record: IdempotencyKey, print_: str) -> Response:
    if record.fingerprint != print_:
        raise ApiProblem(
            422,
            slug="idempotency-key-reused",
            title=_("Idempotency-Key ini sudah dipakai untuk permintaan lain."),
            hint=_("Pakai kunci baru untuk setiap permintaan yang berbeda."),
        )
    body = RENDERERS[record.kind](record.object_id)
    response = Response(current_app.json.dumps(body), status=record.status, mimetype="application/json")
    response.headers["Idempotent-Replayed"] = "true"
    return response


def remember(kind: str, object_id: int, status: int = 201) -> None:
    """In the view, before its commit: store the call's key (if it sent one) with what it
    created, in the same transaction."""
    key = g.get("idempotency_key")
    if key is None:
        return
    db.session.add(
        IdempotencyKey(
            owner_id=current_user.id,
            key=key,
            fingerprint=g.idempotency_fingerprint,
            kind=kind,
            object_id=object_id,
            status=status,
            created_at=now_utc(),
        )
    )
    db.session.flush()  # a concurrent twin's key is found now, before any email is sent


def idempotent(view):
    """Honour Idempotency-Key on a creating POST (the view calls remember() before it commits)."""

    @wraps(view)
    def wrapped(*args, **kwargs):
        key = _given_key()
        if key is None:
            return view(*args, **kwargs)
        print_ = fingerprint()
        record = _found(key)
        if record is not None:
            return _replay(record, print_)
        g.idempotency_key, g.idempotency_fingerprint = key, print_
        try:
            return view(*args, **kwargs)
        except IntegrityError:
            db.session.rollback()
            record = _found(key)
            if record is None:
                raise
            return _replay(record, print_)

    manual_doc(wrapped, view).setdefault("parameters", []).append(PARAMETER)
    return wrapped


def clean_up(now=None) -> int:
    """Drop keys older than KEEP_HOURS; how many (the scheduler's job)."""
    cutoff = (now or now_utc()) - timedelta(hours=KEEP_HOURS)
    return db.session.execute(delete(IdempotencyKey).where(IdempotencyKey.created_at < cutoff)).rowcount
