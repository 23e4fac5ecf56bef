"""Entry point and composition root: the only module that wires the layers together.

Start-up, in order:

1. The arguments decide between the command line (``reading-list add ...``, no Qt
   loaded at all) and the window (no arguments, or files to open).
2. Logging goes to the platform log directory, rotated.
3. The QApplication is created, so every later failure can be shown in a dialog.
4. If a window is already running on this library, the files and links are handed
   to it (it comes to the front) and this process exits.
5. The library folder is opened (lock, migrations). A read-only folder or a newer
   schema ends here with a clear message. A library that needs nothing done is read
   with the ``sqlite3`` module alone until the window has painted
   (reader.library.quick_open): the façade brings SQLAlchemy, a quarter of a second.
6. The main window is built and shown; PyMuPDF is not imported before it paints.
7. After the first paint (:func:`after_first_paint`): the façade is opened off the GUI
   thread, the render process is started, and the full integrity check runs a little
   later, so none of them competes with the first paint for the two cores.
"""

from __future__ import annotations

import argparse
import gc
import logging
import os
import sys
import time
from collections.abc import Sequence
from pathlib import Path

from reader import __version__

log = logging.getLogger(__name__)


def main(argv: Sequence[str] | None = None) -> int:
    args = list(sys.argv[1:] if argv is None else argv)
    if getattr(sys, "frozen", False):
        _restore_library_path()
    from reader.cli import is_command

    if is_command(args):
        from reader.cli import run

        return run(args)
    try:
        return run_gui(args)
    except Exception:  # start-up (or shutdown) failed: say so rather than vanish
        exc_info = sys.exc_info()
        try:
            from reader.paths import log_dir
            from reader.ui.errors import show_startup_error

            show_startup_error(*exc_info, log_dir() / "reading-list.log")
        except Exception:  # noqa: BLE001 - no Qt to show it with: the traceback goes to stderr
            raise exc_info[1] from None
        return 1


def _restore_library_path() -> None:
    """Frozen on Linux: PyInstaller's bootloader points LD_LIBRARY_PATH at the bundle so this
    process finds its libraries. Programs the app starts (xdg-open and the browser it runs
    for a web link, the file manager) would inherit it and load the bundle's older copies
    of GLib and friends instead of their own, and fail. This process is unaffected (the
    loader read the variable at start), and spawned workers re-run the bootloader, which
    sets it again."""
    for key in ("LD_LIBRARY_PATH", "LIBPATH"):  # LIBPATH: AIX
        original = os.environ.pop(f"{key}_ORIG", None)
        if original is not None:
            os.environ[key] = original
        else:
            os.environ.pop(key, None)


def _gui_arguments(argv: list[str]) -> argparse.Namespace:
    """Our options and the files to open; ``qt_options`` keeps Qt's own (``-platform xcb``, ``-reverse``)."""
    from reader.cli import split_qt_options

    qt_options, argv = split_qt_options(argv)
    parser = argparse.ArgumentParser(prog="reading-list", description="Reading List: a reading list for papers.")
    parser.add_argument("--library", metavar="DIR")
    parser.add_argument("--version", action="version", version=f"reading-list {__version__}")
    parser.add_argument("files", nargs="*", help="PDF files to open")
    known, _unknown = parser.parse_known_args(argv)
    known.qt_options = qt_options
    return known


def setup_logging() -> Path | None:
    from logging.handlers import RotatingFileHandler

    from reader.paths import log_dir

    try:
        folder = log_dir()
        folder.mkdir(parents=True, exist_ok=True)
        handler = RotatingFileHandler(folder / "reading-list.log", maxBytes=1_000_000, backupCount=3,
                                      encoding="utf-8")
    except OSError:
        logging.basicConfig(level=logging.INFO)
        return None
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    root = logging.getLogger()
    root.addHandler(handler)
    root.setLevel(logging.INFO)
    return folder / "reading-list.log"


def run_gui(argv: list[str]) -> int:
    args = _gui_arguments(argv)
    log_file = setup_logging()

    from PySide6.QtCore import QTimer
    from PySide6.QtWidgets import QApplication, QMessageBox

    from reader.errors import LibraryError
    from reader.library.quick_open import DeferredLibrary
    from reader.paths import library_home
    from reader.ui.main_window import MainWindow
    from reader.ui.resources import app_icon

    app = QApplication.instance() or QApplication([sys.argv[0], *args.qt_options])
    app.setApplicationName("Reading List")
    app.setOrganizationName("reading-list")
    app.setApplicationVersion(__version__)
    app.setDesktopFileName("io.github.readinglist.ReadingList")
    app.setWindowIcon(app_icon())

    from reader.desktop import launcher_arguments
    from reader.ui.errors import install_error_dialog
    from reader.ui.single_instance import SingleInstance

    args.files = launcher_arguments(args.files)
    home = library_home(args.library)
    instance = SingleInstance(home)
    if instance.forward(args.files):
        return 0
    if not instance.listen() and instance.forward(args.files):  # lost a start-up race
        return 0
    try:
        library = DeferredLibrary.open(home)
    except LibraryError as exc:
        log.warning("cannot open library: %s", exc)
        QMessageBox.critical(None, "Reading List", str(exc))
        instance.close()
        return 1

    window = MainWindow(library, log_file=log_file)  # its render process starts after the first paint
    install_error_dialog(window, log_file)
    _quit_on_termination(app, window)
    after_first_paint(window, lambda: _start_deferred_work(window, library))
    window.show()
    QTimer.singleShot(FREEZE_AFTER_MS, freeze_startup_objects)
    if os.environ.get("READING_LIST_STARTUP_PROBE"):
        _report_first_paint(window)
    if os.environ.get("READING_LIST_SMOKE_TEST"):
        _smoke_test(window)
    instance.messages_received.connect(window.receive_arguments)
    from reader.ui.file_open import FileOpenEvents

    app.installEventFilter(FileOpenEvents(window.receive_arguments, window))
    window.receive_arguments(args.files, raise_window=False)
    try:
        status = app.exec()
    finally:
        window.shutdown()
        library.close()
        instance.close()
    if window.restore_on_exit is not None:
        _restore_and_restart(home, window.restore_on_exit, argv)
    return status


VERIFY_AFTER_MS = 3000  # the full page check reads the whole database: not while the window settles


UNPAINTED_AFTER_MS = 3000  # a window started minimised or on a hidden desktop may not paint for long


def after_first_paint(window, then) -> None:
    """Run ``then`` once, as soon as any part of ``window`` has painted for the first time
    (or after UNPAINTED_AFTER_MS if it has not).

    An application-wide event filter sees the first paint event of the window's widgets;
    ``then`` is queued behind it, so it runs once that paint is on screen.
    """
    from PySide6.QtCore import QEvent, QObject, QTimer
    from PySide6.QtWidgets import QApplication, QWidget

    class FirstPaint(QObject):
        done = False

        def eventFilter(self, watched, event):  # noqa: N802
            if event.type() == QEvent.Type.Paint and isinstance(watched, QWidget) and watched.window() is window:
                QApplication.instance().removeEventFilter(self)
                QTimer.singleShot(0, window, self.run)
            return False

        def run(self) -> None:
            if not self.done:
                self.done = True
                then()

    watcher = FirstPaint(window)
    QApplication.instance().installEventFilter(watcher)
    QTimer.singleShot(UNPAINTED_AFTER_MS, watcher, watcher.run)


def _start_deferred_work(window, library) -> None:
    """What start-up leaves until the window has painted: the library's façade (opened on the
    work lane, so SQLAlchemy's import does not freeze the window), the render process, and,
    a few seconds on, the full integrity check."""
    from PySide6.QtCore import QTimer

    def opened(_library) -> None:
        QTimer.singleShot(VERIFY_AFTER_MS, window, window.verify_library)

    def failed(exc: BaseException) -> None:  # the quick checks passed, so this is rare: say it as any error
        log.error("opening the library after the first paint failed: %s", exc)
        window.warn("Reading List", f"The library could not be opened: {exc}")

    window.runner.run(library.open_fully, opened, failed, lane="work")
    window.render_client()


def _quit_on_termination(app, window) -> None:
    """SIGTERM (logout, ``kill``), SIGHUP and SIGINT (Ctrl+C in the terminal that started it)
    quit like *Quit*: the window closes and saves the note being typed, then ``run_gui``
    stops the worker processes and removes the socket.

    Python runs a signal handler only once the interpreter has control, and Qt's event
    loop may wait in C++ for a long time. The signal writes a byte to a socket pair
    (``signal.set_wakeup_fd``); a QSocketNotifier on the other end wakes the loop and
    runs Python, and with it the handler, which asks the loop to quit.
    """
    import signal
    import socket

    from PySide6.QtCore import QSocketNotifier, QTimer

    wanted = [getattr(signal, name) for name in ("SIGTERM", "SIGHUP", "SIGINT") if hasattr(signal, name)]
    receive, send = socket.socketpair()
    receive.setblocking(False)
    send.setblocking(False)
    signal.set_wakeup_fd(send.fileno())
    notifier = QSocketNotifier(receive.fileno(), QSocketNotifier.Type.Read, window)

    def drain() -> None:
        try:
            receive.recv(512)
        except OSError:
            pass

    def quit_cleanly() -> None:
        log.info("asked to quit by a signal")
        window.close()
        app.quit()

    notifier.activated.connect(drain)
    for signum in wanted:
        signal.signal(signum, lambda _signum, _frame: QTimer.singleShot(0, quit_cleanly))
    window._termination_wakeup = (receive, send, notifier)  # alive as long as the window


FREEZE_AFTER_MS = 2000  # after the first paint and the deferred start-up work


def freeze_startup_objects() -> None:
    """Keep what start-up built out of Python's full garbage collections.

    Qt's wrappers, the window, SQLAlchemy and the imported modules are tens of
    thousands of objects that live as long as the app. Every full collection
    walked them all: a 15-40 ms pause now and then, seen as a hitch while
    scrolling a PDF (benchmarks/viewer.py).
    """
    gc.collect()
    gc.freeze()


def _restore_and_restart(home: Path, backup_file: Path, argv: list[str]) -> None:
    """Replace a damaged database with the chosen backup (the damaged one is kept), then start again."""
    from reader.library import backup

    kept = backup.restore(home, backup_file)
    log.warning("restored %s from %s; the damaged database is kept as %s", home, backup_file, kept)
    if getattr(sys, "frozen", False):
        os.execv(sys.executable, [sys.executable, *argv])
    os.execv(sys.executable, [sys.executable, "-m", "reader", *argv])


def _report_first_paint(window) -> None:
    """For benchmarks: print the wall-clock time of the first paint and peak memory, then quit."""
    import resource

    from PySide6.QtCore import QTimer
    from PySide6.QtWidgets import QApplication

    def report() -> None:
        window.repaint()
        rss_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        started = "sqlalchemy" in sys.modules, window._render_client is not None, "pymupdf" in sys.modules
        print(f"first-paint-epoch {time.time():.6f} peak-rss-mb {rss_mb:.1f} rows {window.model.rowCount()}"
              f" sqlalchemy {started[0]:d} render-process {started[1]:d} pymupdf {started[2]:d}", flush=True)
        QApplication.quit()

    QTimer.singleShot(0, report)


def _smoke_test(window) -> None:
    """For packaging/smoke_test.py and tests/test_installed_app.py: print "smoke-ready" once
    the window is up (and listening for a second launch); once a PDF (given on the command
    line or as a link, or handed over by a second launch) has the page it opened at rendered
    by the render process and painted in the window, and the extraction pool has read it,
    print "smoke-ok ..." and quit; after 60 s without that, print "smoke-failed ..." and exit
    1. "env=clean" says no bundle path leaks into the environment of programs the app
    starts; "page" is that page (1-based) and "file" the PDF shown, as a file: URL."""
    from PySide6.QtCore import QTimer
    from PySide6.QtWidgets import QApplication

    from reader.pdf.geometry import RenderKey

    deadline = time.monotonic() + 60
    timer = QTimer(window)
    bundle = getattr(sys, "_MEIPASS", None)
    leaked = bundle is not None and any(
        os.environ.get(key, "").startswith(bundle) or f":{bundle}" in os.environ.get(key, "")
        for key in ("LD_LIBRARY_PATH", "DYLD_LIBRARY_PATH"))
    environment = "leaks-bundle-path" if leaked else "clean"
    print("smoke-ready", flush=True)

    def finish(line: str, status: int) -> None:
        timer.stop()
        print(line, flush=True)
        QApplication.exit(status)

    def poll() -> None:
        tab = window.tabs.currentWidget()
        viewer = getattr(tab, "viewer", tab)  # an UnlistedTab wraps its ViewerTab
        if hasattr(viewer, "is_loaded") and viewer.is_loaded():
            shown = RenderKey(viewer.view.doc_id, viewer.current_page(), 1.0, 0, viewer.view.dark)
            painted = viewer.view.first_paint_with_page is not None
            if painted and viewer.client.cache.closest(shown) is not None:  # any scale of that page
                timer.stop()
                try:
                    extracted = window.extraction_pool.extract(viewer.pdf_path)
                except Exception as exc:  # noqa: BLE001 - reported, not raised
                    finish(f"smoke-failed extraction pool: {exc!r}", 1)
                    return
                paper = getattr(tab, "paper_id", None)  # None: an unlisted PDF, not a library paper
                finish(f"smoke-ok pages={viewer.page_count()} extracted-pages={extracted.page_count} "
                       f"paper={paper} env={environment} page={viewer.current_page() + 1} "
                       f"file={Path(viewer.pdf_path).resolve().as_uri()}", 0)
                return
        if time.monotonic() > deadline:
            finish(f"smoke-failed no page rendered and painted after 60 s (tab: {type(tab).__name__})", 1)

    timer.timeout.connect(poll)
    timer.start(100)
