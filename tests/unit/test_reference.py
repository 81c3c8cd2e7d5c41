from sqlalchemy import func, select

from juragan.domain.regions import countries, country_name, region_rows
from juragan.models import Province, Regency
from juragan.seeding.catalogue import load_regions


def test_kemendagri_2025_counts(db):
    assert db.session.scalar(select(func.count()).select_from(Province)) == 38
    assert db.session.scalar(select(func.count()).select_from(Regency)) == 514
    cities = db.session.scalar(
        select(func.count())
        .select_from(Regency)
        .where(func.substr(Regency.code, 4, 2) >= "71")
    )
    assert (514 - cities, cities) == (416, 98)


def test_new_provinces_have_the_2025_codes(db):
    names = {p.code: p.name for p in db.session.scalars(select(Province))}
    assert names["65"] == "Kalimantan Utara"
    assert names["91"] == "Papua"
    assert names["92"] == "Papua Barat"
    assert names["93"] == "Papua Selatan"
    assert names["94"] == "Papua Tengah"
    assert names["95"] == "Papua Pegunungan"
    assert names["96"] == "Papua Barat Daya"
    assert db.session.get(Regency, "35.07").name == "Kabupaten Malang"
    assert db.session.get(Regency, "35.73").name == "Kota Malang"


def test_every_regency_lies_in_its_province():
    assert all(r["code"][:2] == r["province_code"] for r in region_rows().regencies)


def test_load_regions_is_idempotent_and_applies_renames(db):
    assert load_regions(db.session) == (0, 0)
    db.session.get(Regency, "35.07").name = "Kab. Malang (lama)"
    db.session.flush()
    assert load_regions(db.session) == (0, 1)
    assert db.session.get(Regency, "35.07").name == "Kabupaten Malang"


def test_countries_in_indonesian_and_english():
    indonesian = {c.code: c.name for c in countries("id")}
    assert indonesian["JP"] == "Jepang"
    assert indonesian["KR"] == "Korea Selatan"
    assert indonesian["SA"] == "Arab Saudi"
    assert indonesian["TW"] == "Taiwan"
    assert country_name("HK", "en") == "Hong Kong"
    assert len(indonesian) >= 249
    names = [c.name.casefold() for c in countries("id")]
    assert names == sorted(names)
