"""Errors of the API as `application/problem+json` (RFC 9457), in the caller's language.

Every error names the rule that refused the call (`title`, `detail`) and the way out
(`hint`); validation errors list their messages per field (`errors`), as the web form shows
them beside each field. `type` is a stable URI per kind of problem, documented in the
OpenAPI document, so that a program can branch on it without reading the words.
"""

from flask import Response, json, request
from flask_babel import get_locale
from flask_babel import lazy_gettext as _l
from werkzeug.exceptions import HTTPException

MEDIA_TYPE = "application/problem+json"
LOCATIONS = ("json", "query", "form", "files", "headers", "json_or_form")
TYPE_BASE = "https://konsultasi.djpk.kemenkeu.go.id/api/v1/problems/"

# status -> (slug, title, hint)
STANDARD = {
    400: ("bad-request", _l("Permintaan tidak valid."), _l("Periksa format permintaan.")),
    401: (
        "unauthenticated",
        _l("Token API tidak ada, tidak dikenal, kedaluwarsa, atau sudah dicabut."),
        _l("Kirim header Authorization: Bearer <token> dengan token yang masih berlaku."),
    ),
    403: (
        "forbidden",
        _l("Token ini tidak berhak melakukan tindakan ini."),
        _l("Buat token dengan cakupan yang diperlukan, dari akun yang berwenang."),
    ),
    404: ("not-found", _l("Data tidak ditemukan."), _l("Periksa alamat dan nomor data.")),
    405: (
        "method-not-allowed",
        _l("Metode HTTP ini tidak dapat dipakai di alamat ini."),
        _l("Lihat dokumen OpenAPI."),
    ),
    406: ("not-acceptable", _l("Format jawaban yang diminta tidak tersedia."), _l("Minta application/json.")),
    409: (
        "conflict",
        _l("Permintaan bertabrakan dengan keadaan data saat ini."),
        _l("Muat ulang data lalu coba lagi."),
    ),
    413: (
        "too-large",
        _l("Berkas terlalu besar. Ukuran maksimum 5 MB."),
        _l("Kirim berkas yang lebih kecil."),
    ),
    415: (
        "unsupported-media-type",
        _l("Format isi permintaan tidak didukung."),
        _l("Lihat dokumen OpenAPI."),
    ),
    422: (
        "invalid",
        _l("Isian tidak valid."),
        _l("Perbaiki isian yang disebut di `errors`, lalu kirim lagi."),
    ),
    429: (
        "rate-limited",
        _l("Terlalu banyak permintaan."),
        _l("Tunggu sesuai header Retry-After, lalu coba lagi."),
    ),
    500: ("server-error", _l("Terjadi kesalahan pada sistem."), _l("Coba lagi nanti.")),
    503: (
        "unavailable",
        _l("Layanan sedang tidak dapat dipakai."),
        _l("Coba lagi beberapa saat lagi; permintaan yang gagal tidak tersimpan sebagian."),
    ),
}


class ApiProblem(HTTPException):
    """Raise anywhere in an API call to answer with a problem document."""

    def __init__(
        self,
        status: int,
        *,
        slug: str | None = None,
        title: str | None = None,
        detail: str | None = None,
        hint: str | None = None,
        errors: dict | None = None,
        headers: dict | None = None,
    ):
        super().__init__(description=detail)
        self.code = status
        # What problem_response() writes, as given.
        self.parts = {
            "slug": slug,
            "title": title,
            "detail": detail,
            "hint": hint,
            "errors": errors,
            "headers": headers,
        }


def problem_response(
    status: int,
    *,
    slug: str | None = None,
    title: str | None = None,
    detail: str | None = None,
    hint: str | None = None,
    errors: dict | None = None,
    headers: dict | None = None,
) -> Response:
    std_slug, std_title, std_hint = STANDARD.get(status, STANDARD[500 if status >= 500 else 400])
    body = {
        "type": TYPE_BASE + (slug or std_slug),
        "title": str(title or std_title),
        "status": status,
    }
    if detail:
        body["detail"] = str(detail)
    body["hint"] = str(hint or std_hint)
    if errors:
        body["errors"] = {field: [str(m) for m in messages] for field, messages in errors.items()}
    response = Response(json.dumps(body, ensure_ascii=False), status=status, mimetype=MEDIA_TYPE)
    response.headers["Content-Language"] = str(get_locale() or "id")
    if status == 401:
        response.headers["WWW-Authenticate"] = 'Bearer realm="konsultasi-djpk"'
    for name, value in (headers or {}).items():
        response.headers[name] = value
    return response


def from_exception(error: HTTPException) -> Response:
    """The problem document for any HTTPException raised in (or before) an API call."""
    if isinstance(error, ApiProblem):
        return problem_response(error.code, **error.parts)
    code = error.code or 500
    if code == 304:  # flask-smorest's NotModified: no body, the tag the caller holds
        response = Response(status=304)
        tags = request.if_none_match.as_set()
        if len(tags) == 1:
            response.set_etag(next(iter(tags)))
        return response
    headers = {}
    if code == 405 and getattr(error, "valid_methods", None):
        headers["Allow"] = ", ".join(error.valid_methods)
    errors = None
    data = getattr(error, "data", None)  # webargs' validation messages
    if isinstance(data, dict) and isinstance(data.get("messages"), dict):
        errors = flatten(data["messages"])
        code = 422
    retry_after = error.get_response().headers.get("Retry-After") if code == 429 else None
    if retry_after:
        headers["Retry-After"] = retry_after
    return problem_response(code, errors=errors, headers=headers)


def flatten(messages: dict, prefix: str = "", top: bool = True) -> dict[str, list[str]]:
    """webargs' {"json": {"agenda": ["..."]}} or {"query": {...}} as {"agenda": ["..."]}; a
    nested field reads "delegation.0.name"."""
    out: dict[str, list[str]] = {}
    for key, value in messages.items():
        name = prefix.rstrip(".") if top and key in LOCATIONS else f"{prefix}{key}"
        if isinstance(value, dict):
            out.update(flatten(value, f"{name}." if name else "", top=False))
        else:
            out[name or "_"] = [str(m) for m in (value if isinstance(value, list) else [value])]
    return out
