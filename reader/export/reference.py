"""One paper as the plain-text record that RIS and CSL-JSON are written from.

BibTeX keeps an imported entry's own text; RIS and CSL-JSON are made from the
library's fields (what the user sees and may have edited) plus the standard
fields only an import knew (volume, issue, pages, publisher), read from the stored
entry as plain text. The citation key is the BibTeX export's, so one paper has
the same id in every format.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

from reader.export import kinds
from reader.export.bibstore import StoredEntry, load_entry
from reader.export.bibtex import assign_keys, paper_kind
from reader.export.names import Name, split_name
from reader.library import Library, PaperDetail

# Stored BibTeX types beyond the four kinds, kept apart so a book stays a book in RIS and CSL.
_STORED_KINDS = dict(kinds.BIBTEX_KINDS, book="book", inbook="chapter", incollection="chapter",
                     phdthesis="thesis", mastersthesis="thesis", thesis="thesis", techreport="report",
                     report="report", manual="report", patent="patent", dataset="dataset", software="software")
_EXTRAS = ("volume", "number", "issue", "pages", "publisher", "month", "edition", "isbn", "issn", "address",
           "location", "institution", "school", "series", "note")


@dataclass(frozen=True)
class Reference:
    key: str
    kind: str  # kinds.ARTICLE, PROCEEDINGS, PREPRINT, OTHER, or "book", "chapter", "thesis", "report"...
    title: str
    names: tuple[Name, ...]
    year: int | None
    venue: str
    doi: str
    arxiv_id: str
    url: str
    abstract: str
    keywords: tuple[str, ...]
    extras: dict[str, str] = field(default_factory=dict)  # volume, pages, ... as plain text


_DECODER = None


def plain_text(raw: str) -> str:
    """A stored BibTeX value (braces, quotes, ``{\\'e}``) as plain text."""
    global _DECODER
    text = raw.strip()
    if len(text) >= 2 and text[0] + text[-1] in ("{}", '""'):
        text = text[1:-1]
    if _DECODER is None:
        from pylatexenc.latex2text import LatexNodes2Text

        _DECODER = LatexNodes2Text(math_mode="verbatim", strict_latex_spaces=True)
    try:
        text = _DECODER.latex_to_text(text)
    except Exception:  # noqa: BLE001 - pylatexenc is lenient, but one odd value must not stop an export
        text = text.replace("{", "").replace("}", "")
    return " ".join(text.split())


def reference(paper: PaperDetail, stored: StoredEntry | None, key: str) -> Reference:
    kind = paper_kind(paper)
    extras: dict[str, str] = {}
    if stored is not None:
        kind = _STORED_KINDS.get(stored.entry_type.lower(), kind)
        values = dict(stored.fields)
        extras = {name: plain_text(values[name]) for name in _EXTRAS if values.get(name, "").strip()}
    return Reference(key, kind, paper.title, tuple(split_name(a) for a in paper.authors if a.strip()), paper.year,
                     paper.venue, paper.doi, paper.arxiv_id, paper.url, paper.summary,
                     tuple(sorted(paper.tags, key=str.casefold)), extras)


def references(library: Library, paper_ids: Sequence[int]) -> list[Reference]:
    """The papers in id order, each with its citation key."""
    papers = [library.paper(pid) for pid in sorted(set(paper_ids))]
    stored = {p.id: load_entry(library, p) for p in papers}
    keys = assign_keys(papers, stored)
    return [reference(p, stored[p.id], keys[p.id]) for p in papers]
