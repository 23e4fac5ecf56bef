"""The app's log: in the platform's log folder (platformdirs), rotated."""

from __future__ import annotations

import logging
import sys
from logging.handlers import RotatingFileHandler
from pathlib import Path

import pytest

from reader.app import setup_logging
from reader.paths import log_dir


@pytest.fixture
def root_logger():
    root = logging.getLogger()
    handlers, level = list(root.handlers), root.level
    yield root
    for handler in root.handlers:
        if handler not in handlers:
            root.removeHandler(handler)
            handler.close()
    root.setLevel(level)


def test_log_goes_to_the_platform_log_dir_and_rotates(root_logger, tmp_path):
    path = setup_logging()
    assert path == log_dir() / "reading-list.log"
    if sys.platform.startswith("linux"):  # the autouse fixture points XDG_STATE_HOME into tmp_path
        assert path == tmp_path / "xdg-state" / "reading-list" / "log" / "reading-list.log"
    handler = next(h for h in root_logger.handlers if isinstance(h, RotatingFileHandler))
    assert Path(handler.baseFilename) == path and handler.maxBytes == 1_000_000 and handler.backupCount == 3

    log = logging.getLogger("reader.test_logging")
    line = "x" * 1000
    for number in range(5000):  # about 5 MB: more than the log and its three backups hold
        log.info("%05d %s", number, line)
    handler.flush()
    files = sorted(p.name for p in path.parent.iterdir())
    assert files == ["reading-list.log", "reading-list.log.1", "reading-list.log.2", "reading-list.log.3"]
    assert all((path.parent / name).stat().st_size <= 1_000_000 for name in files)
    assert "04999" in path.read_text(encoding="utf-8").splitlines()[-1]


def test_an_unwritable_log_folder_does_not_stop_the_app(root_logger, tmp_path, monkeypatch):
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("")
    monkeypatch.setattr("reader.paths.log_dir", lambda: blocker / "log")
    assert setup_logging() is None
