"""Every rule's source must be findable from the repository itself: nothing points at
a reference outside it (the shared domain notes were brought into docs/)."""

from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
OUTSIDE = "../" + "shared/"


def test_no_file_points_outside_the_repository():
    pointing = [
        str(path.relative_to(ROOT))
        for folder in ("juragan", "tests", "docs", "migrations", "bench", "tools")
        for path in (ROOT / folder).rglob("*")
        if path.suffix in {".py", ".md", ".html", ".txt", ".csv"}
        and OUTSIDE in path.read_text(encoding="utf-8", errors="ignore")
    ]
    assert pointing == []


def test_the_docs_the_code_cites_exist():
    cited = set()
    for path in (ROOT / "juragan").rglob("*.py"):
        text = path.read_text(encoding="utf-8")
        cited |= {
            word.strip("`'\"(),.:;")
            for word in text.split()
            if word.strip("`'\"(),.:;").startswith("docs/")
        }
    missing = sorted(name for name in cited if not (ROOT / name).is_file())
    assert cited
    assert missing == []
