"""One window per library: a second launch hands its files to the running one and exits.

The first process listens on a local socket (a Unix socket, a named pipe on Windows);
a later process connects, sends its arguments as one line of JSON and waits for
``ok``, so it only exits once the running instance really has the files. The socket
name is derived from the user and the library path: two libraries can each have a
window.

Nobody else may answer or ask. The socket lives in a folder only the user can
enter: ``$XDG_RUNTIME_DIR`` or ``<tmp>/reading-list-<uid>``, created 0700, and used
only when it is a real folder owned by the user that no one else can enter. (A
predictable name straight in ``/tmp`` let another user listen first: the window
never opened, and the squatter got the file's path and the working folder.) Then
the peer's user id is checked on every connection, both ways (``SO_PEERCRED``, or
``getpeereid`` where there is one). When no safe folder can be had, or a foreign
process answers, the app starts on its own instead of handing anything over.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import getpass
import hashlib
import json
import logging
import os
import re
import socket as _socket
import stat
import struct
import tempfile
from collections.abc import Iterator
from pathlib import Path

from PySide6.QtCore import QObject, Signal
from PySide6.QtNetwork import QLocalServer, QLocalSocket

log = logging.getLogger(__name__)

_MAX_MESSAGE = 1 << 20
_ACK = b"ok\n"
_URL = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]+:")  # two+ letters, so "C:\x.pdf" is a path
_SUN_PATH_LIMIT = 100  # sockaddr_un.sun_path is 104-108 bytes


def _user() -> str:
    try:
        return getpass.getuser()
    except Exception:  # no login name in some containers; the uid still separates users
        return str(getattr(os, "getuid", lambda: "")())


def private_folder(path: Path) -> bool:
    """True when ``path`` itself (not a symlink) is a folder of this user that nobody else can enter."""
    try:
        info = os.lstat(path)
    except OSError:
        return False
    return stat.S_ISDIR(info.st_mode) and info.st_uid == os.getuid() and info.st_mode & 0o077 == 0


def socket_folders() -> Iterator[Path]:
    """Where this user's sockets may go, best first; none when no folder is safe (another user made it first).

    ``<tmp>/reading-list-<uid>`` is only made when ``$XDG_RUNTIME_DIR`` will not do.
    """
    runtime = os.environ.get("XDG_RUNTIME_DIR", "")
    if runtime and os.path.isabs(runtime) and private_folder(Path(runtime)):
        yield Path(runtime)
    folder = Path(tempfile.gettempdir()) / f"reading-list-{os.getuid()}"
    try:
        folder.mkdir(mode=0o700)
    except FileExistsError:
        pass
    except OSError as exc:
        log.warning("no folder for the single-instance socket: %s", exc)
        return
    if private_folder(folder):
        yield folder
    else:
        log.warning("%s is not a private folder of this user (someone else made it, or others may enter); "
                    "it is not used for the single-instance socket", folder)


def server_name_for(library_home: Path) -> str | None:
    """Stable per (user, library): a socket path in a private folder; ``None`` when there is no safe one."""
    key = f"{_user()}\0{Path(library_home).expanduser().resolve()}"
    name = "reading-list-" + hashlib.sha256(key.encode("utf-8")).hexdigest()[:24]
    if os.name == "nt":  # a named pipe; Qt's UserAccessOption limits it to this user
        return name
    for folder in socket_folders():
        path = os.path.join(folder, name)
        if len(path.encode()) < _SUN_PATH_LIMIT:
            return path
    log.warning("no private folder for the single-instance socket: this window takes no files from a second launch")
    return None


def peer_uid(descriptor: int) -> int | None:
    """The user id of the process at the other end of a connected Unix socket; ``None`` if unknown."""
    if os.name == "nt" or descriptor is None or descriptor < 0:
        return None
    if hasattr(_socket, "SO_PEERCRED"):  # Linux
        sock = _socket.fromfd(descriptor, _socket.AF_UNIX, _socket.SOCK_STREAM)  # a duplicate descriptor
        try:
            _pid, uid, _gid = struct.unpack("3i", sock.getsockopt(_socket.SOL_SOCKET, _socket.SO_PEERCRED,
                                                                   struct.calcsize("3i")))
            return uid
        except OSError:
            return None
        finally:
            sock.close()
    getpeereid = _getpeereid()
    if getpeereid is None:
        return None
    uid, gid = ctypes.c_uint32(), ctypes.c_uint32()
    if getpeereid(descriptor, ctypes.byref(uid), ctypes.byref(gid)) != 0:
        return None
    return uid.value


def _getpeereid():
    """The C library's ``getpeereid`` (macOS, the BSDs), or ``None``."""
    try:
        libc = ctypes.CDLL(ctypes.util.find_library("c"))
        return libc.getpeereid
    except (OSError, AttributeError, TypeError):
        return None


def _peer_is_this_user(socket: QLocalSocket) -> bool:
    """False when the other end is another user's process. Where the system cannot say (Windows),
    the socket's private folder or the pipe's access list is what keeps others out."""
    uid = peer_uid(int(socket.socketDescriptor()))
    return uid is None or uid == os.getuid()


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
        """Hand ``args`` to a running instance; True only once it (a process of this user) has acknowledged them."""
        if self.server_name is None:
            return False
        socket = QLocalSocket()
        socket.connectToServer(self.server_name)
        if not socket.waitForConnected(timeout_ms):
            return False
        if not _peer_is_this_user(socket):
            log.warning("%s is answered by another user's process; nothing was sent to it", self.server_name)
            socket.abort()
            return False
        payload = json.dumps({"args": [_absolute(a) for a in args]})
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
        if self.server_name is None:
            return False
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
        """Anyone at all, this user or not: a foreign socket is not ours to remove."""
        probe = QLocalSocket()
        probe.connectToServer(self.server_name)
        alive = probe.waitForConnected(300)
        probe.abort()
        return alive

    def _accept(self) -> None:
        assert self._server is not None
        while self._server.hasPendingConnections():
            socket = self._server.nextPendingConnection()
            if not _peer_is_this_user(socket):
                log.warning("a request from another user's process was refused")
                socket.abort()
                socket.deleteLater()
                continue
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
