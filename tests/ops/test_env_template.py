"""deploy/konsultasi.env.example names every environment variable the application reads
(config.py, gunicorn.conf.py, wsgi.py, app/) and no other, and stays readable by both
systemd's EnvironmentFile= and sh (deploy/konsultasi-flask sources it)."""

import ast
import re
import subprocess
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
TEMPLATE = ROOT / "deploy" / "konsultasi.env.example"
# config.py's own readers: _bool("NAME", ...), _names("NAME").
HELPERS = {"_bool", "_names"}
SETTING = re.compile(r"^#?(?P<name>[A-Z][A-Z0-9_]*)=(?P<value>.*)$")


def _sources() -> list[Path]:
    return [
        ROOT / "config.py",
        ROOT / "gunicorn.conf.py",
        ROOT / "wsgi.py",
        *sorted((ROOT / "app").rglob("*.py")),
    ]


def _is_environ(node: ast.AST) -> bool:
    # os.environ, not a WSGI environ (request.environ.get("HTTP_HOST")).
    return (
        isinstance(node, ast.Attribute)
        and node.attr == "environ"
        and isinstance(node.value, ast.Name)
        and node.value.id == "os"
    )


def _first_string(call: ast.Call) -> str | None:
    if call.args and isinstance(call.args[0], ast.Constant) and isinstance(call.args[0].value, str):
        return call.args[0].value
    return None


def read_names(path: Path) -> set[str]:
    """Names read through os.environ.get / os.getenv / os.environ[...] / config's helpers."""
    names = set()
    for node in ast.walk(ast.parse(path.read_text(), str(path))):
        if isinstance(node, ast.Call):
            func = node.func
            reads = (
                (isinstance(func, ast.Attribute) and func.attr in {"get", "pop"} and _is_environ(func.value))
                or (isinstance(func, ast.Attribute) and func.attr == "getenv")
                or (isinstance(func, ast.Name) and func.id in HELPERS)
            )
            if reads and (name := _first_string(node)):
                names.add(name)
        elif isinstance(node, ast.Subscript) and _is_environ(node.value):
            if isinstance(node.slice, ast.Constant) and isinstance(node.slice.value, str):
                names.add(node.slice.value)
    return names


def template_settings() -> dict[str, str]:
    """NAME -> value of every `NAME=value` and `#NAME=value` line (last one wins)."""
    settings = {}
    for line in TEMPLATE.read_text().splitlines():
        if match := SETTING.match(line.strip()):
            settings[match["name"]] = match["value"]
    return settings


def test_the_reader_finds_multi_line_reads():
    names = read_names(ROOT / "config.py")
    assert {
        "SECRET_KEY",
        "MAIL_DEFAULT_SENDER",
        "INVITE_ADDRESS",
        "SESSION_COOKIE_SECURE",
        "EXTRA_HOSTS",
    } <= names


def script_names() -> set[str]:
    """Variables the shell scripts of deploy/ read with a default or a check: ${NAME:-...}."""
    names = set()
    for script in sorted((ROOT / "deploy").glob("*.sh")):
        names |= set(re.findall(r"\$\{([A-Z][A-Z0-9_]*):[-?=]", script.read_text()))
    return names


def test_every_setting_read_is_in_the_template_and_no_other():
    read = set().union(*(read_names(path) for path in _sources()))
    documented = set(template_settings())
    missing = read - documented
    assert not missing, f"read by the app, missing from {TEMPLATE.name}: {sorted(missing)}"
    # The deploy scripts' own settings (BACKUP_DIR) may be documented too; their internal
    # variables (APP_DIR, set by the unit) need not be.
    unknown = documented - read - script_names()
    assert not unknown, f"in {TEMPLATE.name}, read by nothing: {sorted(unknown)}"


def test_every_setting_is_explained_by_a_comment_above_it():
    lines = TEMPLATE.read_text().splitlines()
    for number, line in enumerate(lines):
        if SETTING.match(line) and not line.startswith("#"):
            above = lines[number - 1]
            assert above.startswith("#") or SETTING.match(above), f"{line!r} has no comment above it"


def test_the_template_reads_the_same_in_sh_and_systemd():
    for line in TEMPLATE.read_text().splitlines():
        match = SETTING.match(line.strip())
        if not match:
            continue
        value = match["value"]
        assert not re.search(r"[$`\\]", value), line
        if re.search(r"[\s<>;&|()]", value):
            assert value.startswith('"') and value.endswith('"'), f"quote {line!r}"
    # What sh makes of the active lines (systemd strips the same quotes).
    shown = subprocess.run(
        [
            "sh",
            "-c",
            'set -a; . "$0"; set +a; printf "%s\\n" "$APP_ENV" "$PROXY_COUNT" "$DATABASE_URL"',
            TEMPLATE,
        ],
        capture_output=True,
        text=True,
        check=True,
    ).stdout.splitlines()
    assert shown == ["production", "1", template_settings()["DATABASE_URL"]]
    # Every commented setting, uncommented, is valid sh too.
    uncommented = "\n".join(line[1:] for line in TEMPLATE.read_text().splitlines() if SETTING.match(line))
    subprocess.run(["sh", "-n", "-c", uncommented], check=True)
    subprocess.run(
        ["sh", "-c", "set -a; " + uncommented.replace("\n", "; ")], check=True, capture_output=True
    )
