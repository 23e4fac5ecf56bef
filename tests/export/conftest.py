from __future__ import annotations

import pytest

from tests.export.builders import build_library


@pytest.fixture
def built(library_home, pdf_factory):
    """(library, ids) with a PDF, captions with a thumbnail, notes, highlights and an area mark."""
    library, ids = build_library(library_home, pdf_factory("Attention", pages=3))
    yield library, ids
    library.close()
