"""The lock files: they pin every dependency, and the tests run on exactly what they pin.

`make site` installs requirements.lock and `make test` requirements-test.lock (README,
"Reproducible installs"); `make lock` writes both from pyproject.toml. These tests read
files and installed metadata only: no network, no install.
"""

from __future__ import annotations

import ast
import sys
import tomllib
from dataclasses import dataclass
from importlib import metadata
from pathlib import Path

import pytest
from packaging.markers import Marker
from packaging.requirements import Requirement
from packaging.utils import canonicalize_name
from packaging.version import Version

ROOT = Path(__file__).resolve().parents[1]
SITE_LOCK = ROOT / "requirements.lock"
TEST_LOCK = ROOT / "requirements-test.lock"
PYPROJECT = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))


@dataclass(frozen=True)
class Pin:
    name: str  # canonical
    version: Version
    marker: Marker | None
    hashes: tuple[str, ...]

    def applies(self, extra: str = "") -> bool:
        return self.marker is None or self.marker.evaluate({"extra": extra})


def read_lock(path: Path) -> list[Pin]:
    """The pins of a pip requirements file as `make lock` writes it."""
    lines = [line.strip() for line in path.read_text(encoding="utf-8").splitlines()]
    text = "\n".join(line for line in lines if line and not line.startswith("#"))
    pins = []
    for entry in text.replace("\\\n", " ").splitlines():
        spec, *hashes = entry.split(" --hash=")
        requirement = Requirement(spec)
        (specifier,) = requirement.specifier
        assert specifier.operator == "==", f"{path.name}: {spec!r} is not pinned with =="
        pins.append(
            Pin(
                canonicalize_name(requirement.name),
                Version(specifier.version),
                requirement.marker,
                tuple(h.strip() for h in hashes),
            )
        )
    return pins


def by_name(pins: list[Pin]) -> dict[str, list[Pin]]:
    names: dict[str, list[Pin]] = {}
    for pin in pins:
        names.setdefault(pin.name, []).append(pin)
    return names


SITE = read_lock(SITE_LOCK)
TEST = read_lock(TEST_LOCK)
RUNTIME_DEPS = [Requirement(r) for r in PYPROJECT["project"]["dependencies"]]
TEST_DEPS = [Requirement(r) for r in PYPROJECT["project"]["optional-dependencies"]["test"]]
BUILD_DEPS = [Requirement(r) for r in PYPROJECT["build-system"]["requires"]]


def test_every_pin_is_exact_and_hashed() -> None:
    for pins in (SITE, TEST):
        assert pins
        for pin in pins:
            assert pin.hashes, f"{pin.name} has no hash: pip --require-hashes would refuse the lock"
            assert all(h.startswith("sha256:") for h in pin.hashes), pin.name


@pytest.mark.parametrize(
    ("lock", "requirements"),
    [
        (SITE_LOCK, RUNTIME_DEPS + BUILD_DEPS),
        (TEST_LOCK, RUNTIME_DEPS + TEST_DEPS + BUILD_DEPS),
    ],
    ids=["site", "test"],
)
def test_lock_covers_pyproject(lock: Path, requirements: list[Requirement]) -> None:
    """Each dependency, and each extra's own (pagefind[bin]), pinned within pyproject's range."""
    pins = by_name(read_lock(lock))
    for requirement in requirements:
        name = canonicalize_name(requirement.name)
        assert name in pins, f"{lock.name} lacks {requirement}: run `make lock`"
        for pin in pins[name]:
            assert requirement.specifier.contains(pin.version, prereleases=True), (
                f"{lock.name} pins {name}=={pin.version}, outside pyproject's {requirement}: "
                "run `make lock`"
            )
        for extra in requirement.extras:
            wanted = metadata.requires(requirement.name) or []
            for dep in map(Requirement, wanted):
                if dep.marker is not None and dep.marker.evaluate({"extra": extra}):
                    assert canonicalize_name(dep.name) in pins, f"{lock.name} lacks {dep}"
    assert "factsheets" not in pins, "the project itself is installed from the clone, not the lock"


def test_site_lock_is_the_test_lock_without_the_test_tools() -> None:
    test = {(p.name, p.marker and str(p.marker)): p for p in TEST}
    for pin in SITE:
        assert test.get((pin.name, pin.marker and str(pin.marker))) == pin, (
            f"{pin.name}=={pin.version} differs between the two locks: run `make lock`"
        )


def test_the_site_lock_has_every_package_the_generator_imports() -> None:
    """`make site` installs the site's lock only: the generator may import nothing else."""
    site = {pin.name for pin in SITE}
    providers = metadata.packages_distributions()
    missing = set()
    for path in (ROOT / "generator").rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_bytes(), str(path))):
            if isinstance(node, ast.Import):
                modules = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                modules = [node.module]
            else:
                continue
            for module in (m.partition(".")[0] for m in modules):
                if module in sys.stdlib_module_names or module == "generator":
                    continue
                dists = {canonicalize_name(d) for d in providers.get(module, [])}
                if not dists & site:
                    missing.add(f"{module} ({path.relative_to(ROOT)})")
    assert not missing, "imported, but not in requirements.lock: " + ", ".join(sorted(missing))


def test_mkdocs_is_pinned_to_the_version_locked() -> None:
    (mkdocs,) = [r for r in RUNTIME_DEPS if r.name == "mkdocs"]
    (specifier,) = mkdocs.specifier
    assert specifier.operator == "=="
    for pins in (SITE, TEST):
        assert [p.version for p in by_name(pins)["mkdocs"]] == [Version(specifier.version)]


def test_the_environment_is_the_lock() -> None:
    """The tests run on what the lock pins (so CI, which installs it, tests the lock)."""
    wrong = []
    for pin in TEST:
        if not pin.applies():
            continue
        try:
            installed = Version(metadata.version(pin.name))
        except metadata.PackageNotFoundError:
            wrong.append(f"{pin.name}: not installed, lock has {pin.version}")
            continue
        if installed != pin.version:
            wrong.append(f"{pin.name}: installed {installed}, lock has {pin.version}")
    assert not wrong, "run `make test` to install the lock:\n" + "\n".join(wrong)
