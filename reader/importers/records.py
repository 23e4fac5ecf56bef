"""What every structured importer (RIS, CSL-JSON, Better BibTeX JSON) shares once parsed.

Each parser turns its file into ``ImportedRecord``s; ``add_records`` checks them against
the library (``DuplicateIndex``) and adds the new ones, so a duplicate is reported the
same way whatever format it came in. Qt-free.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from pathlib import Path

from reader.importers.dedupe import UNTITLED_MARK, DuplicateIndex, ImportReport
from reader.importers.linked_files import (
    NOT_COPIED,
    LinkedPdf,
    add_with_pdf,
    find_linked_pdf,
)
from reader.importers.pdf_files import Extractor, Thumbnailer, default_thumbnailer
from reader.library import Library, PaperFields

Progress = Callable[[int, int, str], None]


@dataclass(frozen=True)
class ImportedRecord:
    line: int  # where the record starts in the file (1-based), or its position in a JSON array
    key: str  # its citation key or id, for the report; may be empty
    fields: PaperFields
    kind: str = ""  # the format's own type (JOUR, article-journal, journalArticle)
    files: tuple[str, ...] = ()  # linked files as the source names them (RIS L1, Zotero attachment paths)


def stand_in_title(*details: object) -> str:
    """The title an entry without one is added under: ``[untitled] Psychological Review, 2014``.

    Made from what the entry has, so a list of them can be told apart, and marked, so nobody
    takes it for the work's title; exporters that keep the original (BibTeX) leave it out.
    """
    words = [" ".join(str(d).split()) for d in details if d not in (None, "") and str(d).strip()]
    return f"{UNTITLED_MARK} {', '.join(dict.fromkeys(words))}" if words else UNTITLED_MARK


def is_stand_in(title: str) -> bool:
    """True for a title an import made up (``stand_in_title``); "Untitled" may be an artwork's own."""
    return title.startswith(UNTITLED_MARK)


def display_name(name: str) -> str:
    """RIS order to ours: ``"Harrison, Warren"`` -> ``"Warren Harrison"``, ``"Valle-Delgado,J. J."`` too, and
    ``"Costa, P. T., Jr."`` (Last, First, Suffix, as the RIS specification orders them) -> ``"P. T. Costa, Jr."``."""
    name = " ".join(name.split())
    if name.count(",") == 1:
        last, first = (part.strip() for part in name.split(","))
        return f"{first} {last}".strip() if last else first
    if name.count(",") == 2:
        last, first, junior = (part.strip() for part in name.split(","))
        return f"{first} {last}, {junior}".strip()
    return name


def add_records(library: Library, records: Sequence[ImportedRecord], report: ImportReport, *,
                tags: Sequence[str] = (), where_label: str = "line", progress: Progress | None = None,
                is_cancelled: Callable[[], bool] = lambda: False, base: Path | None = None,
                link_files_anywhere: bool = False, extractor: Extractor | None = None,
                thumbnailer: Thumbnailer | None = None) -> None:
    """Add each record that is not already in the library, all in one transaction.

    Duplicates (of the library or of an earlier record in the same file) go to
    ``report.duplicates``. Cancelling before the end adds nothing at all. A record whose
    linked PDF exists beside the file (``base``), or anywhere with ``link_files_anywhere``,
    is added with it (copied by hash, read by ``extractor``), each in its own transaction
    after the others; a linked PDF that is missing or left outside is reported.
    """
    index = DuplicateIndex.from_library(library)
    new: list[tuple[ImportedRecord, PaperFields]] = []
    with_pdf: list[tuple[ImportedRecord, PaperFields, Path, str]] = []
    notes: list[str] = []
    for position, record in enumerate(records):
        if is_cancelled():
            report.cancelled = True
            return
        fields = record.fields
        if tags:
            fields = replace(fields, tags=tuple(dict.fromkeys([*fields.tags, *tags])))
        where = f"{where_label} {record.line}" + (f" ({record.key})" if record.key else "")
        existing = index.find(fields)
        if existing:
            report.duplicates.append(f"{where}: {fields.title!r} is already in the library as {existing}.")
        else:
            index.add(-1 - len(new), fields)  # a placeholder id until the transaction gives the real one
            linked = find_linked_pdf(record.files, base, link_files_anywhere) if record.files and base else None
            if linked is not None and linked.pdf is not None and extractor is not None:
                with_pdf.append((record, fields, linked.pdf, where))
                new.append((record, fields))
            else:
                new.append((record, fields))
                notes.extend(linked_notes(linked, where))
        if progress:
            progress(position + 1, len(records), fields.title)
    pdf_records = {id(record) for record, *_ in with_pdf}
    plain = [fields for record, fields in new if id(record) not in pdf_records]
    ids = iter(library.add_papers(plain) if plain else [])
    added: dict[int, int] = {}  # record position in ``new`` -> paper id
    for number, (record, _) in enumerate(new):
        if id(record) not in pdf_records:
            added[number] = next(ids)
    for record, fields, pdf, where in with_pdf:
        if is_cancelled():
            report.cancelled = True
            break
        paper_id = add_with_pdf(library, fields, pdf, where, report, extractor, thumbnailer or default_thumbnailer)
        if paper_id is not None:
            added[next(n for n, (r, _) in enumerate(new) if r is record)] = paper_id
    report.problems.extend(notes)
    report.added.extend((added[n], fields.title) for n, (_, fields) in enumerate(new) if n in added)
    _name_placeholders(report, [added.get(n, 0) for n in range(len(new))])


def linked_notes(linked: LinkedPdf | None, where: str) -> list[str]:
    """The report's lines for a record's linked PDF that is not copied."""
    if linked is None:
        return []
    if linked.outside is not None:
        return [f"{where}: its PDF {linked.outside} {NOT_COPIED}; the paper was added without it."]
    if linked.missing:
        return [f"{where}: no PDF found at {linked.missing[0]!r}; the paper was added without one."]
    return []


def _name_placeholders(report: ImportReport, ids: Sequence[int]) -> None:
    """``(id -3, same DOI)`` in a duplicate line becomes the real id the paper was given."""
    import re

    report.duplicates[:] = [re.sub(r"\(id -(\d+),", lambda m: f"(id {ids[int(m.group(1)) - 1]},", line)
                            for line in report.duplicates]
