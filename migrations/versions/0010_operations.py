"""Operations (issue 13): the scheduler's heartbeat and each job's last successful run
(`scheduler_beats`, read by /readyz and /metrics), and the HTTP request id of the request that
caused an audit row or an email (`http_request_id`, also in the JSON logs).

Adding a column is DDL: the audit log's append-only trigger (UPDATE, DELETE, TRUNCATE) does
not fire, and rows written before keep their hashes (a NULL request id is not hashed).

Revision ID: 6e3b8d0a2c10
Revises: 5d2a7c9e1f09
Create Date: 2026-12-05 09:20:00.000000

"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "6e3b8d0a2c10"
down_revision = "5d2a7c9e1f09"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "scheduler_beats",
        sa.Column("name", sa.String(length=100), nullable=False),
        sa.Column("beat_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("name", name=op.f("pk_scheduler_beats")),
    )
    with op.batch_alter_table("audit_log", schema=None) as batch_op:
        batch_op.add_column(sa.Column("http_request_id", sa.String(length=64), nullable=True))
    with op.batch_alter_table("outbox_messages", schema=None) as batch_op:
        batch_op.add_column(sa.Column("http_request_id", sa.String(length=64), nullable=True))


def downgrade():
    with op.batch_alter_table("outbox_messages", schema=None) as batch_op:
        batch_op.drop_column("http_request_id")
    with op.batch_alter_table("audit_log", schema=None) as batch_op:
        batch_op.drop_column("http_request_id")
    op.drop_table("scheduler_beats")
