"""Application settings, read from environment variables.

Config holds the defaults; Development, Testing and Production adjust them. `DATABASE_URL`
picks the database (SQLite in `instance/` by default), `REDIS_URL` the rate-limit storage,
`MAIL_*` the SMTP relay.
"""

import os
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent
INSTANCE_DIR = Path(os.environ.get("INSTANCE_DIR", BASE_DIR / "instance"))


def _bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def psycopg_url(url: str) -> str:
    """Heroku-style and plain postgres URLs select psycopg 3 explicitly."""
    for prefix in ("postgres://", "postgresql://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url[len(prefix) :]
    return url


def _database_url(default: str) -> str:
    return psycopg_url(os.environ.get("DATABASE_URL", default))


def local_url() -> str:
    """The development server's own address, from the host and port `flask run` reads
    (FLASK_RUN_HOST, FLASK_RUN_PORT; `make run HOST=... PORT=...` sets them)."""
    host = os.environ.get("FLASK_RUN_HOST") or "127.0.0.1"
    port = os.environ.get("FLASK_RUN_PORT") or "5000"
    if host in {"0.0.0.0", "::"}:  # listening on every address: this machine is one of them
        host = "127.0.0.1"
    if ":" in host and not host.startswith("["):
        host = f"[{host}]"  # an IPv6 address in a URL
    return f"http://{host}:{port}"


class Config:
    SECRET_KEY = os.environ.get("SECRET_KEY", "dev-only-insecure-key")
    SQLALCHEMY_DATABASE_URI = _database_url(f"sqlite:///{INSTANCE_DIR / 'konsultasi.db'}")
    SQLALCHEMY_ENGINE_OPTIONS: dict = {"pool_pre_ping": True}
    UPLOAD_DIR = os.environ.get("UPLOAD_DIR", str(INSTANCE_DIR / "uploads"))
    # Uploads are checked against 5 MB in the form; this outer bound only stops abuse.
    MAX_CONTENT_LENGTH = 12 * 1024 * 1024
    MAX_LETTER_BYTES = 5 * 1024 * 1024

    # A VC meeting link made from the booking reference when the coordinator pastes none;
    # empty: the coordinator always pastes one (MS Teams today).
    MEETING_URL_TEMPLATE = os.environ.get("MEETING_URL_TEMPLATE", "https://meet.jit.si/DJPK-{reference}")

    # Calendar invites: who sends them, and the front desk invited to face-to-face sessions.
    INVITE_ORGANIZER = os.environ.get("INVITE_ORGANIZER", "mailto:konsultasi@djpk.kemenkeu.go.id")
    INVITE_ORGANIZER_NAME = os.environ.get("INVITE_ORGANIZER_NAME", "Konsultasi DJPK")
    INVITE_UID_DOMAIN = os.environ.get("INVITE_UID_DOMAIN", "djpk.kemenkeu.go.id")
    FRONT_DESK_EMAIL = os.environ.get("FRONT_DESK_EMAIL", "resepsionis@djpk.kemenkeu.go.id")
    FRONT_DESK_NAME = os.environ.get("FRONT_DESK_NAME", "Resepsionis DJPK")
    INVITE_ADDRESS = os.environ.get(
        "INVITE_ADDRESS", "Gedung Radius Prawiro lantai 9, Jl. Dr. Wahidin Raya No. 1, Jakarta Pusat 10710"
    )

    BABEL_DEFAULT_LOCALE = "id"
    BABEL_DEFAULT_TIMEZONE = "Asia/Jakarta"
    BABEL_TRANSLATION_DIRECTORIES = str(BASE_DIR / "translations")
    LANGUAGES = ("id", "en")

    BOOTSTRAP_SERVE_LOCAL = True
    WTF_CSRF_ENABLED = True
    WTF_CSRF_TIME_LIMIT = None

    SESSION_COOKIE_HTTPONLY = True
    SESSION_COOKIE_SAMESITE = "Lax"
    SESSION_COOKIE_SECURE = _bool("SESSION_COOKIE_SECURE", False)
    REMEMBER_COOKIE_HTTPONLY = True
    REMEMBER_COOKIE_SAMESITE = "Lax"

    # How many reverse proxies sit in front of the app (nginx: 1); their X-Forwarded-For
    # gives the client address that the per-IP login limit counts.
    PROXY_COUNT = int(os.environ.get("PROXY_COUNT", "0"))

    RATELIMIT_STORAGE_URI = os.environ.get("REDIS_URL", "memory://")
    RATELIMIT_HEADERS_ENABLED = True
    LOGIN_LIMIT = os.environ.get("LOGIN_LIMIT", "10 per 5 minutes")

    MAIL_SERVER = os.environ.get("MAIL_SERVER", "localhost")
    MAIL_PORT = int(os.environ.get("MAIL_PORT", "25"))
    MAIL_USE_TLS = _bool("MAIL_USE_TLS", False)
    MAIL_USE_SSL = _bool("MAIL_USE_SSL", False)
    MAIL_USERNAME = os.environ.get("MAIL_USERNAME")
    MAIL_PASSWORD = os.environ.get("MAIL_PASSWORD")
    MAIL_DEFAULT_SENDER = os.environ.get(
        "MAIL_DEFAULT_SENDER", "Konsultasi DJPK <konsultasi@djpk.kemenkeu.go.id>"
    )
    # In development mail is written to the log instead of an SMTP relay.
    MAIL_TO_LOG = _bool("MAIL_TO_LOG", False)
    # Seconds smtplib waits to connect and for each answer of the relay (at most 10).
    MAIL_TIMEOUT = float(os.environ.get("MAIL_TIMEOUT", "10"))
    # The outbox (app.outbox): deliver a request's email right after its commit (development,
    # tests), or leave it all to the scheduler's sender job (production).
    OUTBOX_DELIVER_AFTER_COMMIT = _bool("OUTBOX_DELIVER_AFTER_COMMIT", False)
    OUTBOX_MAX_ATTEMPTS = int(os.environ.get("OUTBOX_MAX_ATTEMPTS", "6"))
    # How long a claimed email stays with its worker before another may take it over.
    OUTBOX_LEASE_SECONDS = int(os.environ.get("OUTBOX_LEASE_SECONDS", "900"))
    EMAIL_TOKEN_MAX_AGE = 3 * 24 * 3600
    RESET_TOKEN_MAX_AGE = 2 * 3600
    # The public base address (PUBLIC_URL) of links built outside a request: scheduler jobs'
    # email, calendar invites.
    SERVER_NAME_FOR_EMAIL = os.environ.get("PUBLIC_URL", "http://127.0.0.1:5000")


class Development(Config):
    DEBUG = True
    MAIL_TO_LOG = _bool("MAIL_TO_LOG", True)
    OUTBOX_DELIVER_AFTER_COMMIT = _bool("OUTBOX_DELIVER_AFTER_COMMIT", True)
    SHOW_DEMO_LOGINS = True
    # Without PUBLIC_URL, links point at the development server on whatever port it serves.
    SERVER_NAME_FOR_EMAIL = os.environ.get("PUBLIC_URL") or local_url()


class Testing(Config):
    TESTING = True
    SECRET_KEY = "testing"
    # Never DATABASE_URL: tests/conftest.py picks SQLite or TEST_DATABASE_URL explicitly.
    SQLALCHEMY_DATABASE_URI = "sqlite://"
    WTF_CSRF_ENABLED = False
    RATELIMIT_STORAGE_URI = "memory://"
    MAIL_TO_LOG = False
    MAIL_SUPPRESS_SEND = True
    OUTBOX_DELIVER_AFTER_COMMIT = True
    PASSWORD_HASH_FAST = True


class Production(Config):
    SESSION_COOKIE_SECURE = _bool("SESSION_COOKIE_SECURE", True)
    REMEMBER_COOKIE_SECURE = True
    PREFERRED_URL_SCHEME = "https"


CONFIGS = {"development": Development, "testing": Testing, "production": Production}


def config_for(name: str | None) -> type[Config]:
    return CONFIGS[name or os.environ.get("APP_ENV", "development")]
