"""Fixtures for importer tests: the interop corpus of real bibliography files."""

from __future__ import annotations

from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
INTEROP = REPO.parent / "shared" / "corpus" / "interop"


@pytest.fixture(scope="session")
def interop() -> Path:
    """``../shared/corpus/interop``: BibTeX, RIS, CSL-JSON files from JabRef, Better BibTeX and others."""
    if not INTEROP.is_dir():
        pytest.skip(f"shared interop corpus not found at {INTEROP}")
    return INTEROP
