"""Build the map's boundary files (``juragan/static/boundaries/``) from a checkout of
cahyadsn/wilayah_boundaries: the provinces in one file, each province's regencies
in a file of its own, simplified and rounded so that a phone draws them quickly.

A developer's tool, not part of the app (the app reads only the files it writes):

    .venv/bin/pip install -e '.[boundaries]'
    git clone https://github.com/cahyadsn/wilayah_boundaries /tmp/wilayah_boundaries
    .venv/bin/python tools/build_boundaries.py /tmp/wilayah_boundaries

It refuses to write anything unless every province and regency code of
``juragan/data/provinces.csv`` and ``regencies.csv`` has a shape. ``docs/map.md``
says how the files are made and how to update them.
"""

from __future__ import annotations

import argparse
import csv
import functools
import json
import sqlite3
import sys
from pathlib import Path

import shapely
from shapely.geometry import Polygon

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT / "juragan" / "data"
OUT = ROOT / "juragan" / "static" / "boundaries"

#: Per level: islands smaller than this (square degrees; 0.001 is about 12 km²)
#: are left out, except each region's largest; then lines are simplified to this
#: tolerance (degrees; 0.01 is about 1.1 km) and rounded to this many decimals.
LEVELS = {
    "province": {"min_area": 0.004, "tolerance": 0.015, "places": 3},
    "regency": {"min_area": 0.0004, "tolerance": 0.003, "places": 3},
}
#: The source's SQL files (MySQL dialect, which SQLite reads as it is).
SOURCES = {"province": "db/prov/*.sql", "regency": "db/kab/*.sql"}
TABLE = (
    "CREATE TABLE wilayah_boundaries (kode TEXT PRIMARY KEY, nama TEXT, lat REAL, "
    "lng REAL, path TEXT, status INTEGER DEFAULT 1)"
)


def read_source(source: Path, level: str) -> dict[str, list]:
    """Each region's ``path`` (nested lists of [latitude, longitude]) by code."""
    db = sqlite3.connect(":memory:")
    db.execute(TABLE)
    files = sorted(source.glob(SOURCES[level]))
    if not files:
        sys.exit(f"no {SOURCES[level]} under {source}")
    for path in files:
        db.executescript(path.read_text(encoding="utf-8"))
    rows = db.execute("SELECT kode, path FROM wilayah_boundaries ORDER BY kode")
    return {code: json.loads(path) for code, path in rows}


def rings_of(path: list):
    """Every ring of a path, however deeply nested, as (longitude, latitude)."""
    if isinstance(path[0][0], (int, float)):
        yield [(lng, lat) for lat, lng in path]
        return
    for item in path:
        yield from rings_of(item)


def assemble(path: list, min_area: float):
    """The region's shape. The source nests islands and enclaves alike, so rings are
    combined even-odd: a ring inside another (a city inside its regency) is a hole,
    a ring apart is an island. Small islands are dropped first."""
    parts = [
        shapely.make_valid(Polygon(ring)) for ring in rings_of(path) if len(ring) >= 4
    ]
    parts = [part for part in parts if not part.is_empty]
    largest = max(part.area for part in parts)
    kept = [part for part in parts if part.area >= min_area or part.area == largest]
    return functools.reduce(lambda a, b: a.symmetric_difference(b), kept)


def encode(shape, places: int) -> dict[str, list]:
    """A shape as Plotly draws it: x (longitude) and y (latitude) with a null
    between rings; outer rings anticlockwise and holes clockwise, so that a hole
    stays empty whichever fill rule draws it."""
    xs: list[float | None] = []
    ys: list[float | None] = []
    oriented = shapely.orient_polygons(shape)
    for polygon in getattr(oriented, "geoms", [oriented]):
        if polygon.geom_type != "Polygon" or polygon.is_empty:
            continue
        for ring in (polygon.exterior, *polygon.interiors):
            if xs:
                xs.append(None)
                ys.append(None)
            for x, y in ring.coords:
                xs.append(round(x, places))
                ys.append(round(y, places))
    return {"x": xs, "y": ys}


def shapes(source: Path, level: str) -> dict[str, dict[str, list]]:
    settings = LEVELS[level]
    encoded = {}
    for code, path in read_source(source, level).items():
        shape = assemble(path, settings["min_area"])
        simple = shape.simplify(settings["tolerance"], preserve_topology=True)
        encoded[code] = encode(shapely.make_valid(simple), settings["places"])
    return encoded


def app_codes(name: str) -> list[str]:
    with (DATA / name).open(encoding="utf-8") as f:
        return [row["code"] for row in csv.DictReader(f)]


def write(path: Path, regions: dict[str, dict[str, list]]) -> int:
    body = json.dumps(regions, separators=(",", ":"), sort_keys=True) + "\n"
    path.write_text(body, encoding="utf-8")
    return len(body.encode())


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("source", type=Path, help="a wilayah_boundaries checkout")
    args = parser.parse_args()
    provinces = shapes(args.source, "province")
    regencies = shapes(args.source, "regency")
    missing = [code for code in app_codes("provinces.csv") if code not in provinces]
    missing += [code for code in app_codes("regencies.csv") if code not in regencies]
    if missing:
        sys.exit(f"no shape for {', '.join(missing)}: nothing written")
    OUT.mkdir(parents=True, exist_ok=True)
    wanted = set(app_codes("provinces.csv")) | set(app_codes("regencies.csv"))
    sizes = {
        "provinces.json": write(
            OUT / "provinces.json",
            {code: shape for code, shape in provinces.items() if code in wanted},
        )
    }
    for province in app_codes("provinces.csv"):
        inside = {
            code: shape
            for code, shape in regencies.items()
            if code[:2] == province and code in wanted
        }
        name = f"regencies-{province}.json"
        sizes[name] = write(OUT / name, inside)
    for name, size in sizes.items():
        print(f"{name:<22} {size:>9,} bytes")
    print(f"{'all files':<22} {sum(sizes.values()):>9,} bytes")


if __name__ == "__main__":
    main()
