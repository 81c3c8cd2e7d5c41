"""The lock file pins what setup.cfg asks for: a range added or tightened in
setup.cfg without `make lock` would otherwise install whatever pip picks."""

import configparser
from pathlib import Path

from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

ROOT = Path(__file__).resolve().parent.parent


def _declared() -> list[Requirement]:
    setup = configparser.ConfigParser()
    setup.read(ROOT / "setup.cfg")
    lines = setup["options"]["install_requires"].splitlines()
    lines += setup["options.extras_require"]["test"].splitlines()
    return [Requirement(line) for line in lines if line.strip()]


def _pinned() -> dict[str, list[str]]:
    pins: dict[str, list[str]] = {}
    for line in (ROOT / "requirements.lock").read_text().splitlines():
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        requirement = Requirement(line)
        [specifier] = requirement.specifier
        assert specifier.operator == "==", line
        name = canonicalize_name(requirement.name)
        pins.setdefault(name, []).append(specifier.version)
    return pins


def test_every_declared_requirement_is_pinned_within_its_range():
    pins = _pinned()
    for requirement in _declared():
        name = canonicalize_name(requirement.name)
        assert name in pins, f"{name} is in setup.cfg but not in requirements.lock"
        for version in pins[name]:
            assert requirement.specifier.contains(version, prereleases=True), (
                f"requirements.lock pins {name}=={version}, outside {requirement}"
            )


def test_the_lock_pins_more_than_the_direct_requirements():
    # The transitive dependencies are what drift; a lock of direct ones alone
    # would not hold a run still.
    assert len(_pinned()) > 2 * len(_declared())
