"""Routes of the invites: a session's .ics download, the personal feeds, and their tokens.

/undangan/<id>.ics   the invite, for whoever may see the session (others: 404)
/kalender/<token>.ics a feed, no login: the secret token is the credential
/kalender/saya       a narasumber issues (or renews) or revokes their own feed URL
/admin/kalender      the administrator manages the feeds of rooms and narasumber
"""

from flask import Response, abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user

from app.auth.models import Role
from app.core.access import admin_required, can_see, request_reader_required, roles_required
from app.core.urls import public_url_for
from app.extensions import db
from app.invites import bp, feeds, services
from app.invites.models import FeedKind
from app.requests.models import ConsultationRequest

narasumber_required = roles_required(Role.NARASUMBER)


@bp.app_context_processor
def _invite_helpers():
    return {
        "invite_available": services.available,
        "feed_token": feeds.active_token,
        "feed_links": feed_links,
    }


def feed_links(row) -> dict:
    """The feed's https URL and the webcal:// one that calendar apps open directly."""
    url = public_url_for("invites.feed", token=row.token)
    return {"url": url, "webcal": "webcal://" + url.split("://", 1)[1]}


@bp.route("/undangan/<int:request_id>.ics")
@request_reader_required
def download(request_id: int):
    req = db.session.get(ConsultationRequest, request_id)
    if req is None or not can_see(current_user, req) or not services.available(req):
        abort(404)
    invite = services.invite(req)
    return Response(
        invite.content,
        headers={
            "Content-Type": invite.content_type,
            "Content-Disposition": f'attachment; filename="{invite.filename}"',
            "Cache-Control": "private, no-store",
        },
    )


@bp.route("/kalender/<token>.ics")
def feed(token: str):
    row = feeds.by_token(token)
    if row is None:
        abort(404)
    return Response(
        feeds.feed(row),
        headers={
            "Content-Type": "text/calendar; charset=utf-8",
            "Cache-Control": "private, max-age=300",
            "X-Robots-Tag": "noindex",
        },
    )


@bp.route("/kalender/saya", methods=["POST"])
@narasumber_required
def issue_own():
    profile = feeds.own_profile(current_user)
    renewed = feeds.active_token(FeedKind.NARASUMBER, profile.id) is not None
    feeds.issue(current_user, FeedKind.NARASUMBER, profile.id)
    db.session.commit()
    if renewed:
        flash(_("Alamat kalender baru dibuat. Alamat lama tidak berlaku lagi."), "success")
    else:
        flash(_("Alamat kalender pribadi Anda dibuat."), "success")
    return redirect(url_for("narasumber.sessions") + "#kalender")


@bp.route("/kalender/saya/cabut", methods=["POST"])
@narasumber_required
def revoke_own():
    profile = feeds.own_profile(current_user)
    if feeds.revoke(current_user, FeedKind.NARASUMBER, profile.id):
        db.session.commit()
        flash(_("Alamat kalender dicabut dan tidak berlaku lagi."), "success")
    return redirect(url_for("narasumber.sessions") + "#kalender")


@bp.route("/admin/kalender")
@admin_required
def admin_feeds():
    rooms, people = feeds.owners()
    return render_template(
        "invites/admin_feeds.html", rooms=rooms, people=people, tokens=feeds.active_tokens()
    )


def _kind(kind: str) -> FeedKind:
    try:
        return FeedKind(kind)
    except ValueError:
        abort(404)


@bp.route("/admin/kalender/<kind>/<int:owner_id>", methods=["POST"])
@admin_required
def admin_issue(kind: str, owner_id: int):
    kind = _kind(kind)
    feeds.issue(current_user, kind, owner_id)
    db.session.commit()
    owner = feeds.owner_of(kind, owner_id)
    flash(_("Alamat kalender %(name)s dibuat.", name=feeds.owner_name(kind, owner)), "success")
    return redirect(url_for("invites.admin_feeds") + f"#{kind.value}-{owner_id}")


@bp.route("/admin/kalender/<kind>/<int:owner_id>/cabut", methods=["POST"])
@admin_required
def admin_revoke(kind: str, owner_id: int):
    kind = _kind(kind)
    if feeds.revoke(current_user, kind, owner_id):
        db.session.commit()
        owner = feeds.owner_of(kind, owner_id)
        flash(_("Alamat kalender %(name)s dicabut.", name=feeds.owner_name(kind, owner)), "success")
    return redirect(url_for("invites.admin_feeds") + f"#{kind.value}-{owner_id}")
