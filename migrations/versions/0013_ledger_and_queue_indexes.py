"""Fast pages (issue 14): the breach ledger's counts per type and its type filter read an
index of (type_code, voided_at, recorded_at), which replaces the index of type_code alone, and
the unfiltered counts per type read a partial index of the live rows' type_code;
a visit's breaches (the front desk's visit page, a walk-in's record, and the ON DELETE SET
NULL from visits) are found by an index of visit_id instead of a scan of the ledger; the
queue's counts per state under a mode filter read an index of (mode, state).

Revision ID: 9b2e6d4a1f58
Revises: 8a1d5f3c7e40
Create Date: 2026-12-05 16:55:00.000000

"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "9b2e6d4a1f58"
down_revision = "8a1d5f3c7e40"
branch_labels = None
depends_on = None


def upgrade():
    op.create_index("ix_breaches_type", "breaches", ["type_code", "voided_at", "recorded_at"])
    op.drop_index("ix_breaches_type_code", table_name="breaches")
    live = sa.text("voided_at IS NULL")
    op.create_index("ix_breaches_live_type", "breaches", ["type_code"], postgresql_where=live, sqlite_where=live)
    op.create_index("ix_breaches_visit_id", "breaches", ["visit_id"])
    op.create_index("ix_consultation_requests_mode_state", "consultation_requests", ["mode", "state"])


def downgrade():
    op.drop_index("ix_consultation_requests_mode_state", table_name="consultation_requests")
    op.drop_index("ix_breaches_visit_id", table_name="breaches")
    op.drop_index("ix_breaches_live_type", table_name="breaches")
    op.create_index("ix_breaches_type_code", "breaches", ["type_code"])
    op.drop_index("ix_breaches_type", table_name="breaches")
