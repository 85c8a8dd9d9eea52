from urllib.parse import urlsplit

from flask import redirect, render_template, request, session, url_for
from flask_login import current_user

from app.auth.models import Role
from app.main import bp

HOME_BY_ROLE = {
    Role.PEMDA: "requests.dashboard",
    Role.COORDINATOR: "scheduling.queue",
    Role.ADMIN: "admin.users",
    Role.NARASUMBER: "narasumber.sessions",
    Role.RECEPTIONIST: "checkin.today",
}


@bp.route("/")
def index():
    if current_user.is_authenticated:
        return redirect(url_for(HOME_BY_ROLE[current_user.role]))
    return redirect(url_for("auth.login"))


@bp.route("/beranda")
def staff_home():
    if not current_user.is_authenticated:
        return redirect(url_for("auth.login"))
    return render_template("main/staff_home.html")


@bp.route("/bahasa/<lang>", methods=["POST"])
def set_language(lang: str):
    if lang in ("id", "en"):
        session["lang"] = lang
    target = request.form.get("next") or url_for("main.index")
    # Only same-site paths: never an open redirect.
    parts = urlsplit(target)
    if parts.scheme or parts.netloc or not target.startswith("/"):
        target = url_for("main.index")
    return redirect(target)
