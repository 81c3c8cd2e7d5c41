"""Every message is translated in both catalogues, with the same placeholders."""

import re
from pathlib import Path

import pytest
from babel.messages.pofile import read_po

ROOT = Path(__file__).resolve().parents[1] / "juragan" / "translations"
PLACEHOLDER = re.compile(r"%\(\w+\)[sd]")


def catalogue(locale):
    with open(ROOT / locale / "LC_MESSAGES" / "messages.po", "rb") as f:
        return read_po(f, locale=locale)


def template_ids():
    with open(ROOT / "messages.pot", "rb") as f:
        # A plural message is known by its singular form.
        return {m.id if isinstance(m.id, str) else m.id[0] for m in read_po(f) if m.id}


@pytest.mark.parametrize("locale", ["id", "en"])
def test_every_message_is_translated(locale):
    messages = {
        m.id if isinstance(m.id, str) else m.id[0]: m for m in catalogue(locale) if m.id
    }
    assert template_ids() <= set(messages), "run `make extract-messages`"
    for message_id, message in messages.items():
        # Plural messages have a tuple of ids and one string per plural form.
        singular = message_id if isinstance(message_id, str) else message_id[0]
        strings = (
            [message.string] if isinstance(message.string, str) else message.string
        )
        assert all(strings), f"{locale}: untranslated {message_id!r}"
        assert "fuzzy" not in message.flags, f"{locale}: fuzzy {message_id!r}"
        for string in strings:
            assert sorted(PLACEHOLDER.findall(singular)) == sorted(
                PLACEHOLDER.findall(string)
            ), f"{locale}: placeholders differ in {message_id!r}"


def test_source_strings_are_all_extracted():
    """A string added to code without `make extract-messages` fails here."""
    from babel.messages.extract import extract_from_dir

    root = Path(__file__).resolve().parents[1]
    method_map = [("juragan/**.py", "python"), ("juragan/templates/**.html", "jinja2")]
    found = {
        message if isinstance(message, str) else message[0]
        for _, _, message, _, _ in extract_from_dir(
            str(root),
            method_map,
            keywords={
                "_": None,
                "_l": None,
                "lazy_gettext": None,
                "gettext": None,
                "ngettext": (1, 2),
            },
        )
        if message
    }
    assert found <= template_ids(), sorted(found - template_ids())


@pytest.mark.parametrize("locale", ["id", "en"])
def test_catalogues_compile_cleanly(locale):
    """The checks `pybabel compile` runs: a format mismatch would stop `make`."""
    problems = [
        (message.id, [str(error) for error in errors])
        for message, errors in catalogue(locale).check()
    ]
    assert problems == []
