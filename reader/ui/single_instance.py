"""One window per library: a second launch hands its files to the running one and exits.

The first process listens on a local socket (a Unix socket, a named pipe on Windows);
a later process connects, sends its arguments as one line of JSON and waits for
``ok``, so it only exits once the running instance really has the files. The socket
name is derived from the user and the library path: two libraries can each have a
window, and two users on one machine never talk to each other.
"""

from __future__ import annotations

import getpass
import hashlib
import json
import os
import re
from pathlib import Path

from PySide6.QtCore import QObject, Signal
from PySide6.QtNetwork import QLocalServer, QLocalSocket

_MAX_MESSAGE = 1 << 20
_ACK = b"ok\n"
_URL = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]+:")  # two+ letters, so "C:\x.pdf" is a path


def _user() -> str:
    try:
        return getpass.getuser()
    except Exception:  # no login name in some containers; the uid still separates users
        return str(getattr(os, "getuid", lambda: "")())


def server_name_for(library_home: Path) -> str:
    """Stable per (user, library); inside XDG_RUNTIME_DIR when there is one, since only the user can enter it."""
    key = f"{_user()}\0{Path(library_home).expanduser().resolve()}"
    name = "reading-list-" + hashlib.sha256(key.encode("utf-8")).hexdigest()[:24]
    runtime = os.environ.get("XDG_RUNTIME_DIR", "")
    if os.name != "nt" and runtime and os.path.isabs(runtime) and os.path.isdir(runtime):
        path = os.path.join(runtime, name)
        if len(path.encode()) < 100:  # sockaddr_un.sun_path is 104-108 bytes
            return path
    return name


def _absolute(arg: str) -> str:
    """The running instance has another working directory, so relative file names are resolved here."""
    if not arg or arg.startswith("-") or _URL.match(arg):
        return arg
    return os.path.abspath(arg)


class SingleInstance(QObject):
    """Call ``forward`` first; if it returns False, call ``listen`` and show the window."""

    messages_received = Signal(list)

    def __init__(self, library_home: Path, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.server_name = server_name_for(library_home)
        self._server: QLocalServer | None = None
        self._buffers: dict[QLocalSocket, bytearray] = {}

    def forward(self, args: list[str], timeout_ms: int = 1500) -> bool:
        """Hand ``args`` to a running instance; True only once it has acknowledged them."""
        socket = QLocalSocket()
        socket.connectToServer(self.server_name)
        if not socket.waitForConnected(timeout_ms):
            return False
        payload = json.dumps({"args": [_absolute(a) for a in args], "cwd": os.getcwd()})
        socket.write(payload.encode("utf-8") + b"\n")
        if not socket.waitForBytesWritten(timeout_ms):
            socket.abort()
            return False
        reply = bytearray()
        while not reply.endswith(b"\n") and len(reply) < 64:
            if socket.bytesAvailable() == 0 and not socket.waitForReadyRead(timeout_ms):
                break
            reply += bytes(socket.readAll().data())
        socket.disconnectFromServer()
        return bytes(reply) == _ACK

    def listen(self) -> bool:
        """Become the running instance; False if another live process already is one."""
        if self._server is not None and self._server.isListening():
            return True
        # Probe first: with UserAccessOption Qt renames its socket over an existing one,
        # so listen() alone would silently steal a live instance's name.
        if self._someone_listening():
            return False
        # Nobody answers, so any socket file left is a crashed instance's.
        QLocalServer.removeServer(self.server_name)
        server = QLocalServer(self)
        server.setSocketOptions(QLocalServer.SocketOption.UserAccessOption)
        if not server.listen(self.server_name):
            server.deleteLater()
            return False
        server.newConnection.connect(self._accept)
        self._server = server
        return True

    def close(self) -> None:
        if self._server is not None:
            self._server.close()
            self._server.deleteLater()
            self._server = None

    def is_listening(self) -> bool:
        return self._server is not None and self._server.isListening()

    def _someone_listening(self) -> bool:
        probe = QLocalSocket()
        probe.connectToServer(self.server_name)
        alive = probe.waitForConnected(300)
        probe.abort()
        return alive

    def _accept(self) -> None:
        assert self._server is not None
        while self._server.hasPendingConnections():
            socket = self._server.nextPendingConnection()
            self._buffers[socket] = bytearray()
            socket.readyRead.connect(lambda s=socket: self._read(s))
            socket.disconnected.connect(lambda s=socket: self._drop(s))
            if socket.bytesAvailable():
                self._read(socket)

    def _read(self, socket: QLocalSocket) -> None:
        buffer = self._buffers.get(socket)
        if buffer is None:
            return
        buffer += bytes(socket.readAll().data())
        if b"\n" not in buffer:
            if len(buffer) > _MAX_MESSAGE:
                self._drop(socket)
            return
        line = bytes(buffer).split(b"\n", 1)[0]
        args = self._parse(line)
        socket.write(_ACK if args is not None else b"error\n")
        socket.flush()
        socket.disconnectFromServer()
        self._buffers.pop(socket, None)
        if args is not None:
            self.messages_received.emit(args)

    @staticmethod
    def _parse(line: bytes) -> list[str] | None:
        try:
            message = json.loads(line.decode("utf-8"))
        except (UnicodeDecodeError, ValueError):
            return None
        args = message.get("args") if isinstance(message, dict) else None
        if not isinstance(args, list) or not all(isinstance(a, str) for a in args):
            return None
        return args

    def _drop(self, socket: QLocalSocket) -> None:
        if self._buffers.pop(socket, None) is not None:
            socket.abort()
        socket.deleteLater()
