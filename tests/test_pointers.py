"""Comments, docstrings and the developers' pages point at files and modules that
exist: a module moved or renamed leaves no pointer behind to where it used to be."""

import importlib
import re
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SOURCES = ("juragan", "tests", "bench", "tools", "migrations", "docs")
SUFFIXES = {".py", ".md", ".html", ".js", ".css", ".toml", ".cfg"}
FILE = re.compile(
    r"\b((?:juragan|tests|bench|tools|migrations)/[\w/.-]*\w\.(?:py|md|html|js|css|csv|json))\b"
)
MODULE = re.compile(r"(?<![\w.@/-])juragan(?:\.[A-Za-z_]\w*)+")
#: Names that look like modules and are not: a file name, and the migrations (and
#: their test), which name the modules they no longer import on purpose.
NOT_MODULES = {"juragan.sqlite"}
HISTORICAL = ("migrations/", "tests/test_migrations_frozen.py")


def _texts():
    paths = [ROOT / name for name in ("README.md", "DEVELOPERS.md", "SECURITY.md")]
    paths += [ROOT / "pyproject.toml", ROOT / "setup.cfg", ROOT / "Makefile"]
    for folder in SOURCES:
        paths += sorted(
            path
            for path in (ROOT / folder).rglob("*")
            if path.suffix in SUFFIXES and "vendor" not in path.parts
        )
    for path in paths:
        if path.is_file() and path != Path(__file__):
            yield path, path.read_text(encoding="utf-8")


def _resolves(dotted: str) -> bool:
    parts = dotted.split(".")
    # The longest prefix that is a module, then the first name below it must be
    # defined there (a function, class or constant).
    for cut in range(len(parts), 0, -1):
        path = ROOT.joinpath(*parts[:cut])
        if path.with_suffix(".py").is_file() or (path / "__init__.py").is_file():
            if cut == len(parts):
                return True
            module = importlib.import_module(".".join(parts[:cut]))
            return hasattr(module, parts[cut])
    return False


def test_every_file_pointed_at_exists():
    missing = [
        f"{path.relative_to(ROOT)}: {target}"
        for path, text in _texts()
        for target in set(FILE.findall(text))
        if not (ROOT / target).exists()
    ]
    assert missing == []


def test_every_module_pointed_at_exists():
    missing = [
        f"{path.relative_to(ROOT)}: {target}"
        for path, text in _texts()
        if not str(path.relative_to(ROOT)).startswith(HISTORICAL)
        for target in set(MODULE.findall(text)) - NOT_MODULES
        if not _resolves(target)
    ]
    assert missing == []
