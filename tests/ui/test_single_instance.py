"""Single-instance forwarding between two real processes, and between two real app launches."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from reader.ui.single_instance import SingleInstance, server_name_for


FORWARD = """
import sys
from pathlib import Path
from PySide6.QtCore import QCoreApplication
from reader.ui.single_instance import SingleInstance
app = QCoreApplication([])
sys.exit(0 if SingleInstance(Path(sys.argv[1])).forward(sys.argv[2:]) else 3)
"""

# Listens, says so, then waits to be killed: a live instance that can later "crash".
LISTEN = """
import sys
from pathlib import Path
from PySide6.QtCore import QCoreApplication
from reader.ui.single_instance import SingleInstance
app = QCoreApplication([])
instance = SingleInstance(Path(sys.argv[1]))
print("listening" if instance.listen() else "refused", flush=True)
sys.stdin.readline()
"""


def python(script: str, *args: str, cwd: Path, **kw) -> subprocess.Popen:
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen")
    return subprocess.Popen([sys.executable, "-c", script, *args], cwd=cwd, env=env, text=True, **kw)


@pytest.fixture
def instance(qapp, library_home):
    single = SingleInstance(library_home)
    yield single
    single.close()


def test_second_process_hands_its_file_to_the_first(qtbot, instance, library_home, tmp_path):
    assert instance.listen()
    with qtbot.waitSignal(instance.messages_received, timeout=15000) as signal:
        sender = python(FORWARD, str(library_home), "paper.pdf", "reading-list://open?paper=3&page=2", cwd=tmp_path)
    qtbot.waitUntil(lambda: sender.poll() is not None, timeout=15000)
    assert sender.returncode == 0
    assert signal.args == [[str(tmp_path / "paper.pdf"), "reading-list://open?paper=3&page=2"]]


def test_forward_without_a_running_instance_returns_false_quickly(qapp, library_home, tmp_path):
    sender = python(FORWARD, str(library_home), "paper.pdf", cwd=tmp_path)
    assert sender.wait(timeout=30) == 3


def test_each_library_gets_its_own_instance(instance, library_home, tmp_path):
    other = SingleInstance(tmp_path / "another-library")
    try:
        assert instance.listen()
        assert other.listen()
        assert other.server_name != instance.server_name
    finally:
        other.close()
    assert server_name_for(library_home) == instance.server_name


def test_stale_socket_of_a_killed_instance_is_replaced(qapp, instance, library_home, tmp_path):
    first = python(LISTEN, str(library_home), cwd=tmp_path, stdin=subprocess.PIPE, stdout=subprocess.PIPE)
    try:
        assert first.stdout.readline().strip() == "listening"
        assert not instance.listen(), "a live instance must not be replaced"
    finally:
        first.kill()  # SIGKILL: no chance to clean up its socket, like a crash
        first.wait(timeout=30)
    if os.name != "nt":
        from PySide6.QtCore import QDir

        name = instance.server_name
        assert Path(name if os.path.isabs(name) else os.path.join(QDir.tempPath(), name)).exists()
    assert instance.listen()
    assert instance.is_listening()

    from PySide6.QtNetwork import QLocalSocket

    probe = QLocalSocket()
    probe.connectToServer(instance.server_name)
    assert probe.waitForConnected(1000)
    probe.abort()


def test_garbage_is_refused_without_a_signal(qtbot, instance):
    from PySide6.QtNetwork import QLocalSocket

    assert instance.listen()
    received: list[list[str]] = []
    instance.messages_received.connect(received.append)
    client = QLocalSocket()
    client.connectToServer(instance.server_name)
    assert client.waitForConnected(1000)
    client.write(b'{"args": "not a list"}\n')
    client.flush()
    qtbot.waitUntil(lambda: client.bytesAvailable() > 0 or client.state() == QLocalSocket.LocalSocketState.UnconnectedState, timeout=5000)
    assert bytes(client.readAll().data()) == b"error\n"
    assert received == []


def test_second_app_launch_hands_a_renamed_copy_to_the_running_window(library_home, pdf_factory, tmp_path):
    """Two real app processes: the first window runs with no file; a second launch with a renamed
    copy of a library PDF (a relative path, from another folder) exits 0, and the first window
    opens that paper. READING_LIST_SMOKE_TEST makes the first print what it opened, then quit."""
    import queue
    import threading
    import time

    env = {key: value for key, value in os.environ.items() if not key.startswith("READING_LIST_")}
    env.update(QT_QPA_PLATFORM="offscreen", XDG_RUNTIME_DIR=str(tmp_path / "runtime"))
    (tmp_path / "runtime").mkdir(mode=0o700)
    original = pdf_factory("Handed Over", pages=3)
    added = subprocess.run([sys.executable, "-m", "reader", "--library", str(library_home), "add", str(original)],
                           env=env, cwd=tmp_path, capture_output=True, text=True, timeout=120)
    assert added.returncode == 0, added.stderr
    paper_id = int(added.stdout.split()[0])
    downloads = tmp_path / "Downloads"
    downloads.mkdir()
    shutil.copy(original, downloads / "renamed copy.pdf")

    first = subprocess.Popen([sys.executable, "-m", "reader", "--library", str(library_home)],
                             env={**env, "READING_LIST_SMOKE_TEST": "1"}, cwd=tmp_path, text=True,
                             stdout=subprocess.PIPE, stderr=subprocess.PIPE, start_new_session=True)
    lines: queue.Queue = queue.Queue()
    threading.Thread(target=lambda: [lines.put(line.strip()) for line in first.stdout] + [lines.put(None)],
                     daemon=True).start()

    def wait_for(prefix: str, seconds: float = 60) -> str:
        until = time.monotonic() + seconds
        while (line := lines.get(timeout=max(until - time.monotonic(), 0.01))) is not None:
            if line.startswith(prefix):
                return line
        raise AssertionError(f"the first window ended without {prefix!r}: {first.stderr.read()[-2000:]}")

    try:
        wait_for("smoke-ready")
        second = subprocess.run([sys.executable, "-m", "reader", "--library", str(library_home), "renamed copy.pdf"],
                                env=env, cwd=downloads, capture_output=True, text=True, timeout=60)
        assert second.returncode == 0, second.stderr
        assert second.stdout == "", "the second launch must not open a window of its own"
        result = wait_for("smoke-")
        assert first.wait(timeout=30) == 0
    finally:
        if first.poll() is None:
            os.killpg(first.pid, 9)
            first.wait()
    pages, paper = re.search(r"pages=(\d+) .*paper=(\S+)", result).groups()
    assert result.startswith("smoke-ok") and pages == "3", result
    assert paper == str(paper_id), f"the renamed copy must open its library paper: {result}"
