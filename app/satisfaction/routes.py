"""The Pemda's rating page and DJPK's satisfaction overview."""

from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from markupsafe import Markup

from app.core.access import coordinator_required, pemda_required
from app.core.mail import send_queued
from app.core.months import month_arg
from app.domain.months import shift_month
from app.extensions import db
from app.requests.queries import get_owned
from app.satisfaction import bp, queries, services
from app.satisfaction.forms import RatingForm


@bp.app_template_global("rating_open")
def rating_open(req) -> bool:
    """For templates/satisfaction/_panel.html, which the request page includes."""
    return services.rating_open(req)


@bp.route("/permohonan/<int:request_id>/penilaian", methods=["GET", "POST"])
@pemda_required
def rate(request_id: int):
    req = get_owned(current_user, request_id)
    form = RatingForm()
    if req.rating is None and form.validate_on_submit():
        try:
            services.rate(
                current_user, req, form.service_score.data, form.substance_score.data, form.comment.data
            )
        except services.RatingRefused as refused:
            flash(str(refused), "error")
        else:
            db.session.commit()
            send_queued()
            flash(_("Terima kasih, penilaian Anda telah kami terima."), "success")
            return redirect(url_for("requests.detail", request_id=req.id))
    return render_template(
        "satisfaction/rate.html",
        req=req,
        form=form,
        zone=req.region.timezone,
        open=services.rating_open(req),
        not_yet=services.not_yet_message(req),
    )


def score_text(decimal: str):
    """How the overview writes an average: two decimals with the language's separator
    (`decimal`: "4,03" in Indonesian), a dash when there is none. A function, not a template
    macro: the page writes some four hundred of them."""

    def score(value: float | None):
        if value is None:
            return Markup('<span class="text-muted">–</span>')
        return f"{value:.2f}".replace(".", decimal)

    return score


@bp.route("/koordinator/kepuasan")
@coordinator_required
def overview():
    from app import select_locale  # the language the page is in, as its template's current_locale

    # Opens on last month (WIB), as the monthly report does; a bad ?bulan= shows last month
    # with a message saying why (400: app.core.months).
    given = month_arg(request.args.get("bulan"))
    month = given.month
    trend = queries.trend(month)  # ends with this month
    page = render_template(
        "satisfaction/overview.html",
        month=month,
        month_error=given.error,
        previous=shift_month(month, -1),
        following=shift_month(month, 1),
        averages=trend[-1][1],
        trend=trend,
        people=queries.per_narasumber(month),
        comments=queries.recent_comments(month),
        min_ratings=queries.MIN_RATINGS,
        min_raters=queries.MIN_RATERS,
        score=score_text("," if select_locale() == "id" else "."),
    )
    return page, given.status
