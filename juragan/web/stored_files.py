"""Sending a kept upload (a KTP, a consent scan, a visit photo) to its reader."""

from __future__ import annotations

import io
from pathlib import Path
from typing import Any

from flask import Response, send_file


def send_stored(path: Path, **options: Any) -> Response:
    """``send_file`` of a kept upload, read into memory first.

    Uploads are bounded (a few MB at most), and a file handle given to the server
    stays open when the reader drops the connection mid-download, until the
    garbage collector finds it; bytes leave nothing open. Never cached."""
    response = send_file(io.BytesIO(path.read_bytes()), **options)
    response.headers["Cache-Control"] = "private, no-store"
    return response
