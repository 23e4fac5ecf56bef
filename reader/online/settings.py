"""Where the services live and how patiently they are asked: defaults, ``settings.json``, environment.

Every base URL is a setting so that tests (and a mirror or an institutional proxy)
can point the app elsewhere. The environment wins over ``settings.json`` (key
``"online"``), which wins over the defaults; the README lists the variables.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, fields, replace

from reader.settings import load_settings


@dataclass(frozen=True)
class OnlineSettings:
    arxiv_api: str = "https://export.arxiv.org/api/query"
    arxiv_site: str = "https://arxiv.org"  # PDFs are {arxiv_site}/pdf/{id}
    crossref_api: str = "https://api.crossref.org"
    datacite_api: str = "https://api.datacite.org"
    doi_resolver: str = "https://doi.org"
    openreview_api: str = "https://api2.openreview.net"
    openreview_site: str = "https://openreview.net"
    acl_anthology: str = "https://aclanthology.org"
    connect_timeout: float = 10.0  # seconds
    read_timeout: float = 30.0  # seconds without a byte from the server
    total_timeout: float = 600.0  # seconds for one whole answer or download, however it trickles
    retries: int = 3  # further tries after a 429, a 5xx or a time-out
    backoff: float = 1.0  # seconds before the first retry, doubled each time
    max_wait: float = 60.0  # the longest Retry-After honoured; longer means "fetch later"
    arxiv_interval: float = 3.0  # arXiv asks for one API request every 3 seconds
    crossref_interval: float = 0.1
    openreview_interval: float = 0.5
    max_redirects: int = 8
    max_pdf_bytes: int = 200 * 1024 * 1024
    max_text_bytes: int = 8 * 1024 * 1024  # JSON, Atom and HTML answers
    mailto: str = ""  # given to Crossref, which then serves from its "polite" pool


ENV_PREFIX = "READING_LIST_"


def load_online_settings(environ: dict[str, str] | None = None) -> OnlineSettings:
    """Defaults, then ``settings.json``'s ``"online"`` object, then ``READING_LIST_<NAME>`` variables."""
    environ = os.environ if environ is None else environ
    stored = load_settings().get("online")
    values: dict[str, object] = {}
    for item in fields(OnlineSettings):
        raw = environ.get(ENV_PREFIX + item.name.upper())
        if raw is None and isinstance(stored, dict):
            raw = stored.get(item.name)
        if raw is None:
            continue
        try:
            values[item.name] = type(OnlineSettings.__dataclass_fields__[item.name].default)(raw)
        except (TypeError, ValueError):
            continue  # a mistyped number keeps its default rather than stopping the app
    settings = replace(OnlineSettings(), **values)
    return replace(settings, **{name: str(getattr(settings, name)).rstrip("/") for name in _URL_FIELDS})


_URL_FIELDS = ("arxiv_api", "arxiv_site", "crossref_api", "datacite_api", "doi_resolver", "openreview_api",
               "openreview_site", "acl_anthology")
