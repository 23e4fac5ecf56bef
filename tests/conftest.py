"""Shared fixtures: offscreen Qt, a library home in a temp dir, and generated PDFs.

Tests that use ``qtbot`` or ``qapp`` are marked ``gui`` automatically, so
``pytest -m "not gui"`` runs the Qt-free core alone.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

import pytest

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

REPO = Path(__file__).resolve().parent.parent
CORPUS = REPO.parent / "shared" / "corpus" / "real"


def _import_the_installed_app():
    """Import ``reader`` as pip installed it, not from the folder the tests sit in.

    pytest puts the repository root first on ``sys.path`` (``tests`` is a package), and
    there ``reader/`` would shadow the installed copy: the suite once passed on a source
    tree whose wheel lacked a whole package. Once ``reader`` is imported, its submodules
    come from the same place; ``tests.*`` still resolves through the root.
    Child processes (``python -m reader``) get ``PYTHONSAFEPATH`` so that their working
    folder is not put on the path either.
    """
    os.environ["PYTHONSAFEPATH"] = "1"
    saved = list(sys.path)
    sys.path[:] = [entry for entry in sys.path if Path(entry or ".").resolve() != REPO]
    try:
        import reader
    except ImportError:
        reader = None
    finally:
        sys.path[:] = saved
    if reader is None:
        pytest.exit("Reading List is not installed here: run the README's test command, which installs it.",
                    returncode=4)
    source_copy = REPO / "reader"
    if os.environ.get("CI") and Path(reader.__file__).resolve().is_relative_to(source_copy.resolve()):
        pytest.exit(f"CI must test the installed package, but reader was imported from the source tree "
                    f"({reader.__file__}); install it without -e.", returncode=4)


_import_the_installed_app()


def pytest_collection_modifyitems(items):
    for item in items:
        if {"qtbot", "qapp"} & set(getattr(item, "fixturenames", ())):
            item.add_marker(pytest.mark.gui)


@pytest.fixture(autouse=True)
def _isolated_home(tmp_path, monkeypatch):
    """No test may touch the real user data directory."""
    monkeypatch.setenv("READING_LIST_HOME", str(tmp_path / "default-home"))
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "xdg-data"))
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "xdg-config"))
    monkeypatch.setenv("XDG_STATE_HOME", str(tmp_path / "xdg-state"))
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg-cache"))


@pytest.fixture(autouse=True)
def _no_internet(monkeypatch):
    """No test reaches the internet: anything not sent to this machine goes to a proxy that refuses at once.

    Tests of the online code serve recorded answers on 127.0.0.1, which the proxy leaves alone; a window
    that fetches on its own (a paper added from a reference) then fails fast, as offline, instead of
    asking arXiv or doi.org.
    """
    for name in ("HTTP_PROXY", "HTTPS_PROXY", "ALL_PROXY", "http_proxy", "https_proxy", "all_proxy"):
        monkeypatch.setenv(name, "http://127.0.0.1:9")
    for name in ("NO_PROXY", "no_proxy"):
        monkeypatch.setenv(name, "127.0.0.1,localhost")


@pytest.fixture
def library_home(tmp_path) -> Path:
    home = tmp_path / "library"
    home.mkdir()
    return home


@pytest.fixture(scope="session")
def corpus() -> Path:
    if not CORPUS.is_dir():
        pytest.skip(f"shared corpus not found at {CORPUS}")
    return CORPUS


def make_pdf(
    path: Path,
    title: str = "Attention Is Not All You Need",
    pages: int = 3,
    body: str = "Lorem ipsum",
    author: str = "Ada Lovelace",
) -> Path:
    """Write a small real PDF with a title page and numbered body pages."""
    import pymupdf

    doc = pymupdf.open()
    for number in range(pages):
        page = doc.new_page(width=612, height=792)
        if number == 0:
            page.insert_text((72, 100), title, fontsize=18)
            page.insert_text((72, 130), author, fontsize=11)
        page.insert_text((72, 200), f"{body} page {number + 1}", fontsize=11)
    doc.set_metadata({"title": title, "author": author})
    doc.save(path)
    doc.close()
    return path


@pytest.fixture
def pdf_factory(tmp_path):
    counter = {"n": 0}

    def factory(title: str = "A Generated Paper", pages: int = 3, body: str | None = None, **kw) -> Path:
        counter["n"] += 1
        folder = tmp_path / "pdfs-in"
        folder.mkdir(exist_ok=True)
        text = body if body is not None else f"Unique body {counter['n']}"
        return make_pdf(folder / f"paper-{counter['n']}.pdf", title=title, pages=pages, body=text, **kw)

    return factory


@pytest.fixture
def open_window(qtbot, library_home):
    """Returns a function that opens (or closes and reopens) the main window on ``library_home``."""
    from reader.library import Library
    from reader.ui.main_window import MainWindow

    opened: list = []

    def open_it():
        while opened:
            window, library = opened.pop()
            window.close()
            window.shutdown()
            library.close()
        library = Library.open(library_home)
        window = MainWindow(library)
        qtbot.addWidget(window)
        window.show()
        qtbot.waitExposed(window)
        opened.append((window, library))
        return window

    yield open_it
    for window, library in opened:
        window.shutdown()
        library.close()
