#!/bin/sh
# Daily backup of the Konsultasi DJPK database (run by konsultasi-backup.timer).
#
# 1. pg_dump -Fc of DATABASE_URL into $BACKUP_DIR/konsultasi-YYYYmmdd-HHMM.dump, written
#    under a temporary name and renamed when complete, so that a dump in the directory is
#    always whole;
# 2. `flask --app wsgi backup check` restores it into a scratch database and verifies the
#    audit chain: a failed check fails this script (and the systemd unit), and the dump is
#    kept for inspection;
# 3. only then, dumps older than BACKUP_KEEP_DAYS days are removed (a failing night never
#    costs an older good dump).
#
# Environment (the service reads /etc/konsultasi/env): DATABASE_URL (required), BACKUP_DIR
# (default /var/backups/konsultasi), BACKUP_KEEP_DAYS (default 14), APP_DIR (default
# /srv/konsultasi, where wsgi.py and .venv are), FLASK and PYTHON (default: APP_DIR's .venv).
set -eu

: "${DATABASE_URL:?DATABASE_URL is not set}"
BACKUP_DIR=${BACKUP_DIR:-/var/backups/konsultasi}
BACKUP_KEEP_DAYS=${BACKUP_KEEP_DAYS:-14}
APP_DIR=${APP_DIR:-/srv/konsultasi}
FLASK=${FLASK:-$APP_DIR/.venv/bin/flask}
PYTHON=${PYTHON:-$APP_DIR/.venv/bin/python}

case $BACKUP_KEEP_DAYS in
    '' | *[!0-9]*) echo "backup: BACKUP_KEEP_DAYS must be a whole number of days" >&2; exit 2 ;;
esac
command -v pg_dump >/dev/null || { echo "backup: pg_dump is not on PATH (postgresql-client)" >&2; exit 2; }

# Dumps hold personal data: readable by this user only.
umask 077
mkdir -p "$BACKUP_DIR"

# The libpq form of DATABASE_URL (no "+psycopg"), its password in PGPASSWORD rather than on
# the command line, where every user of the machine can read it.
libpq_env=$("$PYTHON" - <<'EOF'
import os, shlex
from sqlalchemy.engine import URL, make_url

url = make_url(os.environ["DATABASE_URL"])
parts = {"username": url.username, "host": url.host, "port": url.port, "database": url.database}
target = URL.create("postgresql", **parts, query=url.query).render_as_string(hide_password=False)
print(f"DUMP_TARGET={shlex.quote(target)}")
if url.password:
    print(f"PGPASSWORD={shlex.quote(str(url.password))}; export PGPASSWORD")
EOF
)
eval "$libpq_env"

name="konsultasi-$(date +%Y%m%d-%H%M).dump"
final="$BACKUP_DIR/$name"
partial="$BACKUP_DIR/.$name.partial"
trap 'rm -f "$partial"' EXIT
trap 'exit 1' INT TERM HUP

echo "backup: writing $final"
pg_dump --format=custom --file="$partial" "$DUMP_TARGET"
mv -f "$partial" "$final"
unset PGPASSWORD

cd "$APP_DIR"
# The web workers' metrics directory: a command would leave a file of its own there.
unset PROMETHEUS_MULTIPROC_DIR
if ! "$FLASK" --app wsgi backup check "$final"; then
    echo "backup: the check of $final FAILED (dump kept, older dumps not removed)" >&2
    exit 1
fi

# Older than BACKUP_KEEP_DAYS whole days (in minutes, so "14" means 14 x 24 hours).
find "$BACKUP_DIR" -maxdepth 1 -type f -name 'konsultasi-*.dump' ! -name "$name" \
    -mmin +$((BACKUP_KEEP_DAYS * 1440)) -print -delete | sed 's/^/backup: removed /'
echo "backup: done"
