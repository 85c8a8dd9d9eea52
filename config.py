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


def _names(name: str) -> list[str]:
    """A comma-separated list ("a.example, b.example") as its non-empty items."""
    return [item.strip() for item in os.environ.get(name, "").split(",") if item.strip()]


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


# The development key is public (it is in this file): production refuses to start with it.
DEV_SECRET_KEY = "dev-only-insecure-key"


class Config:
    SECRET_KEY = os.environ.get("SECRET_KEY", DEV_SECRET_KEY)
    SQLALCHEMY_DATABASE_URI = _database_url(f"sqlite:///{INSTANCE_DIR / 'konsultasi.db'}")
    SQLALCHEMY_ENGINE_OPTIONS: dict = {"pool_pre_ping": True}
    # PostgreSQL, in seconds: how long connecting, one statement (0: no limit) and waiting
    # for a pooled connection may take before the page answers 503 (app/core/db_setup.py).
    DB_CONNECT_TIMEOUT = int(os.environ.get("DB_CONNECT_TIMEOUT", "5"))
    DB_STATEMENT_TIMEOUT = float(os.environ.get("DB_STATEMENT_TIMEOUT", "30"))
    DB_POOL_TIMEOUT = float(os.environ.get("DB_POOL_TIMEOUT", "10"))
    # Uploads live in the database (app.core.files). The folder where earlier versions kept
    # them is read once, by the migration that moves them into the database.
    UPLOAD_DIR = os.environ.get("UPLOAD_DIR", str(INSTANCE_DIR / "uploads"))
    # Uploads are checked against 5 MB in the form; this outer bound only stops abuse.
    MAX_CONTENT_LENGTH = 12 * 1024 * 1024
    MAX_LETTER_BYTES = 5 * 1024 * 1024
    # Rows of data one history file (CSV or XLSX) may hold; more is refused with a message.
    HISTORY_IMPORT_MAX_ROWS = int(os.environ.get("HISTORY_IMPORT_MAX_ROWS", "20000"))
    # New consultation requests one Pemda (region and unit type) may submit per WIB day.
    REQUESTS_PER_PEMDA_PER_DAY = int(os.environ.get("REQUESTS_PER_PEMDA_PER_DAY", "10"))

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
    # Login sessions (app/auth/sessions.py): ended after this long without a request (staff,
    # Pemda operators) and, whatever the activity, this long after the login.
    SESSION_IDLE_STAFF_MINUTES = int(os.environ.get("SESSION_IDLE_STAFF_MINUTES", "30"))
    SESSION_IDLE_PEMDA_MINUTES = int(os.environ.get("SESSION_IDLE_PEMDA_MINUTES", "120"))
    SESSION_MAX_HOURS = int(os.environ.get("SESSION_MAX_HOURS", "12"))
    # Flask refuses a session cookie signed longer ago than this (the cookie itself lasts
    # until the browser closes: the session is not "permanent", which would also weaken
    # Flask-Login's strong protection to "basic").
    PERMANENT_SESSION_LIFETIME = SESSION_MAX_HOURS * 3600
    # No remember-me: login_user() is never asked to remember, and a remember cookie (were one
    # sent) loads nobody without an open server-side session.

    WTF_CSRF_ENABLED = True
    # A form's token is good for as long as a login can last (a page renders a fresh one).
    WTF_CSRF_TIME_LIMIT = SESSION_MAX_HOURS * 3600

    SESSION_COOKIE_HTTPONLY = True
    SESSION_COOKIE_SAMESITE = "Lax"
    SESSION_COOKIE_SECURE = _bool("SESSION_COOKIE_SECURE", False)
    REMEMBER_COOKIE_HTTPONLY = True
    REMEMBER_COOKIE_SAMESITE = "Lax"

    # How many reverse proxies sit in front of the app (nginx: 1); their X-Forwarded-For
    # gives the client address that the per-IP login limit counts (app.core.hosts).
    PROXY_COUNT = int(os.environ.get("PROXY_COUNT", "0"))
    # Who may read /metrics: comma-separated IPs/CIDRs (request.remote_addr after ProxyFix).
    METRICS_ALLOW = os.environ.get("METRICS_ALLOW", "127.0.0.1,::1")
    # The one public base address (https://konsultasi.djpk.kemenkeu.go.id): every absolute link
    # (email, calendar files and feeds, QR codes, the confirmation letter) is built from it
    # (app.core.urls), never from the request's Host.
    PUBLIC_URL = os.environ.get("PUBLIC_URL", "http://127.0.0.1:5000")
    # Host names answered besides PUBLIC_URL's (comma-separated), e.g. an internal name.
    EXTRA_HOSTS = _names("EXTRA_HOSTS")
    # Answer only PUBLIC_URL's host and EXTRA_HOSTS (400 for any other Host): on wherever
    # PUBLIC_URL is set; development without it serves 127.0.0.1/localhost on any port.
    CHECK_HOST = bool(os.environ.get("PUBLIC_URL"))

    REDIS_URL = os.environ.get("REDIS_URL")
    RATELIMIT_STORAGE_URI = REDIS_URL or "memory://"
    RATELIMIT_HEADERS_ENABLED = True
    # Redis down: the limits are counted in each worker's memory, each worker allowing its
    # share (the amount / RATELIMIT_FALLBACK_PROCESSES), until Redis answers again
    # (app/core/rate_limits.py). A Redis that does not answer costs a request at most the
    # socket timeouts, once per worker; a count lost in the moment Redis goes is logged.
    RATELIMIT_IN_MEMORY_FALLBACK_ENABLED = True
    RATELIMIT_FALLBACK_PROCESSES = int(
        os.environ.get("RATELIMIT_FALLBACK_PROCESSES") or os.environ.get("WEB_CONCURRENCY") or 2
    )
    RATELIMIT_STORAGE_OPTIONS = {"socket_connect_timeout": 0.5, "socket_timeout": 0.5}
    RATELIMIT_SWALLOW_ERRORS = True
    # Failed logins: per account and address, and per address (LOGIN_LIMIT); per account
    # from every address (LOGIN_ACCOUNT_LIMIT: a wider ceiling against guessing spread over
    # many addresses, which does not lock the owner out after one address's failures).
    LOGIN_LIMIT = os.environ.get("LOGIN_LIMIT", "10 per 5 minutes")
    LOGIN_ACCOUNT_LIMIT = os.environ.get("LOGIN_ACCOUNT_LIMIT", "50 per hour")
    # Wrong current passwords on the account page, per account.
    PASSWORD_CHECK_LIMIT = os.environ.get("PASSWORD_CHECK_LIMIT", "5 per 15 minutes")
    # Second factor (app/auth/mfa.py): wrong codes per account, how long the code page waits
    # after the password, and how recent a check must be for sensitive changes.
    MFA_LIMIT = os.environ.get("MFA_LIMIT", "5 per 5 minutes")
    MFA_PENDING_SECONDS = int(os.environ.get("MFA_PENDING_SECONDS", "300"))
    REAUTH_MINUTES = int(os.environ.get("REAUTH_MINUTES", "15"))

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
    ACCOUNT_INVITE_TOKEN_MAX_AGE = 24 * 3600  # a link printed by `flask setup/users --invite`
    # Webhooks (app.webhooks): seconds an endpoint has to answer; https:// only (production).
    WEBHOOK_TIMEOUT = float(os.environ.get("WEBHOOK_TIMEOUT") or 5)
    WEBHOOK_HTTPS_ONLY = _bool("WEBHOOK_HTTPS_ONLY", False)
    # Calls per API token (app.api.limits).
    API_RATE_LIMIT = os.environ.get("API_RATE_LIMIT") or "300 per minute"


class Development(Config):
    DEBUG = True
    MAIL_TO_LOG = _bool("MAIL_TO_LOG", True)
    OUTBOX_DELIVER_AFTER_COMMIT = _bool("OUTBOX_DELIVER_AFTER_COMMIT", True)
    SHOW_DEMO_LOGINS = True
    # Without PUBLIC_URL, links point at the development server on whatever port it serves.
    PUBLIC_URL = os.environ.get("PUBLIC_URL") or local_url()


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
    # Many tests log in and then travel days ahead (deadlines, reminders); they keep their
    # login as before these limits existed (Flask's 31 days). The limits themselves are
    # tested with the values of Config (tests/auth/test_server_sessions.py).
    SESSION_IDLE_STAFF_MINUTES = SESSION_IDLE_PEMDA_MINUTES = 31 * 24 * 60
    SESSION_MAX_HOURS = 31 * 24
    PERMANENT_SESSION_LIFETIME = 31 * 24 * 3600
    # The test client's own host: links in email read http://localhost/... A test that needs
    # the Host check turns CHECK_HOST on (tests/test_hosts.py).
    PUBLIC_URL = "http://localhost"
    EXTRA_HOSTS: list[str] = []
    CHECK_HOST = False
    PROXY_COUNT = 0


class Production(Config):
    # No defaults here: app.core.startup refuses to start without them (every problem named).
    SECRET_KEY = os.environ.get("SECRET_KEY")
    SQLALCHEMY_DATABASE_URI = os.environ.get("DATABASE_URL") and _database_url("")
    PUBLIC_URL = os.environ.get("PUBLIC_URL")
    CHECK_HOST = True
    REFUSE_UNSAFE_START = True
    SEND_HSTS = True
    SESSION_COOKIE_SECURE = _bool("SESSION_COOKIE_SECURE", True)
    REMEMBER_COOKIE_SECURE = True
    PREFERRED_URL_SCHEME = "https"
    WEBHOOK_HTTPS_ONLY = _bool("WEBHOOK_HTTPS_ONLY", True)


CONFIGS = {"development": Development, "testing": Testing, "production": Production}


def config_for(name: str | None) -> type[Config]:
    return CONFIGS[name or os.environ.get("APP_ENV", "development")]
