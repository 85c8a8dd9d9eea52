"""The one-time token of the form that submitted a request: unique, so the same form posted
twice (Back then send again, a double click, two posts at the same moment) makes one request.

Revision ID: 3b8e0c6d2f41
Revises: fbbda5613586
Create Date: 2026-12-01 09:00:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '3b8e0c6d2f41'
down_revision = 'fbbda5613586'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('consultation_requests', schema=None) as batch_op:
        batch_op.add_column(sa.Column('submission_token', sa.String(length=32), nullable=True))
        batch_op.create_unique_constraint(
            batch_op.f('uq_consultation_requests_submission_token'), ['submission_token']
        )


def downgrade():
    with op.batch_alter_table('consultation_requests', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('uq_consultation_requests_submission_token'), type_='unique')
        batch_op.drop_column('submission_token')
