"""KBLI 2025: the shipped table, the search, the 2020 → 2025 mapping, the line
suggestions and the database's hold on the code.

Expected values come from the KBLI 2025 book of BPS (Perba BPS 7/2025), as shipped
in juragan/data/kbli2025 and quoted where used; counts from the book's structure
(22 categories, 87 golongan pokok, 257 golongan, 519 subgolongan, 1,559 kelompok).
"""

import hashlib
from datetime import date
from importlib import resources

import pytest
from sqlalchemy import func, select, text
from sqlalchemy.exc import IntegrityError

from juragan.db import plan_reading
from juragan.domain import kbli
from juragan.errors import FieldErrors
from juragan.models import BusinessPlan, KbliCode
from juragan.models.business_codes import BUSINESS_LINE_SUBCLASSES, BUSINESS_LINES
from juragan.services import plans


def codes(query, limit=kbli.DEFAULT_RESULTS):
    return [e.code for e in kbli.search(query, limit)]


def test_the_shipped_files_are_the_published_ones():
    # SHA-256 of the upstream files as published (juragan/data/LICENSE-kbli-2025.md):
    # the licence forbids changing them.
    expected = {
        "01_kategori.json": "795e03b5d02c3b574cf2f5ce987b0f7f3ae245f3c64f7e6f996423215639121c",
        "05_kelompok.json": "30f59058afe7a3347982d5b611226c3f088c9bca39e53c59ee7bbd31fce07cc0",
    }
    folder = resources.files("juragan.data").joinpath("kbli2025")
    for name, digest in expected.items():
        data = folder.joinpath(name).read_bytes()
        assert hashlib.sha256(data).hexdigest() == digest


def test_levels_count_as_the_book_says():
    # KBLI 2025's structure: 22 kategori, 87 golongan pokok, 257 golongan,
    # 519 subgolongan, 1,559 kelompok.
    levels = [e.level for e in kbli.entries().values()]
    assert [levels.count(level) for level in kbli.LEVELS] == [22, 87, 257, 519, 1559]
    assert tuple(c for c in kbli.entries() if c.isalpha()) == kbli.CATEGORIES


def test_categories_and_hierarchy():
    # Book: category V "AKTIVITAS BADAN INTERNASIONAL DAN BADAN EKSTRA
    # INTERNASIONAL LAINNYA"; J and K are the two halves of KBLI 2020's J.
    titles = kbli.category_titles()
    assert titles["V"] == (
        "AKTIVITAS BADAN INTERNASIONAL DAN BADAN EKSTRA INTERNASIONAL LAINNYA"
    )
    assert titles["K"].startswith("AKTIVITAS TELEKOMUNIKASI, PEMROGRAMAN KOMPUTER")
    entry = kbli.get("56101")
    assert entry.title == "AKTIVITAS PENYEDIAAN MAKANAN DI BANGUNAN TETAP"
    assert "rumah makan" in entry.description
    # 56101 → 5610 → 561 → 56 → I, each parent the code less its last digit.
    chain = []
    while entry:
        chain.append(entry.code)
        entry = kbli.get(entry.parent_code)
    assert chain == ["56101", "5610", "561", "56", "I"]
    # Divisions 61-63 sit in K, 58-60 in J; there is no division 45 any more.
    assert {kbli.get(c).parent_code for c in ("58", "59", "60")} == {"J"}
    assert {kbli.get(c).parent_code for c in ("61", "62", "63")} == {"K"}
    assert kbli.get("45") is None
    assert kbli.category_of("95320") == "T"  # motorcycle repair, in T now


def test_subclass_lookup_refuses_other_levels():
    assert kbli.subclass("56101").code == "56101"
    assert kbli.subclass("5610") is None  # a class, not a subclass
    assert kbli.subclass("56103") is None  # KBLI 2020's kedai makanan, gone in 2025
    assert kbli.subclass(None) is None


def test_warung_makan_finds_the_food_stall_subclass_first():
    # The book has no "warung makan"; 56102 "AKTIVITAS PENYEDIAAN MAKANAN DI
    # BANGUNAN TIDAK TETAP" names "warung tenda" beside "penjual makanan": both
    # words, side by side-ish, and "warung" is rare. 47112 (a warung selling daily
    # needs, "bahan makanan") matches both words too, further apart.
    found = codes("warung makan")
    assert found[:2] == ["56102", "47112"]


def test_rumah_makan_finds_restaurants_by_the_phrase():
    # 56101's description lists "- rumah makan;" word for word.
    assert codes("rumah makan")[0] == "56101"
    assert codes("RUMAH   makan!!")[0] == "56101"  # case and punctuation do not matter


def test_ternak_ayam_finds_chicken_farming():
    # "ayam" (8 subclasses) is rarer than "ternak" (in "peternakan", "pakan
    # ternak"...): the five first are 0146x chicken subclasses.
    found = codes("ternak ayam", 5)
    assert found == ["01461", "01462", "01463", "01464", "01468"]
    assert kbli.get("01464").title == "BUDI DAYA AYAM LOKAL DAN PERSILANGANNYA"


def test_jahit_ranks_whole_words_before_affixed_ones():
    # "JAHIT" is a whole word in 13113 "PEMINTALAN BENANG JAHIT"; tailoring,
    # 14120 "INDUSTRI PENJAHITAN ...", has it only with affixes (pen-…-an).
    found = codes("jahit")
    assert found.index("13113") < found.index("14120")
    assert "14120" in found


def test_digits_list_subclasses_by_code():
    # Division 56 has 11 subclasses in the book: 56101, 56102, 56210, 56290,
    # 56301-56306, 56400 ... the first three:
    assert codes("56", 3) == ["56101", "56102", "56210"]
    assert codes("56303") == ["56303"]


def test_search_is_bounded():
    assert kbli.search("") == []
    assert kbli.search("   a  ") == []  # single letters are not searched
    assert len(kbli.search("industri", limit=1000)) == kbli.MAX_RESULTS
    # Only the first 80 characters are read, and at most six words.
    long = "x" * 200 + " ayam"
    assert kbli.query_terms(long) == ["x" * 80]
    assert len(kbli.query_terms("a1 b2 c3 d4 e5 f6 g7 h8")) == kbli.MAX_TERMS


def test_2020_sections_map_to_2025_categories():
    # docs/kbli.md, "From KBLI 2020": finance K→L, real estate L→M, ... U→V; old J
    # to K; G stays G except a services line (vehicle repair, now division 95, T).
    assert kbli.section_from_2020("K") == "L"
    assert kbli.section_from_2020("S", "services") == "T"
    assert kbli.section_from_2020("J") == "K"
    assert kbli.section_from_2020("G", "warung") == "G"
    assert kbli.section_from_2020("G", "services") == "T"
    assert kbli.section_from_2020("U") == "V"
    assert kbli.section_from_2020("V") is None  # not a 2020 section
    assert set(kbli.SECTION_2020_TO_2025) == set(kbli.SECTIONS_2020)
    # Every 2025 category is reached except J (publishing: closest is K, above).
    reached = set(kbli.SECTION_2020_TO_2025.values()) | {"T"}
    assert set(kbli.CATEGORIES) - reached == {"J"}


def test_every_line_suggests_a_real_subclass_with_its_title():
    for line, suggestion in BUSINESS_LINE_SUBCLASSES.items():
        if suggestion is None:
            assert line == "other"
            continue
        code, title = suggestion
        entry = kbli.subclass(code)
        assert entry is not None, line
        assert entry.title == title, line
        assert entry.category == BUSINESS_LINES[line], line
    assert set(BUSINESS_LINE_SUBCLASSES) == set(BUSINESS_LINES)
    # culinary → restoran/rumah makan, warung → retail, tailoring → penjahitan.
    assert BUSINESS_LINE_SUBCLASSES["culinary"][0] == "56101"
    assert BUSINESS_LINE_SUBCLASSES["warung"][0][:2] == "47"
    assert BUSINESS_LINE_SUBCLASSES["tailoring"][0] == "14120"


def test_the_table_holds_every_level(db):
    assert db.session.scalar(select(func.count()).select_from(KbliCode)) == 2444
    row = db.session.get(KbliCode, "49296")
    assert (row.title, row.level, row.parent_code, row.category) == (
        "ANGKUTAN OJEK MOTOR",
        "subclass",
        "4929",
        "H",
    )


def test_saving_a_code_sets_the_category(db, cast):
    plan = plans.create_plan(
        db.session, cast.returnee_user, cast.returnee, "Jahit Bu Ani", "tailoring"
    )
    assert plan.kbli_section == "C"
    assert plan.kbli_code is None
    values = plan_reading.content_of(plan)["text"] | {"kbli_code": "47112"}
    plans.save_section(db.session, plan, "business", values, date(2026, 11, 1))
    assert (plan.kbli_code, plan.kbli_section) == ("47112", "G")  # retail
    with pytest.raises(FieldErrors) as excinfo:
        plans.save_section(
            db.session,
            plan,
            "business",
            values | {"kbli_code": "56103"},
            date(2026, 11, 1),
        )
    assert "kbli_code" in dict(excinfo.value.errors)


def test_the_database_refuses_a_code_outside_its_category(db, cast, make_plan):
    plan = make_plan(cast.returnee, cast.returnee_user)
    db.session.flush()
    with pytest.raises(IntegrityError), db.session.begin_nested():
        db.session.execute(
            text(
                "UPDATE business_plans SET kbli_code = '56101',"
                " kbli_section = 'G' WHERE id = :id"
            ),
            {"id": plan.id},
        )
    with pytest.raises(IntegrityError), db.session.begin_nested():
        db.session.execute(
            text(
                "UPDATE business_plans SET kbli_code = '5610',"
                " kbli_section = 'I' WHERE id = :id"
            ),
            {"id": plan.id},
        )
    db.session.execute(
        text(
            "UPDATE business_plans SET kbli_code = '56101', kbli_section = 'I'"
            " WHERE id = :id"
        ),
        {"id": plan.id},
    )
    stored = db.session.execute(
        select(BusinessPlan.kbli_code, BusinessPlan.kbli_section).where(
            BusinessPlan.id == plan.id
        )
    ).one()
    assert tuple(stored) == ("56101", "I")
