"""/api/v1/reports/monthly/{month}: DJPK's monthly report as JSON, the same document as
`flask report monthly YYYY-MM --format json` and the coordinators' report page."""

from flask_babel import gettext as _

from app.api import ApiBlueprint
from app.api.auth import requires
from app.api.problems import ApiProblem
from app.api.schemas import MonthlyReportSchema
from app.domain.months import FIRST_YEAR, LAST_YEAR, parse_month
from app.extensions import db
from app.reports.snapshots import monthly_report

blp = ApiBlueprint(
    "api_reports", __name__, tag="Reports", url_prefix="/api/v1/reports", description="DJPK's monthly report."
)


@blp.route("/monthly/<string(length=7):month>")
@requires("reports:read")
@blp.etag
@blp.response(200, MonthlyReportSchema)
@blp.alt_response(422, response="UNPROCESSABLE_ENTITY")
def monthly(month: str):
    """The report of `month` (YYYY-MM): sessions per mode, the trend, breaches, the Pemda that
    consulted most, satisfaction and the summary sentences."""
    try:
        first = parse_month(month)
    except ValueError:
        raise ApiProblem(
            422,
            errors={
                "month": [
                    _(
                        "Tulis bulan sebagai YYYY-MM, dari %(first)d sampai %(last)d.",
                        first=FIRST_YEAR,
                        last=LAST_YEAR,
                    )
                ]
            },
        ) from None
    report = monthly_report(first)
    db.session.commit()  # keeps the snapshot when one was built
    return report.to_json()
