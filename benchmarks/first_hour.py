"""A newcomer's first hour, timed as far as a machine can follow the README.

    python3 benchmarks/first_hour.py            # from the repository root

1. ``git clone`` of this repository into a temporary folder.
2. The README's install command, ``python3 -m venv .venv && .venv/bin/pip install .``, with
   an empty pip cache, so every package is fetched from the package index.
3. The installed ``reading-list`` program, from launch to its first painted window.
4. The reading loop in the installed app's real window (offscreen), by keys alone:
   *Load Sample Reading List*, find the shipped paper, Enter to open it, Ctrl+F a phrase,
   Enter, Esc, H to highlight it, Ctrl+E, Alt+F, a folder, Enter to export. The exported
   Markdown note must hold the highlight.

What it cannot time is the person: reading the README, deciding, typing. It prints that
part as the number of keys pressed, not as a guess in seconds. The Debian packages of the
README's ``apt-get`` line are assumed present (they are on CI and on any desktop).
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
SAMPLE_TITLE = "Construction of the Literature Graph in Semantic Scholar"
PHRASE = "deployed scalable system"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--drive", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--library", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--vault", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.drive:
        return drive(args.library, args.vault)
    return measure()


def measure() -> int:
    work = Path(tempfile.mkdtemp(prefix="first-hour-"))
    clone = work / "reading-list"
    env = {k: v for k, v in os.environ.items() if k not in ("VIRTUAL_ENV", "PYTHONPATH")}
    env.update(PIP_NO_CACHE_DIR="1", PYTHONSAFEPATH="1", QT_QPA_PLATFORM="offscreen")
    timings: list[tuple[str, float]] = []

    def step(name: str, command: list[str] | str, **kw) -> subprocess.CompletedProcess:
        started = time.perf_counter()
        result = subprocess.run(command, env=env, capture_output=True, text=True, **kw)
        if result.returncode != 0:
            print(f"{name}: failed ({result.returncode})\n{result.stdout[-2000:]}\n{result.stderr[-2000:]}")
            raise SystemExit(1)
        timings.append((name, time.perf_counter() - started))
        print(f"{name}: {timings[-1][1]:.1f} s", flush=True)
        return result

    step("git clone", ["git", "clone", "-q", str(REPO), str(clone)])
    step("install (README, empty pip cache)", "python3 -m venv .venv && .venv/bin/pip install -q .",
         shell=True, cwd=clone)
    library = work / "library"
    started = time.perf_counter()
    probe = subprocess.run([str(clone / ".venv" / "bin" / "reading-list"), "--library", str(library)],
                           env={**env, "READING_LIST_STARTUP_PROBE": "1"}, capture_output=True, text=True,
                           timeout=120, cwd=work)
    timings.append(("first launch, to the window painted and closed", time.perf_counter() - started))
    print(f"{timings[-1][0]}: {timings[-1][1]:.1f} s ({probe.stdout.strip()})", flush=True)
    result = step("reading loop by keys (sample, open, find, highlight, export)",
                  [str(clone / ".venv" / "bin" / "python"), str(Path(__file__).resolve()), "--drive",
                   "--library", str(library), "--vault", str(work / "vault")], cwd=work, timeout=600)
    print(result.stdout.rstrip())
    total = sum(seconds for _name, seconds in timings)
    print(f"machine time from git clone to the exported highlight: {total:.0f} s "
          f"({total / 60:.1f} min); the person's reading and typing is not included")
    return 0


def drive(library_home: Path, vault: Path) -> int:
    """The loop in the installed app's real window, by key events only."""
    import reader
    from PySide6.QtCore import QCoreApplication, Qt
    from PySide6.QtTest import QTest
    from PySide6.QtWidgets import QApplication

    from reader.library import Library
    from reader.ui.main_window import MainWindow
    from reader.ui.viewer.render_client import RenderClient

    assert ".venv" in reader.__file__, f"not the installed app: {reader.__file__}"
    app = QApplication([sys.argv[0]])
    app.setApplicationName("Reading List")
    library = Library.open(library_home)
    client = RenderClient(app)
    client.start()
    window = MainWindow(library, log_file=None, render_client=client)
    window.resize(1400, 900)
    window.show()
    keys = 0
    started = time.perf_counter()

    def wait(predicate, what, timeout: float = 60.0) -> None:
        deadline = time.monotonic() + timeout
        while not predicate():
            if time.monotonic() > deadline:
                raise SystemExit(f"timed out waiting for {what() if callable(what) else what}")
            QCoreApplication.processEvents()
            time.sleep(0.005)

    def keyboard_back() -> None:
        """A desktop hands the keyboard back to the window when a popup closes; offscreen Qt does not."""
        if QApplication.activeWindow() is None:
            top = next((w for w in QApplication.topLevelWidgets() if w.isVisible() and w.isModal()), window)
            top.activateWindow()
            QTest.qWaitForWindowActive(top)

    def press(key, modifier=Qt.KeyboardModifier.NoModifier, widget=None) -> None:
        nonlocal keys
        keys += 1
        QTest.keyClick(widget or QApplication.focusWidget() or window, key, modifier)
        QCoreApplication.processEvents()
        keyboard_back()

    def type_text(text: str) -> None:
        nonlocal keys
        keys += len(text)
        QTest.keyClicks(QApplication.focusWidget() or window, text)
        QCoreApplication.processEvents()
        keyboard_back()

    marks = []

    def mark(name: str) -> None:
        marks.append((name, time.perf_counter() - started))
        print(f"  {name}: {marks[-1][1]:.1f} s", flush=True)

    window.activateWindow()
    QTest.qWaitForWindowActive(window)
    window.welcome.sample_button.setFocus()
    press(Qt.Key.Key_Space)
    wait(lambda: not window.import_job.running and any(
        row.title == SAMPLE_TITLE and row.has_pdf for row in library.paper_rows(library.query_ids())),
         "the sample to load")
    wait(lambda: "Added" in window.statusBar().currentMessage(), "the sample's report in the status bar")
    mark("sample loaded")
    keyboard_back()
    press(Qt.Key.Key_F, Qt.KeyboardModifier.ControlModifier)
    if QApplication.focusWidget() is not window.search:
        raise SystemExit(f"Ctrl+F did not reach the search box: {QApplication.focusWidget()}")
    type_text("literature graph")
    wait(lambda: window.model.rowCount() == 1, "the search to narrow to the shipped paper")
    window.table.setFocus()
    press(Qt.Key.Key_Home)
    press(Qt.Key.Key_Return)
    wait(lambda: getattr(window.tabs.currentWidget(), "is_loaded", lambda: False)(), "the paper to open")
    tab = window.tabs.currentWidget()
    mark("paper open")
    press(Qt.Key.Key_F, Qt.KeyboardModifier.ControlModifier)
    type_text(PHRASE)
    press(Qt.Key.Key_Return)
    wait(lambda: tab.view.selected_text() == "deployed scalable system", "the phrase to be found and selected")
    press(Qt.Key.Key_Escape)
    press(Qt.Key.Key_H)
    wait(lambda: len(tab.annotations.store.records) == 1, "the highlight")
    mark("highlighted")
    press(Qt.Key.Key_E, Qt.KeyboardModifier.ControlModifier)
    dialog = window.export_dialog
    wait(lambda: dialog.isVisible(), "the export dialog")
    dialog.activateWindow()
    QTest.qWaitForWindowActive(dialog)
    press(Qt.Key.Key_M, Qt.KeyboardModifier.AltModifier)
    press(Qt.Key.Key_F, Qt.KeyboardModifier.AltModifier)
    type_text(str(vault))
    exported = []
    dialog.exported.connect(lambda *a: exported.append(a))
    dialog.failed.connect(lambda message: sys.exit(f"the export failed: {message}"))
    press(Qt.Key.Key_Return)
    wait(lambda: exported, lambda: f"the export ({dialog.status_label.text()})")
    mark("exported")
    notes = list(vault.glob("*.md"))
    text = notes[0].read_text(encoding="utf-8") if len(notes) == 1 else ""
    if PHRASE not in text:
        raise SystemExit(f"the exported note lacks the highlight: {notes}")
    print(f"  keys pressed: {keys}; exported note: {notes[0].name}")
    window.close()
    client.shutdown()
    library.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
