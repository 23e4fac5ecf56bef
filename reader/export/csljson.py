"""Export papers as CSL-JSON, the citation data Pandoc, Zotero and citeproc read.

Names are split into ``family``, ``given``, ``non-dropping-particle`` and
``suffix`` (an organisation is ``literal``), the year is ``issued.date-parts``,
tags are the comma-separated ``keyword``. An arXiv id goes in ``number`` as
``arXiv:ID``, as Zotero writes a preprint's. Keys are sorted and the text is indented: the same library
gives the same bytes.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Sequence
from pathlib import Path

from reader.export import kinds
from reader.export.atomic import write_atomic
from reader.export.bibtex import BibtexReport, Progress
from reader.export.names import Name
from reader.export.reference import Reference, references
from reader.library import Library

_TYPES = {kinds.ARTICLE: "article-journal", kinds.PROCEEDINGS: "paper-conference", kinds.PREPRINT: "article",
          kinds.OTHER: "document", "book": "book", "chapter": "chapter", "thesis": "thesis", "report": "report",
          "patent": "patent", "dataset": "dataset", "software": "software"}
_EXTRA_VARIABLES = (("volume", "volume"), ("number", "issue"), ("issue", "issue"), ("pages", "page"),
                    ("publisher", "publisher"), ("edition", "edition"), ("isbn", "ISBN"), ("issn", "ISSN"),
                    ("address", "publisher-place"), ("location", "publisher-place"), ("note", "note"))


def csl_name(name: Name) -> dict[str, str]:
    if name.literal:
        return {"literal": name.literal}
    person = {"family": name.family, "given": name.given, "non-dropping-particle": name.von, "suffix": name.suffix,
              "comma-suffix": bool(name.suffix and name.comma)}  # CSL's mark for "Costa, Jr." against "King Jr."
    return {k: v for k, v in person.items() if v}


def item(ref: Reference) -> dict:
    data: dict = {"id": ref.key, "type": _TYPES.get(ref.kind, "document"), "title": ref.title}
    if ref.names:
        data["author"] = [csl_name(n) for n in ref.names]
    if ref.year:
        data["issued"] = {"date-parts": [[ref.year]]}
    if ref.venue:
        data["container-title"] = ref.venue
    for name, variable in _EXTRA_VARIABLES:
        if ref.extras.get(name) and variable not in data:
            data[variable] = ref.extras[name].replace("--", "–") if variable == "page" else ref.extras[name]
    if ref.doi:
        data["DOI"] = ref.doi
    if ref.arxiv_id:
        data["number"] = f"arXiv:{ref.arxiv_id}"
    if ref.url.strip():
        data["URL"] = ref.url.strip()
    if ref.abstract.strip():
        data["abstract"] = ref.abstract
    if ref.keywords:
        data["keyword"] = ", ".join(ref.keywords)
    return data


def export_csljson(library: Library, paper_ids: Sequence[int], out: Path | str | None = None, *,
                   progress: Progress | None = None, is_cancelled: Callable[[], bool] = lambda: False
                   ) -> BibtexReport:
    """The CSL-JSON text (a list of items) for these papers; written atomically to ``out`` when given."""
    refs = references(library, paper_ids)
    items = []
    for index, ref in enumerate(refs):
        if is_cancelled():
            return BibtexReport("", index, None, cancelled=True)
        items.append(item(ref))
        if progress:
            progress(index + 1, len(refs), ref.key)
    text = json.dumps(items, ensure_ascii=False, indent=2, sort_keys=True) + "\n"
    path = Path(out) if out is not None else None
    if path is not None:
        write_atomic(path, text)
    return BibtexReport(text, len(refs), path)
