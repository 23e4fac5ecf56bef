"""Telling whether an imported paper is already in the library, and reporting an import.

Shared by the BibTeX and plain-list importers. A paper is the same when its DOI,
its arXiv id (any version) or its normalised title and year match; papers in the
Trash count too, so an import never resurrects a silent second copy.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path

from reader.library import Library, PaperFields, PaperQuery

UNTITLED_MARK = "[untitled]"  # how an import marks the title it made up (records.stand_in_title)

_ARXIV = re.compile(r"(?<![\w.])(?:arxiv[:\s/]*|abs/|pdf/)?(\d{4}\.\d{4,5}|[a-z-]+(?:\.[A-Z]{2})?/\d{7})(?:v\d+)?",
                    re.IGNORECASE)
# Old Wiley (SICI) DOIs hold < and >, e.g. 10.1002/(SICI)1096-987X(199803)19:4<377::AID-JCC1>3.0.CO;2-P,
# so those characters are allowed; a ">" with no "<" before it is the end of an <autolink> instead.
_DOI = re.compile(r"\b(10\.\d{4,9}/[^\s\"]+)", re.IGNORECASE)


def arxiv_from_text(text: str) -> str:
    """The arXiv id (without version) named in ``text``, if it names one: ids, ``arXiv:``, URLs."""
    if not text:
        return ""
    if "arxiv" not in text.lower() and not re.fullmatch(r"\s*\d{4}\.\d{4,5}(v\d+)?\s*", text):
        return ""
    match = _ARXIV.search(text)
    return match.group(1) if match else ""


def exact_arxiv(text: str) -> str:
    """The id of an ``arXiv:ID`` field (RIS ``AN``, CSL ``number``) as written, version and all."""
    match = re.fullmatch(r"\s*arxiv:\s*(\S+)\s*", text or "", re.IGNORECASE)
    return match.group(1) if match and arxiv_from_text(f"arXiv:{match.group(1)}") else ""


def clean_doi(text: str) -> str:
    """The DOI in ``text`` (a bare DOI, ``doi:``, a doi.org URL), whole even when it holds ``<>`` or ``()``."""
    match = _DOI.search(text or "")
    if not match:
        return ""
    doi = match.group(1)
    close = doi.find(">")
    if close >= 0 and "<" not in doi[:close]:
        doi = doi[:close]
    doi = doi.rstrip(".,;]")
    # "(see doi:10.1/x)" or "{10.1/x}" but not "…(199803)": only an unbalanced closer is dropped
    while (doi.endswith(")") and doi.count(")") > doi.count("(")) or \
            (doi.endswith("}") and doi.count("}") > doi.count("{")):
        doi = doi[:-1].rstrip(".,;]")
    return doi


def normalise_title(title: str) -> str:
    folded = unicodedata.normalize("NFKD", title.casefold())
    return " ".join("".join(ch if ch.isalnum() else " " for ch in folded if not unicodedata.combining(ch)).split())


def _first_author_key(fields: PaperFields) -> str:
    """The first author's last word, folded: enough to tell two same-titled works apart."""
    words = normalise_title(fields.authors[0]).split() if fields.authors else []
    return words[-1] if words else ""


def _untitled_key(fields: PaperFields) -> tuple:
    return (normalise_title(fields.title), tuple(normalise_title(a) for a in fields.authors), fields.year,
            normalise_title(fields.venue), fields.doi.lower(), fields.url.strip(), fields.arxiv_id)


class DuplicateIndex:
    """What the library already holds, by DOI, arXiv id and (title, year)."""

    def __init__(self) -> None:
        self._doi: dict[str, tuple[int, str]] = {}
        self._arxiv: dict[str, tuple[int, str, str]] = {}
        self._title: dict[str, list[tuple[int | None, int, str, str, str]]] = {}
        self._untitled: dict[tuple, tuple[int, str]] = {}  # library papers with a made-up title, by everything

    @classmethod
    def from_library(cls, library: Library) -> DuplicateIndex:
        index = cls()
        ids = library.query_ids(PaperQuery(view="all")) + library.query_ids(PaperQuery(view="trash"))
        for paper_id in sorted(set(ids)):
            p = library.paper(paper_id)
            index.add(paper_id, PaperFields(title=p.title, year=p.year, doi=p.doi, arxiv_id=p.arxiv_id,
                                            authors=tuple(p.authors), venue=p.venue, url=p.url))
        return index

    def add(self, paper_id: int, fields: PaperFields) -> None:
        if fields.doi:
            self._doi.setdefault(fields.doi.lower(), (paper_id, fields.title))
        if arxiv_from_text(f"arXiv:{fields.arxiv_id}"):
            self._arxiv.setdefault(arxiv_from_text(f"arXiv:{fields.arxiv_id}"),
                                   (paper_id, fields.title, fields.doi.lower()))
        if fields.title.startswith(UNTITLED_MARK) and paper_id >= 0:
            self._untitled.setdefault(_untitled_key(fields), (paper_id, fields.title))
        key = normalise_title(fields.title) if not fields.title.startswith(UNTITLED_MARK) else ""
        if key:  # a made-up title says nothing: two title-less entries are not the same work for it
            self._title.setdefault(key, []).append((fields.year, paper_id, fields.title, fields.doi.lower(),
                                                    _first_author_key(fields)))

    def find(self, fields: PaperFields) -> str | None:
        """How the paper is already in the library ("'Title' (id 3, same DOI)"), or None."""
        if fields.doi and fields.doi.lower() in self._doi:
            paper_id, title = self._doi[fields.doi.lower()]
            return f"{title!r} (id {paper_id}, same DOI)"
        arxiv = arxiv_from_text(f"arXiv:{fields.arxiv_id}") if fields.arxiv_id else ""
        # Two different DOIs are two papers, whatever else they share: a journal version and
        # its conference version can cite one arXiv id, and "Editorial" recurs every year.
        doi = fields.doi.lower()
        if arxiv and arxiv in self._arxiv and not (doi and self._arxiv[arxiv][2] and doi != self._arxiv[arxiv][2]):
            paper_id, title, _ = self._arxiv[arxiv]
            return f"{title!r} (id {paper_id}, same arXiv id)"
        if fields.title.startswith(UNTITLED_MARK):
            # Only a library paper that agrees on everything (the same file imported again); entries
            # of one file are not placed here (placeholder ids < 0), so its four identical
            # author-only books stay four papers.
            same = self._untitled.get(_untitled_key(fields))
            return f"{same[1]!r} (id {same[0]}, the same in every field)" if same else None
        author = _first_author_key(fields)
        for year, paper_id, title, other_doi, other_author in self._title.get(normalise_title(fields.title), ()):
            if doi and other_doi and doi != other_doi:
                continue
            if author and other_author and author != other_author:
                continue  # two chapters both called "Lebanon", by different people
            if year is None or fields.year is None or year == fields.year:
                return f"{title!r} (id {paper_id}, same title and year)"
        return None


@dataclass
class ImportReport:
    """What an import did, in sentences the CLI prints and the UI shows as they are."""

    source: Path | None = None
    format: str = ""  # "BibTeX", "RIS", … as detected from the content
    found: int | None = None  # entries the file holds, when known
    added: list[tuple[int, str]] = field(default_factory=list)
    duplicates: list[str] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)  # worth saying, nothing lost (a guessed encoding)
    pdfs_linked: int = 0
    cancelled: bool = False

    def summary(self) -> str:
        n = len(self.added)
        parts = [f"Added {n} paper{'s' if n != 1 else ''}"]
        if self.found is not None:
            what = f"{self.format} " if self.format and self.format != "list" else ""
            parts[0] += f" ({self.found} {what}entr{'y' if self.found == 1 else 'ies'} found)"
        if self.pdfs_linked:
            parts.append(f"{self.pdfs_linked} with their PDF")
        if self.duplicates:
            parts.append(f"{len(self.duplicates)} already in the library")
        if self.problems:
            parts.append(f"{len(self.problems)} skipped or incomplete")
        text = ", ".join(parts) + "."
        return text + (" Cancelled before the end." if self.cancelled else "")

    def lines(self) -> list[str]:
        return [self.summary(), *self.notes, *self.duplicates, *self.problems]
