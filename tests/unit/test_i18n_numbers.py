"""Numbers written as the reader's language writes them."""

from juragan.i18n import file_size


def test_file_sizes_use_the_readers_decimal_mark():
    assert file_size(52_200, "id") == "52,2 kB"
    assert file_size(52_200, "en") == "52.2 kB"
    assert file_size(4_815_814, "id") == "4,8 MB"
    assert file_size(999, "id") == "999 B"
    assert file_size(1_000, "en") == "1.0 kB"
    assert file_size(None) == "–"
