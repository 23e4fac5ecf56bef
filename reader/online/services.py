"""Asking the service that owns an identifier for the paper: arXiv, Crossref or DataCite, OpenReview, web pages.

Each service has a parser (text in, :class:`OnlineRecord` out, no network) and a
fetcher that builds the URL from the settings. Parsers read untrusted answers:
Atom is parsed with ``xml.etree`` (which never loads external entities or DTDs;
a document declaring entities is refused outright), JSON with ``json``, HTML with
``html.parser``, and every field is checked for its type.
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass, field, replace
from html.parser import HTMLParser
from typing import Any
from urllib.parse import quote, urljoin, urlsplit
from xml.etree import ElementTree

from reader.online.http import FetchError, NotFound, OnlineClient
from reader.online.identifiers import ACL, ARXIV, DOI, OPENREVIEW, WEB, Identifier

_ATOM = "{http://www.w3.org/2005/Atom}"
_ARXIV_NS = "{http://arxiv.org/schemas/atom}"


@dataclass(frozen=True)
class OnlineRecord:
    """What a service says about a paper. ``pdf_url`` is where its open-access PDF is, if anywhere."""

    title: str = ""
    authors: tuple[str, ...] = ()
    year: int | None = None
    venue: str = ""
    abstract: str = ""
    doi: str = ""
    arxiv_id: str = ""
    url: str = ""
    pdf_url: str = ""
    source: str = ""  # "arXiv", "Crossref", "DataCite", "OpenReview", the page's host
    notes: tuple[str, ...] = field(default=())


# Parsers ------------------------------------------------------------------------

def parse_arxiv_atom(text: str, wanted: str) -> OnlineRecord:
    """The entry for arXiv id ``wanted`` (no version) in an arXiv API Atom feed."""
    if "<!ENTITY" in text or "<!DOCTYPE" in text:
        raise FetchError("arXiv's answer declares XML entities; refused.", later=False)
    try:
        root = ElementTree.fromstring(text)
    except ElementTree.ParseError as exc:
        raise FetchError(f"arXiv's answer is not readable Atom ({exc}).", later=True) from exc
    for entry in root.iter(f"{_ATOM}entry"):
        entry_url = _text(entry.find(f"{_ATOM}id"))
        match = re.search(r"arxiv\.org/abs/(.+?)(?:v(\d+))?$", entry_url)
        if not match or match.group(1) != wanted:
            continue  # arXiv's error entries have an api/errors id; other ids are other papers
        published = _text(entry.find(f"{_ATOM}published"))
        journal = _text(entry.find(f"{_ARXIV_NS}journal_ref"))
        return OnlineRecord(
            title=_squash(_text(entry.find(f"{_ATOM}title"))),
            authors=tuple(_squash(_text(a.find(f"{_ATOM}name"))) for a in entry.findall(f"{_ATOM}author")
                          if _text(a.find(f"{_ATOM}name"))),
            year=int(published[:4]) if re.match(r"\d{4}", published) else None,
            venue=_squash(journal) or "arXiv",
            abstract=_squash(_text(entry.find(f"{_ATOM}summary"))),
            doi=_text(entry.find(f"{_ARXIV_NS}doi")).strip(),
            arxiv_id=wanted, url=f"https://arxiv.org/abs/{wanted}", source="arXiv")
    raise NotFound(f"arXiv has no paper {wanted}.")


def parse_crossref(data: Any) -> OnlineRecord:
    """A Crossref ``/works/{doi}`` answer."""
    message = data.get("message") if isinstance(data, dict) else None
    if not isinstance(message, dict):
        raise FetchError("Crossref's answer has no work in it.", later=False)
    authors = []
    for person in _list(message.get("author")):
        if isinstance(person, dict):
            name = " ".join(_str(person.get(k)) for k in ("given", "family") if _str(person.get(k)))
            authors.append(name or _str(person.get("name")))
    year = None
    for key in ("published-print", "published-online", "issued", "published", "created"):
        parts = (message.get(key) or {}).get("date-parts") if isinstance(message.get(key), dict) else None
        if parts and isinstance(parts, list) and parts[0] and isinstance(parts[0][0], int):
            year = parts[0][0]
            break
    pdf_url = ""
    for link in _list(message.get("link")):
        if isinstance(link, dict) and _str(link.get("content-type")) == "application/pdf" \
                and _str(link.get("intended-application")) != "similarity-checking":
            pdf_url = _str(link.get("URL"))
            break
    doi = _str(message.get("DOI"))
    return OnlineRecord(
        title=_squash(_first(message.get("title"))), authors=tuple(a for a in authors if a), year=year,
        venue=_squash(_first(message.get("container-title")) or _str(message.get("publisher"))),
        abstract=_strip_tags(_str(message.get("abstract"))), doi=doi,
        url=f"https://doi.org/{doi}" if doi else "", pdf_url=pdf_url, source="Crossref")


def parse_datacite(data: Any) -> OnlineRecord:
    """A DataCite answer: the REST API's ``{"data": {"attributes": …}}`` or DataCite JSON itself."""
    if isinstance(data, dict) and isinstance(data.get("data"), dict):
        data = data["data"].get("attributes")
    if not isinstance(data, dict):
        raise FetchError("DataCite's answer has no record in it.", later=False)
    authors = []
    for person in _list(data.get("creators")):
        if isinstance(person, dict):
            given, family = _str(person.get("givenName")), _str(person.get("familyName"))
            authors.append(f"{given} {family}".strip() if family else _str(person.get("name")))
    titles = [t for t in _list(data.get("titles")) if isinstance(t, dict)]
    abstract = next((_str(d.get("description")) for d in _list(data.get("descriptions"))
                     if isinstance(d, dict) and d.get("descriptionType") == "Abstract"), "")
    year_text = _str(data.get("publicationYear"))
    doi = _str(data.get("doi"))
    container = data.get("container") if isinstance(data.get("container"), dict) else {}
    return OnlineRecord(
        title=_squash(_str(titles[0].get("title")) if titles else ""), authors=tuple(a for a in authors if a),
        year=int(year_text) if year_text.isdigit() else None,
        venue=_squash(_str(container.get("title")) or _str(data.get("publisher"))),
        abstract=_squash(abstract), doi=doi, url=f"https://doi.org/{doi}" if doi else "", source="DataCite")


def parse_openreview(data: Any, note_id: str, site: str) -> OnlineRecord:
    """An OpenReview ``/notes?id=`` answer, API 2 (``{"value": …}`` fields) or API 1 (plain fields)."""
    notes = data.get("notes") if isinstance(data, dict) else None
    note = next((n for n in _list(notes) if isinstance(n, dict) and n.get("id") == note_id), None)
    if note is None:
        raise NotFound(f"OpenReview has no paper {note_id}.")
    content = note.get("content") if isinstance(note.get("content"), dict) else {}

    def value(key: str) -> Any:
        item = content.get(key)
        return item.get("value") if isinstance(item, dict) else item

    venue = _squash(_str(value("venue")))
    bibtex = _str(value("_bibtex"))
    year_match = re.search(r"\byear\s*=\s*\{?(\d{4})", bibtex) or re.search(r"\b((?:19|20)\d{2})\b", venue)
    year = int(year_match.group(1)) if year_match else None
    has_pdf = bool(_str(value("pdf")))
    return OnlineRecord(
        title=_squash(_str(value("title"))), authors=tuple(_squash(_str(a)) for a in _list(value("authors")) if a),
        year=year, venue=venue, abstract=_squash(_str(value("abstract"))),
        url=f"https://openreview.net/forum?id={note_id}",
        pdf_url=f"{site}/pdf?id={quote(note_id)}" if has_pdf else "", source="OpenReview")


class _MetaTags(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, str]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "meta":
            found = {k.lower(): (v or "") for k, v in attrs}
            name = (found.get("name") or found.get("property") or "").lower()
            if name and "content" in found:
                self.tags.append((name, found["content"]))


def parse_citation_meta(text: str, page_url: str) -> OnlineRecord:
    """The paper a web page names in its ``citation_*`` (Highwire) meta tags, as Google Scholar reads them."""
    parser = _MetaTags()
    try:
        parser.feed(text)
        parser.close()
    except (ValueError, AssertionError):  # html.parser is lenient; this is only the unlikely rest
        pass
    tags = parser.tags

    def first(*names: str) -> str:
        return next((_squash(v) for n, v in tags if n in names and v.strip()), "")

    title = first("citation_title", "dc.title")
    if not title:
        raise NotFound(f"the page at {urlsplit(page_url).netloc} names no paper (no citation_title tag).")
    authors = tuple(_squash(v) for n, v in tags if n in ("citation_author",) and v.strip()) or \
        tuple(_squash(v) for n, v in tags if n == "dc.creator" and v.strip())
    date = first("citation_publication_date", "citation_date", "citation_online_date", "dc.date")
    year_match = re.search(r"\b(1[89]\d{2}|20\d{2})\b", date)
    pdf = first("citation_pdf_url")
    pdf_url = urljoin(page_url, html.unescape(pdf)) if pdf else ""
    if pdf_url and urlsplit(pdf_url).scheme not in ("http", "https"):
        pdf_url = ""
    arxiv = first("citation_arxiv_id")
    return OnlineRecord(
        title=title, authors=tuple(_comma_name(a) for a in authors), year=int(year_match.group(1)) if year_match else None,
        venue=first("citation_conference_title", "citation_journal_title", "citation_inbook_title",
                    "citation_publisher"),
        abstract=first("citation_abstract", "dc.description"), doi=first("citation_doi").removeprefix("doi:"),
        arxiv_id=arxiv, url=page_url, pdf_url=pdf_url, source=urlsplit(page_url).netloc)


# Fetchers -----------------------------------------------------------------------

def fetch_record(client: OnlineClient, ident: Identifier) -> OnlineRecord:
    """Ask the owning service; raises :class:`FetchError` (``NotFound`` when it has no such paper)."""
    s = client.settings
    if ident.kind == ARXIV:
        text, _ = client.get_text(f"{s.arxiv_api}?id_list={quote(ident.value, safe='/')}&max_results=1",
                                  service="arxiv", accept="application/atom+xml")
        record = parse_arxiv_atom(text, ident.value)
        return replace(record, pdf_url=f"{s.arxiv_site}/pdf/{ident.arxiv_with_version}")
    if ident.kind == DOI:
        return fetch_doi(client, ident.value)
    if ident.kind == OPENREVIEW:
        data = client.get_json(f"{s.openreview_api}/notes?id={quote(ident.value)}", service="openreview")
        return parse_openreview(data, ident.value, s.openreview_site)
    if ident.kind == ACL:
        page = f"{s.acl_anthology}/{ident.value}/"
        text, final = client.get_text(page, service="acl", accept="text/html")
        record = parse_citation_meta(text, final)
        return replace(record, url=f"https://aclanthology.org/{ident.value}/",
                       pdf_url=record.pdf_url or f"{s.acl_anthology}/{ident.value}.pdf")
    if ident.kind == WEB:
        return fetch_web_page(client, ident.value)
    raise FetchError(f"nothing knows how to fetch {ident.describe()}.", later=False)


def fetch_doi(client: OnlineClient, doi: str) -> OnlineRecord:
    """Crossref first; DataCite for DOIs Crossref does not know (data sets, Zenodo, many preprints).

    Crossref rarely links an open PDF, so without one the DOI's landing page is read
    for a ``citation_pdf_url`` tag, as Zotero's translators do.
    """
    s = client.settings
    try:
        record = parse_crossref(client.get_json(f"{s.crossref_api}/works/{quote(doi, safe='/')}", service="crossref"))
    except NotFound:
        data = client.get_json(f"{s.datacite_api}/dois/{quote(doi, safe='/')}", service="datacite")
        record = parse_datacite(data)
    if not record.pdf_url:
        try:
            text, final = client.get_text(f"{s.doi_resolver}/{quote(doi, safe='/')}", service="landing",
                                          accept="text/html")
            landing = parse_citation_meta(text, final)
            record = replace(record, pdf_url=landing.pdf_url, url=record.url or final)
        except FetchError as exc:
            record = replace(record, notes=record.notes + (f"its landing page could not be read: {exc}",))
    return record


def fetch_web_page(client: OnlineClient, url: str) -> OnlineRecord:
    """A page that names its paper in meta tags; a link straight to a PDF is taken as that PDF."""
    if urlsplit(url).path.lower().endswith(".pdf"):
        return OnlineRecord(url=url, pdf_url=url, source=urlsplit(url).netloc)
    text, final = client.get_text(url, service="web", accept="text/html,application/xhtml+xml")
    if text.lstrip().startswith("%PDF-"):
        return OnlineRecord(url=url, pdf_url=final, source=urlsplit(url).netloc)
    return parse_citation_meta(text, final)


# Helpers -------------------------------------------------------------------------

def _text(element) -> str:
    return (element.text or "") if element is not None else ""


def _squash(text: str) -> str:
    return " ".join((text or "").split())


def _str(value: Any) -> str:
    return value.strip() if isinstance(value, str) else ""


def _list(value: Any) -> list:
    return value if isinstance(value, list) else []


def _first(value: Any) -> str:
    items = _list(value)
    return _str(items[0]) if items else _str(value)


def _strip_tags(text: str) -> str:
    """Crossref abstracts are JATS XML (``<jats:p>``); the words are what the summary needs."""
    text = re.sub(r"<jats:title>[^<]*</jats:title>", " ", text)
    return _squash(html.unescape(re.sub(r"<[^>]+>", " ", text)))


def _comma_name(name: str) -> str:
    """"Fenner, Martin" reads as "Martin Fenner"; anything else stays as written."""
    if name.count(",") == 1:
        family, given = (part.strip() for part in name.split(","))
        if family and given:
            return f"{given} {family}"
    return name
