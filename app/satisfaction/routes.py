"""The Pemda's rating page and DJPK's satisfaction overview."""

from datetime import date

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from app.core.access import coordinator_required, pemda_required
from app.core.clock import WIB, now_utc
from app.core.mail import send_queued
from app.domain.months import parse_month, shift_month
from app.extensions import db
from app.requests.queries import get_owned
from app.satisfaction import bp, queries, services
from app.satisfaction.forms import RatingForm


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
    return render_template("satisfaction/rate.html", req=req, form=form, zone=req.region.timezone)


def _month_arg() -> date:
    raw = request.args.get("bulan")
    if not raw:
        today = now_utc().astimezone(WIB).date()
        return today.replace(day=1)
    try:
        return parse_month(raw)
    except ValueError:
        abort(404)


@bp.route("/koordinator/kepuasan")
@coordinator_required
def overview():
    month = _month_arg()
    return render_template(
        "satisfaction/overview.html",
        month=month,
        previous=shift_month(month, -1),
        following=shift_month(month, 1),
        averages=queries.month_averages(month),
        trend=queries.trend(month),
        people=queries.per_narasumber(month),
        comments=queries.recent_comments(month),
        min_ratings=queries.MIN_RATINGS,
        min_raters=queries.MIN_RATERS,
    )
