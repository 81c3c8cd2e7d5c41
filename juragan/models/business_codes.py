"""The business lines' KBLI suggestions and the limits of a plan's projection.

The code lists of plans and businesses are enums in ``juragan.domain.codes``.
"""

from __future__ import annotations

#: The common lines of returnee businesses, each with the KBLI 2025 subclass a plan
#: of that line is offered first, and that code's title in KBLI 2025 (Perba BPS
#: 7/2025; ``tests/unit/test_kbli.py`` checks both against the shipped table).
#: "other" has no suggestion. See docs/kbli.md, "Business lines".
BUSINESS_LINE_SUBCLASSES: dict[str, tuple[str, str] | None] = {
    # Restaurants, rumah makan, canteens: food served in a permanent building.
    "culinary": ("56101", "AKTIVITAS PENYEDIAAN MAKANAN DI BANGUNAN TETAP"),
    # A warung selling daily needs, mainly food, not self-service.
    "warung": (
        "47112",
        "PERDAGANGAN ECERAN BERBAGAI MACAM BARANG YANG UTAMANYA MAKANAN, MINUMAN,"
        " ATAU TEMBAKAU SELAIN DENGAN SISTEM SWALAYAN",
    ),
    "farming": ("01131", "PERTANIAN SAYURAN DAUN"),
    "livestock": ("01464", "BUDI DAYA AYAM LOKAL DAN PERSILANGANNYA"),
    "fisheries": (
        "03221",
        "PEMBUDIDAYAAN IKAN BERSIRIP (SELAIN IKAN HIAS) DAN BIOTA AIR TAWAR"
        " LAINNYA YANG TIDAK DILINDUNGI",
    ),
    "handicraft": ("32903", "INDUSTRI KERAJINAN YTDL"),
    "tailoring": (
        "14120",
        "INDUSTRI PENJAHITAN DAN PEMBUATAN (BUKAN KONFEKSI) PAKAIAN SESUAI"
        " PESANAN/KUSTOMISASI",
    ),
    "transport": ("49296", "ANGKUTAN OJEK MOTOR"),
    "services": ("96900", "AKTIVITAS JASA PERORANGAN LAINNYA YTDL"),
    "other": None,
}
#: The KBLI 2025 category each line starts in: its suggested subclass's category
#: (the first two digits place it, docs/kbli.md); "other" starts in T.
#: Keyed by ``juragan.domain.codes.BusinessLine`` (``tests/unit/test_codes.py``).
BUSINESS_LINES = {
    "culinary": "I",
    "warung": "G",
    "farming": "A",
    "livestock": "A",
    "fisheries": "A",
    "handicraft": "C",
    "tailoring": "C",
    "transport": "H",
    "services": "T",
    "other": "T",
}
MIN_PROJECTION_MONTHS = 12
MAX_PROJECTION_MONTHS = 36
