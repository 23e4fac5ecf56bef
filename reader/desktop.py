"""Put the app into the user's desktop menu and "Open with" lists, and take it out again.

Only the per-user XDG data directory is touched (no root needed), and every file is
written whole (temp file + rename) so a menu never sees half an entry. The shipped
entry says ``Exec=reading-list``; when that name is not on ``PATH`` (a venv that is
not activated, a PyInstaller build) the installed copy points at the real program,
because the desktop launches programs without the user's shell set-up.

Stdlib only: this runs from the CLI without Qt.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path
from urllib.parse import unquote, urlsplit

from reader.errors import ReaderError
from reader.paths import resources_dir

APP_ID = "io.github.readinglist.ReadingList"
EXECUTABLE = "reading-list"
ICON_NAME = "reading-list"
DESKTOP_FILE = f"{APP_ID}.desktop"
METAINFO_FILE = f"{APP_ID}.metainfo.xml"

_EXEC_RESERVED = set(" \t\n\"'\\><~|&;$*?#()`")


def xdg_data_home() -> Path:
    value = os.environ.get("XDG_DATA_HOME", "")
    # The spec says a relative value is invalid and must be ignored.
    if value and os.path.isabs(value):
        return Path(value)
    return Path.home() / ".local" / "share"


def shipped_desktop_dir() -> Path:
    return resources_dir() / "desktop"


def shipped_icons_dir() -> Path:
    return resources_dir() / "icons"


def _icon_sources() -> dict[Path, Path]:
    """Map of icon path relative to ``icons/hicolor`` -> shipped file."""
    icons = shipped_icons_dir()
    sources: dict[Path, Path] = {}
    for png in sorted((icons / "hicolor").glob(f"*/apps/{ICON_NAME}.png")):
        sources[png.relative_to(icons / "hicolor")] = png
    svg = icons / f"{ICON_NAME}.svg"
    if svg.is_file():
        sources[Path("scalable") / "apps" / f"{ICON_NAME}.svg"] = svg
    return sources


def _exec_quote(arg: str) -> str:
    """Quote one argument by the Exec rules, then escape it as a desktop-entry string."""
    if arg and not (_EXEC_RESERVED & set(arg)):
        quoted = arg
    else:
        inner = "".join("\\" + ch if ch in '"`$\\' else ch for ch in arg)
        quoted = f'"{inner}"'
    return quoted.replace("%", "%%").replace("\\", "\\\\")


def resolve_command(exec_path: str | None = None) -> tuple[list[str], str]:
    """The argv that starts the app from a desktop launcher, and the TryExec path.

    A self-contained (PyInstaller) build names itself, whatever else is on PATH. Otherwise
    a bare ``reading-list`` is kept when it is on PATH so the entry survives upgrades.
    """
    if exec_path:
        return [exec_path], exec_path
    if getattr(sys, "frozen", False):
        return [sys.executable], sys.executable
    if shutil.which(EXECUTABLE):
        return [EXECUTABLE], EXECUTABLE
    suffix = ".exe" if os.name == "nt" else ""
    beside = Path(sys.executable).parent / f"{EXECUTABLE}{suffix}"
    if beside.is_file() and os.access(beside, os.X_OK):
        return [str(beside)], str(beside)
    return [sys.executable, "-m", "reader"], sys.executable


def launcher_arguments(args: list[str]) -> list[str]:
    """Files and links as a launcher hands them over, as the app takes them.

    The entry says ``Exec=reading-list %U`` so that ``reading-list://`` links reach the
    app (with ``%F`` a launcher drops any argument that is not a local file). With ``%U``
    local files may come as ``file:`` URLs: those become paths. Links, paths and
    ``file:`` URLs of another host are kept as they are.
    """
    result = []
    for arg in args:
        if arg[:5].lower() == "file:":
            parts = urlsplit(arg)
            if parts.netloc in ("", "localhost") and parts.path:
                arg = _url2pathname(parts.path)  # also decodes %20 and friends
        result.append(arg)
    return result


def _url2pathname(path: str) -> str:
    """``urllib.request.url2pathname`` without importing urllib.request, http.client and
    the email parser at start-up (5 ms here)."""
    if os.name == "nt":
        from nturl2path import url2pathname

        return url2pathname(path)
    return unquote(path)


def render_desktop_entry(template: str, exec_path: str | None = None) -> str:
    argv, try_exec = resolve_command(exec_path)
    command = " ".join(_exec_quote(a) for a in argv)
    lines = []
    for line in template.splitlines():
        key, sep, value = line.partition("=")
        if sep and key == "Exec" and (value == EXECUTABLE or value.startswith(EXECUTABLE + " ")):
            line = f"Exec={command}{value[len(EXECUTABLE):]}"
        elif sep and key == "TryExec":
            line = "TryExec=" + try_exec.replace("\\", "\\\\")
        lines.append(line)
    return "\n".join(lines) + "\n"


def _planned(data_home: Path) -> dict[Path, Path]:
    """Every file install writes: target -> shipped source."""
    shipped = shipped_desktop_dir()
    plan = {
        data_home / "applications" / DESKTOP_FILE: shipped / DESKTOP_FILE,
        data_home / "metainfo" / METAINFO_FILE: shipped / METAINFO_FILE,
    }
    for relative, source in _icon_sources().items():
        plan[data_home / "icons" / "hicolor" / relative] = source
    return plan


def _write_atomic(target: Path, data: bytes) -> None:
    target.parent.mkdir(parents=True, exist_ok=True)
    fd, temp = tempfile.mkstemp(dir=target.parent, prefix=f".{target.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.chmod(temp, 0o644)
        os.replace(temp, target)
    except BaseException:
        Path(temp).unlink(missing_ok=True)
        raise


def _refresh_caches(data_home: Path) -> None:
    """Let menus and "Open with" notice the change now; harmless when the tools are missing."""
    applications = data_home / "applications"
    hicolor = data_home / "icons" / "hicolor"
    commands = []
    if applications.is_dir():
        commands.append(["update-desktop-database", "-q", str(applications)])
    if hicolor.is_dir():
        commands.append(["gtk-update-icon-cache", "-q", "-f", "-t", str(hicolor)])
    for command in commands:
        if shutil.which(command[0]) is None:
            continue
        try:
            subprocess.run(command, check=False, timeout=30,
                           stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        except (OSError, subprocess.SubprocessError):
            pass


def install_desktop(data_home: Path | None = None, exec_path: str | None = None) -> list[Path]:
    """Install the desktop entry, AppStream metainfo and icons; returns the files written.

    Safe to run again: every file is replaced in place.
    """
    home = Path(data_home) if data_home is not None else xdg_data_home()
    plan = _planned(home)
    missing = [str(source) for source in plan.values() if not source.is_file()]
    if missing or not _icon_sources():
        raise ReaderError(
            f"The desktop files shipped with the app are missing ({', '.join(missing) or 'icons'}); "
            "reinstall Reading List."
        )
    written: list[Path] = []
    try:
        for target, source in plan.items():
            if source.name == DESKTOP_FILE:
                text = render_desktop_entry(source.read_text(encoding="utf-8"), exec_path)
                data = text.encode("utf-8")
            else:
                data = source.read_bytes()
            _write_atomic(target, data)
            written.append(target)
    except OSError as error:
        raise ReaderError(f"Could not install the desktop entry into {home}: {error.strerror or error}.") from error
    _refresh_caches(home)
    return written


def uninstall_desktop(data_home: Path | None = None) -> list[Path]:
    """Remove the files install put there (any icon size, even ones no longer shipped); returns them."""
    home = Path(data_home) if data_home is not None else xdg_data_home()
    hicolor = home / "icons" / "hicolor"
    candidates = {
        home / "applications" / DESKTOP_FILE,
        home / "metainfo" / METAINFO_FILE,
        *hicolor.glob(f"*/apps/{ICON_NAME}.png"),
        *hicolor.glob(f"*/apps/{ICON_NAME}.svg"),
    }
    removed: list[Path] = []
    try:
        for path in sorted(candidates):
            if path.is_file() or path.is_symlink():
                path.unlink()
                removed.append(path)
    except OSError as error:
        raise ReaderError(f"Could not remove the desktop entry from {home}: {error.strerror or error}.") from error
    if removed:
        _refresh_caches(home)
    return removed
