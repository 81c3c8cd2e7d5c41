"""Every stored field has the interface's name, and values read as words."""

import pytest
from flask_babel import force_locale

from juragan.db.audit import Audited
from juragan.i18n.field_labels import field_label, known, readable_value
from juragan.models.base import Base
from juragan.reports.own_data import CHILD_HEADINGS, CHILD_TABLES, SECTION_TABLES


def _named_tables() -> set[str]:
    """Tables whose fields a person reads: every audited one (the audit log) and
    every one in the own-data download."""
    audited = {
        m.class_.__tablename__
        for m in Base.registry.mappers
        if issubclass(m.class_, Audited)
    }
    return audited | set(SECTION_TABLES.values()) | set(CHILD_TABLES.values())


def test_every_field_a_person_reads_has_a_name(app):
    by_table = {m.class_.__tablename__: m for m in Base.registry.mappers}
    unnamed = [
        f"{table}.{attr.key}"
        for table in sorted(_named_tables())
        for attr in by_table[table].column_attrs
        if not known(table, attr.key)
    ]
    assert unnamed == []
    assert set(CHILD_HEADINGS) == {key for _table, key in CHILD_TABLES}
    # Every section of the download is read from a known table (or is the
    # mentor's name or the record history).
    from juragan.i18n.labels import PERSONAL_DATA_SECTIONS

    special = {"mentor", "record_history"}
    assert set(PERSONAL_DATA_SECTIONS) - special == set(SECTION_TABLES)


def test_names_are_the_readers(app):
    with app.test_request_context(), force_locale("id"):
        assert field_label("returnees", "regency_code") == "Kabupaten/kota"
        assert field_label("loan_applications", "status") == "Status permohonan"
        assert field_label("business_plans", "status") == "Status rencana"
    with app.test_request_context(), force_locale("en"):
        assert field_label("returnees", "regency_code") == "Regency or city"


@pytest.mark.parametrize(
    ("table", "column", "value", "shown"),
    [
        ("returnees", "sex", "F", "Perempuan"),
        ("returnees", "education", "smp", "SMP"),
        ("placements", "salary_idr", 8600000, "Rp8.600.000"),
        ("placements", "savings_idr", "25000000", "Rp25.000.000"),
        ("placements", "is_independent", False, "tidak"),
        ("returnees", "birth_date", "1988-02-29", "29 Februari 1988"),
        ("returnees", "district", None, "–"),
        ("loan_applications", "status", "repaying", "Mengangsur"),
        ("visits", "topics", ["marketing", "bookkeeping"], None),
    ],
)
def test_values_read_as_words(app, table, column, value, shown):
    with app.test_request_context(), force_locale("id"):
        text = readable_value(table, column, value)
    if shown is None:
        assert "," in text
        assert "marketing" not in text
    else:
        assert text == shown


def test_regions_and_countries_by_name(app):
    names = {("regency", "35.07"): "Kab. Malang", ("country", "HK"): "Hong Kong"}
    with app.test_request_context(), force_locale("id"):
        assert (
            readable_value(
                "returnees",
                "regency_code",
                "35.07",
                lambda kind, code: names.get((kind, code)),
            )
            == "Kab. Malang"
        )
        assert (
            readable_value(
                "placements",
                "country_code",
                "HK",
                lambda kind, code: names.get((kind, code)),
            )
            == "Hong Kong"
        )


def test_every_kind_of_audit_entry_has_a_name():
    from juragan.i18n.labels import AUDIT_ACTION_LABELS
    from juragan.models.audit import AUDIT_ACTIONS

    assert set(AUDIT_ACTIONS) <= set(AUDIT_ACTION_LABELS)
