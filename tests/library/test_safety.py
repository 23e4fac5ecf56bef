"""Bad folders and failed writes: a clear message, and the library as it was."""

from __future__ import annotations

import os

import pytest

from reader.errors import LibraryError
from reader.library import Library, PaperFields

needs_non_root = pytest.mark.skipif(hasattr(os, "geteuid") and os.geteuid() == 0,
                                    reason="root ignores file permissions")


def test_read_only_library_folder_is_reported(tmp_path):
    home = tmp_path / "ro"
    home.mkdir()
    Library.open(home).close()
    os.chmod(home, 0o555)
    try:
        if os.access(home, os.W_OK):
            pytest.skip("this user can write to read-only folders (root)")
        with pytest.raises(LibraryError, match="read-only"):
            Library.open(home)
    finally:
        os.chmod(home, 0o755)


def test_failed_transaction_leaves_nothing_half_written(library_home):
    with Library.open(library_home) as lib:
        pid = lib.add_paper(PaperFields(title="Intact", tags=("A",)))
        with pytest.raises(ValueError):
            lib.update_paper(pid, title="x", not_a_field=1)
        with pytest.raises(Exception):
            lib.update_paper(pid, status="not-a-status")
        paper = lib.paper(pid)
        assert paper.title == "Intact" and paper.tags == ("A",)
