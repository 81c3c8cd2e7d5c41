"""The documents of an application: an upload is kept under a random name outside
the web root, recognised by its first bytes (the name is not trusted).
"""

from __future__ import annotations

import hashlib
import secrets
from datetime import datetime
from pathlib import Path

from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import Session

from juragan.db import files, inventory
from juragan.domain.codes import DocumentType
from juragan.errors import FieldErrors
from juragan.models import (
    LoanApplication,
    LoanDocument,
    User,
)

MAX_DOCUMENT_BYTES = 5 * 1024 * 1024
#: Accepted files, recognised by their first bytes (the name is not trusted).
SIGNATURES = {
    b"%PDF-": "application/pdf",
    b"\xff\xd8\xff": "image/jpeg",
    b"\x89PNG\r\n\x1a\n": "image/png",
}
EXTENSIONS = {"application/pdf": ".pdf", "image/jpeg": ".jpg", "image/png": ".png"}


def attach_document(
    session: Session,
    actor: User,
    loan: LoanApplication,
    doc_type: str,
    original_name: str,
    content: bytes,
    upload_folder: Path | str,
    now: datetime,
) -> LoanDocument:
    """Keep an uploaded PDF, JPEG or PNG under a random name outside the web root.

    :raises FieldErrors: for an unknown type, an empty or too large file, or a file
        that is not really a PDF, JPEG or PNG.
    """
    if doc_type not in DocumentType.values():
        raise FieldErrors([("doc_type", _l("Choose what the document is."))])
    if not content:
        raise FieldErrors([("file", _l("The file is empty."))])
    if len(content) > MAX_DOCUMENT_BYTES:
        raise FieldErrors([("file", _l("The file is larger than 5 MB."))])
    content_type = next(
        (kind for magic, kind in SIGNATURES.items() if content.startswith(magic)), None
    )
    if content_type is None:
        raise FieldErrors([("file", _l("Upload a PDF, JPEG or PNG file."))])
    stored_name = secrets.token_hex(16) + EXTENSIONS[content_type]
    files.write(
        session, inventory.path_of("loan_document", stored_name, upload_folder), content
    )
    document = LoanDocument(
        doc_type=doc_type,
        original_name=Path(original_name or "document").name[:200],
        stored_name=stored_name,
        content_type=content_type,
        size_bytes=len(content),
        sha256=hashlib.sha256(content).hexdigest(),
        uploaded_by_id=actor.id,
        uploaded_at=now,
    )
    loan.documents.append(document)
    session.flush()
    return document
