"""Preferences that Qt-free code needs, kept in a small JSON file in the config folder.

The window's layout lives in ``QSettings`` beside the library, but a preference the
core uses as well (the name written as the author of marks in an annotated PDF)
must be readable without Qt, by the command line and the worker processes alike,
and follows the person rather than one library.
"""

from __future__ import annotations

import getpass
import json
import os
from pathlib import Path
from typing import Any

from reader.atomic import write_bytes
from reader.paths import config_dir

SETTINGS_FILE = "settings.json"
USER_NAME = "user_name"


def settings_path() -> Path:
    return config_dir() / SETTINGS_FILE


def load_settings() -> dict[str, Any]:
    """The stored preferences; an absent or unreadable file means none (defaults apply)."""
    try:
        data = json.loads(settings_path().read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return data if isinstance(data, dict) else {}


def save_setting(key: str, value: Any) -> None:
    """Store one preference (``None`` removes it), keeping the others."""
    data = load_settings()
    if value is None:
        data.pop(key, None)
    else:
        data[key] = value
    text = json.dumps(data, ensure_ascii=False, indent=2, sort_keys=True) + "\n"
    write_bytes(settings_path(), text.encode("utf-8"), prefix=".settings-")


def name_from_account(gecos: str, login: str) -> str:
    """The full name from the account's GECOS field ("Ada Lovelace,Room 1,..."), else the login name."""
    full = (gecos or "").split(",")[0].strip()
    return full or (login or "").strip()


def account_user_name() -> str:
    """The name the operating system knows the person by; "" when it knows none."""
    login = ""
    try:
        login = getpass.getuser()
    except Exception:  # no USER/LOGNAME and no passwd entry (some containers)
        pass
    try:
        import pwd

        entry = pwd.getpwuid(os.getuid())
        return name_from_account(entry.pw_gecos, login or entry.pw_name)
    except (ImportError, KeyError, AttributeError):  # Windows, or a uid without a passwd entry
        return name_from_account("", login)


def user_name() -> str:
    """The author written on marks in annotated copies: the name set in the app, else the account's."""
    stored = load_settings().get(USER_NAME)
    if isinstance(stored, str) and stored.strip():
        return " ".join(stored.split())
    return account_user_name()


def set_user_name(name: str) -> None:
    """Remember ``name``; an empty one goes back to the account's name."""
    name = " ".join((name or "").split())
    save_setting(USER_NAME, name or None)
