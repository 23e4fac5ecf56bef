"""The desktop entry and its install/uninstall into a temporary XDG data home."""

from __future__ import annotations

import configparser
import os
import shlex
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from reader import desktop
from reader.paths import resources_dir

REPO = Path(__file__).resolve().parent.parent
PACKAGING = REPO / "packaging" / "linux"
SIZES = (16, 24, 32, 48, 64, 128, 256, 512)
VALIDATOR = shutil.which("desktop-file-validate")


def entry(path: Path) -> configparser.ConfigParser:
    parser = configparser.ConfigParser(interpolation=None, strict=True)
    parser.optionxform = str  # keys are case-sensitive in desktop entries
    parser.read(path, encoding="utf-8")
    return parser


def validate(path: Path) -> None:
    if VALIDATOR is None:
        pytest.skip("desktop-file-validate is not installed")
    result = subprocess.run([VALIDATOR, str(path)], capture_output=True, text=True, timeout=30)
    errors = [line for line in (result.stdout + result.stderr).splitlines() if "error:" in line]
    assert result.returncode == 0 and not errors, result.stdout + result.stderr


@pytest.mark.parametrize("name", [desktop.DESKTOP_FILE, desktop.METAINFO_FILE])
def test_packaged_copy_matches_packaging_dir(name):
    """resources/desktop/ is what pip installs; packaging/linux/ is what packagers read. They must agree."""
    if not PACKAGING.is_dir():
        pytest.skip("not running from a source checkout")
    assert (resources_dir() / "desktop" / name).read_bytes() == (PACKAGING / name).read_bytes()


def test_shipped_entry_is_valid():
    shipped = resources_dir() / "desktop" / desktop.DESKTOP_FILE
    validate(shipped)
    main = entry(shipped)["Desktop Entry"]
    assert main["Exec"] == "reading-list %U"  # %U: a launcher passes reading-list:// links only to %u/%U
    assert main["Icon"] == desktop.ICON_NAME
    assert main["Categories"].split(";")[:3] == ["Office", "Education", "Science"]
    assert {"application/pdf", "application/x-bibtex", "x-scheme-handler/reading-list"} <= set(
        main["MimeType"].split(";"))
    assert main["StartupWMClass"] == "reading-list"
    for action in filter(None, main["Actions"].split(";")):
        assert f"Desktop Action {action}" in entry(shipped)


def test_install_writes_entry_metainfo_and_icons(tmp_path):
    home = tmp_path / "share"
    written = desktop.install_desktop(home, exec_path="/opt/reading list/bin/reading-list")

    installed = home / "applications" / desktop.DESKTOP_FILE
    assert installed in written
    assert (home / "metainfo" / desktop.METAINFO_FILE).read_bytes() == (
        resources_dir() / "desktop" / desktop.METAINFO_FILE
    ).read_bytes()
    for size in SIZES:
        icon = home / "icons" / "hicolor" / f"{size}x{size}" / "apps" / "reading-list.png"
        assert icon in written and icon.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert (home / "icons" / "hicolor" / "scalable" / "apps" / "reading-list.svg").is_file()
    assert all(path.is_file() for path in written)
    assert not list(home.rglob("*.tmp"))

    groups = entry(installed)
    assert groups["Desktop Entry"]["Exec"] == '"/opt/reading list/bin/reading-list" %U'
    assert groups["Desktop Entry"]["TryExec"] == "/opt/reading list/bin/reading-list"
    assert groups["Desktop Action add-pdf"]["Exec"] == '"/opt/reading list/bin/reading-list" reading-list://add'
    validate(installed)


def test_install_defaults_to_xdg_data_home(tmp_path, monkeypatch):
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "xdg"))
    written = desktop.install_desktop(exec_path="reading-list")
    assert (tmp_path / "xdg" / "applications" / desktop.DESKTOP_FILE) in written


def test_exec_falls_back_to_this_python_when_not_on_path(tmp_path, monkeypatch):
    monkeypatch.setenv("PATH", str(tmp_path / "empty"))
    monkeypatch.setattr(desktop.sys, "executable", str(tmp_path / "py env" / "python3"))
    desktop.install_desktop(tmp_path / "share")
    installed = tmp_path / "share" / "applications" / desktop.DESKTOP_FILE
    main = entry(installed)["Desktop Entry"]
    assert main["Exec"] == f'"{tmp_path}/py env/python3" -m reader %U'
    assert main["TryExec"] == f"{tmp_path}/py env/python3"
    validate(installed)


def test_a_self_contained_build_names_itself_even_with_another_on_path(tmp_path, monkeypatch):
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    other = bin_dir / "reading-list"
    other.write_text("#!/bin/sh\n")
    other.chmod(0o755)
    monkeypatch.setenv("PATH", str(bin_dir))
    monkeypatch.setattr(desktop.sys, "frozen", True, raising=False)
    monkeypatch.setattr(desktop.sys, "executable", "/opt/Reading List/reading-list")
    desktop.install_desktop(tmp_path / "share")
    main = entry(tmp_path / "share" / "applications" / desktop.DESKTOP_FILE)["Desktop Entry"]
    assert main["Exec"] == '"/opt/Reading List/reading-list" %U'


def test_uninstall_removes_exactly_what_install_wrote(tmp_path):
    home = tmp_path / "share"
    neighbour = home / "applications" / "other.desktop"
    neighbour.parent.mkdir(parents=True)
    neighbour.write_text("[Desktop Entry]\nType=Application\nName=Other\nExec=other\n")
    other_icon = home / "icons" / "hicolor" / "48x48" / "apps" / "other.png"
    other_icon.parent.mkdir(parents=True)
    other_icon.write_bytes(b"png")

    written = desktop.install_desktop(home, exec_path="reading-list")
    removed = desktop.uninstall_desktop(home)

    assert sorted(removed) == sorted(written)
    assert not any(path.exists() for path in written)
    assert neighbour.is_file() and other_icon.is_file()
    assert desktop.uninstall_desktop(home) == []


def test_reinstall_is_idempotent(tmp_path):
    home = tmp_path / "share"
    first = desktop.install_desktop(home, exec_path="reading-list")
    snapshot = {path: path.read_bytes() for path in first}
    second = desktop.install_desktop(home, exec_path="reading-list")
    assert second == first
    assert {path: path.read_bytes() for path in second} == snapshot
    ours = {p for p in home.rglob("*") if p.is_file() and ("reading" in p.name.lower())}
    assert ours == set(first)


def test_missing_shipped_files_is_a_clear_error(tmp_path, monkeypatch):
    monkeypatch.setattr(desktop, "resources_dir", lambda: tmp_path / "nowhere")
    with pytest.raises(desktop.ReaderError, match="reinstall"):
        desktop.install_desktop(tmp_path / "share")
    assert not (tmp_path / "share").exists()


@pytest.mark.parametrize(("given", "taken"), [
    ("file:///home/ada/Papers/attention%20is%20all.pdf", "/home/ada/Papers/attention is all.pdf"),
    ("file://localhost/tmp/x.pdf", "/tmp/x.pdf"),
    ("FILE:///tmp/caf%C3%A9.bib", "/tmp/café.bib"),
    ("reading-list://open?paper=3&page=2", "reading-list://open?paper=3&page=2"),
    ("/tmp/plain path.pdf", "/tmp/plain path.pdf"),
    ("relative.pdf", "relative.pdf"),
    ("file://otherhost/share/x.pdf", "file://otherhost/share/x.pdf"),  # not ours to open: left for the error message
])
def test_launcher_arguments_turn_file_urls_into_paths(given, taken):
    assert desktop.launcher_arguments([given]) == [taken]


def test_install_and_uninstall_commands_in_a_temporary_xdg_home(tmp_path):
    """The real commands, as a user runs them: only the temporary XDG data home is touched, and
    with desktop-file-utils the "Open with" cache names the app for PDFs and reading-list:// links."""
    data_home = tmp_path / "xdg-data"
    env = {key: value for key, value in os.environ.items() if not key.startswith(("XDG_", "READING_LIST_"))}
    # Without the venv's bin on PATH, as a desktop launcher sees it: the entry must name the real program.
    env.update(HOME=str(tmp_path / "home"), XDG_DATA_HOME=str(data_home),
               PATH=os.pathsep.join(["/usr/bin", "/bin"]))

    def command(name: str) -> list[Path]:
        result = subprocess.run([sys.executable, "-m", "reader", name], env=env, cwd=tmp_path,
                                capture_output=True, text=True, timeout=60)
        assert result.returncode == 0, result.stderr
        return [Path(line) for line in result.stdout.splitlines()]

    written = command("install-desktop")
    installed = data_home / "applications" / desktop.DESKTOP_FILE
    assert installed in written and all(path.is_file() and data_home in path.parents for path in written)
    assert not (tmp_path / "home").exists(), "nothing outside XDG_DATA_HOME"
    validate_if_possible(installed)
    main = entry(installed)["Desktop Entry"]
    program = shlex.split(main["Exec"])[0]
    assert os.path.isabs(program) and os.access(program, os.X_OK), main["Exec"]
    assert main["Exec"].endswith(" %U") and main["TryExec"] == program

    cache = data_home / "applications" / "mimeinfo.cache"
    if shutil.which("update-desktop-database", path=env["PATH"]):
        handlers = entry(cache)["MIME Cache"]
        for mime in ("application/pdf", "x-scheme-handler/reading-list"):
            assert desktop.DESKTOP_FILE in handlers[mime].split(";"), mime

    removed = command("uninstall-desktop")
    assert sorted(removed) == sorted(written)
    assert not any(path.exists() for path in written)
    if cache.exists():
        assert desktop.DESKTOP_FILE not in cache.read_text(encoding="utf-8")
    assert command("uninstall-desktop") == []


def validate_if_possible(path: Path) -> None:
    if VALIDATOR is not None:
        validate(path)
