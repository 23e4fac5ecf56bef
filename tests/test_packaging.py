"""What pip installs is the whole app: every module and data file of the source tree.

A package folder without ``__init__.py`` once fell out of the wheel, and the installed
app could not start while the suite, importing the source tree, passed.
"""

from __future__ import annotations

import os
import subprocess
import sys
from importlib import metadata
from pathlib import Path

import pytest

from tests.conftest import REPO

DISTRIBUTION = "reading-list"


def _source_files() -> set[str]:
    """Files the app needs at run time, named as they lie in an installed copy."""
    wanted: set[str] = set()
    for path in (REPO / "reader").rglob("*"):
        if path.is_file() and "__pycache__" not in path.parts and path.suffix in (".py", ".json", ".md"):
            wanted.add(path.relative_to(REPO).as_posix())
    for path in (REPO / "resources").rglob("*"):
        if path.is_file() and "__pycache__" not in path.parts:
            wanted.add("reader/resources/" + path.relative_to(REPO / "resources").as_posix())
    return wanted


def _installed_files() -> set[str]:
    """The files of the distribution beside the imported ``reader`` (the build also leaves
    an ``.egg-info`` in the source tree, which ``metadata.files`` would find first)."""
    import reader

    site = str(Path(reader.__file__).resolve().parent.parent)
    found = [d for d in metadata.distributions(path=[site]) if d.metadata["Name"] == DISTRIBUTION]
    assert len(found) == 1, f"expected one {DISTRIBUTION} installed in {site}, found {len(found)}"
    files = found[0].files or []
    return {f.as_posix() for f in files
            if f.parts and f.parts[0] == "reader" and "__pycache__" not in f.parts}


def _is_editable() -> bool:
    import reader

    return Path(reader.__file__).resolve().is_relative_to((REPO / "reader").resolve())


@pytest.fixture
def installed() -> set[str]:
    if _is_editable():
        if os.environ.get("CI"):
            pytest.fail("CI must test a regular (not editable) install")
        pytest.skip("editable install: the app is imported from the source tree, there is no wheel to compare")
    return _installed_files()


def test_every_module_and_data_file_is_installed(installed):
    missing = sorted(_source_files() - installed)
    assert not missing, f"in the source tree but not installed: {missing}"


def test_nothing_is_installed_that_the_source_tree_lacks(installed):
    extra = sorted(installed - _source_files())
    assert not extra, f"installed but not in the source tree (a stale build?): {extra}"


def test_every_package_of_the_app_imports_from_the_installed_copy(installed):
    """Import every module in a fresh interpreter outside the repository, as the program would."""
    modules = sorted(path[:-3].replace("/", ".").removesuffix(".__init__")
                     for path in installed if path.endswith(".py") and not path.startswith("reader/resources/")
                     and not path.endswith("__main__.py"))
    script = ("import importlib, sys\n"
              "for name in sys.argv[1:]:\n"
              "    module = importlib.import_module(name)\n"
              f"    assert not module.__file__.startswith({str(REPO / 'reader')!r}), module.__file__\n"
              "print('ok', len(sys.argv) - 1)\n")
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen", PYTHONSAFEPATH="1")
    result = subprocess.run([sys.executable, "-c", script, *modules], capture_output=True, text=True,
                            cwd=Path(os.environ.get("TMPDIR", "/tmp")), env=env, timeout=120)
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["ok", str(len(modules))]
