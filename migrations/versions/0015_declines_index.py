"""Fast pages (issue 14): the declines of sessions still to come (the queue puts them first,
app.scheduling.declines) are found by an index of the assignments' (status, start), rather
than by looking up the assignments of every session to come.

Revision ID: c4d8f1a2b7e3
Revises: a3c7e2f9b614
Create Date: 2026-12-06 19:00:00.000000

"""

from alembic import op

# revision identifiers, used by Alembic.
revision = "c4d8f1a2b7e3"
down_revision = "a3c7e2f9b614"
branch_labels = None
depends_on = None


def upgrade():
    op.create_index("ix_narasumber_assignments_status_start", "narasumber_assignments", ["status", "start"])


def downgrade():
    op.drop_index("ix_narasumber_assignments_status_start", table_name="narasumber_assignments")
