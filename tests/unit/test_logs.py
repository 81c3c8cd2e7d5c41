import logging
import sys

from juragan.logs import RedactDatabaseDetails, redact

UNIQUE_VIOLATION = (
    "(psycopg.errors.UniqueViolation) duplicate key value violates unique "
    'constraint "uq_returnees_nik_hash"\nDETAIL:  Key (nik_hash)=(5962ab) already '
    "exists.\n[SQL: INSERT INTO returnees ...]"
)


def test_the_databases_detail_line_is_blanked():
    assert redact(UNIQUE_VIOLATION) == (
        "(psycopg.errors.UniqueViolation) duplicate key value violates unique "
        'constraint "uq_returnees_nik_hash"\nDETAIL: [hidden: it may hold personal '
        "values]\n[SQL: INSERT INTO returnees ...]"
    )
    assert redact("no detail here") == "no detail here"


def test_a_log_record_is_redacted_in_its_message_and_traceback():
    try:
        raise ValueError(UNIQUE_VIOLATION)
    except ValueError:
        record = logging.LogRecord(
            "juragan",
            logging.ERROR,
            __file__,
            1,
            "failed: %s",
            (UNIQUE_VIOLATION,),
            sys.exc_info(),
        )
    assert RedactDatabaseDetails().filter(record)
    text = logging.Formatter().format(record)
    assert "5962ab" not in text
    assert text.count("duplicate key value") == 2  # the message and the traceback
    assert "Traceback" in text
