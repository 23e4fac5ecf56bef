"""Single-instance forwarding between two real processes."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from reader.ui.single_instance import SingleInstance, server_name_for

REPO = Path(__file__).resolve().parents[2]

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
    env = dict(os.environ, PYTHONPATH=str(REPO), QT_QPA_PLATFORM="offscreen")
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
