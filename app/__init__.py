"""Konsultasi DJPK: the application factory."""

import os

from flask import Flask, render_template, request, session
from flask_login import current_user

from config import config_for


def create_app(config_name: str | None = None, **overrides) -> Flask:
    app = Flask(__name__, template_folder="../templates", static_folder="../static")
    from app.core import converters

    converters.init_app(app)  # before any route is added
    app.config.from_object(config_for(config_name))
    app.config.update(overrides)
    if app.config.get("REFUSE_UNSAFE_START"):
        from app.core.startup import check_production

        check_production(app.config)  # raises ConfigError naming every problem
    if app.config["SQLALCHEMY_DATABASE_URI"].startswith("sqlite:///"):
        os.makedirs(os.path.dirname(app.config["SQLALCHEMY_DATABASE_URI"][10:]) or ".", exist_ok=True)
    register_security(app)
    register_extensions(app)
    register_blueprints(app)
    from app.core import static_files

    static_files.init_app(app)  # after the blueprints: Bootstrap's static files too
    register_request_hooks(app)
    from app.ops import metrics

    metrics.init_app(app)
    register_errorhandlers(app)
    register_template_helpers(app)
    register_commands(app)
    configure_logging(app)
    return app


def register_security(app: Flask) -> None:
    """Before the extensions: the Host check must be the first before_request hook."""
    from app.core import headers, hosts

    hosts.init_app(app)
    headers.init_app(app)


def select_locale() -> str:
    languages = ("id", "en")
    from app.api.paths import is_api_request

    if is_api_request():  # a program says which language it wants in every call
        return request.accept_languages.best_match(languages) or "id"
    chosen = session.get("lang")
    if chosen in languages:
        return chosen
    from app.core.unavailable import database_unavailable

    if database_unavailable():  # the user is not looked up while the database is away
        return "id"
    if current_user and getattr(current_user, "is_authenticated", False) and current_user.locale in languages:
        return current_user.locale
    return "id"


def register_extensions(app: Flask) -> None:
    from app.core import db_setup
    from app.extensions import babel, bootstrap, csrf, db, limiter, login, mail, migrate

    db_setup.engine_options(app)
    db.init_app(app)
    migrate.init_app(app, db, directory=os.path.join(os.path.dirname(__file__), "..", "migrations"))
    csrf.init_app(app)
    mail.init_app(app)
    babel.init_app(app, locale_selector=select_locale, default_timezone="Asia/Jakarta")
    bootstrap.init_app(app)
    limiter.init_app(app)
    login.init_app(app)
    login.login_view = "auth.login"
    login.session_protection = "strong"
    from app.auth.sessions import session_identifier

    # Flask-Login's own identifier trusts a raw X-Forwarded-For header; this one does not.
    login._session_identifier_generator = session_identifier
    db_setup.init_app(app)
    _import_models()


def _import_models() -> None:
    # Every model is imported once so that metadata (and Alembic) see the whole schema.
    from app.api import models as _api  # noqa: F401
    from app.attendance import models as _attendance  # noqa: F401
    from app.auth import models as _auth  # noqa: F401
    from app.catalog import models as _catalog  # noqa: F401
    from app.checkin import models as _checkin  # noqa: F401
    from app.compliance import models as _compliance  # noqa: F401
    from app.core import audit as _audit  # noqa: F401
    from app.history import models as _history  # noqa: F401
    from app.invites import models as _invites  # noqa: F401
    from app.outbox import models as _outbox  # noqa: F401
    from app.policy import models as _policy  # noqa: F401
    from app.regions import models as _regions  # noqa: F401
    from app.reports import models as _reports  # noqa: F401
    from app.reports import snapshots as _snapshots  # noqa: F401  (raises the report data version)
    from app.requests import models as _requests  # noqa: F401
    from app.satisfaction import models as _satisfaction  # noqa: F401
    from app.scheduler import models as _scheduler  # noqa: F401
    from app.scheduling import models as _scheduling  # noqa: F401
    from app.verification import models as _verification  # noqa: F401
    from app.webhooks import models as _webhooks  # noqa: F401


def register_blueprints(app: Flask) -> None:
    from app.admin import bp as admin_bp
    from app.attendance import bp as attendance_bp
    from app.auth import bp as auth_bp
    from app.checkin import bp as checkin_bp
    from app.compliance import bp as compliance_bp
    from app.history import bp as history_bp
    from app.invites import bp as invites_bp
    from app.main import bp as main_bp
    from app.narasumber import bp as narasumber_bp
    from app.ops import bp as ops_bp
    from app.outbox.routes import bp as outbox_bp
    from app.reports import bp as reports_bp
    from app.requests import bp as requests_bp
    from app.satisfaction import bp as satisfaction_bp
    from app.scheduling import bp as scheduling_bp
    from app.verification import bp as verification_bp

    app.register_blueprint(main_bp)
    app.register_blueprint(auth_bp)
    app.register_blueprint(requests_bp)
    app.register_blueprint(admin_bp)
    app.register_blueprint(scheduling_bp)
    app.register_blueprint(narasumber_bp)
    app.register_blueprint(outbox_bp)
    app.register_blueprint(invites_bp)
    app.register_blueprint(attendance_bp)
    app.register_blueprint(checkin_bp)
    app.register_blueprint(compliance_bp)
    app.register_blueprint(verification_bp)
    app.register_blueprint(satisfaction_bp)
    app.register_blueprint(history_bp)
    app.register_blueprint(reports_bp)
    app.register_blueprint(ops_bp)
    from app import api

    api.init_app(app)


def register_request_hooks(app: Flask) -> None:
    from flask import g
    from flask_babel import refresh

    @app.before_request
    def forget_earlier_request() -> None:
        # Flask-Login caches the user in g, Flask-WTF the CSRF token, Flask-Babel the locale.
        # An app context can outlive one request (the test suite keeps one open and each
        # request reuses it), so drop what an earlier request left there: a login, logout or
        # language switch must be seen by the very next request.
        g.pop("_login_user", None)
        g.pop(app.config.get("WTF_CSRF_FIELD_NAME", "csrf_token"), None)
        refresh()

    # Ahead of the blueprints' hooks (registered earlier), right after the Host check: the
    # user is loaded once per request, by the first hook that asks.
    hooks = app.before_request_funcs[None]
    hooks.remove(forget_earlier_request)
    from app.core.hosts import refuse_unknown_host

    hooks.insert(
        hooks.index(refuse_unknown_host) + 1 if refuse_unknown_host in hooks else 0, forget_earlier_request
    )
    from app.api.auth import authenticate

    # Then the API's token check, before any hook could load a user from a cookie.
    hooks.insert(hooks.index(forget_earlier_request) + 1, authenticate)

    @app.before_request
    def refuse_nul_bytes() -> None:
        # PostgreSQL refuses NUL in text (a DataError, so a 500): such input is a bad request.
        from flask import abort

        for values in (request.args, request.form):
            if any("\x00" in key or "\x00" in value for key, value in values.items(multi=True)):
                abort(400)


def register_errorhandlers(app: Flask) -> None:
    from flask_babel import gettext as _

    messages = {
        400: _l("Permintaan tidak valid."),
        403: _l("Anda tidak berhak membuka halaman ini."),
        404: _l("Halaman tidak ditemukan."),
        413: _l("Berkas terlalu besar. Ukuran maksimum 5 MB."),
        429: _l("Terlalu banyak percobaan. Silakan tunggu beberapa menit lalu coba lagi."),
        500: _l("Terjadi kesalahan pada sistem. Silakan coba lagi."),
    }

    from app.core import unavailable

    unavailable.init_app(app)

    def render_error(error):
        code = getattr(error, "code", 500) or 500
        from app.api.paths import is_api_request

        if is_api_request():
            from app.api import problems

            if code == 500:
                from app.extensions import db

                db.session.rollback()
                original = getattr(error, "original_exception", None)
                if unavailable.cause_of(original) is not None:
                    return unavailable.render_unavailable(original, unavailable.cause_of(original))
            return problems.from_exception(error)
        original = getattr(error, "original_exception", None)
        cause = unavailable.cause_of(original) if code == 500 else None
        if cause is not None:  # raised outside a view (a hook): the same 503 page
            return unavailable.render_unavailable(original, cause)
        if code == 500:
            from app.extensions import db

            db.session.rollback()
        if code == 403:
            from app.core.security_events import record_forbidden

            record_forbidden()
        return render_template(
            "errors/error.html", code=code, message=messages.get(code, _("Terjadi kesalahan."))
        ), code

    for code in messages:
        app.register_error_handler(code, render_error)


def _l(text: str):
    from flask_babel import lazy_gettext

    return lazy_gettext(text)


def register_template_helpers(app: Flask) -> None:
    from app.core import templating

    templating.init_app(app)

    @app.context_processor
    def inject_globals():
        return {"current_locale": select_locale() if request else "id"}


def register_commands(app: Flask) -> None:
    from app.core.commands import register

    register(app)


def configure_logging(app: Flask) -> None:
    from app.core import logs

    logs.configure(app)
