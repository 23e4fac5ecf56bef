"""The sample reading list shown on first run: ICLR 2020/2021 papers, and two real PDFs to read.

The listed papers carry links (arXiv, OpenReview) but no PDF. So that a newcomer with
no network can still open a paper, see its figures and the hover preview, highlight
and export, two openly licensed (CC BY 4.0) papers ship in ``resources/sample-papers``
and are added through the same path as any PDF the person adds: copied into the
library under their hash, read for metadata, captions and thumbnails.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path

from reader.importers.pdf_files import (
    Extractor,
    Thumbnailer,
    default_extractor,
    default_thumbnailer,
    import_pdfs,
)
from reader.library import CaptionRecord, Library, PaperFields, Status
from reader.library.identity import sha256_file
from reader.paths import resources_dir

# Fields of a shipped PDF that the sample states better than extraction can: the
# TL;DR, the venue as cited, the links. They are kept as the person's own, so
# "Re-extract from PDF" does not swap the TL;DR for the abstract.
_PDF_FIELDS = ("venue", "summary", "doi", "arxiv_id", "url", "code_url")


def sample_path() -> Path:
    return resources_dir() / "sample-reading-list.json"


@dataclass
class SampleLoad:
    """What loading the sample did: the papers it added and those the library already had."""

    added: list[int] = field(default_factory=list)
    already: list[int] = field(default_factory=list)  # ids where known (PDFs, or a title match)
    failed: list[str] = field(default_factory=list)  # a shipped PDF that could not be added, and why

    @property
    def first(self) -> int | None:
        """The paper to show after loading: a new one, else one that was already there."""
        return (self.added or self.already or [None])[0]

    def describe(self) -> str:
        text = f"Added {_papers(len(self.added))}, {len(self.already)} already in the library."
        if self.failed:
            text += " " + " ".join(self.failed)
        return text


def _papers(n: int) -> str:
    return f"{n} paper{'s' if n != 1 else ''}"


def load_sample(library: Library, path: Path | None = None, *, extractor: Extractor = default_extractor,
                thumbnailer: Thumbnailer | None = default_thumbnailer) -> SampleLoad:
    """Add the sample papers and the shipped PDFs; loading it again adds nothing.

    A listed paper whose title is already in the library is skipped; a shipped PDF
    already there (same bytes) is left as the person has it.
    """
    path = path or sample_path()
    data = json.loads(path.read_text(encoding="utf-8"))
    result = SampleLoad()
    existing = {row.title.casefold(): row.id for row in library.paper_rows(library.query_ids())}
    for entry in data["papers"]:
        known = existing.get(entry["title"].casefold())
        if known is not None:
            result.already.append(known)
            continue
        fields = PaperFields(
            title=entry["title"],
            authors=tuple(entry.get("authors", ())),
            year=entry.get("year"),
            venue=entry.get("venue", ""),
            summary=entry.get("summary", ""),
            doi=entry.get("doi", ""),
            arxiv_id=entry.get("arxiv_id", ""),
            url=entry.get("url", ""),
            code_url=entry.get("code_url", ""),
            status=Status.parse(entry.get("status", "to_read")),
            tags=tuple(entry.get("tags", ())),
        )
        captions = [
            CaptionRecord(c.get("label", ""), c.get("kind", "figure"), c.get("number", ""), c["text"],
                          int(c.get("page", 0)))
            for c in entry.get("captions", ())
        ]
        paper_id = library.add_paper(fields, captions=captions)
        existing[entry["title"].casefold()] = paper_id
        result.added.append(paper_id)
    for entry in data.get("pdfs", ()):
        _add_pdf(library, path.parent / entry["file"], entry, result, extractor, thumbnailer)
    return result


def _add_pdf(library: Library, pdf: Path, entry: dict, result: SampleLoad, extractor: Extractor,
             thumbnailer: Thumbnailer | None) -> None:
    try:
        known = library.find_by_hash(sha256_file(pdf))
    except OSError as exc:
        result.failed.append(f"The sample paper {pdf.name} cannot be read: {exc.strerror or exc}.")
        return
    if known is not None:  # left as the person has it: no tags or fields put back
        result.already.append(known)
        return
    [outcome] = import_pdfs(library, [pdf], tags=entry.get("tags", ()), extractor=extractor,
                            thumbnailer=thumbnailer, annotation_reader=None)
    if not outcome.ok:
        result.failed.append(outcome.error)
        return
    if not outcome.created:
        result.already.append(outcome.paper_id)
        return
    changes = {name: entry[name] for name in _PDF_FIELDS if entry.get(name)}
    if changes:
        library.update_paper(outcome.paper_id, **changes)
    if entry.get("status"):
        library.set_status([outcome.paper_id], entry["status"])
    result.added.append(outcome.paper_id)
