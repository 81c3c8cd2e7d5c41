"""Import and export views of the registry (CSV and XLSX)."""

from __future__ import annotations

import os
import secrets
from pathlib import Path

from flask import (
    Response,
    abort,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_babel import gettext as _
from flask_login import current_user

from juragan import clock, inventory
from juragan.access import per_user, requires
from juragan.blueprints.auth.forms import EmptyForm
from juragan.blueprints.returnees import bp
from juragan.blueprints.returnees.forms import (
    ConfirmImportForm,
    ImportForm,
    ReturneeFilterForm,
)
from juragan.blueprints.returnees.views import search_from
from juragan.errors import DomainError
from juragan.extensions import db, limiter
from juragan.forms import attach_error
from juragan.models import utcnow
from juragan.policy import Action
from juragan.reports.registry import search_statement
from juragan.services import registry_files
from juragan.spreadsheets import MIMETYPES

SHOWN_ROWS = 200


def _upload_dir() -> Path:
    """Uploads wait here between the dry run and the import; older ones go.

    Their age is measured on :mod:`juragan.clock` both ways (:func:`_keep` stamps
    each file with the clock's moment), never against the file system's own time.
    """
    kind = inventory.FILE_KINDS["import_upload"]
    folder = inventory.folder_of("import_upload", current_app.config["UPLOAD_FOLDER"])
    folder.mkdir(parents=True, exist_ok=True)
    cutoff = clock.now().timestamp() - (kind.max_age_seconds or 0)
    for old in folder.iterdir():
        if old.stat().st_mtime < cutoff:
            old.unlink(missing_ok=True)
    return folder


def _keep(path: Path, content: bytes | str) -> None:
    """Write an upload's file, stamped with the clock's moment."""
    if isinstance(content, bytes):
        path.write_bytes(content)
    else:
        path.write_text(content)
    moment = clock.now().timestamp()
    os.utime(path, (moment, moment))


def _kind() -> str:
    kind = request.args.get("format", "csv")
    if kind not in MIMETYPES:
        abort(404)
    return kind


def _download(content: bytes, name: str, kind: str) -> Response:
    return Response(
        content,
        mimetype=MIMETYPES[kind],
        headers={"Content-Disposition": f'attachment; filename="{name}.{kind}"'},
    )


@bp.route("/import/template")
@requires(Action.IMPORT_RETURNEES)
def import_template():
    kind = _kind()
    return _download(registry_files.template_file(kind), "juragan-template", kind)


def _plan(content: bytes, filename: str):
    frame = registry_files.read_table(filename, content)
    return registry_files.plan_import(db.session, current_user, frame, clock.today())


@bp.route("/import", methods=["GET", "POST"])
@requires(Action.IMPORT_RETURNEES)
def import_returnees():
    form = ImportForm()
    plan = token = None
    if form.validate_on_submit():
        if not form.consent_on_paper.data:
            form.consent_on_paper.errors = [
                *form.consent_on_paper.errors,
                _("Only people who have given written consent may be imported."),
            ]
        else:
            upload = form.file.data
            content = upload.read()
            try:
                plan = _plan(content, upload.filename or "")
            except DomainError as error:
                attach_error(form, error)
            else:
                if plan.can_apply:
                    token = secrets.token_hex(16)
                    folder = _upload_dir()
                    _keep(folder / f"{token}.upload", content)
                    _keep(folder / f"{token}.name", upload.filename or "")
    return render_template(
        "returnees/import.html",
        form=form,
        plan=plan,
        confirm=ConfirmImportForm(token=token) if token else None,
        shown_rows=SHOWN_ROWS,
    )


@bp.route("/import/confirm", methods=["POST"])
@requires(Action.IMPORT_RETURNEES)
def confirm_import():
    form = ConfirmImportForm()
    if not form.validate_on_submit():
        abort(400)
    folder = _upload_dir()
    path = folder / f"{form.token.data}.upload"
    if not path.exists():
        flash(_("That upload has expired. Please upload the file again."), "warning")
        return redirect(url_for("returnees.import_returnees"))
    filename = (folder / f"{form.token.data}.name").read_text()
    try:
        # Checked again: the registry may have changed since the dry run.
        plan = _plan(path.read_bytes(), filename)
        counts = registry_files.apply_import(
            db.session, current_user, plan, utcnow(), filename
        )
    except DomainError as error:
        db.session.rollback()
        flash(str(error.message), "danger")
        return redirect(url_for("returnees.import_returnees"))
    db.session.commit()
    path.unlink(missing_ok=True)
    (folder / f"{form.token.data}.name").unlink(missing_ok=True)
    flash(
        _(
            "Imported: %(created)d new, %(updated)d changed, %(placements)d placements.",
            **counts,
        ),
        "success",
    )
    return redirect(url_for("returnees.list_returnees"))


@bp.route("/export", methods=["GET", "POST"])
@requires(Action.EXPORT_RETURNEES)
@limiter.limit(lambda: current_app.config["NIK_EXPORT_LIMIT_PER_USER"],
               key_func=per_user("export"), methods=["POST"])  # fmt: skip
def export_returnees():
    """The list as a file. Whole NIKs only on a POST (a button, never a link a
    browser may fetch ahead), for the people the user may reveal them for, each
    reveal in the person's processing log."""
    kind = _kind()
    with_nik = request.method == "POST"
    if with_nik and not EmptyForm().validate_on_submit():
        abort(400)
    form = ReturneeFilterForm(request.args)
    stmt = search_statement(current_user, search_from(form))
    export = registry_files.export_frame(db.session, current_user, stmt, with_nik,
                                         sheets=kind == "xlsx")  # fmt: skip
    db.session.commit()  # the processing log of everyone exported
    stamp = utcnow().strftime("%Y%m%d")
    return _download(
        registry_files.export_file(export, kind), f"purna-pmi-{stamp}", kind
    )
