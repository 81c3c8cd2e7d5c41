"""KBLI 2025, the Indonesian standard classification of business fields: the shipped
table, a search by Indonesian words, and the step from a KBLI 2020 section.

The classification is Peraturan BPS Nomor 7 Tahun 2025 (replacing Peraturan BPS
Nomor 2 Tahun 2020); the files are ``juragan/data/kbli2025/*.json`` (source and
licence in ``juragan/data/LICENSE-kbli-2025.md``). What this module does with them,
and where each rule comes from, is written in ``docs/kbli.md``.
"""

from __future__ import annotations

import json
import math
import re
from dataclasses import dataclass
from functools import cache
from importlib import resources

from juragan.domain.codes import KbliSection

EDITION = "2025"
#: The 22 categories of KBLI 2025 (Perba BPS 7/2025): A to V.
CATEGORIES = KbliSection.values()
#: The 21 sections of KBLI 2020 (Perba BPS 2/2020): A to U.
SECTIONS_2020 = tuple("ABCDEFGHIJKLMNOPQRSTU")
#: The five levels, by the length of the code: a letter, then 2 to 5 digits
#: (kategori, golongan pokok, golongan, subgolongan, kelompok).
LEVELS = ("category", "division", "group", "class", "subclass")
SUBCLASS_LENGTH = 5

#: The shipped files, from the top level down, and the key naming each row's parent.
_FILES = (
    ("01_kategori.json", None),
    ("02_golongan_pokok.json", "kategori_code"),
    ("03_golongan.json", "golongan_pokok_code"),
    ("04_subgolongan.json", "golongan_code"),
    ("05_kelompok.json", "subgolongan_code"),
)

#: KBLI 2020 section → KBLI 2025 category, for rows that know only the section.
#: Derived division by division (docs/kbli.md, "From KBLI 2020"): a 2020 section
#: whose divisions all sit in one 2025 category maps there; G and J are split.
SECTION_2020_TO_2025 = {
    "A": "A",
    "B": "B",
    "C": "C",
    "D": "D",
    "E": "E",
    "F": "F",
    # Division 45 leaves G: its trade goes to 46/47 (still G), the repair of cars
    # and motorcycles to 95 (T). Most of G stays in G.
    "G": "G",
    "H": "H",
    "I": "I",
    # J splits: 58-60 stay in J, 61-63 (telecommunications, programming,
    # computing and information services) form the new K. A returnee's business
    # in old J is far more often a phone-credit counter, an internet kiosk or
    # computer work (K) than publishing or broadcasting (J).
    "J": "K",
    "K": "L",
    "L": "M",
    "M": "N",
    "N": "O",
    "O": "P",
    "P": "Q",
    "Q": "R",
    "R": "S",
    "S": "T",
    "T": "U",
    "U": "V",
}
#: Where the business line says more than the section: old G for a services
#: business is the repair of vehicles, which KBLI 2025 puts in T (division 95).
LINE_OVERRIDES_2020 = {("G", "services"): "T"}
#: Back from a 2025 category to the 2020 section that most of it came from (for
#: undoing the migration; J and K both go back to J).
CATEGORY_2025_TO_2020 = {
    "A": "A",
    "B": "B",
    "C": "C",
    "D": "D",
    "E": "E",
    "F": "F",
    "G": "G",
    "H": "H",
    "I": "I",
    "J": "J",
    "K": "J",
    "L": "K",
    "M": "L",
    "N": "M",
    "O": "N",
    "P": "O",
    "Q": "P",
    "R": "Q",
    "S": "R",
    "T": "S",
    "U": "T",
    "V": "U",
}

#: Search bounds: what is read of a query, how many words, how many answers.
MAX_QUERY_LENGTH = 80
MAX_TERMS = 6
MAX_RESULTS = 25
DEFAULT_RESULTS = 10
#: Shorter words than this match only whole words or word starts, not inside words.
MIN_INFIX = 4


@dataclass(frozen=True)
class KbliEntry:
    code: str
    level: str
    title: str
    description: str | None
    parent_code: str | None
    category: str

    @property
    def is_subclass(self) -> bool:
        return self.level == "subclass"


def _level(code: str) -> str:
    return LEVELS[0] if code.isalpha() else LEVELS[len(code) - 1]


@cache
def entries() -> dict[str, KbliEntry]:
    """Every KBLI 2025 entry by code, categories first, as the files give them."""
    folder = resources.files("juragan.data").joinpath("kbli2025")
    found: dict[str, KbliEntry] = {}
    for name, parent_key in _FILES:
        with folder.joinpath(name).open(encoding="utf-8") as f:
            rows = json.load(f)
        for row in rows:
            code = row["code"].strip()
            parent = row[parent_key].strip() if parent_key else None
            category = code if parent is None else found[parent].category
            found[code] = KbliEntry(
                code=code,
                level=_level(code),
                title=" ".join(row["title"].split()),
                description=" ".join(row["description"].split()) or None,
                parent_code=parent,
                category=category,
            )
    return found


def get(code: str | None) -> KbliEntry | None:
    return entries().get(code or "")


def subclass(code: str | None) -> KbliEntry | None:
    """The 5-digit entry of ``code``, or ``None`` if it is not one."""
    entry = get(code)
    return entry if entry is not None and entry.is_subclass else None


def category_of(code: str | None) -> str | None:
    """The category letter of a code of any level (``"56101"`` → ``"I"``)."""
    entry = get(code)
    return entry.category if entry else None


def category_titles() -> dict[str, str]:
    return {c: entries()[c].title for c in CATEGORIES}


def table_rows() -> list[dict[str, str | None]]:
    """The rows of ``kbli_codes``, parents before children."""
    return [
        {
            "edition": EDITION,
            "code": e.code,
            "level": e.level,
            "title": e.title,
            "description": e.description,
            "parent_code": e.parent_code,
            "category": e.category,
        }
        for e in entries().values()
    ]


def section_from_2020(section: str | None, line: str | None = None) -> str | None:
    """The KBLI 2025 category for a row that knew only its KBLI 2020 section."""
    if section is None or section not in SECTION_2020_TO_2025:
        return None
    if line is None:
        return SECTION_2020_TO_2025[section]
    return LINE_OVERRIDES_2020.get((section, line), SECTION_2020_TO_2025[section])


# Search ---------------------------------------------------------------------------

_WORD = re.compile(r"[0-9a-z]+")


def words(text: str | None) -> list[str]:
    """Lower-case words of ``text``; hyphens, slashes and brackets separate words."""
    return _WORD.findall((text or "").lower())


@dataclass(frozen=True)
class _Indexed:
    entry: KbliEntry
    title: tuple[str, ...]
    description: tuple[str, ...]


@cache
def _index() -> tuple[_Indexed, ...]:
    return tuple(
        _Indexed(e, tuple(words(e.title)), tuple(words(e.description)))
        for e in entries().values()
        if e.is_subclass
    )


#: Weights of how a query word meets a field's word: the whole word, the word with
#: Indonesian affixes around it ("jahit" in "penjahitan", "ternak" in "peternakan",
#: "makan" in "makanan"), the start of a word, or anywhere inside it; a title counts
#: more than a description. Each is multiplied by the word's rarity (below).
_WEIGHTS = {
    ("title", "word"): 8,
    ("description", "word"): 5,
    ("title", "affixed"): 6,
    ("description", "affixed"): 4,
    ("title", "start"): 4,
    ("description", "start"): 3,
    ("title", "inside"): 2,
    ("description", "inside"): 1,
}
#: Indonesian prefixes and suffixes (meN-, peN-, per-, ber-, ter-, di-, ke-, se-;
#: -an, -kan, -i, -nya), longest first.
_PREFIXES = (
    "meng",
    "meny",
    "peng",
    "peny",
    "mem",
    "men",
    "pem",
    "pen",
    "per",
    "ber",
    "ter",
    "me",
    "pe",
    "di",
    "ke",
    "se",
    "",
)
_SUFFIXES = ("kan", "nya", "an", "i", "")
#: Two consecutive query words that stand side by side in a field, in order
#: ("rumah makan"), or close (at most ``_NEAR`` words apart), add to the score.
_NEAR = 3
_SIDE_BY_SIDE_BONUS = 6
_NEAR_BONUS = 3


def _how(term: str, word: str) -> str | None:
    if word == term:
        return "word"
    if len(word) > len(term) and term in word:
        at = word.index(term)
        if word[:at] in _PREFIXES and word[at + len(term) :] in _SUFFIXES:
            return "affixed"
        if at == 0:
            return "start"
        if len(term) >= MIN_INFIX:
            return "inside"
    return None


def _positions(term: str, field: tuple[str, ...]) -> list[int]:
    return [i for i, w in enumerate(field) if _how(term, w)]


def _best(item: _Indexed, term: str) -> int:
    best = 0
    for name in ("title", "description"):
        for word in getattr(item, name):
            how = _how(term, word)
            if how:
                best = max(best, _WEIGHTS[(name, how)])
    return best


def _rarity(terms: list[str]) -> dict[str, float]:
    """How rare each word is among the subclasses (more weight to "warung" than
    to "makan"): log(N / number of subclasses it matches), at least 1."""
    index = _index()
    count = len(index)
    rarity = {}
    for term in terms:
        found = sum(1 for item in index if _best(item, term))
        rarity[term] = max(1.0, math.log(count / found)) if found else 1.0
    return rarity


def _score(
    item: _Indexed, terms: list[str], rarity: dict[str, float]
) -> tuple[int, float]:
    """(how many query words match, score) of one subclass."""
    matched, score = 0, 0.0
    for term in terms:
        best = _best(item, term)
        if best:
            matched += 1
            score += best * rarity[term]
    for first, second in zip(terms, terms[1:], strict=False):
        pair = (rarity[first] + rarity[second]) / 2
        bonus = 0
        for name in ("title", "description"):
            field = getattr(item, name)
            a, b = _positions(first, field), _positions(second, field)
            if any(j - i == 1 for i in a for j in b):
                bonus = max(bonus, _SIDE_BY_SIDE_BONUS)
            elif any(abs(i - j) <= _NEAR for i in a for j in b):
                bonus = max(bonus, _NEAR_BONUS)
        score += bonus * pair
    return matched, round(score, 6)


def query_terms(query: str | None) -> list[str]:
    """The words of a query that are searched: at most ``MAX_TERMS``, each once,
    from the first ``MAX_QUERY_LENGTH`` characters; single letters are dropped."""
    seen: list[str] = []
    for term in words((query or "")[:MAX_QUERY_LENGTH]):
        if (len(term) >= 2 or term.isdigit()) and term not in seen:
            seen.append(term)
    return seen[:MAX_TERMS]


def search(query: str | None, limit: int = DEFAULT_RESULTS) -> list[KbliEntry]:
    """The 5-digit KBLI 2025 subclasses that best answer ``query``.

    A query of digits lists the subclasses whose code starts with them. Words are
    looked for in each subclass's title and description: subclasses matching every
    word come first, then those matching fewer; within that, a whole-word match
    counts most, then the word with Indonesian affixes, the start of a word, and
    inside a word; the title counts more than the description; rarer words count
    more; words side by side or close together add. Ties go in code order. At most ``MAX_RESULTS`` are given.
    """
    limit = max(1, min(limit, MAX_RESULTS))
    terms = query_terms(query)
    if not terms:
        return []
    if len(terms) == 1 and terms[0].isdigit():
        prefix = terms[0][:SUBCLASS_LENGTH]
        return [i.entry for i in _index() if i.entry.code.startswith(prefix)][:limit]
    rarity = _rarity(terms)
    ranked = []
    for item in _index():
        matched, score = _score(item, terms, rarity)
        if matched:
            ranked.append((-matched, -score, item.entry.code, item.entry))
    ranked.sort(key=lambda r: r[:3])
    return [r[3] for r in ranked[:limit]]
