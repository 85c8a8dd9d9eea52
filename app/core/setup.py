"""`flask setup`: prepare an empty production database, and run again safely.

Applies the migrations, loads the regions, DJPK's topic taxonomy (data/topics.csv) and the
first policy version, and creates the first administrator: the email from --email, the
password typed twice at a prompt, or with --invite a one-time link valid for 24 hours. Never
adds demo data. What exists already is kept: regions are refreshed, topics and the policy
left as they are, an existing email is not added again. Without --email it reports the state
(and asks for --email when there is no administrator yet).
"""

import click
from flask.cli import with_appcontext
from flask_migrate import upgrade
from sqlalchemy import func, select

from app.auth.commands import create_account, echo_invite, email_problem, find_user, prompt_password
from app.auth.models import Role, User
from app.catalog.models import Topic
from app.catalog.taxonomy import load_topics
from app.core import audit
from app.extensions import db
from app.policy.models import PolicyVersion
from app.policy.services import FIRST_VERSION_FROM, ensure_default_policy
from app.regions.models import Region
from app.regions.services import load_regions


def prepare_database(*, migrate: bool = True) -> dict[str, int]:
    """Migrations and reference data; returns what was added (caller commits)."""
    if migrate:
        upgrade()
    regions, _updated = load_regions()
    topics = load_topics()
    had_policy = db.session.scalars(select(PolicyVersion.id).limit(1)).first() is not None
    ensure_default_policy(FIRST_VERSION_FROM)
    return {"regions": regions, "topics": topics, "policy versions": 0 if had_policy else 1}


def _count(model, *where) -> int:
    return db.session.scalar(select(func.count()).select_from(model).where(*where))


def _admins() -> list[User]:
    query = select(User).where(User.role == Role.ADMIN, User.deactivated_at.is_(None)).order_by(User.id)
    return list(db.session.scalars(query))


@click.command("setup")
@click.option("--email", help="Email of the first administrator.")
@click.option("--name", default="Administrator", show_default=True, help="Their name.")
@click.option("--invite", is_flag=True, help="Print a one-time link (24 hours) instead of asking a password.")
@click.option(
    "--skip-migrations",
    is_flag=True,
    help="The schema exists already (made without Alembic): do not upgrade.",
)
@with_appcontext
def setup_command(email: str | None, name: str, invite: bool, skip_migrations: bool) -> None:
    """Prepare an empty production database (no demo data); safe to run again."""
    if email and (problem := email_problem(email)):
        raise click.ClickException(problem)
    with audit.from_cli():
        added = prepare_database(migrate=not skip_migrations)
        db.session.commit()
        click.echo("reference data: " + ", ".join(f"{n} {what} added" for what, n in added.items()))
        click.echo(
            f"in the database: {_count(Region)} regions, {_count(Topic)} topics, "
            f"{_count(PolicyVersion)} policy versions"
        )
        if email:
            existing = find_user(email)
            if existing is not None:
                click.echo(f"{existing.email} exists already ({existing.role}); nothing changed")
            else:
                password = None if invite else prompt_password(email, name)
                user = create_account(email, name, Role.ADMIN, password)
                db.session.commit()
                click.echo(
                    f"administrator {user.email} created; they set up two-step verification at first login"
                )
                if invite:
                    echo_invite(user)
    admins = _admins()
    if admins:
        click.echo("administrators: " + ", ".join(a.email for a in admins))
    else:
        click.echo("no administrator yet: run `flask setup --email ADDRESS` to create the first one")
