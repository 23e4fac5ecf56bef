"""What a pasted line names: an arXiv id, a DOI, an OpenReview forum, an ACL Anthology paper, or a web page.

Researchers paste what their browser shows, so every common spelling is read:
``arXiv:2101.05225v2``, ``https://arxiv.org/pdf/2101.05225v2.pdf``, ``hep-th/9901001``,
``doi:10.1145/...``, ``https://doi.org/10.1145/...``, ``https://openreview.net/forum?id=...``,
``https://aclanthology.org/2020.acl-main.447.pdf``. Only http(s) links are taken.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from urllib.parse import parse_qs, unquote, urlsplit

ARXIV = "arxiv"
DOI = "doi"
OPENREVIEW = "openreview"
ACL = "acl"
WEB = "web"

_NEW_ARXIV = r"\d{4}\.\d{4,5}"
_OLD_ARXIV = r"[a-z][a-z-]*(?:\.[A-Z]{2})?/\d{7}"
_ARXIV_ID = re.compile(rf"^(?P<id>{_NEW_ARXIV}|{_OLD_ARXIV})(?:v(?P<version>\d+))?$")
_DOI = re.compile(r"^10\.\d{4,9}/\S+$")
_ARXIV_DOI = re.compile(r"^10\.48550/arxiv\.(.+)$", re.IGNORECASE)
_ACL_ID = re.compile(r"^(?:\d{4}\.[a-z0-9-]+\.\d+|[A-Z]\d{2}-\d{4})$", re.IGNORECASE)
_OPENREVIEW_ID = re.compile(r"^[A-Za-z0-9_-]{6,20}$")
_ARXIV_HOSTS = {"arxiv.org", "www.arxiv.org", "export.arxiv.org"}
_DOI_HOSTS = {"doi.org", "dx.doi.org", "www.doi.org"}
_ACL_HOSTS = {"aclanthology.org", "www.aclanthology.org", "aclweb.org", "www.aclweb.org"}
_OPENREVIEW_HOSTS = {"openreview.net", "www.openreview.net"}


@dataclass(frozen=True)
class Identifier:
    kind: str  # ARXIV | DOI | OPENREVIEW | ACL | WEB
    value: str  # the id without version; the URL for WEB
    version: str = ""  # arXiv version number, when one was given
    text: str = ""  # what was pasted

    def describe(self) -> str:
        names = {ARXIV: "arXiv", DOI: "DOI", OPENREVIEW: "OpenReview", ACL: "ACL Anthology"}
        return f"{names[self.kind]} {self.value}" if self.kind in names else self.value

    @property
    def arxiv_with_version(self) -> str:
        return f"{self.value}v{self.version}" if self.version else self.value


class NotAnIdentifier(ValueError):
    """The text names no paper we know how to fetch."""


def parse_identifier(text: str) -> Identifier:
    """Read one pasted id or link; raises :class:`NotAnIdentifier` with a sentence saying why."""
    raw = (text or "").strip().strip("<>\"'").strip()
    if not raw:
        raise NotAnIdentifier("Nothing to add: the text is empty.")
    lowered = raw.lower()
    if lowered.startswith(("http://", "https://")):
        return _from_url(raw)
    if re.match(r"^[a-z][a-z0-9+.-]*://", lowered) or lowered.startswith(("file:", "javascript:", "data:")):
        raise NotAnIdentifier(f"{raw!r} is not a web link: only http and https links are followed.")
    for prefix in ("arxiv:", "arxiv "):
        if lowered.startswith(prefix):
            return _arxiv(raw[len(prefix):].strip(), raw)
    for prefix in ("doi:", "doi "):
        if lowered.startswith(prefix):
            return _doi(raw[len(prefix):].strip(), raw)
    if _ARXIV_ID.match(raw):
        return _arxiv(raw, raw)
    if _DOI.match(raw):
        return _doi(raw, raw)
    if lowered.startswith(("arxiv.org/", "www.arxiv.org/", "doi.org/", "dx.doi.org/", "openreview.net/",
                           "aclanthology.org/")):
        return _from_url("https://" + raw)
    raise NotAnIdentifier(f"{raw!r} is not an arXiv id, a DOI or a web link.")


def split_identifiers(text: str) -> list[str]:
    """The ids or links in pasted text: one per line, or several on a line separated by spaces or commas.

    A line whose pieces are not all identifiers stays whole ("Attention is all you need"),
    so it fails once, with its own words in the message.
    """
    items = []
    for line in (text or "").splitlines():
        pieces = [piece for piece in re.split(r"[\s,;]+", line) if piece]
        if len(pieces) > 1 and all(_parses(piece) for piece in pieces):
            items.extend(pieces)
        elif line.strip():
            items.append(line.strip())
    return items


def _parses(text: str) -> bool:
    try:
        parse_identifier(text)
    except NotAnIdentifier:
        return False
    return True


def _arxiv(candidate: str, text: str) -> Identifier:
    candidate = candidate.strip().removesuffix(".pdf")
    match = _ARXIV_ID.match(candidate)
    if not match:
        raise NotAnIdentifier(f"{text!r} is not a valid arXiv id (like 2101.05225 or hep-th/9901001).")
    return Identifier(ARXIV, match.group("id"), match.group("version") or "", text)


def _doi(candidate: str, text: str) -> Identifier:
    doi = unquote(candidate).strip().rstrip(".,;")
    if not _DOI.match(doi):
        raise NotAnIdentifier(f"{text!r} is not a valid DOI (like 10.1145/3292500.3330701).")
    arxiv = _ARXIV_DOI.match(doi)
    if arxiv:  # arXiv's own DOIs: arXiv knows the paper best, and has its PDF
        return _arxiv(arxiv.group(1), text)
    return Identifier(DOI, doi, text=text)


def _from_url(url: str) -> Identifier:
    parts = urlsplit(url)
    host = (parts.hostname or "").lower()
    path = unquote(parts.path)
    if not host:
        raise NotAnIdentifier(f"{url!r} is not a complete web link.")
    if host in _ARXIV_HOSTS:
        match = re.match(r"^/(?:abs|pdf|html)/(.+?)/?$", path)
        if match:
            return _arxiv(match.group(1), url)
    if host in _DOI_HOSTS and len(path) > 1:
        return _doi(path.lstrip("/"), url)
    if host in _OPENREVIEW_HOSTS:
        note = (parse_qs(parts.query).get("id") or [""])[0]
        if path.rstrip("/") in ("/forum", "/pdf", "/attachment") and _OPENREVIEW_ID.match(note):
            return Identifier(OPENREVIEW, note, text=url)
    if host in _ACL_HOSTS:
        slug = path.rstrip("/").rsplit("/", 1)[-1].removesuffix(".pdf")
        if _ACL_ID.match(slug):
            return Identifier(ACL, slug, text=url)
    return Identifier(WEB, url, text=url)
