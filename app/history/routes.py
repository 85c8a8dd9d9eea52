"""The coordinator's import page: upload, preview (the dry run) with decisions, then import."""

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy.exc import IntegrityError

from app.core.access import coordinator_required
from app.extensions import db
from app.history import bp, services, uploads
from app.history.forms import KEEP, DecisionForm, UploadForm, read_decisions, split_names
from app.requests.labels import mode_label


@bp.route("/koordinator/impor", methods=["GET", "POST"])
@coordinator_required
def upload():
    form = UploadForm()
    if form.validate_on_submit():
        try:
            content, filename = uploads.check(request.files.get(form.file.name))
        except uploads.UploadRejected as rejected:
            form.file.errors.append(str(rejected))
        else:
            sha256 = uploads.store(content, filename)
            return redirect(url_for("history.preview", sha256=sha256))
    return render_template("history/upload.html", form=form)


@bp.route("/koordinator/impor/<sha256>", methods=["GET", "POST"])
@coordinator_required
def preview(sha256: str):
    stored = uploads.load(sha256)
    if stored is None:
        abort(404)
    rows = uploads.rows_of(stored.content)  # checked at upload; its hash is checked again on load
    names = services.plan(rows).unresolved  # every name that needs a decision, in file order
    form = DecisionForm()
    decisions = read_decisions(request.form if form.is_submitted() else {}, names)
    # Why the choices were refused or nothing was imported: shown above the form as its
    # error summary (which takes the focus), not as a passing message.
    refusal = None
    try:
        plan = services.plan(rows, decisions.aliases, decisions.keep)
    except services.AliasRejected as rejected:
        refusal = str(rejected)
        decisions = read_decisions({}, names)
        plan = services.plan(rows)
    importing = form.validate_on_submit() and form.step.data == "import"
    if form.is_submitted() and form.errors:  # CSRF: the page had expired
        refusal = " ".join(e for errors in form.errors.values() for e in errors)
    if importing and form.previewed.data != decisions.digest:
        refusal = _("Pilihan berubah: periksa pratinjau di bawah, lalu klik Impor lagi.")
    elif importing and plan.ok:
        try:
            batch = services.apply(plan, filename=stored.filename, sha256=sha256, actor=current_user)
            db.session.commit()
        except IntegrityError:
            db.session.rollback()
            flash(_("Tidak ada yang diimpor: sesi yang sama baru saja diimpor oleh proses lain."), "error")
            return redirect(url_for("history.preview", sha256=sha256))
        uploads.discard(sha256)
        if batch is None:
            flash(_("Tidak ada sesi baru: semua baris sudah ada."), "info")
        else:
            flash(
                _(
                    "Impor selesai: %(added)s sesi ditambahkan, %(present)s sudah ada.",
                    added=len(plan.to_add),
                    present=len(plan.present),
                ),
                "success",
            )
        return redirect(url_for("history.upload"))
    elif importing:
        refusal = _("Belum dapat diimpor: selesaikan semua masalah di bawah.")
    return render_template(
        "history/preview.html",
        refusal=refusal,
        stored=stored,
        plan=plan,
        names=names,
        split=split_names(names, decisions),
        decisions=decisions,
        form=form,
        keep=KEEP,
        mode_label=mode_label,
    )
