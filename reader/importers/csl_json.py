"""Reading CSL-JSON (Zotero, Pandoc, Mendeley exports) and Better BibTeX JSON (Zotero items).

Both are JSON, so there is no parser to choose: ``json`` reads them and this module maps
their fields. CSL-JSON is a list of items with ``author: [{family, given}]`` and
``issued: {date-parts}``; Better BibTeX JSON is ``{"items": [...]}`` of Zotero items with
``creators`` and a free-form ``date``. Titles may hold the small HTML Zotero allows
(``<i>``, ``<sub>``); it is removed. Qt-free.
"""

from __future__ import annotations

import html
import json
import re
from dataclasses import replace

from reader.importers.dedupe import arxiv_from_text, clean_doi, exact_arxiv
from reader.importers.records import ImportedRecord, stand_in_title
from reader.library import PaperFields

_TAG = re.compile(r"</?(?:i|b|sub|sup|sc|span|em|strong)(?:\s[^>]*)?>", re.IGNORECASE)
_YEAR = re.compile(r"(?<![\d-])(\d{4})(?!\d)")  # not "-0333", a year BC
# Zotero creator types that are not the work's makers; every other type (author, inventor,
# director, artist, programmer, podcaster…) is the item type's primary creator.
SECONDARY_CREATORS = frozenset({
    "editor", "seriesEditor", "translator", "contributor", "reviewedAuthor", "bookAuthor", "counsel",
    "castMember", "producer", "scriptwriter", "guest", "wordsBy", "commenter", "interviewer", "recipient",
    "attorneyAgent", "cosponsor", "editorialDirector"})


# Bookkeeping every item has, which says nothing about the work.
_NOT_CONTENT = frozenset({"id", "type", "itemType", "key", "version", "itemID", "itemKey", "libraryID", "uri",
                          "dateAdded", "dateModified", "relations", "citation-key", "citationKey", "collections",
                          "attachments", "notes"})


def _plain(text) -> str:
    return " ".join(html.unescape(_TAG.sub("", str(text or ""))).split())


def _load(text: str):
    return json.loads(text.lstrip("\ufeff"))


def parse_csl_json(text: str) -> tuple[list[ImportedRecord], list[str]]:
    """CSL-JSON items (a list, or one item) as papers; a note per item without a title."""
    data = _load(text)
    items = data if isinstance(data, list) else [data]
    return _records(items, csl_to_fields)


def parse_zotero_json(text: str) -> tuple[list[ImportedRecord], list[str]]:
    """Better BibTeX JSON (``{"items": [...]}``) or a bare list of Zotero items, as papers.

    Notes and attachments are Zotero child items, not papers, and are left out.
    """
    data = _load(text)
    items = data.get("items", []) if isinstance(data, dict) else data
    items = [i for i in items if isinstance(i, dict) and i.get("itemType") not in ("note", "attachment")]
    return _records(items, zotero_to_fields)


def _records(items, convert) -> tuple[list[ImportedRecord], list[str]]:
    records, problems = [], []
    for position, item in enumerate(items, 1):
        if not isinstance(item, dict):
            problems.append(f"item {position}: not a bibliography item; skipped.")
            continue
        fields = convert(item)
        key = str(item.get("citation-key") or item.get("citationKey") or item.get("id") or "")
        where = f"item {position}" + (f" ({key})" if key else "")
        if not fields.title:
            if not any(v not in (None, "", [], {}) for k, v in item.items() if k not in _NOT_CONTENT):
                problems.append(f"{where}: the item is empty; skipped.")
                continue
            kind = str(item.get("type") or item.get("itemType") or "")
            details = (fields.venue or _plain(item.get("publisher")), fields.year)
            fields = replace(fields, title=stand_in_title(*details) if any(details) else stand_in_title(kind))
            problems.append(f"{where}: no title; it was added as {fields.title!r}.")
        records.append(ImportedRecord(position, key, fields, str(item.get("type") or item.get("itemType") or ""),
                                      files=tuple(_attachment_paths(item))))
    return records, problems


def _attachment_paths(item: dict) -> list[str]:
    """Better BibTeX JSON: a Zotero item's PDF attachments (``path``, or ``localPath``), as written."""
    found = []
    for attachment in item.get("attachments") or []:
        if not isinstance(attachment, dict):
            continue
        path = str(attachment.get("localPath") or attachment.get("path") or "")
        kind = str(attachment.get("contentType") or attachment.get("mimeType") or "")
        if path and (kind == "application/pdf" or path.lower().endswith(".pdf")):
            found.append(path)
    return found


def _csl_name(person: dict) -> str:
    if person.get("literal"):
        return _plain(person["literal"])
    parts = [person.get("given", ""), person.get("non-dropping-particle", ""), person.get("family", "")]
    name = " ".join(_plain(p) for p in parts if p)
    comma = "," if person.get("comma-suffix") else ""  # CSL: "Costa, Jr." only with comma-suffix
    return name + (f"{comma} {_plain(person['suffix'])}" if person.get("suffix") else "")


def _csl_year(date) -> int | None:
    if isinstance(date, dict):
        parts = date.get("date-parts") or []
        if parts and parts[0] and str(parts[0][0]).lstrip("-").isdigit():
            year = int(str(parts[0][0]))
            return year if year > 0 else None
        date = date.get("raw") or date.get("literal") or ""
    match = _YEAR.search(str(date or ""))
    return int(match.group(1)) if match and int(match.group(1)) > 0 else None


def _tags(raw) -> tuple[str, ...]:
    if isinstance(raw, str):
        words = re.split(r"[;,]", raw)
    else:
        words = [t.get("tag", "") if isinstance(t, dict) else str(t) for t in raw or []]
    return tuple(dict.fromkeys(w.strip() for w in words if w and w.strip()))


def csl_to_fields(item: dict) -> PaperFields:
    url = str(item.get("URL") or "")
    return PaperFields(
        title=_plain(item.get("title")),
        authors=tuple(n for n in (_csl_name(p) for p in item.get("author") or [] if isinstance(p, dict)) if n),
        year=_csl_year(item.get("issued")),
        venue=_plain(item.get("container-title") or item.get("event-title") or ""),
        summary=_plain(item.get("abstract")),
        doi=clean_doi(str(item.get("DOI") or "")),
        arxiv_id=exact_arxiv(str(item.get("number") or "")) or arxiv_from_text(url)
        or arxiv_from_text(str(item.get("number") or "")),
        url=url,
        tags=_tags(item.get("keyword")),
    )


def _zotero_name(creator: dict) -> str:
    if creator.get("name"):
        return _plain(creator["name"])
    # Better BibTeX quotes a multi-word last name ("de la Mare") to keep it whole; the quotes are not the name
    return " ".join(_plain(p).strip('"') for p in (creator.get("firstName"), creator.get("lastName")) if p)


def _extra_year(item: dict) -> int | None:
    """Zotero's "extra" may override the date ("issued: 2011"), as Better BibTeX reads it."""
    extra = item.get("extra") or ""
    lines = extra if isinstance(extra, list) else str(extra).splitlines()
    for line in lines:
        match = re.match(r"\s*issued\s*:\s*(.+)", str(line), re.IGNORECASE)
        if match:
            return _csl_year(match.group(1))
    return None


def zotero_to_fields(item: dict) -> PaperFields:
    """A Zotero item: its authors are its primary creators (a film's director, a patent's inventor)."""
    creators = [c for c in item.get("creators") or [] if isinstance(c, dict)]
    people = [c for c in creators if c.get("creatorType", "author") not in SECONDARY_CREATORS] or \
        [c for c in creators if c.get("creatorType") == "contributor"]  # Bach, "contributor" to his recording
    url = str(item.get("url") or "")
    venue = next((item[k] for k in ("publicationTitle", "proceedingsTitle", "conferenceName", "bookTitle",
                                    "websiteTitle", "blogTitle", "reporter", "court") if item.get(k)), "")
    return PaperFields(
        title=_plain(item.get("title")),
        authors=tuple(n for n in (_zotero_name(c) for c in people) if n),
        year=_extra_year(item) or _csl_year(str(item.get("date") or "")),
        venue=_plain(venue),
        summary=_plain(item.get("abstractNote")),
        doi=clean_doi(str(item.get("DOI") or "")) or clean_doi(" ".join(item.get("extra") or [])
                                                               if isinstance(item.get("extra"), list)
                                                               else str(item.get("extra") or "")),
        arxiv_id=arxiv_from_text(url),
        url=url,
        tags=_tags(item.get("tags")),
    )
