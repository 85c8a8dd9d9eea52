"""What production refuses to start without.

create_app("production") calls check_production() before anything else: a missing or public
secret key, a public address that is not https, a database that is not PostgreSQL or no
Redis for the rate limits would each run "fine" and be found out only after an attack (a
forged session cookie, a reset link sent over http, per-worker login limits). One exception
names every problem at once, in English for the operator reading the service's log.
"""

from urllib.parse import urlsplit

from config import DEV_SECRET_KEY

MIN_SECRET_KEY_LENGTH = 32


class ConfigError(RuntimeError):
    """The configuration is unsafe for production; the message lists every problem."""


def production_problems(config) -> list[str]:
    problems = []
    key = config.get("SECRET_KEY") or ""
    if not key:
        problems.append("SECRET_KEY is not set")
    elif key == DEV_SECRET_KEY:
        problems.append("SECRET_KEY is the public development key")
    elif len(key) < MIN_SECRET_KEY_LENGTH:
        problems.append(f"SECRET_KEY is shorter than {MIN_SECRET_KEY_LENGTH} characters")
    public = (config.get("PUBLIC_URL") or "").strip()
    if not public:
        problems.append("PUBLIC_URL is not set (e.g. https://konsultasi.djpk.kemenkeu.go.id)")
    else:
        parts = urlsplit(public)
        if parts.scheme != "https" or not parts.hostname:
            problems.append(f"PUBLIC_URL must be an https:// address, not {public!r}")
    database = config.get("SQLALCHEMY_DATABASE_URI") or ""
    if not database:
        problems.append("DATABASE_URL is not set")
    elif not database.startswith(("postgresql://", "postgresql+")):
        problems.append(f"DATABASE_URL must be a PostgreSQL database, not {database.split(':', 1)[0]}")
    if not config.get("REDIS_URL"):
        problems.append("REDIS_URL is not set (the rate limits must be shared by every worker)")
    return problems


def check_production(config) -> None:
    problems = production_problems(config)
    if problems:
        listed = "\n".join(f"  - {p}" for p in problems)
        raise ConfigError(f"refusing to start in production:\n{listed}")
