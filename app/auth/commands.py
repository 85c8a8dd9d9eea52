"""`flask users ...`: accounts for operators without the web page (list, create, deactivate,
reset-password, reset-mfa), and the helpers `flask setup` uses for the first administrator.

Every change is audited with no actor and `{"via": "cli", "os_user": ...}` in `after`
(app.core.audit.from_cli); the audit page shows such rows as made by "cli". A password is
typed twice at a hidden prompt and checked by the app's own rules (app.auth.passwords); with
--invite the command prints, once, a link valid for 24 hours where the person sets it.
"""

import secrets

import click
from flask.cli import AppGroup
from flask_babel import force_locale
from sqlalchemy import func, select

from app.admin import services as admin_services
from app.auth import mfa, tokens
from app.auth import services as auth_services
from app.auth.models import STAFF_ROLES, Role, User
from app.auth.passwords import hash_password, password_problem
from app.core import audit
from app.core.clock import now_utc
from app.core.urls import public_url_for
from app.extensions import db

users_cli = AppGroup("users", help="Accounts, for operators without the web page.")


class CliOperator:
    """The actor of a change made by an operator's command: no user row, so actor_id is NULL
    (audit.from_cli marks the row); services that fall back to the user itself see an actor."""

    id = None
    name = "cli"
    email = ""
    is_authenticated = False


CLI = CliOperator()


def find_user(email: str) -> User | None:
    return db.session.scalars(select(User).where(func.lower(User.email) == email.strip().lower())).first()


def prompt_password(email: str, name: str) -> str:
    """Ask twice (hidden); a password the app refuses is asked again with the reason."""

    def check(value: str) -> str:
        problem = password_problem(value, email=email, name=name)
        if problem:
            with force_locale("id"):  # no request here, so no user's language
                raise click.BadParameter(admin_services.password_message(problem))
        return value

    return click.prompt(
        "Password", hide_input=True, confirmation_prompt="Repeat the password", value_proc=check
    )


def unusable_password_hash() -> str:
    """A hash of a random secret nobody knows: the account waits for its invite link."""
    return hash_password(secrets.token_urlsafe(32))


def invite_link(user: User) -> str:
    return public_url_for("auth.reset_password", token=tokens.invite_token(user))


def echo_invite(user: User) -> None:
    click.echo(f"One-time link for {user.email} (valid 24 hours, shown only now):")
    click.echo(invite_link(user))


def create_account(email: str, name: str, role: Role, password: str | None) -> User:
    """A verified, active staff account; password None: unusable until the invite is used."""
    now = now_utc()
    user = User(
        email=email.strip().lower(),
        name=name.strip(),
        password_hash=hash_password(password) if password else unusable_password_hash(),
        role=role,
        created_at=now,
        email_verified_at=now,
        activated_at=now,
        session_version=1,
    )
    db.session.add(user)
    db.session.flush()
    if role == Role.NARASUMBER:
        admin_services._ensure_profile(user)
    audit.record(
        "user.create",
        user,
        after=admin_services.snapshot(user) | {"email": user.email, "invite": password is None},
    )
    return user


def _require_user(email: str) -> User:
    user = find_user(email)
    if user is None:
        raise click.ClickException(f"no account with the email {email}")
    return user


def email_problem(email: str) -> str | None:
    local, _, domain = email.strip().partition("@")
    if not local or "." not in domain or any(c.isspace() for c in email.strip()):
        return f"not an email address: {email}"
    return None


@users_cli.command("list")
def list_command() -> None:
    """Every account: email, role, state, second factor, last login."""
    users = db.session.scalars(select(User).order_by(User.role, User.email)).all()
    rows = [("email", "role", "state", "mfa", "last login (UTC)")]
    for user in users:
        if user.deactivated_at is not None:
            state = "deactivated"
        elif user.activated_at is None:
            state = "pending"
        else:
            state = "active"
        last = user.last_login_at.strftime("%Y-%m-%d %H:%M") if user.last_login_at else "-"
        rows.append((user.email, str(user.role), state, "yes" if user.mfa_enabled else "no", last))
    widths = [max(len(r[i]) for r in rows) for i in range(4)]
    for row in rows:
        click.echo("  ".join(cell.ljust(widths[i]) for i, cell in enumerate(row[:4])) + "  " + row[4])


@users_cli.command("create")
@click.option("--email", required=True)
@click.option("--name", required=True)
@click.option("--role", required=True, type=click.Choice([r.value for r in STAFF_ROLES]))
@click.option("--invite", is_flag=True, help="Print a one-time link (24 hours) instead of asking a password.")
def create_command(email: str, name: str, role: str, invite: bool) -> None:
    """A verified, active DJPK staff account."""
    if problem := email_problem(email):
        raise click.ClickException(problem)
    if find_user(email):
        raise click.ClickException(f"an account with the email {email} exists already")
    password = None if invite else prompt_password(email, name)
    with audit.from_cli():
        user = create_account(email, name, Role(role), password)
        db.session.commit()
    click.echo(f"created {user.email} ({user.role})")
    if invite:
        echo_invite(user)


@users_cli.command("deactivate")
@click.argument("email")
def deactivate_command(email: str) -> None:
    """Deactivate an account and end every session of it."""
    user = _require_user(email)
    if user.deactivated_at is not None:
        raise click.ClickException(f"{user.email} is deactivated already")
    with audit.from_cli():
        admin_services.apply_deactivation(user, CLI)
        db.session.commit()
    click.echo(f"deactivated {user.email}; their sessions have ended")


@users_cli.command("reset-password")
@click.argument("email")
@click.option("--invite", is_flag=True, help="Print a one-time link (24 hours) instead of asking a password.")
def reset_password_command(email: str, invite: bool) -> None:
    """Set a new password (or print a link to set one); every session of the account ends."""
    user = _require_user(email)
    password = None if invite else prompt_password(user.email, user.name)
    with audit.from_cli():
        # The same change as the reset page's; with --invite the new password is a random
        # secret nobody knows until the link is used.
        auth_services._set_password(
            user, password or secrets.token_urlsafe(32), "auth.password_reset", actor=CLI
        )
        db.session.commit()
    click.echo(f"password of {user.email} reset; their sessions have ended")
    if invite:
        echo_invite(user)


@users_cli.command("reset-mfa")
@click.argument("email")
def reset_mfa_command(email: str) -> None:
    """Remove the second factor (a lost phone): they enrol again at their next login."""
    user = _require_user(email)
    if not user.mfa_enabled and not user.mfa_secret:
        raise click.ClickException(f"{user.email} has no second factor")
    with audit.from_cli():
        mfa.reset(user, CLI)
        db.session.commit()
    click.echo(f"second factor of {user.email} removed; they enrol again at their next login")
