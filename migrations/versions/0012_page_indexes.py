"""Fast pages (issue 14): indexes for a Pemda's own requests newest first, a page at a time
(the Pemda dashboard and its count), for the coordinators' queue (one state in order of
submission) and for the outbox list (newest first), instead of scanning and sorting.

Revision ID: 8a1d5f3c7e40
Revises: 7f4c9e1b3d22
Create Date: 2026-12-05 14:05:00.000000

"""

from alembic import op

# revision identifiers, used by Alembic.
revision = "8a1d5f3c7e40"
down_revision = "7f4c9e1b3d22"
branch_labels = None
depends_on = None


def upgrade():
    op.create_index(
        "ix_consultation_requests_pemda",
        "consultation_requests",
        ["region_id", "unit_type", "submitted_at", "id"],
    )
    op.create_index("ix_consultation_requests_queue", "consultation_requests", ["state", "submitted_at", "id"])
    op.create_index("ix_outbox_messages_created", "outbox_messages", ["created_at", "id"])


def downgrade():
    op.drop_index("ix_outbox_messages_created", table_name="outbox_messages")
    op.drop_index("ix_consultation_requests_queue", table_name="consultation_requests")
    op.drop_index("ix_consultation_requests_pemda", table_name="consultation_requests")
