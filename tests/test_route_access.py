"""Every route of the application, for every role: who gets in, who gets 403, who gets 404.

ACCESS maps each endpoint of app.url_map (but `static`) to its access rule; RULES says, for
each rule, what each role gets. A new route without an entry in ACCESS fails
test_every_endpoint_has_an_access_rule, and so does an entry whose route is gone: an access
rule is decided when a route is written, not found out by a pen tester.

The rows (tests/factories.py, made once for the whole walk, time frozen on Tuesday 8 December
2026, 09:10 WIB) are one face-to-face session of Brebes today, assigned to one narasumber, with
its letter, booking code and confirmation; a walk-in of today with a breach and its evidence
file; an email with an attachment; a narasumber's leave, a room, a topic, a report recipient,
two pending registrations and a room's calendar feed. Each route is asked with GET, or with
POST (empty form, CSRF off as in the testing config) when it has no GET.

Outcomes: "ok" is 200, a redirect elsewhere than the login page (a flash and a redirect is
how a refused form answers), or 400/422 (the empty form itself was refused, after the access
checks); "login" is a redirect to /masuk; 403 a route the role may never use; 404 a record the
role may not see (its existence is not revealed).
"""

import re
from datetime import timedelta

from flask import url_for
from sqlalchemy import select

from app.api import tokens as api_tokens
from app.api.models import TokenKind
from app.auth.models import Role
from app.checkin.models import Visit
from app.compliance import evidence
from app.compliance.evidence import CheckedEvidence
from app.compliance.models import Breach, RecordedBy
from app.core.mail import queue_email
from app.extensions import db
from app.invites import feeds
from app.reports.models import ReportRecipient
from app.scheduling.models import NarasumberAssignment, Unavailability
from app.webhooks import events as webhook_events
from app.webhooks import signing
from app.webhooks.models import WebhookEndpoint
from tests import factories
from tests.checkin import helpers as desk
from tests.conftest import AuthActions
from tests.people import frozen_at
from tests.scheduling.factories import narasumber

frozen = frozen_at(desk.NOW)

OK, LOGIN = "ok", "login"
ROLES = (
    "anonymous",
    "pemda_other",
    "narasumber_other",
    "receptionist",
    "narasumber_assigned",
    "pemda",
    "coordinator",
    "admin",
)
STAFF = ("coordinator", "admin", "narasumber_assigned", "narasumber_other", "receptionist")


def _rule(default, **outcomes) -> dict[str, object]:
    return {role: outcomes.get(role, default) for role in ROLES}


def _only(*roles, others=403, anonymous=LOGIN, **exceptions) -> dict[str, object]:
    """OK for `roles`, `others` for the rest, but the roles named in `exceptions`."""
    return _rule(others, anonymous=anonymous, **exceptions, **dict.fromkeys(roles, OK))


RULES: dict[str, dict[str, object]] = {
    # Anyone, logged in or not.
    "public": _rule(OK),
    # A calendar feed: the secret token in the URL is the credential.
    "feed_token": _rule(OK),
    # Any logged-in user.
    "login": _rule(OK, anonymous=LOGIN),
    # Logging out ends on the login page, whoever asks; so do the login's code pages when no
    # password was just checked.
    "to_login": _rule(LOGIN),
    # Any Pemda operator (its own records only, on the page itself).
    "pemda": _only("pemda", "pemda_other"),
    # A record of one Pemda: only that Pemda.
    "pemda_own": _only("pemda", pemda_other=404),
    # A request's own pages: its Pemda, coordinators, administrators and the narasumber
    # assigned to it; not another Pemda nor another narasumber (404); not the front desk (403).
    "request_reader": _only(
        "pemda", "coordinator", "admin", "narasumber_assigned", pemda_other=404, narasumber_other=404
    ),
    # A breach's evidence file: the Pemda it is recorded against, coordinators, administrators.
    "evidence": _only("pemda", "coordinator", "admin", pemda_other=404),
    # Any narasumber (their own things).
    "narasumber": _only("narasumber_assigned", "narasumber_other"),
    # One narasumber's assignment.
    "narasumber_own": _only("narasumber_assigned", narasumber_other=404),
    "coordinator": _only("coordinator", "admin"),
    # An import preview: the uploaded file belongs to one browser session (404 in any other).
    "coordinator_upload": _only(coordinator=404, admin=404),
    "admin": _only("admin"),
    # The front desk pages: receptionists, coordinators, administrators.
    "desk": _only("receptionist", "coordinator", "admin"),
    # A session or visit at the desk: the front desk only those of its day (this one is today;
    # see tests/test_request_visibility.py for the other days).
    "desk_today": _only("receptionist", "coordinator", "admin"),
    # Not to any browser: only the addresses in METRICS_ALLOW (the clients here are 10.0.0.x).
    "metrics_allowlist": _rule(404),
    # A probe, no login: this test's database is not stamped with the migrations' head and
    # has no scheduler heartbeat, so it answers 503 to everyone (tests/ops/test_probes.py).
    "probe_not_ready": _rule(503),
    # The JSON API: a bearer token only; a browser's session cookie does not count, so every
    # role answers 401 here (tests/api/test_access.py asks with tokens).
    "api_token": _rule(401),
    # A personal API token: revoked by its owner only (404 to anyone else).
    "token_owner": _rule(404, anonymous=LOGIN, pemda=OK),
}

ACCESS: dict[str, str] = {
    # Public pages and the login journey.
    "main.index": "login",  # the login page, or the home page of the role
    "main.staff_home": "login",
    "main.set_language": "public",
    "ops.healthz": "public",
    "ops.readyz": "probe_not_ready",
    "ops.prometheus": "metrics_allowlist",
    "bootstrap.static": "public",
    "verification.verify": "public",
    "auth.login": "public",
    "auth.register": "public",
    "auth.registered": "public",
    "auth.forgot_password": "public",
    "auth.reset_password": "public",
    "auth.verify_email": "public",
    "auth.resend_verification": "public",
    "invites.feed": "feed_token",
    # Any account.
    "auth.account": "login",
    "auth.logout": "to_login",
    # The login's code pages: the login page when no password was just checked; home for
    # someone logged in already (a second tab, the back button).
    "auth.mfa_code": "login",
    "auth.mfa_enrol": "login",
    "auth.mfa_enable": "login",
    "auth.recovery_codes": "login",
    "auth.reauth": "login",
    "auth.end_other_sessions": "login",
    # Only a Pemda may turn its second factor off (staff must keep theirs).
    "auth.mfa_disable": "pemda",
    # The Pemda.
    "requests.dashboard": "pemda",
    "requests.new": "pemda",
    "compliance.mine": "pemda",
    "requests.edit": "pemda_own",
    "requests.withdraw": "pemda_own",
    "attendance.confirm": "pemda_own",
    "satisfaction.rate": "pemda_own",
    # A request's own pages.
    "requests.detail": "request_reader",
    "requests.letter": "request_reader",
    "attendance.letter": "request_reader",
    "invites.download": "request_reader",
    "compliance.evidence_file": "evidence",
    # The narasumber.
    "narasumber.sessions": "narasumber",
    "invites.issue_own": "narasumber",
    "invites.revoke_own": "narasumber",
    "narasumber.detail": "narasumber_own",
    "narasumber.accept": "narasumber_own",
    "narasumber.decline": "narasumber_own",
    # The front desk.
    "checkin.today": "desk",
    "checkin.walk_in": "desk",
    "checkin.visit": "desk_today",
    "checkin.record": "desk_today",
    "checkin.check_out": "desk_today",
    "checkin.breach_note": "desk_today",
    "checkin.visitor_log": "desk_today",
    # The coordinator (and the administrator).
    "scheduling.queue": "coordinator",
    "scheduling.calendar": "coordinator",
    "scheduling.detail": "coordinator",
    "scheduling.approve": "coordinator",
    "scheduling.reschedule": "coordinator",
    "scheduling.cancel": "coordinator",
    "scheduling.reject": "coordinator",
    "scheduling.request_changes": "coordinator",
    "scheduling.convert": "coordinator",
    "scheduling.replace": "coordinator",
    "checkin.record_no_show": "coordinator",
    "compliance.ledger_page": "coordinator",
    "compliance.record": "coordinator",
    "compliance.void": "coordinator",
    "compliance.restore": "coordinator",
    "satisfaction.overview": "coordinator",
    "reports.monthly": "coordinator",
    "reports.export_csv": "coordinator",
    "reports.export_xlsx": "coordinator",
    "reports.print_view": "coordinator",
    "history.upload": "coordinator",
    "history.preview": "coordinator_upload",
    "admin.registrations": "coordinator",
    "admin.activate": "coordinator",
    "admin.reject_registration": "coordinator",
    "admin.narasumber_list": "coordinator",
    "admin.narasumber_edit": "coordinator",
    # The administrator.
    "admin.policy": "admin",
    "admin.policy_new": "admin",
    "admin.users": "admin",
    "admin.audit_log": "admin",
    "admin.mfa_reset": "admin",
    "admin.user_new": "admin",
    "admin.user_edit": "admin",
    "admin.rooms": "admin",
    "admin.room_new": "admin",
    "admin.room_edit": "admin",
    "admin.room_toggle": "admin",
    "admin.topics": "admin",
    "admin.topic_new": "admin",
    "admin.topic_edit": "admin",
    "admin.topic_toggle": "admin",
    "admin.unavailability_add": "admin",
    "admin.unavailability_remove": "admin",
    "reports.recipients": "admin",
    "reports.recipient_status": "admin",
    "outbox.index": "admin",
    "outbox.detail": "admin",
    "outbox.resend": "admin",
    "outbox.attachment": "admin",
    "invites.admin_feeds": "admin",
    "invites.admin_issue": "admin",
    "invites.admin_revoke": "admin",
    # The JSON API (app/api), its document and reference page, and the token pages.
    "api-docs.openapi_json": "public",
    "api_docs.reference": "public",
    "api_verification.verify": "public",
    "api_requests.list_requests": "api_token",
    "api_requests.get_request": "api_token",
    "api_sessions.list_sessions": "api_token",
    "api_breaches.list_breaches": "api_token",
    "api_reports.monthly": "api_token",
    "api_requests.create_request": "api_token",
    "api_requests.withdraw": "api_token",
    "api_requests.rate": "api_token",
    "api_requests.decide": "api_token",
    "api_requests.confirm_attendance": "api_token",
    "api_requests.slot_suggestions": "api_token",
    "api_narasumber.availability": "api_token",
    "api_breaches.record": "api_token",
    "api_breaches.void": "api_token",
    "webhooks.index": "admin",
    "webhooks.detail": "admin",
    "webhooks.toggle": "admin",
    "webhooks.resend": "admin",
    "api_tokens.personal": "login",
    "api_tokens.revoke_personal": "token_owner",
    "api_tokens.integrations": "admin",
    "api_tokens.revoke_integration": "admin",
}


def _endpoints(app) -> set[str]:
    return {rule.endpoint for rule in app.url_map.iter_rules() if rule.endpoint != "static"}


def test_every_endpoint_has_an_access_rule(app):
    endpoints = _endpoints(app)
    missing = sorted(endpoints - ACCESS.keys())
    gone = sorted(ACCESS.keys() - endpoints)
    assert not missing, f"routes without an access rule in tests/test_route_access.py: {missing}"
    assert not gone, f"access rules of routes that no longer exist: {gone}"
    assert set(ACCESS.values()) <= RULES.keys()


def _world() -> tuple[dict, dict]:
    """(users by role, URL arguments by name and by endpoint)."""
    owner = factories.pemda_user(factories.BREBES, name="Operator Brebes")
    users = {
        "pemda": owner,
        "pemda_other": factories.pemda_user(factories.BALIKPAPAN, name="Operator Balikpapan"),
        "coordinator": factories.user(Role.COORDINATOR, name="Sri Koordinator"),
        "admin": factories.user(Role.ADMIN, name="Adi Admin"),
        "receptionist": factories.user(Role.RECEPTIONIST, name="Rina Resepsionis"),
    }
    ani, budi = narasumber("Ani Rahmawati"), narasumber("Budi Santoso")
    users["narasumber_assigned"], users["narasumber_other"] = ani.user, budi.user
    req = desk.session(owner, narasumber=ani)  # today 09:00-10:00 WIB, confirmed, with a letter
    req.room = room = factories.room("Ruang Rapat Dahlia")
    assignment = db.session.scalars(
        select(NarasumberAssignment).where(NarasumberAssignment.request_id == req.id)
    ).one()
    visit = Visit(
        region_id=owner.region_id,
        unit_type=owner.unit_type,
        walk_in=True,
        arrived_at=desk.NOW - timedelta(minutes=5),
        checked_in_by_id=users["receptionist"].id,
    )
    db.session.add(visit)
    db.session.flush()
    breach = Breach(
        type_code="walk_in",
        region_id=owner.region_id,
        unit_type=owner.unit_type,
        visit_id=visit.id,
        recorded_by_kind=RecordedBy.RECEPTIONIST,
        recorded_at=desk.NOW,
        evidence={},
    )
    breach.evidence_file = evidence.store(CheckedEvidence(b"%PDF-1.4\n", "application/pdf", "bukti.pdf"))
    breach.evidence_filename, breach.evidence_content_type, breach.evidence_size = (
        "bukti.pdf",
        "application/pdf",
        9,
    )
    db.session.add(breach)
    leave = Unavailability(
        narasumber_id=budi.id, start=desk.NOW + timedelta(days=7), end=desk.NOW + timedelta(days=8)
    )
    db.session.add(leave)
    recipient = ReportRecipient(email="laporan@djpk.go.id", name="Pimpinan", active=True, created_at=desk.NOW)
    db.session.add(recipient)
    message = queue_email(
        owner.email,
        "auth/reset_password",
        user=owner,
        link="http://localhost/atur/abc",
        attachments=[("undangan.ics", "text/calendar", "BEGIN:VCALENDAR\r\nEND:VCALENDAR\r\n")],
    )
    # A registration to activate and one to reject for each role (a coordinator's answer
    # changes what the administrator would find).
    pending = {
        (role, n): factories.pemda_user(factories.JAYAPURA, active=False) for role in ROLES for n in (0, 1)
    }
    # The feed asked for belongs to another room than the one whose feed is issued and revoked.
    token = feeds.issue(users["admin"], "room", factories.room("Ruang Rapat Melati").id, now=desk.NOW)
    personal, _secret = api_tokens.create_token(owner, name="Skrip", scopes=["requests:read"], days=30)
    integration, _secret = api_tokens.create_token(
        users["coordinator"],
        name="CRM",
        scopes=["requests:read"],
        days=30,
        kind=TokenKind.INTEGRATION,
        created_by=users["admin"],
    )
    endpoint = WebhookEndpoint(
        url="https://crm.djpk.go.id/webhook",
        description="CRM",
        secret=signing.new_secret(),
        events=["report.ready"],
        active=True,
        created_at=desk.NOW,
    )
    db.session.add(endpoint)
    db.session.flush()
    [delivery] = webhook_events.emit("report.ready", {"month": "2026-11"}, desk.NOW)
    db.session.commit()
    args = {
        "request_id": req.id,
        "assignment_id": assignment.id,
        "visit_id": visit.id,
        "breach_id": breach.id,
        "message_id": message.id,
        "index": 0,
        "profile_id": budi.id,
        "period_id": leave.id,
        "user_id": users["pemda_other"].id,
        "room_id": room.id,
        "topic_id": factories.topic().id,
        "recipient_id": recipient.id,
        "kind": "room",
        "owner_id": room.id,
        "token": token.token,
        "month": "2026-11",
        "sha256": "0" * 64,
        "lang": "id",
        "filename": "css/bootstrap.min.css",
        "token_id": personal.id,
        "endpoint_id": endpoint.id,
        "delivery_id": delivery.id,
        "code": "ABCD-2345",
    }
    per_endpoint = {
        "admin.activate": {"user_id": {role: pending[role, 0].id for role in ROLES}},
        "admin.reject_registration": {"user_id": {role: pending[role, 1].id for role in ROLES}},
        # Resetting a second factor ends that user's sessions: not one of the roles'.
        "admin.mfa_reset": {"user_id": pending["admin", 0].id},
        "api_tokens.revoke_integration": {"token_id": integration.id},
        # Reset and verification links with a made-up token: the page says it is not valid.
        "auth.reset_password": {"token": "bukan-token"},
        "auth.verify_email": {"token": "bukan-token"},
    }
    return users, {"args": args, "per_endpoint": per_endpoint}


def _url(app, rule, world, role) -> str:
    values = {**world["args"], **world["per_endpoint"].get(rule.endpoint, {})}
    values = {name: value[role] if isinstance(value, dict) else value for name, value in values.items()}
    with app.test_request_context():
        return url_for(rule.endpoint, **{name: values[name] for name in rule.arguments})


def _outcome(response) -> object:
    if response.status_code == 302:
        target = response.headers["Location"]
        return LOGIN if re.match(r"^(https?://[^/]+)?/masuk(\?|$)", target) else OK
    if response.status_code in (200, 400, 422):
        return OK
    return response.status_code


def _clients(app, users) -> dict:
    """A browser per role, each logged in once through the login form (and its code step)."""
    clients = {}
    for n, role in enumerate(ROLES):
        client = app.test_client()
        client.environ_base["REMOTE_ADDR"] = f"10.0.0.{n + 1}"  # per-address login limits
        if role != "anonymous":
            AuthActions(client).login(users[role])
            assert client.get("/akun").status_code == 200, f"{role} is not logged in"
        clients[role] = client
    return clients


def test_every_route_answers_each_role_as_its_rule_says(app, frozen):
    users, world = _world()
    clients = _clients(app, users)
    # Logging out last: it ends the session the other routes are asked with.
    rules = sorted(
        (r for r in app.url_map.iter_rules() if r.endpoint in ACCESS),
        key=lambda r: (r.endpoint == "auth.logout", r.endpoint, r.rule),
    )
    wrong = []
    for rule in rules:
        method = "get" if "GET" in rule.methods else "post"
        expected = RULES[ACCESS[rule.endpoint]]
        for role in ROLES:
            url = _url(app, rule, world, role)
            response = getattr(clients[role], method)(url)
            got = _outcome(response)
            response.close()  # a file sent as a stream
            if got != expected[role]:
                wrong.append(
                    f"{method.upper()} {url} ({rule.endpoint}) as {role}: {got}, expected {expected[role]}"
                )
    assert not wrong, "\n".join(wrong)
