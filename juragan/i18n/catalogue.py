"""Catalogue maintenance: ``python -m juragan.i18n.catalogue fill-english PO_FILE``.

The source strings are English, so the English catalogue's translation of each
message is the message itself; filling it keeps "every string in both catalogues"
checkable.
"""

from __future__ import annotations

import sys

from babel.messages.pofile import read_po, write_po


def fill_english(path: str) -> int:
    with open(path, "rb") as f:
        catalog = read_po(f, locale="en")
    filled = 0
    for message in catalog:
        if not message.id:
            continue
        if message.pluralizable:
            if not all(message.string):
                message.string = tuple(message.id)
                filled += 1
        elif not message.string:
            message.string = message.id
            filled += 1
        message.flags.discard("fuzzy")
    with open(path, "wb") as f:
        write_po(f, catalog, omit_header=False, sort_output=True, no_location=True)
    return filled


def main(argv: list[str]) -> int:
    if len(argv) != 3 or argv[1] != "fill-english":
        print(__doc__, file=sys.stderr)
        return 2
    print(f"{fill_english(argv[2])} English messages filled.")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv))
