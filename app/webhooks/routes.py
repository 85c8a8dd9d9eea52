"""/admin/webhook: administrators register endpoints, see each delivery with the answers it
got, send a delivery again and switch an endpoint off (routes of app.webhooks.bp)."""

from flask import abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import func, select
from sqlalchemy.orm import selectinload

from app.auth.mfa_flow import fresh_auth_required
from app.core import audit
from app.core.access import admin_required
from app.core.clock import now_utc
from app.core.forms import BaseForm
from app.extensions import db
from app.webhooks import bp, signing
from app.webhooks.events import CATALOGUE
from app.webhooks.forms import EndpointForm
from app.webhooks.models import DeliveryState, WebhookDelivery, WebhookEndpoint
from app.webhooks.sender import send_again

DELIVERIES_SHOWN = 50


@bp.route("", methods=["GET", "POST"])
@admin_required
@fresh_auth_required
def index():
    form = EndpointForm()
    if form.validate_on_submit():
        endpoint = WebhookEndpoint(
            url=form.url.data,
            description=form.description.data,
            secret=signing.new_secret(),
            events=list(form.events.data),
            active=True,
            created_at=now_utc(),
            created_by_id=current_user.id,
        )
        db.session.add(endpoint)
        db.session.flush()
        audit.record(
            "webhook.create",
            endpoint,
            actor=current_user,
            after={"url": endpoint.url, "events": endpoint.events},
        )
        db.session.commit()
        flash(_("Endpoint terdaftar. Simpan kunci rahasianya di sistem penerima."), "success")
        return redirect(url_for("webhooks.detail", endpoint_id=endpoint.id))
    endpoints = db.session.scalars(select(WebhookEndpoint).order_by(WebhookEndpoint.id)).all()
    counts = dict(
        db.session.execute(
            select(WebhookDelivery.endpoint_id, func.count())
            .where(WebhookDelivery.state == DeliveryState.FAILED)
            .group_by(WebhookDelivery.endpoint_id)
        ).all()
    )
    return render_template("webhooks/index.html", form=form, endpoints=endpoints, failed=counts)


def _endpoint(endpoint_id: int) -> WebhookEndpoint:
    endpoint = db.session.get(WebhookEndpoint, endpoint_id)
    if endpoint is None:
        abort(404)
    return endpoint


@bp.route("/<int:endpoint_id>")
@admin_required
@fresh_auth_required
def detail(endpoint_id: int):
    endpoint = _endpoint(endpoint_id)
    deliveries = db.session.scalars(
        select(WebhookDelivery)
        .where(WebhookDelivery.endpoint_id == endpoint.id)
        .options(selectinload(WebhookDelivery.tries))
        .order_by(WebhookDelivery.id.desc())
        .limit(DELIVERIES_SHOWN)
    ).all()
    return render_template(
        "webhooks/detail.html",
        endpoint=endpoint,
        deliveries=deliveries,
        catalogue=CATALOGUE,
        action_form=BaseForm(),
    )


@bp.route("/<int:endpoint_id>/status", methods=["POST"])
@admin_required
@fresh_auth_required
def toggle(endpoint_id: int):
    endpoint = _endpoint(endpoint_id)
    if BaseForm().validate_on_submit():
        endpoint.active = not endpoint.active
        audit.record("webhook.set_active", endpoint, actor=current_user, after={"active": endpoint.active})
        db.session.commit()
        flash(
            _("Endpoint diaktifkan kembali.")
            if endpoint.active
            else _("Endpoint dinonaktifkan; tidak ada yang dikirim kepadanya."),
            "success",
        )
    return redirect(url_for("webhooks.detail", endpoint_id=endpoint.id))


@bp.route("/pengiriman/<int:delivery_id>/kirim-ulang", methods=["POST"])
@admin_required
@fresh_auth_required
def resend(delivery_id: int):
    delivery = db.session.get(WebhookDelivery, delivery_id)
    if delivery is None:
        abort(404)
    if BaseForm().validate_on_submit():
        send_again(delivery)
        audit.record(
            "webhook.resend", delivery, actor=current_user, after={"message_id": delivery.message_id}
        )
        db.session.commit()
        flash(_("Pengiriman dijadwalkan ulang dan dikirim dalam satu menit."), "success")
    return redirect(url_for("webhooks.detail", endpoint_id=delivery.endpoint_id))
