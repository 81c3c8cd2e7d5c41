"""The map's boundary files against the app's region tables, its classes, and an
area's figures as a protected reader may see them (docs/map.md)."""

from __future__ import annotations

import csv
import json
from decimal import Decimal
from pathlib import Path

import pytest

from juragan.dashboards import figures as programme
from juragan.dashboards.charts import count_classes, fifth_classes
from juragan.domain import perturbation as pert

ROOT = Path(__file__).resolve().parents[2]
DATA = ROOT / "juragan" / "data"
BOUNDARIES = ROOT / "juragan" / "static" / "boundaries"
#: Region codes of the app's tables that have no shape in the boundary files, with
#: why. None today: the source has every 2025 province and regency.
WITHOUT_BOUNDARY: dict[str, str] = {}
#: Indonesia, with room: every point of every shape is inside.
LONGITUDES, LATITUDES = (94.0, 141.1), (-11.1, 6.1)


def codes(name: str) -> list[dict[str, str]]:
    with (DATA / name).open(encoding="utf-8") as f:
        return list(csv.DictReader(f))


def shapes(name: str) -> dict[str, dict[str, list]]:
    return json.loads((BOUNDARIES / name).read_text(encoding="utf-8"))


def test_every_province_has_a_boundary():
    provinces = {row["code"] for row in codes("provinces.csv")}
    assert len(provinces) == 38  # with the four Papua provinces of 2022
    drawn = set(shapes("provinces.json"))
    assert provinces - set(WITHOUT_BOUNDARY) == drawn
    assert drawn <= provinces


def test_every_regency_has_a_boundary_in_its_provinces_file():
    regencies = codes("regencies.csv")
    assert len(regencies) == 514
    for province in {row["province_code"] for row in regencies}:
        inside = {row["code"] for row in regencies if row["province_code"] == province}
        drawn = set(shapes(f"regencies-{province}.json"))
        assert inside - set(WITHOUT_BOUNDARY) == drawn, province
    assert sorted(path.name for path in BOUNDARIES.glob("*.json")) == sorted(
        [
            "provinces.json",
            *(f"regencies-{row['code']}.json" for row in codes("provinces.csv")),
        ]
    )


@pytest.mark.parametrize(
    "name", ["provinces.json", "regencies-35.json", "regencies-96.json"]
)
def test_shapes_are_closed_rings_inside_indonesia(name):
    for code, shape in shapes(name).items():
        assert len(shape["x"]) == len(shape["y"]) > 3, code
        rings, ring = [], []
        for x, y in zip(shape["x"], shape["y"], strict=True):
            if x is None:
                assert y is None
                rings.append(ring)
                ring = []
                continue
            assert LONGITUDES[0] < x < LONGITUDES[1], (code, x)
            assert LATITUDES[0] < y < LATITUDES[1], (code, y)
            assert round(x, 3) == x
            assert round(y, 3) == y
            ring.append((x, y))
        rings.append(ring)
        assert all(len(r) >= 4 and r[0] == r[-1] for r in rings), code


def test_the_files_stay_light():
    """The national map's file stays well under 300 KB; a province's regencies
    come in a file of their own, loaded only inside that province."""
    assert (BOUNDARIES / "provinces.json").stat().st_size < 200_000
    sizes = [path.stat().st_size for path in BOUNDARIES.glob("regencies-*.json")]
    assert max(sizes) < 80_000


def test_count_classes_read_simply(app):
    with app.test_request_context():
        assert count_classes([]) == []
        assert [c.label for c in count_classes([0, 3, None])] == ["1–3"]
        # Bounds at the fifths (2.8, 7.2, 20.8, 96.4), rounded up; the last class
        # ends at the largest value.
        labels = [c.label for c in count_classes([1, 2, 4, 8, 16, 40, 134, 1234])]
        assert labels == ["1–3", "4–8", "9–21", "22–97", "98–1.234"]
        # Perturbed counts, multiples of 5: the bounds are too; a shared quantile
        # gives one class, not two.
        labels = [c.label for c in count_classes([5, 10, 10, 25, 60])]
        assert labels == ["1–10", "11–25", "26–60"]


def test_shares_fall_into_fixed_fifths(app):
    with app.test_request_context():
        assert [c.label for c in fifth_classes("percent")] == [
            "< 20%",
            "20%–40%",
            "40%–60%",
            "60%–80%",
            "≥ 80%",
        ]
        assert fifth_classes("number")[0].label == "< 0,2"


def test_a_protected_area_gives_shares_and_means_for_ten_or_more_only():
    key = 4242
    # Three businesses and one wellbeing answer: both left out, and said so.
    small = programme._area("35.78", 12, 3, 2, Decimal(1), 1, key, protect=True)
    assert small.operating_share is None
    assert small.mean_wellbeing is None
    assert small.hidden == {"operating_share", "mean_wellbeing"}
    assert small.returnees % pert.BASE == 0
    assert small.businesses % pert.BASE == 0
    # No business and no answer: nothing to hide, simply nothing.
    none = programme._area("35.71", 6, 0, 0, 0, 0, key, protect=True)
    assert none.hidden == frozenset()
    assert none.operating_share is None
    # Twenty businesses, eleven answers: given, from the counts as shown.
    large = programme._area("35.07", 40, 20, 10, Decimal("6.6"), 11, key, protect=True)
    assert large.operating_share == Decimal(large.operating) / large.businesses
    assert large.mean_wellbeing is not None
    assert not large.hidden
    # A reader who may see people gets every figure whole.
    whole = programme._area("35.78", 12, 3, 2, Decimal(1), 1, key, protect=False)
    assert (whole.businesses, whole.operating_share) == (3, Decimal("0.6667"))
    assert whole.mean_wellbeing == Decimal("1.000")
    assert not whole.hidden
