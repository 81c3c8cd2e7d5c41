"""The printed proposal's document id and check value (docs/proposal.md)."""

from juragan.reports.proposal import (
    check_value,
    content_digest,
    document_id,
    normalise_check,
    parse_document_id,
)

KEY = b"k" * 32
CONTENT = {
    "text": {"business_name": "Warung Sari"},
    "capital": [
        {"kind": "investment", "description": "Gerobak", "amount_idr": 15_000_000}
    ],
}


def test_the_document_id_reads_back_as_typed_from_paper():
    assert document_id(123, 2) == "JRG-000123-02"
    assert parse_document_id(" jrg-000123-02 ") == (123, 2)
    assert parse_document_id("JRG - 000123 - 02") == (123, 2)
    for garbage in ("", None, "JRG-12", "ABC-000123-02", "JRG-000123-02-9", "JRG-x-1"):
        assert parse_document_id(garbage) is None


def test_the_check_value_is_twelve_base32_characters_in_threes_of_four():
    value = check_value(KEY, "JRG-000123-02", 7, content_digest(CONTENT))
    groups = value.split("-")
    assert [len(g) for g in groups] == [4, 4, 4]
    assert set("".join(groups)) <= set("ABCDEFGHIJKLMNOPQRSTUVWXYZ234567")


def test_the_same_version_always_gives_the_same_value_and_any_change_another():
    digest = content_digest(CONTENT)
    same = dict(reversed(list(CONTENT.items())))  # key order does not matter
    assert content_digest(same) == digest
    base = check_value(KEY, "JRG-000123-02", 7, digest)
    assert check_value(KEY, "JRG-000123-02", 7, digest) == base
    changed = {
        **CONTENT,
        "capital": [{**CONTENT["capital"][0], "amount_idr": 15_000_001}],
    }
    assert check_value(KEY, "JRG-000123-02", 7, content_digest(changed)) != base
    assert check_value(KEY, "JRG-000123-03", 7, digest) != base  # another version
    assert check_value(KEY, "JRG-000123-02", 8, digest) != base  # another applicant
    assert check_value(b"x" * 32, "JRG-000123-02", 7, digest) != base  # another key


def test_typed_check_values_forgive_dashes_case_and_look_alike_digits():
    assert normalise_check("abcd-efgh ijko") == "ABCDEFGHIJKO"
    assert normalise_check("0B1I-8") == "OBIIB"
    assert normalise_check(None) == ""
