"""The pages that make and revoke API tokens.

/akun/token-api: anyone signed in makes personal tokens for their own account, after the
second factor: the account must have it on, and the page asks for the password and code
again (fresh_auth_required) unless they were given in the last REAUTH_MINUTES.
/admin/integrasi: administrators make integration tokens that act as a chosen account (the
CRM as a coordinator, say), under the same rule.

A new token is shown once, on the page that answers the form; only its SHA-256 is kept.
"""

from flask import Blueprint, abort, flash, make_response, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required
from sqlalchemy import func, select

from app.admin.forms import ROLE_LABELS
from app.api import scopes as scope_catalogue
from app.api import tokens
from app.api.forms import IntegrationTokenForm, TokenForm
from app.api.models import TokenKind
from app.auth.mfa_flow import fresh_auth_required
from app.auth.models import User
from app.core.access import admin_required
from app.core.clock import now_utc
from app.core.forms import BaseForm
from app.extensions import db

bp = Blueprint("api_tokens", __name__)


def _shown_once(template: str, **context):
    response = make_response(render_template(template, **context))
    response.headers["Cache-Control"] = "no-store"
    return response


def _page(template: str, form, **context):
    return render_template(
        template,
        form=form,
        revoke_form=BaseForm(),
        now=now_utc(),
        scope_label=scope_catalogue.label,
        role_labels=ROLE_LABELS,
        **context,
    )


@bp.route("/akun/token-api", methods=["GET", "POST"])
@login_required
@fresh_auth_required
def personal():
    user = current_user._get_current_object()
    if not user.mfa_enabled:
        return render_template("api/tokens_need_mfa.html")
    form = TokenForm(role=user.role)
    if form.validate_on_submit():
        token, secret = tokens.create_token(
            user, name=form.name.data, scopes=form.scopes.data, days=int(form.days.data)
        )
        db.session.commit()
        return _shown_once("api/token_created.html", token=token, secret=secret, back=url_for(".personal"))
    return _page("api/tokens.html", form, api_tokens=tokens.tokens_of(user))


@bp.route("/akun/token-api/<int:token_id>/cabut", methods=["POST"])
@login_required
@fresh_auth_required
def revoke_personal(token_id: int):
    if not BaseForm().validate_on_submit():
        abort(400)
    token = tokens.revoke(token_id, current_user._get_current_object(), kind=TokenKind.PERSONAL)
    db.session.commit()
    flash(_('Token "%(name)s" telah dicabut dan tidak dapat dipakai lagi.', name=token.name), "success")
    return redirect(url_for(".personal"))


@bp.route("/admin/integrasi", methods=["GET", "POST"])
@admin_required
@fresh_auth_required
def integrations():
    admin = current_user._get_current_object()
    form = IntegrationTokenForm()
    if form.validate_on_submit():
        owner = db.session.scalar(
            select(User).where(func.lower(User.email) == form.owner_email.data.strip().lower())
        )
        if owner is None or not owner.is_active:
            form.owner_email.errors.append(_("Tidak ada akun aktif dengan email ini."))
        else:
            refused = [s for s in form.scopes.data if s not in scope_catalogue.allowed_for(owner.role)]
            if refused:
                form.scopes.errors.append(
                    _(
                        "Akun dengan peran %(role)s tidak boleh memegang cakupan: %(scopes)s.",
                        role=ROLE_LABELS[owner.role],
                        scopes=", ".join(refused),
                    )
                )
            else:
                token, secret = tokens.create_token(
                    owner,
                    name=form.name.data,
                    scopes=form.scopes.data,
                    days=int(form.days.data),
                    kind=TokenKind.INTEGRATION,
                    created_by=admin,
                )
                db.session.commit()
                return _shown_once(
                    "api/token_created.html", token=token, secret=secret, back=url_for(".integrations")
                )
    return _page("api/tokens.html", form, api_tokens=tokens.integration_tokens())


@bp.route("/admin/integrasi/<int:token_id>/cabut", methods=["POST"])
@admin_required
@fresh_auth_required
def revoke_integration(token_id: int):
    if not BaseForm().validate_on_submit():
        abort(400)
    token = tokens.revoke(token_id, current_user._get_current_object(), kind=TokenKind.INTEGRATION)
    db.session.commit()
    flash(_('Token "%(name)s" telah dicabut dan tidak dapat dipakai lagi.', name=token.name), "success")
    return redirect(url_for(".integrations"))
