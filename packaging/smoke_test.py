"""Smoke test of the built program (run after packaging/build.sh; CI runs both).

    python3 packaging/smoke_test.py                      tests dist/reading-list/reading-list
    python3 packaging/smoke_test.py --program "python3 -m reader"   the same checks on the source

Everything runs offscreen, in a temporary library and temporary XDG folders (nothing of
the user's is read or written), each run under a time limit:

1. ``--version`` prints this checkout's version.
2. The window opens a PDF from the corpus (../shared/corpus/real/papers/, else one made
   here with PyMuPDF) with READING_LIST_SMOKE_TEST=1: the app prints "smoke-ok" once
   the render process has rendered the first page and the extraction pool has read
   the file (both are spawned children: in a frozen app they re-run the binary), and
   exits 0. No process of the program may outlive it.
3. The command line: ``add`` prints the new id (extraction runs in-process there),
   ``list`` shows the paper, ``import`` reads a .bib (bibtexparser), ``export
   markdown`` writes a note (the packaged default template).
4. Start-up time: READING_LIST_STARTUP_PROBE=1, median of --runs launches, from
   launch to first paint of the window.
5. Linux: bundled libraries whose dependencies are missing on this machine (warnings).

Exit status 0 when every check passed; the output is one line per check.
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


def run(program: list[str], args: list[str], env: dict[str, str], timeout: float) -> tuple[int | None, str, str, float]:
    """(exit status or None on time-out, stdout, stderr, seconds); a program that hangs is killed."""
    start = time.perf_counter()
    proc = subprocess.Popen([*program, *args], env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                            start_new_session=True)  # its own process group, so a hang can be killed whole
    try:
        out, err = proc.communicate(timeout=timeout)
        status: int | None = proc.returncode
    except subprocess.TimeoutExpired:
        os.killpg(proc.pid, 9)
        out, err = proc.communicate()
        status = None
    return status, out, err, time.perf_counter() - start


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


def tail(text: str, lines: int = 15) -> str:
    return "\n".join(text.strip().splitlines()[-lines:])


def unresolved_libraries(app_dir: Path) -> dict[str, list[str]]:
    """Linux: for each bundled ELF file, the libraries ldd cannot find (bundle first, then the system)."""
    internal = app_dir / "_internal"
    if not sys.platform.startswith("linux") or not internal.is_dir() or not shutil.which("ldd"):
        return {}
    env = {**os.environ, "LD_LIBRARY_PATH": str(internal)}
    missing: dict[str, list[str]] = {}
    for path in sorted(internal.rglob("*.so*")):
        if path.is_symlink() or not path.is_file():
            continue
        result = subprocess.run(["ldd", str(path)], capture_output=True, text=True, env=env, timeout=30)
        names = re.findall(r"^\s*(\S+) => not found", result.stdout, re.M)
        if names:
            missing[str(path.relative_to(internal))] = names
    return missing


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
        env = {key: value for key, value in os.environ.items() if not key.startswith("READING_LIST_")}
        env.update(QT_QPA_PLATFORM="offscreen", HOME=str(work / "home"), XDG_CONFIG_HOME=str(work / "config"),
                   XDG_DATA_HOME=str(work / "data"), XDG_STATE_HOME=str(work / "state"),
                   XDG_CACHE_HOME=str(work / "cache"), XDG_RUNTIME_DIR=str(work / "runtime"))
        for key in ("HOME", "XDG_CONFIG_HOME", "XDG_DATA_HOME", "XDG_STATE_HOME", "XDG_CACHE_HOME", "XDG_RUNTIME_DIR"):
            Path(env[key]).mkdir(mode=0o700)
        pdf = pick_pdf(work)

        # 1. --version
        status, out, err, _ = run(program, ["--version"], env, CLI_TIMEOUT_S)
        check(status == 0 and out.strip() == f"reading-list {version()}", "--version", out.strip() or tail(err))

        # 2. the window opens the PDF: render process and extraction pool start
        status, out, err, seconds = run(program, ["--library", str(work / "gui-library"), str(pdf)],
                                        {**env, "READING_LIST_SMOKE_TEST": "1"}, GUI_TIMEOUT_S)
        line = next((text for text in out.splitlines() if text.startswith("smoke-")), "")
        match = re.fullmatch(r"smoke-ok pages=(\d+) extracted-pages=(\d+)", line)
        opened = status == 0 and match is not None and int(match[1]) > 0 and match[1] == match[2]
        detail = f"{line} (exit {status}, {seconds:.1f} s)" if line else (
            f"exit {status} after {seconds:.1f} s" + (" (killed: time-out)" if status is None else ""))
        if not check(opened, "window opens the PDF, renders page 1, extraction pool reads it", detail):
            print(tail(out + "\n" + err, 30))
        elif "Traceback" in err:
            check(False, "no traceback on stderr", tail(err))
        if binary is not None:
            time.sleep(1.0)  # daemonic children are terminated at exit; give them a moment
            stray = leftovers(binary)
            check(not stray, "no process outlives the window", f"still running: {stray}" if stray else "")
            for pid in stray:
                os.kill(pid, 9)

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

    # 5. libraries the bundle needs from the system but this machine lacks
    if binary is not None:
        for name, libs in unresolved_libraries(binary.parent).items():
            print(f"warn {name} needs {', '.join(libs)}, not bundled and not installed here")

    print("smoke test: " + ("passed" if not failures else f"FAILED ({'; '.join(failures)})"), flush=True)
    return 0 if not failures else 1


def _du(folder: Path) -> str:
    total = sum(path.stat().st_size for path in folder.rglob("*") if path.is_file() and not path.is_symlink())
    return f"{total / 1e6:.0f} MB"


if __name__ == "__main__":
    sys.exit(main())
