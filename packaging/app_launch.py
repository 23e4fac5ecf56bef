"""Start the Reading List program the way a user's desktop does, and watch it from outside.

Shared by packaging/smoke_test.py (the self-contained build) and tests/test_installed_app.py
(the pip-installed program), so both launch, observe and judge the app the same way:

- :func:`isolated_env`: HOME and the XDG folders in a temporary folder, so nothing of the
  user's is read or written, and no READING_LIST_* variable of the caller leaks in;
- :func:`xvfb_display`: a real X server on a free display, for Qt's xcb platform;
- :func:`run`: one launch under a time limit, killed whole (its process group) on a hang;
- :data:`SMOKE_TEST` and :func:`smoke_report`: the app's observation hook. With
  READING_LIST_SMOKE_TEST=1 the window prints "smoke-ready" once it is up, then, once the
  PDF it was given has its page rendered and painted and the extraction pool has read it,
  one "smoke-ok ..." line saying what it shows, and quits by itself with status 0
  ("smoke-failed ..." and status 1 after 60 s without that). See ``_smoke_test`` in
  reader/app.py;
- :func:`desktop_exec_argv`: a desktop entry's Exec= value turned into the argv a launcher
  runs for some files or links (the Desktop Entry Specification's quoting and field codes).

Stdlib only: the smoke test runs it with any Python.
"""

from __future__ import annotations

import contextlib
import os
import re
import shutil
import subprocess
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import unquote, urlsplit

SMOKE_TEST = "READING_LIST_SMOKE_TEST"

# What a dynamic loader or Qt says when the program cannot load a library or a platform plugin.
LOADER_ERRORS = re.compile(
    r"could not (load|find) the Qt platform plugin|error while loading shared|undefined symbol"
    r"|version `\S+' not found|MESA-LOADER: failed|libGL error", re.I)

_XDG_FOLDERS = {"HOME": "home", "XDG_CONFIG_HOME": "config", "XDG_DATA_HOME": "data", "XDG_STATE_HOME": "state",
                "XDG_CACHE_HOME": "cache", "XDG_RUNTIME_DIR": "runtime"}


def isolated_env(work: Path, base: dict[str, str] | None = None) -> dict[str, str]:
    """The environment (from ``base``, default os.environ) with HOME and every XDG folder made
    under ``work``, and without READING_LIST_* variables. Offscreen Qt unless changed."""
    env = {key: value for key, value in (os.environ if base is None else base).items()
           if not key.startswith("READING_LIST_")}
    env["QT_QPA_PLATFORM"] = "offscreen"
    for key, name in _XDG_FOLDERS.items():
        folder = work / name
        folder.mkdir(mode=0o700, parents=True, exist_ok=True)
        env[key] = str(folder)
    return env


def log_file(env: dict[str, str]) -> Path:
    """Where the app started with ``env`` writes its log on Linux (platformdirs' user_log_dir)."""
    return Path(env["XDG_STATE_HOME"]) / "reading-list" / "log" / "reading-list.log"


def on_display(env: dict[str, str], display: str) -> dict[str, str]:
    """``env`` for a program on X server ``display`` through Qt's xcb platform, as on an X11 desktop."""
    x_env = {key: value for key, value in env.items() if key not in ("QT_QPA_PLATFORM", "WAYLAND_DISPLAY")}
    x_env.update(DISPLAY=display, QT_QPA_PLATFORM="xcb")
    return x_env


@contextlib.contextmanager
def xvfb_display(size: str = "1280x800x24") -> Iterator[str]:
    """A fresh Xvfb on a free display (Xvfb picks it and reports it); yields ":N", then stops it.

    Raises RuntimeError if Xvfb is not installed or does not start."""
    if shutil.which("Xvfb") is None:
        raise RuntimeError("Xvfb is not installed")
    read_end, write_end = os.pipe()
    xvfb = subprocess.Popen(["Xvfb", "-displayfd", str(write_end), "-screen", "0", size, "-nolisten", "tcp"],
                            pass_fds=(write_end,), stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                            start_new_session=True)
    os.close(write_end)
    try:
        with os.fdopen(read_end) as pipe:
            number = pipe.readline().strip()  # written once the server accepts clients
        if not number:
            raise RuntimeError(f"Xvfb did not start (exit {xvfb.poll()})")
        yield f":{number}"
    finally:
        os.killpg(xvfb.pid, 15)
        try:
            xvfb.wait(timeout=10)
        except subprocess.TimeoutExpired:
            os.killpg(xvfb.pid, 9)
            xvfb.wait()


@dataclass(frozen=True)
class Launch:
    """One finished launch: exit status (None: killed at the time limit), output, seconds, and the
    process id, which is also the id of its process group (the render and extraction children
    belong to it)."""

    status: int | None
    out: str
    err: str
    seconds: float
    pid: int


def launch(program: list[str], args: list[str], env: dict[str, str], timeout: float,
           cwd: Path | None = None) -> Launch:
    """Run the program to its end, in a process group of its own so that a hang can be killed whole."""
    start = time.perf_counter()
    proc = subprocess.Popen([*program, *args], env=env, cwd=cwd, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                            text=True, start_new_session=True)
    try:
        out, err = proc.communicate(timeout=timeout)
        status: int | None = proc.returncode
    except subprocess.TimeoutExpired:
        os.killpg(proc.pid, 9)
        out, err = proc.communicate()
        status = None
    return Launch(status, out, err, time.perf_counter() - start, proc.pid)


def run(program: list[str], args: list[str], env: dict[str, str], timeout: float,
        cwd: Path | None = None) -> tuple[int | None, str, str, float]:
    """(exit status or None on time-out, stdout, stderr, seconds) of :func:`launch`."""
    done = launch(program, args, env, timeout, cwd)
    return done.status, done.out, done.err, done.seconds


def survivors(process_group: int, grace: float = 3.0) -> list[int]:
    """Processes of the group still running after ``grace`` seconds (a render or extraction
    child that outlived the app), Linux /proc; they are killed, and their ids returned."""
    def members() -> list[int]:
        pids = []
        for stat in Path("/proc").glob("[0-9]*/stat"):
            try:
                fields = stat.read_text().rpartition(")")[2].split()
            except OSError:
                continue
            if int(fields[2]) == process_group and fields[0] != "Z":  # fields: state, ppid, pgrp, ...
                pids.append(int(stat.parent.name))
        return pids

    until = time.monotonic() + grace
    while (left := members()) and time.monotonic() < until:
        time.sleep(0.1)
    for pid in left:
        with contextlib.suppress(OSError):
            os.kill(pid, 9)
    return left


def tail(text: str, lines: int = 15) -> str:
    return "\n".join(text.strip().splitlines()[-lines:])


@dataclass(frozen=True)
class SmokeReport:
    """What the window said it showed once the page was rendered and painted (None: "smoke-failed")."""

    line: str
    ok: bool
    pages: int | None = None  # page count the viewer shows
    extracted_pages: int | None = None  # page count the extraction pool read
    paper: int | None = None  # the library paper's id; None for a PDF from outside the library
    env: str | None = None  # "clean": no bundle path leaks to the programs the app starts
    page: int | None = None  # the page it opened at, 1-based
    file: Path | None = None  # the PDF shown


def smoke_report(stdout: str) -> SmokeReport | None:
    """The report line of a launch with READING_LIST_SMOKE_TEST=1, or None if there is none."""
    line = next((text for text in stdout.splitlines() if text.startswith(("smoke-ok", "smoke-failed"))), None)
    if line is None:
        return None
    fields = dict(re.findall(r"(\S+?)=(\S+)", line)) if line.startswith("smoke-ok ") else {}
    if not fields:
        return SmokeReport(line, ok=False)
    number = lambda key: int(fields[key]) if fields.get(key, "").isdigit() else None  # noqa: E731
    file = fields.get("file")
    return SmokeReport(
        line, ok=True, pages=number("pages"), extracted_pages=number("extracted-pages"), paper=number("paper"),
        env=fields.get("env"), page=number("page"),
        file=Path(unquote(urlsplit(file).path)) if file and file.startswith("file:") else None)


# -- the desktop entry's Exec= key, as a launcher reads it -------------------------------------------

_STRING_ESCAPES = {"s": " ", "n": "\n", "t": "\t", "r": "\r", "\\": "\\"}


def _unescape_string(value: str) -> str:
    """A desktop entry string value's escapes (\\s \\n \\t \\r \\\\), undone."""
    return re.sub(r"\\(.)", lambda m: _STRING_ESCAPES.get(m[1], m[0]), value)


def _split_exec(command: str) -> list[tuple[str, bool]]:
    """Exec arguments as (text, was quoted): space-separated; inside double quotes a backslash
    escapes ", `, $ and \\."""
    args: list[tuple[str, bool]] = []
    index, length = 0, len(command)
    while index < length:
        if command[index] == " ":
            index += 1
            continue
        if command[index] == '"':
            text, index = [], index + 1
            while index < length and command[index] != '"':
                if command[index] == "\\" and index + 1 < length and command[index + 1] in '"`$\\':
                    index += 1
                text.append(command[index])
                index += 1
            if index >= length:
                raise ValueError(f"unterminated quote in Exec={command}")
            args.append(("".join(text), True))
            index += 1
        else:
            end = command.find(" ", index)
            end = length if end < 0 else end
            args.append((command[index:end], False))
            index = end
    return args


def _local_path(url_or_path: str) -> str | None:
    if url_or_path.startswith("/"):
        return url_or_path
    parts = urlsplit(url_or_path)
    if parts.scheme == "file" and parts.netloc in ("", "localhost"):
        return unquote(parts.path)
    return None  # not a local file: a launcher does not pass it to %f or %F


def desktop_exec_argv(exec_value: str, targets: list[str], *, name: str = "", icon: str = "",
                      entry_path: str = "") -> list[str]:
    """The argv a launcher runs for ``Exec=exec_value`` (as written in the file) given ``targets``
    (URLs or absolute paths), by the Desktop Entry Specification: the string is unescaped, split
    by its quoting rules, and the field codes are expanded: %U all targets as URLs, %u the
    first; %F the local files among them as paths, %f the first; %i, %c, %k; %% a percent sign;
    the deprecated codes are dropped. Paths given for %u/%U become file: URLs."""
    urls = [Path(t).as_uri() if t.startswith("/") else t for t in targets]
    files = [path for path in (_local_path(t) for t in targets) if path is not None]
    argv: list[str] = []
    for text, quoted in _split_exec(_unescape_string(exec_value)):
        if quoted:  # field codes are not allowed inside quotes; %% still means %
            argv.append(text.replace("%%", "%"))
            continue
        expanded = {"%U": urls, "%u": urls[:1], "%F": files, "%f": files[:1],
                    "%i": ["--icon", icon] if icon else [], "%c": [name], "%k": [entry_path]}.get(text)
        if expanded is not None:
            argv.extend(expanded)
        elif text in ("%d", "%D", "%n", "%N", "%v", "%m"):
            continue
        else:
            argv.append(re.sub(r"%(.)", lambda m: "%" if m[1] == "%" else "", text))
    return argv
