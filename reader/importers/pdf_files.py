"""Adding PDF files to the library: check, extract, copy, record, one file after another
(the next files' extractions may run meanwhile in other processes: see :func:`import_pdfs`).

A bad file never stops the batch: each path gets an :class:`ImportOutcome` that
says what happened to it, and nothing is written for a file that fails.
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Callable, Iterable, Iterator, Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from reader.errors import ReaderError
from reader.library import AnnotationFields, CaptionRecord, Library, PaperFields
from reader.library.identity import sha256_file
from reader.library.inside import inside_library

Extractor = Callable[[Path], Any]  # path -> reader.pdf.extract.Extraction
# (stored pdf, [(page, region, png path)]) -> [rendered?]
Thumbnailer = Callable[[Path, list[tuple[int, tuple, str]]], list[bool]]
THUMBNAIL_DIR = "thumbnails"
Progress = Callable[[int, int, "ImportOutcome"], None]
AnnotationReader = Callable[[Path], list[dict]]  # path -> reader.pdf.annotations.read_pdf_annotations(path)


class MarksCutShort(ReaderError):
    """A file's annotations were imported only in part: it had too many to read in bounded time."""


@dataclass(frozen=True)
class ImportOutcome:
    path: Path
    paper_id: int | None = None
    created: bool = False
    title: str = ""
    error: str = ""
    warnings: tuple[str, ...] = ()  # from extraction, e.g. "no text layer" for a scanned PDF

    @property
    def ok(self) -> bool:
        return self.paper_id is not None

    def describe(self) -> str:
        if self.error:
            return self.error
        if self.created:
            notes = f" Note: {'; '.join(self.warnings)}." if self.warnings else ""
            return f"Added {self.title!r} (id {self.paper_id}).{notes}"
        return f"{self.path.name} is already in the library as {self.title!r} (id {self.paper_id})."


def default_extractor(path: Path):
    from reader.pdf.extract import extract_pdf

    return extract_pdf(path)


def default_thumbnailer(pdf: Path, jobs: list[tuple[int, tuple, str]]) -> list[bool]:
    from reader.pdf.thumbnails import render_region_thumbnails

    return render_region_thumbnails(pdf, jobs)


def default_annotation_reader(path: Path) -> list[dict]:
    from reader.pdf.annotations import read_pdf_annotations

    return read_pdf_annotations(path)


def add_file_annotations(library: Library, paper_id: int, path: Path, reader: AnnotationReader) -> int:
    """Store the marks another viewer left in the PDF, as ``source="file"``; returns how many.

    Only for a paper just created from this file, so importing the same PDF again
    never duplicates them. Raises :class:`MarksCutShort` after storing them when
    the reader stopped early (see reader.pdf.annotations.read_pdf_annotations).
    """
    count = 0
    marks = reader(path)
    for mark in marks:
        library.add_annotation(paper_id, AnnotationFields(
            kind=mark["kind"], page=int(mark["page"]), rect=tuple(mark["rect"]),
            quads=tuple(tuple(q) for q in mark.get("quads") or ()), colour=mark.get("colour") or "#ffd400",
            quote=mark.get("quote") or "", comment=mark.get("comment") or "", source="file"))
        count += 1
    if getattr(marks, "cut_short", ""):
        raise MarksCutShort(f"only some of the annotations in the file were imported: {marks.cut_short}")
    return count


def add_thumbnails(library: Library, paper_id: int, thumbnailer: Thumbnailer = default_thumbnailer) -> int:
    """Render a thumbnail of each figure/table region into ``thumbnails/<pdf hash>/``; returns how many."""
    paper = library.paper(paper_id)
    pdf = library.pdf_file(paper_id) if paper.pdf_path else None
    folder = inside_library(library.home, f"{THUMBNAIL_DIR}/{paper.pdf_hash}", THUMBNAIL_DIR) if pdf else None
    if pdf is None or folder is None:  # stored paths that lead out of the library are never read or written
        return 0
    folder.mkdir(parents=True, exist_ok=True)
    jobs, owners = [], []
    for index, caption in enumerate(paper.captions):
        if caption.region and caption.page:
            name = f"p{caption.page}-{caption.kind}-{_safe(caption.number or str(index))}-{index}.png"
            jobs.append((caption.page, tuple(caption.region), str(folder / name)))
            owners.append(index)
    if not jobs:
        return 0
    rendered = thumbnailer(pdf, jobs)
    captions = list(paper.captions)
    for ok, index, (_, _, out) in zip(rendered, owners, jobs):
        if ok:
            relative = Path(out).relative_to(library.home.resolve()).as_posix()
            captions[index] = replace(captions[index], thumbnail=relative, id=None)
    library.set_captions(paper_id, [replace(c, id=None) for c in captions])
    return sum(rendered)


def _sentence(exc: BaseException) -> str:
    """An error's message without its full stop, to quote inside another sentence."""
    return str(exc).strip().rstrip(".") or type(exc).__name__


def _safe(text: str) -> str:
    return "".join(ch if ch.isalnum() else "_" for ch in text)[:20]


def fields_from_extraction(extraction: Any, path: Path, tags: Sequence[str] = ()) -> PaperFields:
    meta = extraction.metadata
    url = ""
    if meta.arxiv_id:
        url = f"https://arxiv.org/abs/{meta.arxiv_id}"
    elif meta.doi:
        url = f"https://doi.org/{meta.doi}"
    return PaperFields(
        title=(meta.title or "").strip() or _title_from_filename(path),
        authors=tuple(meta.authors),
        year=meta.year,
        venue=meta.venue or "",
        summary=meta.abstract or "",
        doi=meta.doi or "",
        arxiv_id=meta.arxiv_id or "",
        url=url,
        tags=tuple(tags),
    )


def captions_from_extraction(extraction: Any) -> list[CaptionRecord]:
    return [
        CaptionRecord(
            label=c.label, kind=c.kind, number=c.number, text=c.text, page=c.page,
            bbox=tuple(c.bbox) if c.bbox else None,
            region=tuple(c.region) if getattr(c, "region", None) else None,
        )
        for c in extraction.captions
    ]


def import_pdfs(
    library: Library,
    paths: Iterable[Path | str],
    tags: Sequence[str] = (),
    extractor: Extractor = default_extractor,
    progress: Progress | None = None,
    is_cancelled: Callable[[], bool] = lambda: False,
    thumbnailer: Thumbnailer | None = default_thumbnailer,
    annotation_reader: AnnotationReader | None = default_annotation_reader,
    lookahead: int = 0,
) -> list[ImportOutcome]:
    """Add each file in turn; ``lookahead`` of the next files are read while one is written.

    Give the pool's size as ``lookahead`` when ``extractor`` runs in an
    :class:`~reader.importers.extraction_pool.ExtractionPool`, so every core reads;
    0 reads each file only when its turn comes. Outcomes, their order, progress and
    cancel are the same either way (see :class:`_ReadAhead`).
    """
    files = [Path(p) for p in paths]
    outcomes: list[ImportOutcome] = []
    ahead = _ReadAhead(library, files, extractor, lookahead)
    try:
        for index, path in enumerate(files):
            if is_cancelled():
                break
            outcome = ahead.import_one(index, tags)
            skipped: list[str] = []  # the paper is in: what failed after it is said, never a reason to fail
            if outcome.created and thumbnailer is not None:
                try:
                    drawn = add_thumbnails(library, outcome.paper_id, thumbnailer)
                    wanted = sum(1 for c in library.paper(outcome.paper_id).captions if c.region and c.page)
                    if drawn < wanted:  # a figure too costly or too broken to draw: its caption shows as text
                        skipped.append(f"{wanted - drawn} of its {wanted} figure thumbnails could not be drawn")
                except (ReaderError, OSError) as exc:  # a missing thumbnail only shows as text
                    skipped.append(f"its figures have no thumbnails ({_sentence(exc)})")
            if outcome.created and annotation_reader is not None:
                try:
                    with _openable_name(path) as readable:
                        add_file_annotations(library, outcome.paper_id, readable, annotation_reader)
                except MarksCutShort as exc:
                    skipped.append(str(exc))
                except (ReaderError, OSError) as exc:
                    skipped.append(f"the annotations in the file were not imported ({_sentence(exc)})")
            if skipped:
                outcome = replace(outcome, warnings=outcome.warnings + tuple(skipped))
            outcomes.append(outcome)
            if progress:
                progress(index + 1, len(files), outcome)
    finally:
        ahead.close()
    return outcomes


class _ReadAhead:
    """The extractions of the next files, started while the current file is written.

    Only ``extractor(path)`` runs ahead, in threads that each wait on their own
    worker process. Each file's checks, its hash and the library's "already in?"
    are taken on the caller's thread, and the library is asked again when the
    file's turn comes: a batch holding the same bytes twice may read them twice,
    but adds them once, as a one-at-a-time import would. A file already in the
    library is not read at all. Closing drops the extractions not yet started;
    those running finish in their threads and their results are thrown away.
    """

    def __init__(self, library: Library, files: list[Path], extractor: Extractor, depth: int) -> None:
        self._library, self._files, self._extractor, self._depth = library, files, extractor, max(0, depth)
        self._threads = (ThreadPoolExecutor(max_workers=self._depth, thread_name_prefix="extract-ahead")
                         if self._depth else None)
        self._planned: dict[int, tuple[str | None, BaseException | None, Future | None]] = {}
        self._next = 0  # the first file not yet planned

    def import_one(self, index: int, tags: Sequence[str]) -> ImportOutcome:
        path = self._files[index]
        if self._threads is None:
            return import_one(self._library, path, tags, self._extractor)
        while self._next < len(self._files) and self._next <= index + self._depth:
            self._plan(self._next)
            self._next += 1
        digest, error, extraction = self._planned.pop(index)

        def add() -> ImportOutcome:
            if error is not None:
                raise error
            read = extraction.result if extraction is not None else lambda: _read(self._extractor, path)
            return _add(self._library, path, tags, digest, read)

        return _outcome(path, add)

    def _plan(self, index: int) -> None:
        path, digest, error, extraction = self._files[index], None, None, None
        try:
            digest = _checked_digest(path)
            if self._library.find_by_hash(digest) is None:
                extraction = self._threads.submit(_read, self._extractor, path)
        except (ReaderError, OSError) as exc:  # said in the file's outcome, when its turn comes
            error = exc
        self._planned[index] = (digest, error, extraction)

    def close(self) -> None:
        if self._threads is not None:
            self._threads.shutdown(wait=False, cancel_futures=True)
        self._planned.clear()


def import_one(library: Library, path: Path, tags: Sequence[str], extractor: Extractor) -> ImportOutcome:
    return _outcome(path, lambda: _add(library, path, tags, _checked_digest(path), lambda: _read(extractor, path)))


def _outcome(path: Path, add: Callable[[], ImportOutcome]) -> ImportOutcome:
    """``add()``, or the outcome that says why the file was not added."""
    try:
        return add()
    except ReaderError as exc:
        return ImportOutcome(path, error=str(exc))
    except OSError as exc:
        return ImportOutcome(path, error=f"{path} cannot be read: {exc.strerror or exc}.")


def _checked_digest(path: Path) -> str:
    if not path.is_file():
        raise ReaderError(f"{path} does not exist." if not path.exists() else f"{path} is not a file.")
    return sha256_file(path)


def _read(extractor: Extractor, path: Path):
    """The extraction of ``path``; a link with a plain name stands in for it until the extractor is done."""
    with _openable_name(path) as readable:
        return extractor(readable)


def _add(library: Library, path: Path, tags: Sequence[str], digest: str, read: Callable[[], Any]) -> ImportOutcome:
    existing = library.find_by_hash(digest)
    if existing is not None:  # same bytes: no need to read the PDF again
        outcome = library.add_pdf(path, PaperFields(tags=tuple(tags)), sha256=digest)
        return ImportOutcome(path, outcome.paper_id, False, outcome.title)
    extraction = read()
    fields = fields_from_extraction(extraction, path, tags)
    outcome = library.add_pdf(path, fields, page_count=extraction.page_count,
                              captions=captions_from_extraction(extraction), sha256=digest,
                              page_texts=getattr(extraction, "page_texts", None))
    return ImportOutcome(path, outcome.paper_id, outcome.created, outcome.title,
                         warnings=tuple(getattr(extraction, "warnings", ())))


def _title_from_filename(path: Path) -> str:
    stem = os.fsencode(path.stem).decode("utf-8", "replace")  # undecodable bytes cannot be stored as text
    return stem.replace("_", " ").replace("-", " ").strip() or "Untitled"


@contextmanager
def _openable_name(path: Path) -> Iterator[Path]:
    """``path``, or a link to it with a plain name when its name is not valid UTF-8.

    MuPDF takes file names as UTF-8 text, so a name with undecodable bytes (a file from
    an old Latin-1 system, say) would read as a damaged PDF.
    """
    try:
        str(path).encode("utf-8")
    except UnicodeEncodeError:
        pass
    else:
        yield path
        return
    with tempfile.TemporaryDirectory(prefix="reading-list-") as folder:
        link = Path(folder) / "paper.pdf"
        os.symlink(os.path.abspath(path), link)
        try:
            yield link
        except ReaderError as exc:  # name the user's file, not the link
            raise type(exc)(str(exc).replace(str(link), str(path))) from exc


def reextract(library: Library, paper_id: int, extractor: Extractor = default_extractor,
              thumbnailer: Thumbnailer | None = default_thumbnailer) -> bool:
    """Read the paper's PDF again: fields the user typed stay, captions and thumbnails are renewed.

    Returns False when the paper has no PDF in the library folder.
    """
    paper = library.paper(paper_id)
    pdf = library.pdf_file(paper_id) if paper.pdf_path else None
    if pdf is None or not pdf.exists():
        return False
    extraction = extractor(pdf)
    fields = fields_from_extraction(extraction, pdf)
    changes = {"title": fields.title, "year": fields.year, "venue": fields.venue, "summary": fields.summary,
               "doi": fields.doi, "arxiv_id": fields.arxiv_id, "authors": list(fields.authors)}
    if fields.url and not paper.url:
        changes["url"] = fields.url
    library.update_paper(paper_id, user_edit=False, **{k: v for k, v in changes.items() if v})
    library.set_captions(paper_id, captions_from_extraction(extraction))
    if getattr(extraction, "page_texts", None) is not None:
        library.set_page_texts(paper_id, extraction.page_texts, pdf_hash=paper.pdf_hash)
    if thumbnailer is not None:
        add_thumbnails(library, paper_id, thumbnailer)
    return True
