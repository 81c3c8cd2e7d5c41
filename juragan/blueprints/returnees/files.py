"""Import and export views of the registry (CSV and XLSX)."""

from __future__ import annotations

import os
import re
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

from juragan import clock
from juragan.blueprints.returnees import bp
from juragan.blueprints.returnees.forms import (
    ConfirmImportForm,
    ImportForm,
    ReturneeFilterForm,
)
from juragan.blueprints.returnees.views import search_from
from juragan.db import inventory
from juragan.errors import DomainError
from juragan.extensions import db, limiter
from juragan.models import utcnow
from juragan.policy import Action
from juragan.reports.registry import search_statement
from juragan.services import registry_files
from juragan.spreadsheets import MIMETYPES
from juragan.web.access import per_user, requires
from juragan.web.forms import EmptyForm, attach_error
from juragan.web.transaction import domain_errors

SHOWN_ROWS = 200
TOKEN = re.compile(r"[0-9a-f]{32}")


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
        try:
            if old.stat().st_mtime < cutoff:
                old.unlink(missing_ok=True)
        except FileNotFoundError:  # another request cleaned it up meanwhile
            continue
    return folder


def _read_kept(kept: Path, name: Path) -> tuple[bytes, str] | None:
    """A kept upload and its file name, or ``None`` when either has gone (expired,
    or cleaned up by another request between the check and the read)."""
    try:
        return kept.read_bytes(), name.read_text()
    except FileNotFoundError:
        return None


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
    return frame, registry_files.plan_import(
        db.session, current_user, frame, clock.today()
    )


def _kept(token: str) -> tuple[Path, Path]:
    """An upload's file and its name, named for the official who uploaded it: a
    token finds nothing for anyone else."""
    folder = _upload_dir()
    stem = f"{current_user.id}-{token}"
    return folder / f"{stem}.upload", folder / f"{stem}.name"


def _confirm_form(plan, token: str, formdata=None) -> ConfirmImportForm:
    form = ConfirmImportForm(formdata=formdata, token=token)
    form.similar_seen.data = plan.similar
    form.overwrites_seen.data = plan.overwrites
    return form


def _render(form, plan, token=None, confirm=None):
    return render_template(
        "returnees/import.html",
        form=form,
        plan=plan,
        token=token,
        confirm=confirm
        or (_confirm_form(plan, token) if token and plan.can_apply else None),
        shown_rows=SHOWN_ROWS,
    )


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
            with domain_errors(form) as refused:
                _frame, plan = _plan(content, upload.filename or "")
            if not refused:
                # Kept for the confirmation, or for the file of rejected rows.
                token = secrets.token_hex(16)
                kept, name = _kept(token)
                _keep(kept, content)
                _keep(name, upload.filename or "")
    return _render(form, plan, token)


@bp.route("/import/confirm", methods=["POST"])
@requires(Action.IMPORT_RETURNEES)
def confirm_import():
    form = ConfirmImportForm()
    if not form.validate_on_submit():
        abort(400)
    kept, name = _kept(form.token.data)
    found = _read_kept(kept, name)
    if found is None:
        flash(_("That upload has expired. Please upload the file again."), "warning")
        return redirect(url_for("returnees.import_returnees"))
    content, filename = found
    confirmed = registry_files.Confirmation(
        similar=(form.similar_seen.data or 0) if form.similar_checked.data else 0,
        overwrites=(form.overwrites_seen.data or 0)
        if form.changes_confirmed.data
        else 0,
    )
    plan = None
    with domain_errors() as refused:
        # Checked again: the registry may have changed since the dry run.
        _frame, plan = _plan(content, filename)
        counts = registry_files.apply_import(
            db.session, current_user, plan, utcnow(), filename, confirmed
        )
    if refused.error is not None:
        if plan is None or not plan.can_apply:
            flash(str(refused.error.message), "danger")
            return redirect(url_for("returnees.import_returnees"))
        # A box not ticked: the result again, the message beside the box.
        again = _confirm_form(plan, form.token.data, request.form)
        again.similar_seen.data, again.overwrites_seen.data = (
            plan.similar,
            plan.overwrites,
        )
        attach_error(again, refused.error)
        return _render(ImportForm(formdata=None), plan, form.token.data, again)
    # Committed before the kept upload is deleted: should the commit fail, the
    # upload is still there to confirm again.
    db.session.commit()
    kept.unlink(missing_ok=True)
    name.unlink(missing_ok=True)
    flash(
        _(
            "Imported: %(created)d new, %(updated)d changed, %(placements)d placements.",
            **counts,
        ),
        "success",
    )
    return redirect(url_for("returnees.list_returnees"))


@bp.route("/import/<token>/rejected")
@requires(Action.IMPORT_RETURNEES)
@limiter.limit(
    lambda: current_app.config["NIK_EXPORT_LIMIT_PER_USER"], key_func=per_user("export")
)
def rejected_rows(token: str):
    """The rejected rows of a dry run, with their reasons, to correct and upload
    again: from the upload kept for its uploader only (404 for anyone else), whole
    NIKs (the official's own values) in no cache, recorded like an export."""
    kind = _kind()
    if not TOKEN.fullmatch(token):
        abort(404)
    found = _read_kept(*_kept(token))
    if found is None:
        abort(404)
    try:
        frame, plan = _plan(*found)
    except DomainError:
        abort(404)
    if not plan.rejected:
        abort(404)
    content = registry_files.rejected_rows_file(frame, plan, kind)
    registry_files.record_rejected_download(db.session, current_user, frame, plan)
    # In the processing log before the whole NIKs go out in the file.
    db.session.commit()
    response = _download(content, "juragan-baris-ditolak", kind)
    response.headers["Cache-Control"] = "private, no-store"
    return response


@bp.route("/export", methods=["GET", "POST"])
@requires(Action.EXPORT_RETURNEES)
@limiter.limit(
    lambda: current_app.config["NIK_EXPORT_LIMIT_PER_USER"],
    key_func=per_user("export"),
    methods=["POST"],
)
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
    export = registry_files.export_frame(
        db.session, current_user, stmt, with_nik, sheets=kind == "xlsx"
    )
    # The processing log of everyone exported, before the file goes out.
    db.session.commit()
    stamp = utcnow().strftime("%Y%m%d")
    return _download(
        registry_files.export_file(export, kind), f"purna-pmi-{stamp}", kind
    )
