"""Logs that keep the values of personal data out.

SQLAlchemy's own reports leave parameters out (``hide_parameters``), but PostgreSQL's
error messages repeat values of their own in a DETAIL line: the whole failing row
("Failing row contains (...)") or the key ("Key (nik_hash)=(...) already exists.").
"""

from __future__ import annotations

import logging
import re

_DETAIL_LINE = re.compile(r"^(\s*DETAIL:).*$", re.MULTILINE)
_HIDDEN = r"\1 [hidden: it may hold personal values]"


def redact(text: str) -> str:
    """The text with the database's DETAIL lines blanked."""
    return _DETAIL_LINE.sub(_HIDDEN, text)


class RedactDatabaseDetails(logging.Filter):
    """A logger filter: the record's message and traceback are redacted before any
    handler (the app's, gunicorn's or a test's) formats them."""

    _formatter = logging.Formatter()

    def filter(self, record: logging.LogRecord) -> bool:
        try:
            message = record.getMessage()
        except (TypeError, ValueError):
            return True  # a malformed call: the handler reports it as logging does
        record.msg, record.args = redact(message), ()
        if record.exc_info and not record.exc_text:
            record.exc_text = redact(self._formatter.formatException(record.exc_info))
        return True


def redact_database_details(*loggers: logging.Logger) -> None:
    for logger in loggers:
        # Once per logger: every app made in a process shares the "juragan" logger.
        if not any(isinstance(f, RedactDatabaseDetails) for f in logger.filters):
            logger.addFilter(RedactDatabaseDetails())
