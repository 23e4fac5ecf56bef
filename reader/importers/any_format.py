"""Importing a bibliography file of any format we read, chosen by its content (``detect``).

This is the one entry point the command line and the window use, so a RIS file named
``.txt`` or a CSL-JSON export named ``.json`` goes to its own importer instead of the
plain-list one, and a file that is no bibliography is refused before anything is
written. Qt-free.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

from reader.importers import detect
from reader.importers.dedupe import ImportReport
from reader.importers.pdf_files import (
    Extractor,
    Thumbnailer,
    default_extractor,
    default_thumbnailer,
)
from reader.importers.records import ImportedRecord, add_records
from reader.library import Library

Progress = Callable[[int, int, str], None]


class EmptyImportError(detect.UnknownFormatError):
    """The file is in a format we read but holds no entry we could import; nothing was imported."""


def parse_records(fmt: str, text: str) -> tuple[list[ImportedRecord], list[str]]:
    """Records and problems of a RIS, CSL-JSON or Better BibTeX JSON text."""
    if fmt == detect.RIS:
        from reader.importers.ris import parse_ris

        return parse_ris(text)
    if fmt == detect.CSL_JSON:
        from reader.importers.csl_json import parse_csl_json

        return parse_csl_json(text)
    if fmt == detect.ZOTERO_JSON:
        from reader.importers.csl_json import parse_zotero_json

        return parse_zotero_json(text)
    raise ValueError(f"no record parser for {fmt}")


@dataclass(frozen=True)
class FilePreview:
    """What importing a file would find, before anything is written."""

    path: Path
    format: str
    entries: int
    problems: tuple[str, ...]
    # With the library (``preview_import``): what the import would do with the entries.
    new: int | None = None  # papers it would add
    duplicates: tuple[str, ...] = ()  # one line each, as the import report words them
    pdfs: int = 0  # linked PDFs beside the file, which would be copied in
    outside_pdfs: tuple[Path, ...] = ()  # linked PDFs elsewhere, copied only with the user's yes


def preview_file(path: Path | str) -> FilePreview:
    """Format and entry count of ``path``; ``UnknownFormatError`` when it is no bibliography."""
    path = Path(path)
    fmt, decoded = detect.sniff(path)
    if fmt == detect.BIBTEX:
        from reader.importers.bibtex import parse_bibtex

        entries, problems = parse_bibtex(decoded.text)
        count = len(entries)
    elif fmt == detect.PLAIN_LIST:
        from reader.importers.plain_list import parse_plain_list

        items, problems = parse_plain_list(decoded.text)
        count = len(items)
    else:
        records, problems = parse_records(fmt, decoded.text)
        count = len(records)
    return FilePreview(path, fmt, count, tuple(problems))


def import_file(library: Library, path: Path | str, *, tags: Sequence[str] = (),
                extractor: Extractor = default_extractor, progress: Progress | None = None,
                is_cancelled: Callable[[], bool] = lambda: False,
                link_files_anywhere: bool = False,
                thumbnailer: Thumbnailer = default_thumbnailer) -> ImportReport:
    """Import ``path`` by the format its content shows; refuse (raise) and write nothing otherwise."""
    path = Path(path)
    fmt, decoded = detect.sniff(path)
    if fmt == detect.BIBTEX:
        from reader.importers.bibtex import import_bibtex

        report = import_bibtex(library, path, tags=tags, extractor=extractor, progress=progress,
                               is_cancelled=is_cancelled, link_files_anywhere=link_files_anywhere,
                               thumbnailer=thumbnailer)
        if report.found == 0 and not report.added:
            raise EmptyImportError(f"{path.name} holds no BibTeX entry we could read; nothing was imported."
                                   + (f" {report.problems[0]}" if report.problems else ""))
        return report
    if fmt == detect.PLAIN_LIST:
        from reader.importers.plain_list import import_plain_list, parse_plain_list

        items, _ = parse_plain_list(decoded.text, tags)
        if not items:
            raise EmptyImportError(f"{path.name} names no paper (no titles, DOIs, arXiv ids or links); "
                                   "nothing was imported.")
        report = import_plain_list(library, decoded.text, tags=tags, is_text=True, progress=progress,
                                   is_cancelled=is_cancelled)
        report.source, report.format, report.found = path, fmt, len(items)
        return report
    records, problems = parse_records(fmt, decoded.text)
    if not records:
        raise EmptyImportError(f"{path.name} is {fmt} but holds no entry we could import; nothing was imported."
                               + (f" {problems[0]}" if problems else ""))
    report = ImportReport(source=path, format=fmt, found=len(records), problems=list(problems))
    if decoded.guessed:
        report.notes.append(f"{path.name} is not UTF-8; it was read as {decoded.encoding} (a guess).")
    add_records(library, records, report, tags=tags, where_label="line" if fmt == detect.RIS else "item",
                progress=progress, is_cancelled=is_cancelled, base=path.parent,
                link_files_anywhere=link_files_anywhere, extractor=extractor, thumbnailer=thumbnailer)
    return report


def preview_import(library: Library, path: Path | str) -> FilePreview:
    """What importing ``path`` into ``library`` would do, read only: new papers, duplicates (of the
    library and within the file), problems by line, linked PDFs to copy. Nothing is written."""
    from reader.importers.dedupe import DuplicateIndex
    from reader.importers.linked_files import find_linked_pdf
    from reader.importers.records import linked_notes

    path = Path(path)
    fmt, decoded = detect.sniff(path)
    index = DuplicateIndex.from_library(library)
    candidates: list[tuple[str, object, object]] = []  # (where, fields, LinkedPdf)
    if fmt == detect.BIBTEX:
        from reader.importers.bibtex import (
            _linked,
            entry_to_fields,
            entry_verdict,
            parse_bibtex,
        )

        entries, parsed_problems = parse_bibtex(decoded.text)
        problems, count = list(parsed_problems), len(entries)
        for entry in entries:
            fields, _ = entry_to_fields(entry)
            kept, note = entry_verdict(entry, fields)
            if note:
                problems.append(note)
            if kept:
                candidates.append((f"line {entry.line} ({entry.key})", fields, _linked(entry, path.parent)))
    else:
        if fmt == detect.PLAIN_LIST:
            from reader.importers.plain_list import parse_plain_list

            items, parsed_problems = parse_plain_list(decoded.text)
            records = [ImportedRecord(item.line, "", item.fields) for item in items]
        else:
            records, parsed_problems = parse_records(fmt, decoded.text)
        problems, count = list(parsed_problems), len(records)
        label = "line" if fmt in (detect.RIS, detect.PLAIN_LIST) else "item"
        for record in records:
            where = f"{label} {record.line}" + (f" ({record.key})" if record.key else "")
            candidates.append((where, record.fields, find_linked_pdf(record.files, path.parent)
                               if record.files else None))
    duplicates, new, pdfs, outside = [], 0, 0, []
    for where, fields, linked in candidates:
        existing = index.find(fields)
        if existing:
            existing = re.sub(r"^(.*) \(id -\d+, ", r"\1 (earlier in this file, ", existing)
            duplicates.append(f"{where}: {fields.title!r} is already in the library as {existing}."
                              .replace("is already in the library as", "is the same as")
                              if "earlier in this file" in existing else
                              f"{where}: {fields.title!r} is already in the library as {existing}.")
            continue
        index.add(-1 - new, fields)
        new += 1
        if linked is not None:
            pdfs += linked.pdf is not None
            outside.extend([linked.outside] if linked.outside else [])
            problems.extend(linked_notes(linked, where) if linked.missing else [])
    problems = sorted((_future(p) for p in problems), key=_line_number)
    return FilePreview(path, fmt, count, tuple(problems), new, tuple(duplicates), pdfs,
                       tuple(dict.fromkeys(outside)))


def _future(problem: str) -> str:
    """The import report's sentence as the preview says it: nothing has happened yet."""
    changes = (("was added", "will be added"), ("was skipped", "will be skipped"),
               ("; skipped", "; it will be skipped"))
    for done, coming in changes:
        problem = problem.replace(done, coming)
    return problem


def _line_number(problem: str) -> int:
    match = re.match(r"(?:lines?|item) (\d+)", problem)
    return int(match.group(1)) if match else 0
