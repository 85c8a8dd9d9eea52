"""Uploads in the database (issue 13): request letters and breach evidence move from
UPLOAD_DIR into the table `stored_files`, so that every web server sees them and pg_dump
backs them up.

Each file under UPLOAD_DIR/letters and UPLOAD_DIR/evidence that a row refers to is read,
checked against the SHA-256 (letters) and size recorded for it, written to `stored_files`,
read back and checked by SHA-256 again. A file that is missing or differs stops the upgrade,
every such file named, and nothing changes (one transaction on PostgreSQL). The files are left
where they are: remove UPLOAD_DIR once the upgrade has succeeded. History files waiting for an
import (UPLOAD_DIR/imports) are not moved: they were kept 24 hours for one browser session.

Downgrading writes the files back to UPLOAD_DIR under new generated names.

Revision ID: 7f4c9e1b3d22
Revises: 6e3b8d0a2c10
Create Date: 2026-12-05 12:40:00.000000

"""

import hashlib
import os
import uuid

import sqlalchemy as sa
from alembic import op
from flask import current_app

# revision identifiers, used by Alembic.
revision = "7f4c9e1b3d22"
down_revision = "6e3b8d0a2c10"
branch_labels = None
depends_on = None

stored_files = sa.table(
    "stored_files",
    sa.column("id", sa.Integer),
    sa.column("kind", sa.String),
    sa.column("content_type", sa.String),
    sa.column("size", sa.Integer),
    sa.column("sha256", sa.String),
    sa.column("content", sa.LargeBinary),
    sa.column("created_at"),  # as read from the row it comes from
    sa.column("created_by_id", sa.Integer),
)


def upgrade():
    upload_dir = current_app.config["UPLOAD_DIR"]
    _check_files(op.get_bind(), upload_dir)  # before any change, so that a refusal changes nothing
    op.create_table(
        "stored_files",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("content_type", sa.String(length=100), nullable=False),
        sa.Column("size", sa.Integer(), nullable=False),
        sa.Column("sha256", sa.String(length=64), nullable=False),
        sa.Column("content", sa.LargeBinary(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("created_by_id", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(
            ["created_by_id"],
            ["users.id"],
            name=op.f("fk_stored_files_created_by_id_users"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_stored_files")),
    )
    op.create_index("ix_stored_files_kind_sha256", "stored_files", ["kind", "sha256"])
    op.create_index("ix_stored_files_kind_created", "stored_files", ["kind", "created_at"])
    with op.batch_alter_table("request_letters", schema=None) as batch_op:
        batch_op.add_column(sa.Column("file_id", sa.Integer(), nullable=True))
    with op.batch_alter_table("breaches", schema=None) as batch_op:
        batch_op.add_column(sa.Column("evidence_file_id", sa.Integer(), nullable=True))

    _move_in(op.get_bind(), upload_dir)

    with op.batch_alter_table("request_letters", schema=None) as batch_op:
        batch_op.alter_column("file_id", existing_type=sa.Integer(), nullable=False)
        batch_op.create_unique_constraint(batch_op.f("uq_request_letters_file_id"), ["file_id"])
        batch_op.create_foreign_key(
            batch_op.f("fk_request_letters_file_id_stored_files"), "stored_files", ["file_id"], ["id"]
        )
        batch_op.drop_constraint(batch_op.f("uq_request_letters_stored_name"), type_="unique")
        batch_op.drop_column("stored_name")
    with op.batch_alter_table("breaches", schema=None) as batch_op:
        batch_op.create_unique_constraint(batch_op.f("uq_breaches_evidence_file_id"), ["evidence_file_id"])
        batch_op.create_foreign_key(
            batch_op.f("fk_breaches_evidence_file_id_stored_files"),
            "stored_files",
            ["evidence_file_id"],
            ["id"],
        )
        batch_op.drop_constraint(batch_op.f("uq_breaches_evidence_stored_name"), type_="unique")
        batch_op.drop_column("evidence_stored_name")


def downgrade():
    with op.batch_alter_table("request_letters", schema=None) as batch_op:
        batch_op.add_column(sa.Column("stored_name", sa.String(length=64), nullable=True))
    with op.batch_alter_table("breaches", schema=None) as batch_op:
        batch_op.add_column(sa.Column("evidence_stored_name", sa.String(length=64), nullable=True))

    _move_out(op.get_bind(), current_app.config["UPLOAD_DIR"])

    with op.batch_alter_table("breaches", schema=None) as batch_op:
        batch_op.create_unique_constraint(
            batch_op.f("uq_breaches_evidence_stored_name"), ["evidence_stored_name"]
        )
        batch_op.drop_constraint(batch_op.f("fk_breaches_evidence_file_id_stored_files"), type_="foreignkey")
        batch_op.drop_constraint(batch_op.f("uq_breaches_evidence_file_id"), type_="unique")
        batch_op.drop_column("evidence_file_id")
    with op.batch_alter_table("request_letters", schema=None) as batch_op:
        batch_op.alter_column("stored_name", existing_type=sa.String(length=64), nullable=False)
        batch_op.create_unique_constraint(batch_op.f("uq_request_letters_stored_name"), ["stored_name"])
        batch_op.drop_constraint(batch_op.f("fk_request_letters_file_id_stored_files"), type_="foreignkey")
        batch_op.drop_constraint(batch_op.f("uq_request_letters_file_id"), type_="unique")
        batch_op.drop_column("file_id")
    op.drop_index("ix_stored_files_kind_created", table_name="stored_files")
    op.drop_index("ix_stored_files_kind_sha256", table_name="stored_files")
    op.drop_table("stored_files")


def _sha256(content: bytes) -> str:
    return hashlib.sha256(content).hexdigest()


def _letters(conn):
    return conn.execute(
        sa.text(
            "SELECT id, stored_name AS name, size, sha256, uploaded_at, uploaded_by_id FROM request_letters"
        )
    ).all()


def _evidence(conn):
    return conn.execute(
        sa.text(
            "SELECT id, evidence_stored_name AS name, evidence_content_type AS type, evidence_size AS size,"
            " recorded_at, recorded_by_id FROM breaches WHERE evidence_stored_name IS NOT NULL"
        )
    ).all()


def _check_files(conn, upload_dir: str) -> None:
    """Raise, naming every referenced file that is missing or differs from what was recorded."""
    problems: list[str] = []
    for folder, rows in (("letters", _letters(conn)), ("evidence", _evidence(conn))):
        for row in rows:
            content = _read(upload_dir, folder, row.name, problems)
            if content is None:
                continue
            if row.size is not None and len(content) != row.size:
                problems.append(f"{folder}/{row.name}: {len(content)} bytes, {row.size} recorded")
            elif folder == "letters" and _sha256(content) != row.sha256:
                problems.append(f"{folder}/{row.name}: SHA-256 differs from the one recorded")
    if problems:
        raise RuntimeError(
            f"Uploads could not be moved from {upload_dir} into the database; nothing was changed. "
            "Restore these files (or set UPLOAD_DIR to where they are) and upgrade again:\n  "
            + "\n  ".join(problems)
        )


def _move_in(conn, upload_dir: str) -> None:
    """Copy every referenced file (checked by _check_files) into stored_files."""
    problems: list[str] = []
    for row in _letters(conn):
        content = _read(upload_dir, "letters", row.name, problems)
        file_id = _insert(
            conn, "letter", "application/pdf", content, row.uploaded_at, row.uploaded_by_id, problems
        )
        conn.execute(
            sa.text("UPDATE request_letters SET file_id = :f WHERE id = :id"), {"f": file_id, "id": row.id}
        )
    for row in _evidence(conn):
        content = _read(upload_dir, "evidence", row.name, problems)
        content_type = row.type or "application/octet-stream"
        file_id = _insert(
            conn, "evidence", content_type, content, row.recorded_at, row.recorded_by_id, problems
        )
        conn.execute(
            sa.text("UPDATE breaches SET evidence_file_id = :f WHERE id = :id"), {"f": file_id, "id": row.id}
        )
    if problems:
        raise RuntimeError(
            "Uploads changed while they were moved into the database:\n  " + "\n  ".join(problems)
        )


def _read(upload_dir: str, folder: str, name: str, problems: list[str]) -> bytes | None:
    path = os.path.join(upload_dir, folder, os.path.basename(name or ""))
    try:
        with open(path, "rb") as fh:
            return fh.read()
    except OSError as error:
        problems.append(f"{folder}/{name}: {error.strerror or error}")
        return None


def _insert(conn, kind, content_type, content, created_at, created_by_id, problems) -> int:
    """Insert one file, read it back and compare SHA-256s; returns its id."""
    digest = _sha256(content)
    file_id = conn.execute(
        stored_files.insert()
        .values(
            kind=kind,
            content_type=content_type,
            size=len(content),
            sha256=digest,
            content=content,
            created_at=created_at,
            created_by_id=created_by_id,
        )
        .returning(stored_files.c.id)
    ).scalar_one()
    written = conn.execute(sa.select(stored_files.c.content).where(stored_files.c.id == file_id)).scalar_one()
    if _sha256(bytes(written)) != digest:
        problems.append(f"stored file {file_id} ({kind}): SHA-256 differs after writing")
    return file_id


def _move_out(conn, upload_dir: str) -> None:
    """Write every stored letter and evidence file back under UPLOAD_DIR (downgrade)."""
    for table, key, folder, column in (
        ("request_letters", "file_id", "letters", "stored_name"),
        ("breaches", "evidence_file_id", "evidence", "evidence_stored_name"),
    ):
        os.makedirs(os.path.join(upload_dir, folder), exist_ok=True)
        rows = conn.execute(
            sa.text(
                f"SELECT t.id, f.content, f.content_type FROM {table} t JOIN stored_files f ON f.id = t.{key}"
            )
        ).all()
        for row in rows:
            extension = {"image/jpeg": "jpg", "image/png": "png"}.get(row.content_type, "pdf")
            name = f"{uuid.uuid4().hex}.{extension}"
            with open(os.path.join(upload_dir, folder, name), "xb") as fh:
                fh.write(bytes(row.content))
            conn.execute(
                sa.text(f"UPDATE {table} SET {column} = :n WHERE id = :id"), {"n": name, "id": row.id}
            )
