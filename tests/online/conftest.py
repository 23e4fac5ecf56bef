"""A local stand-in for the web: every request goes to a pytest-httpserver on 127.0.0.1.

The client is built with a transport that sends each request to the local server
whatever host it names (like an /etc/hosts entry), so the absolute links inside
recorded answers (``https://journals.plos.org/...``) are served locally too, and a
request nobody expected fails the test instead of reaching the internet.
"""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import httpx
import pytest

from reader.library import Library
from reader.online.http import OnlineClient
from reader.online.settings import OnlineSettings

DATA = Path(__file__).resolve().parent.parent / "data" / "online"

# Fast and patient enough for a busy 2-core machine; the defaults are for the real web.
FAST = OnlineSettings(arxiv_interval=0, crossref_interval=0, openreview_interval=0, retries=2, backoff=0.05,
                      connect_timeout=2.0, read_timeout=2.0, max_wait=5.0)


class ToLocalServer(httpx.BaseTransport):
    def __init__(self, port: int) -> None:
        self.port = port
        self.inner = httpx.HTTPTransport()
        self.hosts: list[str] = []

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        self.hosts.append(request.url.host)
        request.url = request.url.copy_with(scheme="http", host="127.0.0.1", port=self.port)
        return self.inner.handle_request(request)

    def close(self) -> None:
        self.inner.close()


@pytest.fixture
def recorded():
    def read(name: str) -> str:
        return (DATA / name).read_text(encoding="utf-8")
    return read


@pytest.fixture
def pdf_bytes(corpus) -> bytes:
    return (corpus / "papers" / "sp__dyer12.pdf").read_bytes()


@pytest.fixture
def make_client(httpserver):
    clients = []

    def make(**changes) -> OnlineClient:
        transport = ToLocalServer(httpserver.port)
        client = OnlineClient(replace(FAST, **changes), transport=transport)
        client.transport = transport
        clients.append(client)
        return client

    yield make
    for client in clients:
        client.close()


@pytest.fixture
def library(library_home):
    lib = Library.open(library_home)
    yield lib
    lib.close()


def leftovers(library: Library) -> list[str]:
    """Temporary files a download left in the library's folders."""
    return sorted(p.name for p in library.home.rglob("*.tmp"))
