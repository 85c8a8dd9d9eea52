"""`flask api-token create|list|revoke`: API tokens for operators at the server's shell (an
integration set up before anyone signs in, a token revoked in a hurry). Every change is
audited as made by "cli" (app.core.audit.from_cli); a new token is printed once."""

import click
from flask.cli import AppGroup
from sqlalchemy import func, select

from app.api import scopes as scope_catalogue
from app.api import tokens
from app.api.models import ApiToken, TokenKind
from app.auth.models import User
from app.core import audit
from app.core.clock import now_utc
from app.extensions import db

api_token_cli = AppGroup("api-token", help="API tokens, for operators at the shell.")


@api_token_cli.command("create")
@click.option("--owner", "email", required=True, help="Email of the account the token acts as.")
@click.option("--name", required=True, help='What it is for, e.g. "CRM Contact Center".')
@click.option("--scope", "scopes", multiple=True, required=True, help="A scope; repeat for more.")
@click.option(
    "--days", type=click.Choice([str(d) for d in tokens.LIFETIMES]), default="90", show_default=True
)
@click.option("--integration/--personal", default=True, show_default=True, help="The kind of token.")
def create_command(email: str, name: str, scopes: tuple[str, ...], days: str, integration: bool) -> None:
    """Make a token and print it (once: only its SHA-256 is kept)."""
    owner = db.session.scalar(select(User).where(func.lower(User.email) == email.strip().lower()))
    if owner is None or not owner.is_active:
        raise click.ClickException(f"no active account {email}")
    allowed = scope_catalogue.allowed_for(owner.role)
    refused = [s for s in scopes if s not in allowed]
    if refused:
        raise click.ClickException(
            f"a {owner.role.value} may hold {', '.join(allowed)}; not {', '.join(refused)}"
        )
    with audit.from_cli():
        token, secret = tokens.create_token(
            owner,
            name=name,
            scopes=list(scopes),
            days=int(days),
            kind=TokenKind.INTEGRATION if integration else TokenKind.PERSONAL,
            by_cli=True,
        )
        db.session.commit()
    click.echo(secret)
    click.echo(
        f"token {token.id} ({token.prefix}...) for {owner.email}, until {token.expires_at:%Y-%m-%d}", err=True
    )


@api_token_cli.command("list")
def list_command() -> None:
    """Every token: id, kind, owner, scopes, expiry, last use, and whether it still works."""
    now = now_utc()
    rows = db.session.scalars(select(ApiToken).order_by(ApiToken.id)).all()
    for t in rows:
        state = "revoked" if t.revoked_at else ("expired" if t.expires_at <= now else "active")
        used = f"{t.last_used_at:%Y-%m-%d %H:%M}" if t.last_used_at else "never"
        click.echo(
            f"{t.id}\t{t.kind.value}\t{t.owner.email}\t{t.name}\t{','.join(t.scopes)}\t"
            f"until {t.expires_at:%Y-%m-%d}\tused {used}\t{state}"
        )


@api_token_cli.command("revoke")
@click.argument("token_id", type=int)
def revoke_command(token_id: int) -> None:
    """Revoke a token at once (any kind)."""
    token = db.session.get(ApiToken, token_id)
    if token is None:
        raise click.ClickException(f"no token {token_id}")
    if token.revoked_at is None:
        with audit.from_cli():
            token.revoked_at = now_utc()
            audit.record("api_token.revoked", token, after={"name": token.name})
            db.session.commit()
    click.echo(f"token {token.id} revoked")
