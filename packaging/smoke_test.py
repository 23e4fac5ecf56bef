"""Smoke test of the built program (run after packaging/build.sh; CI runs both).

    python3 packaging/smoke_test.py                      tests dist/reading-list/reading-list
    python3 packaging/smoke_test.py --program "python3 -m reader"   the same checks on the source

Everything runs offscreen, in a temporary library and temporary XDG folders (nothing of
the user's is read or written), each run under a time limit:

1. ``--version`` prints this checkout's version.
2. The window opens a PDF from the corpus (../shared/corpus/real/papers/, else one made
   here with PyMuPDF) with READING_LIST_SMOKE_TEST=1: the app prints "smoke-ok" once
   the render process has rendered page 1, the window has painted it, and the
   extraction pool has read the file (both are spawned children: in a frozen app they
   re-run the binary), and exits 0. No process of the program may outlive it, and the environment it gives
   the programs it starts (xdg-open, a browser) must not point into the bundle.
   Then the same through a second launch: a window starts with no file, a second
   launch with the PDF's file: URL (as the desktop entry's %U gives it) hands it over
   and exits 0, and the first window opens it.
3. The command line: ``add`` prints the new id (extraction runs in-process there),
   ``list`` shows the paper, ``import`` reads a .bib (bibtexparser), ``export
   markdown`` writes a note (the packaged default template), ``install-desktop``
   (into a temporary XDG data home) writes an entry that starts the built program, and
   its Exec= line, expanded as a launcher does for a file: URL (a path with a space and
   non-ASCII), opens that file.
4. Start-up time: READING_LIST_STARTUP_PROBE=1, median of --runs launches, from
   launch to first paint of the window. Where Xvfb is installed, one more launch on
   a real X server with Qt's xcb platform (the one a double-click on an X11 desktop
   uses), which loads the bundled xcb plugin and its libraries, and the system's GL.
5. Linux, built program: every library a bundled file needs is either in the bundle
   or one a desktop system always provides (glibc, the GL/X11/Wayland client
   libraries, libstdc++, fontconfig: see the spec); anything else would be missing on
   a machine that lacks this machine's extra packages, and fails the test. Prints
   the oldest glibc the bundle runs on.

Exit status 0 when every check passed; the output is one line per check. Launching and
observing the program is shared with tests/test_installed_app.py (packaging/app_launch.py).
"""

from __future__ import annotations

import argparse
import os
import re
import shlex
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from app_launch import (LOADER_ERRORS, SMOKE_TEST, desktop_exec_argv, isolated_env, on_display, run, smoke_report,
                        tail, xvfb_display)

REPO = Path(__file__).resolve().parent.parent
CORPUS = REPO.parent / "shared" / "corpus" / "real" / "papers"
GUI_TIMEOUT_S = 90  # the app gives up by itself after 60 s
CLI_TIMEOUT_S = 120

failures: list[str] = []


def check(ok: bool, what: str, detail: str = "") -> bool:
    print(f"{'ok  ' if ok else 'FAIL'} {what}{(': ' + detail) if detail else ''}", flush=True)
    if not ok:
        failures.append(what)
    return ok


def version() -> str:
    text = (REPO / "reader" / "__init__.py").read_text(encoding="utf-8")
    return re.search(r'__version__\s*=\s*"([^"]+)"', text).group(1)


def pick_pdf(folder: Path) -> Path:
    """The smallest PDF of the corpus (a real paper), else a three-page one made with PyMuPDF."""
    papers = sorted(CORPUS.glob("*.pdf"), key=lambda p: (p.stat().st_size, p.name)) if CORPUS.is_dir() else []
    target = folder / "smoke-paper.pdf"
    if papers:
        shutil.copyfile(papers[0], target)  # a copy: the corpus is shared and must stay untouched
        print(f"     PDF: {papers[0].name} (corpus)")
        return target
    import pymupdf

    doc = pymupdf.open()
    for number in range(1, 4):
        page = doc.new_page()
        page.insert_text((72, 90), "A Smoke Test of Reading List" if number == 1 else f"Page {number}", fontsize=18)
        page.insert_text((72, 130), "Figure 1: a caption, so extraction has something to find.", fontsize=10)
    doc.set_metadata({"title": "A Smoke Test of Reading List", "author": "CI"})
    doc.save(target)
    print(f"     PDF: generated with PyMuPDF ({target.name})")
    return target


def leftovers(binary: Path) -> list[int]:
    """Processes still running this binary (a render or pool child that outlived the app)."""
    pids = []
    for entry in Path("/proc").glob("[0-9]*"):
        try:
            if Path(os.readlink(entry / "exe")) == binary:
                pids.append(int(entry.name))
        except OSError:
            continue
    return pids


# Libraries a bundled file may take from the system rather than the bundle: glibc, the parts
# of the graphics stack that must match the system's driver and display server (PyInstaller
# never bundles them), and what the spec leaves out on purpose. Every Linux desktop has them.
SYSTEM_LIBRARIES = re.compile(
    r"(ld-linux.*|lib(c|m|dl|pthread|rt|util|resolv|anl|crypt|nsl|mvec)"
    r"|lib(E?GL|GLX|GLdispatch|OpenGL|GLESv2|drm|gbm|xcb|xcb-dri[23]|wayland-(client|cursor|egl|server))"
    r"|lib(stdc\+\+|gcc_s|fontconfig|freetype|expat|z))\.so(\.[0-9.]+)?$"
)


def linked_libraries(app_dir: Path) -> dict[str, dict[str, set[str]]]:
    """For each library named by a bundled ELF file: {"where": resolved paths or "not found", "by": files}.

    ldd runs with LD_LIBRARY_PATH at the bundle, as the bootloader sets it at run time."""
    internal = app_dir / "_internal"
    env = {**os.environ, "LD_LIBRARY_PATH": str(internal)}
    found: dict[str, dict[str, set[str]]] = {}
    files = [app_dir / "reading-list", *sorted(internal.rglob("*.so*"))]
    for path in files:
        if path.is_symlink() or not path.is_file():
            continue
        result = subprocess.run(["ldd", str(path)], capture_output=True, text=True, env=env, timeout=30)
        for name, where in re.findall(r"^\s*(\S+) => (.+?)(?: \(0x[0-9a-f]+\))?$", result.stdout, re.M):
            entry = found.setdefault(name, {"where": set(), "by": set()})
            entry["where"].add(where.strip())
            entry["by"].add(str(path.relative_to(app_dir)))
    return found


def oldest_glibc(app_dir: Path) -> str | None:
    """The newest GLIBC_x.y symbol version any bundled file needs (objdump, from binutils)."""
    if not shutil.which("objdump"):
        return None
    newest = (0, 0)
    for path in [app_dir / "reading-list", *app_dir.joinpath("_internal").rglob("*.so*")]:
        if path.is_symlink() or not path.is_file():
            continue
        out = subprocess.run(["objdump", "-T", str(path)], capture_output=True, text=True, timeout=30).stdout
        for major, minor in re.findall(r"GLIBC_(\d+)\.(\d+)", out):
            newest = max(newest, (int(major), int(minor)))
    return f"{newest[0]}.{newest[1]}" if newest != (0, 0) else None


def check_libraries(binary: Path) -> None:
    if not shutil.which("ldd"):
        print("skip bundled libraries: ldd is not installed")
        return
    app_dir = binary.parent
    internal = str(app_dir / "_internal") + os.sep
    from_system: list[str] = []
    missing_ok: list[str] = []
    problems: list[str] = []
    for name, entry in sorted(linked_libraries(app_dir).items()):
        where = entry["where"]
        if all(path.startswith(internal) for path in where):
            continue
        users = sorted(entry["by"])
        used_by = f"{users[0]}" + (f" and {len(users) - 1} more" if len(users) > 1 else "")
        if SYSTEM_LIBRARIES.match(name):
            (missing_ok if "not found" in where else from_system).append(name)
        elif "not found" in where:
            problems.append(f"{name} (needed by {used_by}) is neither bundled nor installed here:"
                            " install it and build again")
        else:
            problems.append(f"{name} (needed by {used_by}) is not bundled: it comes from this machine"
                            f" ({', '.join(sorted(where))})")
    check(not problems, "the bundle carries every library a desktop system may lack", "; ".join(problems))
    glibc = oldest_glibc(app_dir)
    print(f"     from the system: {', '.join(from_system)}" + (f" (glibc {glibc} or newer)" if glibc else ""))
    if missing_ok:
        print(f"     not installed here, provided by a Wayland or X11 desktop: {', '.join(missing_ok)}")


def no_strays(binary: Path) -> None:
    time.sleep(1.0)  # daemonic children are terminated at exit; give them a moment
    stray = leftovers(binary)
    check(not stray, "no process outlives the window", f"still running: {stray}" if stray else "")
    for pid in stray:
        os.kill(pid, 9)


def forwarded(program: list[str], library: Path, pdf: Path, env: dict[str, str]) -> None:
    """A window with no file; a second launch with the PDF must hand it over, exit 0, and the first opens it."""
    import queue
    import threading

    first = subprocess.Popen([*program, "--library", str(library)], env={**env, SMOKE_TEST: "1"},
                             stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, start_new_session=True)
    lines: queue.Queue[str | None] = queue.Queue()

    def pump() -> None:
        for text in first.stdout:
            lines.put(text.rstrip("\n"))
        lines.put(None)

    threading.Thread(target=pump, daemon=True).start()

    def next_line(until: float) -> str | None:
        try:
            return lines.get(timeout=max(until - time.monotonic(), 0.01))
        except queue.Empty:
            return None

    what = "a second launch hands the PDF (a file: URL, as from Exec=... %U) to the running window"
    try:
        until = time.monotonic() + GUI_TIMEOUT_S
        line = next_line(until)
        while line is not None and line != "smoke-ready":
            line = next_line(until)
        if line != "smoke-ready":
            first.kill()
            check(False, what, f"the first window did not come up: {tail(first.stderr.read())}")
            return
        status, out, err, seconds = run(program, ["--library", str(library), pdf.as_uri()], env, 60)
        if status != 0 or out.strip():
            check(False, what, f"the second launch: exit {status}, {tail(out + err)!r}")
            return
        result = next_line(time.monotonic() + GUI_TIMEOUT_S)
        while result is not None and not result.startswith(("smoke-ok", "smoke-failed")):
            result = next_line(time.monotonic() + GUI_TIMEOUT_S)
        try:
            first_status = first.wait(timeout=30)
        except subprocess.TimeoutExpired:
            first_status = None
        report = smoke_report(result or "")
        ok = first_status == 0 and report is not None and report.ok and report.file == pdf.resolve()
        check(ok, what, f"second exited 0 in {seconds:.1f} s; first: {result} (exit {first_status})" if result
              else f"the first window never opened it (exit {first_status}): {tail(first.stderr.read())}")
    finally:
        if first.poll() is None:
            os.killpg(first.pid, 9)
            first.wait()


def opened_by_entry(exec_value: str, pdf: Path, work: Path, env: dict[str, str]) -> None:
    """The menu entry's Exec=, expanded as a launcher does for a file manager's "Open with"
    (%U: a percent-encoded file: URL, here of a path with a space and non-ASCII), opens that file."""
    folder = work / "Papers to read" / "Überblick"
    folder.mkdir(parents=True)
    target = folder / "café paper.pdf"
    shutil.copyfile(pdf, target)
    argv = desktop_exec_argv(exec_value, [target.as_uri()])
    status, out, err, seconds = run(argv, [], {**env, SMOKE_TEST: "1", "READING_LIST_HOME": str(work / "entry-library")},
                                    GUI_TIMEOUT_S, cwd=Path(env["HOME"]))
    report = smoke_report(out)
    ok = status == 0 and report is not None and report.ok and report.file == target.resolve()
    check(ok, "the menu entry's Exec= %U opens a file: URL (a path with a space and non-ASCII)",
          f"{report.line if report else 'no report'} (exit {status}, {seconds:.1f} s)"
          + ("" if ok else f"\n{tail(out + err)}"))


def on_x_server(program: list[str], work: Path, env: dict[str, str]) -> None:
    """Start the window on Xvfb with Qt's xcb platform, to first paint; loader errors fail it."""
    what = "starts on an X server (xcb platform, GL from the system)"
    try:
        with xvfb_display() as display:
            x_env = {**on_display(env, display), "READING_LIST_STARTUP_PROBE": "1"}
            status, out, err, seconds = run(program, ["--library", str(work / "x-library")], x_env, GUI_TIMEOUT_S)
    except RuntimeError as exc:
        check(False, what, str(exc))
        return
    loader_errors = [line for line in err.splitlines() if LOADER_ERRORS.search(line)]
    painted = status == 0 and "first-paint-epoch" in out
    check(painted and not loader_errors, what,
          f"first paint after {seconds:.1f} s" if painted and not loader_errors
          else f"exit {status}: {tail(chr(10).join(loader_errors) or out + err)}")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--program", help="command to test (default: the built dist/reading-list/reading-list)")
    parser.add_argument("--runs", type=int, default=5, help="launches for the start-up median (0: skip)")
    options = parser.parse_args()

    if options.program:
        program, binary = shlex.split(options.program), None
    else:
        app_dir = REPO / "dist" / "reading-list"
        binary = (app_dir / ("reading-list.exe" if os.name == "nt" else "reading-list")).resolve()
        if not binary.is_file():
            print(f"FAIL no built program at {binary}: run packaging/build.sh first")
            return 1
        program = [str(binary)]
        print(f"     program: {binary} ({_du(app_dir)})")

    with tempfile.TemporaryDirectory(prefix="reading-list-smoke-") as tmp:
        work = Path(tmp)
        env = isolated_env(work)
        pdf = pick_pdf(work)

        # 1. --version
        status, out, err, _ = run(program, ["--version"], env, CLI_TIMEOUT_S)
        check(status == 0 and out.strip() == f"reading-list {version()}", "--version", out.strip() or tail(err))

        # 2. the window opens the PDF: render process and extraction pool start
        status, out, err, seconds = run(program, ["--library", str(work / "gui-library"), str(pdf)],
                                        {**env, SMOKE_TEST: "1"}, GUI_TIMEOUT_S)
        report = smoke_report(out)
        opened = (status == 0 and report is not None and report.ok and bool(report.pages)
                  and report.pages == report.extracted_pages and report.page == 1 and report.file == pdf.resolve())
        detail = f"{report.line} (exit {status}, {seconds:.1f} s)" if report else (
            f"exit {status} after {seconds:.1f} s" + (" (killed: time-out)" if status is None else ""))
        if not check(opened, "window opens the PDF, renders page 1, extraction pool reads it", detail):
            print(tail(out + "\n" + err, 30))
        else:
            if "Traceback" in err:
                check(False, "no traceback on stderr", tail(err))
            check(report.env == "clean", "programs the app starts get the system's library path", report.env)
        if binary is not None:
            no_strays(binary)

        # 2b. a second launch hands the PDF to the running window and exits
        forwarded(program, work / "forward-library", pdf, env)
        if binary is not None:
            no_strays(binary)

        # 3. the command line
        library = ["--library", str(work / "cli-library")]
        status, out, err, seconds = run(program, [*library, "add", str(pdf)], env, CLI_TIMEOUT_S)
        ids = re.findall(r"^\s*(\d+)\b", out, re.M)
        check(status == 0 and bool(ids), "add prints the new id", f"{out.strip()!r} (exit {status}, {seconds:.1f} s)"
              if status == 0 else f"exit {status}: {tail(err)}")
        status, out, err, _ = run(program, [*library, "list"], env, CLI_TIMEOUT_S)
        check(status == 0 and len(out.strip().splitlines()) >= 1, "list shows it", tail(out, 3) if status == 0 else tail(err))
        bib = work / "smoke.bib"
        bib.write_text("@article{smoke2024,\n  title = {Smoke Testing a Frozen Build},\n"
                       "  author = {Tester, Ada and Runner, Bob},\n  year = {2024},\n  journal = {CI Letters},\n}\n",
                       encoding="utf-8")
        status, out, err, _ = run(program, [*library, "import", str(bib)], env, CLI_TIMEOUT_S)
        check(status == 0, "import reads a .bib file", tail(out, 3) if status == 0 else tail(err))
        notes = work / "notes"
        status, out, err, _ = run(program, [*library, "export", "markdown", "--out", str(notes)], env, CLI_TIMEOUT_S)
        written = sorted(notes.glob("*.md")) if notes.is_dir() else []
        check(status == 0 and len(written) >= 2, "export markdown writes the notes (default template)",
              f"{len(written)} files" if status == 0 else tail(err))

        if binary is not None:  # the menu entry must start this program, whatever else is on PATH
            data_home = work / "xdg-desktop"
            status, out, err, _ = run(program, ["install-desktop"], {**env, "XDG_DATA_HOME": str(data_home)},
                                      CLI_TIMEOUT_S)
            installed = data_home / "applications" / "io.github.readinglist.ReadingList.desktop"
            exec_line = next((line for line in installed.read_text(encoding="utf-8").splitlines()
                              if line.startswith("Exec=")), "") if installed.is_file() else ""
            check(status == 0 and exec_line.startswith(f"Exec={binary} "),
                  "install-desktop adds a menu entry that starts the built program",
                  exec_line if status == 0 else tail(err))
            if exec_line.startswith(f"Exec={binary} "):
                opened_by_entry(exec_line.removeprefix("Exec="), pdf, work, env)

        # 4. start-up time
        if options.runs > 0:
            times, rss = [], []
            for index in range(options.runs):
                launched = time.time()
                status, out, err, _ = run(program, ["--library", str(work / "cli-library")],
                                          {**env, "READING_LIST_STARTUP_PROBE": "1"}, GUI_TIMEOUT_S)
                match = re.search(r"first-paint-epoch (\S+) peak-rss-mb (\S+)", out)
                if status != 0 or not match:
                    check(False, f"start-up probe run {index + 1}", f"exit {status}: {tail(out + err)}")
                    break
                times.append((float(match[1]) - launched) * 1000)
                rss.append(float(match[2]))
            else:
                check(True, "start-up to first paint",
                      f"median {statistics.median(times):.0f} ms of {len(times)} "
                      f"({', '.join(f'{t:.0f}' for t in times)}), peak RSS {statistics.median(rss):.0f} MB")

        if shutil.which("Xvfb") and sys.platform.startswith("linux"):
            on_x_server(program, work, env)
        elif sys.platform.startswith("linux"):
            print("skip start on an X server (xcb): Xvfb is not installed")

    # 5. libraries the bundle needs from the system
    if binary is not None and sys.platform.startswith("linux"):
        check_libraries(binary)

    print("smoke test: " + ("all checks ok" if not failures else f"FAILED ({'; '.join(failures)})"), flush=True)
    return 0 if not failures else 1


def _du(folder: Path) -> str:
    total = sum(path.stat().st_size for path in folder.rglob("*") if path.is_file() and not path.is_symlink())
    return f"{total / 1e6:.0f} MB"


if __name__ == "__main__":
    sys.exit(main())
