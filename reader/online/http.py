"""The one HTTP client the online features use: httpx, made careful.

Everything that comes back is untrusted, so each answer is capped in size, only
http(s) redirects are followed (and only so many), and a PDF is written to a
temporary file beside the library's PDFs and checked (``%PDF-`` at the start,
``%%EOF`` at the end, the promised length) before anyone sees it. 429s, 5xx
answers and time-outs are retried with a doubling back-off, honouring the
server's ``Retry-After``; each service gets its own minimum interval between
requests (arXiv asks for three seconds). Proxies come from the environment
(``HTTPS_PROXY``, ``NO_PROXY``), as httpx reads them.
"""

from __future__ import annotations

import email.utils
import json
import os
import tempfile
import threading
import time
from collections.abc import Callable
from datetime import datetime, timezone
from pathlib import Path
from typing import Any
from urllib.parse import urljoin, urlsplit

import httpx

from reader import __version__
from reader.errors import ReaderError
from reader.online.settings import OnlineSettings

USER_AGENT = f"ReadingList/{__version__} (desktop reading list for research papers; python-httpx/{httpx.__version__})"
_RETRIED = {429, 500, 502, 503, 504}
_CHUNK = 64 * 1024


class FetchError(ReaderError):
    """A service could not give what was asked. ``later`` says whether trying again later may work
    (offline, a time-out, a busy or failing server) or not (no such paper, not a PDF)."""

    def __init__(self, message: str, *, later: bool) -> None:
        super().__init__(message)
        self.later = later


class NotFound(FetchError):
    def __init__(self, message: str) -> None:
        super().__init__(message, later=False)


class Cancelled(ReaderError):
    """The person cancelled; nothing half-done was kept."""


class OnlineClient:
    """One session with the services: keep it for a batch, so connections and rate limits are shared."""

    def __init__(self, settings: OnlineSettings, *, transport: httpx.BaseTransport | None = None,
                 is_cancelled: Callable[[], bool] = lambda: False) -> None:
        self.settings = settings
        self.is_cancelled = is_cancelled
        headers = {"User-Agent": USER_AGENT + (f" mailto:{settings.mailto}" if settings.mailto else "")}
        self._client = httpx.Client(
            headers=headers, follow_redirects=False, trust_env=True, transport=transport,
            timeout=httpx.Timeout(settings.read_timeout, connect=settings.connect_timeout))
        self._last_request: dict[str, float] = {}
        self._lock = threading.Lock()

    def close(self) -> None:
        self._client.close()

    # Reading answers ------------------------------------------------------------

    def get_text(self, url: str, *, service: str, accept: str = "*/*") -> tuple[str, str]:
        """The answer's text and the URL it finally came from (after redirects)."""
        response = self._open(url, service, accept)
        try:
            body = self._read_capped(response, self.settings.max_text_bytes)
            return body.decode(response.encoding or "utf-8", errors="replace"), str(response.url)
        finally:
            response.close()

    def get_json(self, url: str, *, service: str) -> Any:
        text, _ = self.get_text(url, service=service, accept="application/json")
        try:
            return json.loads(text)
        except ValueError as exc:
            raise FetchError(f"{_host(url)} sent an answer that is not JSON.", later=True) from exc

    def download_pdf(self, url: str, folder: Path, *, service: str = "pdf") -> Path:
        """Download into a temporary file in ``folder``; it is returned only when it is a whole PDF.

        The caller owns the file (and removes it). On any failure nothing is left behind.
        """
        response = self._open(url, service, "application/pdf,*/*;q=0.8")
        fd, name = tempfile.mkstemp(prefix=".incoming-", suffix=".tmp", dir=folder)
        tmp = Path(name)
        try:
            with os.fdopen(fd, "wb") as out:
                self._save_pdf(response, out, url)
                out.flush()
                os.fsync(out.fileno())
            return tmp
        except BaseException:
            tmp.unlink(missing_ok=True)
            raise
        finally:
            response.close()

    def _save_pdf(self, response: httpx.Response, out, url: str) -> None:
        cap = self.settings.max_pdf_bytes
        promised = _content_length(response)
        if promised is not None and promised > cap:
            raise FetchError(f"the PDF at {_host(url)} is {promised // 2**20} MiB, more than the "
                             f"{cap // 2**20} MiB allowed.", later=False)
        head = b""
        tail = b""
        total = 0
        deadline = time.monotonic() + self.settings.total_timeout
        try:
            for chunk in response.iter_bytes(_CHUNK):
                self._check_cancelled()
                self._check_deadline(deadline, url)
                if len(head) < 1024:
                    head += chunk[:1024 - len(head)]
                    if len(head) >= 1024 and b"%PDF-" not in head:
                        raise _not_a_pdf(response, url)
                total += len(chunk)
                if total > cap:
                    raise FetchError(f"the PDF at {_host(url)} is larger than the {cap // 2**20} MiB allowed.",
                                     later=False)
                out.write(chunk)
                tail = (tail + chunk)[-4096:]
        except (httpx.TransportError, httpx.DecodingError) as exc:
            raise FetchError(f"the download from {_host(url)} stopped before the end ({_reason(exc)}).",
                             later=True) from exc
        if b"%PDF-" not in head:
            raise _not_a_pdf(response, url)
        if (promised is not None and total < promised) or b"%%EOF" not in tail:
            raise FetchError(f"the download from {_host(url)} stopped before the end "
                             f"({total} bytes{f' of {promised}' if promised else ''}).", later=True)

    # Sending, with redirects, retries and rate limits -------------------------------

    def _open(self, url: str, service: str, accept: str) -> httpx.Response:
        """A streaming response with a 2xx status; the caller closes it."""
        settings = self.settings
        attempt = 0
        while True:
            self._check_cancelled()
            self._wait_turn(service)
            try:
                response = self._follow(url, accept)
            except httpx.TimeoutException as exc:
                if attempt < settings.retries:
                    self._sleep(settings.backoff * 2 ** attempt)
                    attempt += 1
                    continue
                raise FetchError(f"{_host(url)} did not answer in time ({_reason(exc)}).", later=True) from exc
            except httpx.ConnectError as exc:
                raise FetchError(f"cannot reach {_host(url)}: offline, or the service is down "
                                 f"({_reason(exc)}).", later=True) from exc
            except httpx.TransportError as exc:
                if attempt < settings.retries:
                    self._sleep(settings.backoff * 2 ** attempt)
                    attempt += 1
                    continue
                raise FetchError(f"the connection to {_host(url)} failed ({_reason(exc)}).", later=True) from exc
            status = response.status_code
            if status in _RETRIED:
                asked = _retry_after(response)
                response.close()
                wait = asked if asked is not None else settings.backoff * 2 ** attempt
                if attempt >= settings.retries or wait > settings.max_wait:
                    what = "is busy (429, too many requests)" if status == 429 else f"failed (HTTP {status})"
                    later = f"; it asks to wait {asked:.0f} s" if asked and asked > settings.max_wait else ""
                    raise FetchError(f"{_host(url)} {what}{later}.", later=True)
                self._sleep(wait)
                attempt += 1
                continue
            if status in (404, 410):
                response.close()
                raise NotFound(f"{_host(url)} has no such paper (HTTP {status}).")
            if status >= 400:
                response.close()
                raise FetchError(f"{_host(url)} refused the request (HTTP {status}).", later=status >= 500)
            return response

    def _follow(self, url: str, accept: str) -> httpx.Response:
        for _hop in range(self.settings.max_redirects + 1):
            scheme = urlsplit(url).scheme.lower()
            if scheme not in ("http", "https"):
                raise FetchError(f"a link led to {url[:80]!r}, which is not a web address; it was not followed.",
                                 later=False)
            request = self._client.build_request("GET", url, headers={"Accept": accept})
            response = self._client.send(request, stream=True)
            location = response.headers.get("location")
            if response.status_code in (301, 302, 303, 307, 308) and location:
                response.close()
                url = urljoin(str(response.url), location.strip())
                continue
            return response
        raise FetchError(f"{_host(url)} redirected more than {self.settings.max_redirects} times "
                         "(a redirect loop); gave up.", later=False)

    def _read_capped(self, response: httpx.Response, cap: int) -> bytes:
        promised = _content_length(response)
        if promised is not None and promised > cap:
            raise FetchError(f"{_host(str(response.url))} sent {promised} bytes, more than the {cap} allowed.",
                             later=False)
        parts, total = [], 0
        deadline = time.monotonic() + self.settings.total_timeout
        try:
            for chunk in response.iter_bytes(_CHUNK):
                self._check_cancelled()
                self._check_deadline(deadline, str(response.url))
                total += len(chunk)
                if total > cap:
                    raise FetchError(f"{_host(str(response.url))} sent more than the {cap} bytes allowed.",
                                     later=False)
                parts.append(chunk)
        except (httpx.TransportError, httpx.DecodingError) as exc:
            raise FetchError(f"the answer from {_host(str(response.url))} stopped before the end "
                             f"({_reason(exc)}).", later=True) from exc
        return b"".join(parts)

    def _wait_turn(self, service: str) -> None:
        interval = {"arxiv": self.settings.arxiv_interval, "crossref": self.settings.crossref_interval,
                    "datacite": self.settings.crossref_interval,
                    "openreview": self.settings.openreview_interval}.get(service, 0.0)
        with self._lock:
            last = self._last_request.get(service)
            now = time.monotonic()
            wait = 0.0 if last is None else last + interval - now
            self._last_request[service] = now + max(wait, 0.0)
        if wait > 0:
            self._sleep(wait)

    def _sleep(self, seconds: float) -> None:
        """Sleep in short steps, so a cancel is heard within a tenth of a second."""
        deadline = time.monotonic() + seconds
        while (left := deadline - time.monotonic()) > 0:
            self._check_cancelled()
            time.sleep(min(left, 0.1))

    def _check_deadline(self, deadline: float, url: str) -> None:
        """A server that sends a byte now and then never trips the read time-out; this stops it."""
        if time.monotonic() > deadline:
            raise FetchError(f"{_host(url)} took more than {self.settings.total_timeout:.0f} s to send its answer.",
                             later=True)

    def _check_cancelled(self) -> None:
        if self.is_cancelled():
            raise Cancelled("Cancelled.")


def _not_a_pdf(response: httpx.Response, url: str) -> FetchError:
    kind = response.headers.get("content-type", "").split(";")[0].strip() or "something else"
    what = "a web page" if "html" in kind else kind
    return FetchError(f"the PDF link at {_host(url)} gave {what}, not a PDF (perhaps a login or cookie page).",
                      later=False)


def _content_length(response: httpx.Response) -> int | None:
    if response.headers.get("content-encoding", "identity") not in ("identity", ""):
        return None  # the length is of the compressed body
    try:
        value = int(response.headers.get("content-length", ""))
    except ValueError:
        return None
    return value if value >= 0 else None


def _retry_after(response: httpx.Response) -> float | None:
    value = response.headers.get("retry-after", "").strip()
    if not value:
        return None
    if value.isdigit():
        return float(value)
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=timezone.utc)
    return max(0.0, (when - datetime.now(timezone.utc)).total_seconds())


def _host(url: str) -> str:
    return urlsplit(url).netloc or url[:60]


def _reason(exc: BaseException) -> str:
    return str(exc).strip() or type(exc).__name__
