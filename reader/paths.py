"""Where the library and the app's own files live.

The library folder comes from, in order: ``--library DIR``, ``READING_LIST_HOME``,
then the platform's user data directory. Nothing is ever written into the source tree.
"""

from __future__ import annotations

import os
from pathlib import Path

APP_NAME = "reading-list"
HOME_ENV = "READING_LIST_HOME"


def library_home(override: str | os.PathLike[str] | None = None) -> Path:
    if override:
        return Path(override).expanduser().resolve()
    env = os.environ.get(HOME_ENV)
    if env:
        return Path(env).expanduser().resolve()
    from platformdirs import user_data_dir

    return Path(user_data_dir(APP_NAME, appauthor=False))


def log_dir() -> Path:
    from platformdirs import user_log_dir

    return Path(user_log_dir(APP_NAME, appauthor=False))


def config_dir() -> Path:
    from platformdirs import user_config_dir

    return Path(user_config_dir(APP_NAME, appauthor=False))


def resources_dir() -> Path:
    """The shipped ``resources/`` folder, installed as ``reader/resources`` or beside the source."""
    installed = Path(__file__).resolve().parent / "resources"
    if installed.is_dir():
        return installed
    return Path(__file__).resolve().parent.parent / "resources"
