"""The window ends cleanly when the session ends it, and a link from a note cannot crash it."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from reader.library import Library, PaperFields

pytestmark = pytest.mark.skipif(os.name == "nt", reason="SIGTERM and SIGHUP are POSIX signals")


def test_a_link_with_numbers_beyond_any_integer_says_no_such_paper_or_opens_the_last_page(
        open_window, qtbot, pdf_factory):
    from reader.ui.viewer.viewer_tab import ViewerTab

    window = open_window()
    window.receive_arguments([f"reading-list://open?paper={10 ** 30}&page=1"], raise_window=False)
    assert "No paper" in window.statusBar().currentMessage()
    outcome = window.library.add_pdf(pdf_factory("Short", pages=3), PaperFields(title="Short"), page_count=3)
    window.refresh()
    window.receive_arguments([f"reading-list://open?paper={outcome.paper_id}&page={10 ** 30}"], raise_window=False)
    tab = window.tabs.currentWidget()
    assert isinstance(tab, ViewerTab)
    qtbot.waitUntil(lambda: tab.is_loaded() and tab.current_page() == 2, timeout=10_000)


def test_sigterm_closes_the_window_and_saves_the_note_typed_just_before(open_window, qtbot, qapp):
    from reader.app import _quit_on_termination

    window = open_window()
    paper_id = window.library.add_paper(PaperFields(title="Typed at logout"))
    window.refresh()
    assert window.table.select_paper(paper_id)
    qtbot.keyClicks(window.detail.notes.editor, "the last thought")
    previous = {signum: signal.getsignal(signum) for signum in (signal.SIGTERM, signal.SIGHUP, signal.SIGINT)}
    try:
        _quit_on_termination(qapp, window)
        os.kill(os.getpid(), signal.SIGTERM)  # well inside the 0.6 s before the note would save itself
        qtbot.waitUntil(lambda: not window.isVisible(), timeout=5000)
        assert [n.body for n in window.library.notes(paper_id)] == ["the last thought"]
    finally:
        signal.set_wakeup_fd(-1)
        for signum, handler in previous.items():
            signal.signal(signum, handler)


def _group(pgid: int) -> list[int]:
    """Processes still alive in process group ``pgid`` (the app and every worker it started)."""
    alive = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
            except OSError:
                continue
            if fields[0] != "Z" and int(fields[2]) == pgid:
                alive.append(int(entry.name))
    return alive


@pytest.mark.skipif(not Path("/proc").is_dir(), reason="reads the process table from /proc")
@pytest.mark.parametrize("signum", [signal.SIGTERM, signal.SIGHUP, signal.SIGINT], ids=["SIGTERM", "SIGHUP", "SIGINT"])
def test_a_signal_ends_the_app_with_status_0_and_leaves_no_workers_or_socket(library_home, tmp_path, signum,
                                                                            monkeypatch):
    from PySide6.QtCore import QDir

    from reader.ui.single_instance import server_name_for

    with Library.open(library_home) as lib:
        lib.add_paper(PaperFields(title="Open when the session ends"))
    runtime = tmp_path / "run"
    runtime.mkdir(mode=0o700)
    env = {key: value for key, value in os.environ.items() if not key.startswith("READING_LIST_")}
    env.update(QT_QPA_PLATFORM="offscreen", XDG_RUNTIME_DIR=str(runtime), READING_LIST_SMOKE_TEST="1")
    monkeypatch.setenv("XDG_RUNTIME_DIR", str(runtime))
    name = server_name_for(library_home)
    socket_file = Path(name if os.path.isabs(name) else os.path.join(QDir.tempPath(), name))

    app = subprocess.Popen([sys.executable, "-m", "reader", "--library", str(library_home)], env=env,
                           cwd=tmp_path, text=True, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                           start_new_session=True)
    try:
        assert app.stdout.readline().strip() == "smoke-ready", app.stderr.read()[-2000:]
        deadline = time.monotonic() + 30
        while len(_group(app.pid)) < 2 and time.monotonic() < deadline:  # the render process is up
            time.sleep(0.05)
        assert len(_group(app.pid)) >= 2 and socket_file.exists()
        app.send_signal(signum)
        status = app.wait(timeout=30)
    finally:
        if app.poll() is None:
            os.killpg(app.pid, signal.SIGKILL)
            app.wait()
    assert status == 0, app.stderr.read()[-2000:]
    deadline = time.monotonic() + 10
    while _group(app.pid) and time.monotonic() < deadline:
        time.sleep(0.05)
    leftover = _group(app.pid)
    for pid in leftover:
        os.kill(pid, signal.SIGKILL)
    assert leftover == [], "worker processes outlived the app"
    assert not socket_file.exists(), "the single-instance socket was left behind"
