"""Putting a paper named by an identifier into the library, with its metadata and its PDF.

The order matters to the person waiting: the duplicate check runs first on the
identifier itself (no network at all when the paper is already there), then on
the metadata (same title), and only then is the PDF downloaded. The PDF takes the
same road as one added from disk (``Library.add_pdf``: stored under its hash,
read for captions, thumbnails and page text), but the service's metadata wins
over what extraction guessed. When the network fails the paper is still added
with what is known and marked to fetch later; ``fetch_papers`` finishes the job.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, replace
from pathlib import Path

from reader.errors import ReaderError
from reader.importers.dedupe import DuplicateIndex, arxiv_from_text, clean_doi
from reader.importers.pdf_files import (
    Extractor,
    Thumbnailer,
    add_thumbnails,
    captions_from_extraction,
    default_extractor,
    default_thumbnailer,
    fields_from_extraction,
)
from reader.library import Library, PaperDetail, PaperFields, PaperQuery
from reader.library.identity import sha256_file
from reader.online.http import Cancelled, FetchError, NotFound, OnlineClient
from reader.online.identifiers import (
    ACL,
    ARXIV,
    DOI,
    OPENREVIEW,
    WEB,
    Identifier,
    NotAnIdentifier,
    parse_identifier,
)
from reader.online.services import OnlineRecord, fetch_record

ADDED = "added"
DUPLICATE = "duplicate"
WITHOUT_PDF = "without_pdf"
UPDATED = "updated"  # details fetched again for a paper that has its PDF
UNCHANGED = "unchanged"  # nothing to fetch: it has its PDF
FAILED = "failed"
Progress = Callable[[int, int, "OnlineResult"], None]
_PLACEHOLDER = re.compile(r"^(?:arXiv|DOI|OpenReview|ACL Anthology) \S+$")


@dataclass(frozen=True)
class OnlineResult:
    """What happened to one identifier (or one paper fetched again), as one line for the person."""

    text: str  # what was pasted, or "#12" for a paper fetched again
    status: str  # ADDED | DUPLICATE | WITHOUT_PDF | FAILED
    paper_id: int | None = None
    title: str = ""
    reason: str = ""  # why there is no PDF, or why it failed
    later: bool = False  # marked to fetch later
    notes: tuple[str, ...] = ()

    @property
    def ok(self) -> bool:
        return self.status != FAILED

    def line(self) -> str:
        name = f"#{self.paper_id} {self.title!r}" if self.paper_id is not None else repr(self.text)
        if self.status == ADDED:
            text = f"added {name} with its PDF"
        elif self.status == DUPLICATE:
            text = f"{self.text}: duplicate of {name}"
        elif self.status == UPDATED:
            text = f"updated the details of {name}"
        elif self.status == UNCHANGED:
            text = f"{name} already has its PDF; nothing to fetch"
        elif self.status == WITHOUT_PDF:
            text = f"added {name} without PDF" + (", will fetch later" if self.later else "") + f": {self.reason}"
        else:
            text = f"{self.text}: not added: {self.reason}"
        notes = f" ({'; '.join(self.notes)})" if self.notes else ""
        return text + notes


def _sentence(exc: BaseException) -> str:
    return str(exc).strip().rstrip(".") or type(exc).__name__


def fields_for_identifier(ident: Identifier, tags: Sequence[str] = ()) -> PaperFields:
    """What the identifier alone says: enough for a placeholder that ``fetch`` fills in later."""
    if ident.kind == ARXIV:
        return PaperFields(title=f"arXiv {ident.value}", arxiv_id=ident.value,
                           url=f"https://arxiv.org/abs/{ident.value}", tags=tuple(tags))
    if ident.kind == DOI:
        return PaperFields(title=f"DOI {ident.value}", doi=ident.value, url=f"https://doi.org/{ident.value}",
                           tags=tuple(tags))
    if ident.kind == OPENREVIEW:
        return PaperFields(title=f"OpenReview {ident.value}", url=f"https://openreview.net/forum?id={ident.value}",
                           tags=tuple(tags))
    if ident.kind == ACL:
        return PaperFields(title=f"ACL Anthology {ident.value}", url=f"https://aclanthology.org/{ident.value}/",
                           tags=tuple(tags))
    return PaperFields(title=ident.value, url=ident.value, tags=tuple(tags))


def fields_from_record(record: OnlineRecord, ident: Identifier, tags: Sequence[str] = ()) -> PaperFields:
    known = fields_for_identifier(ident, tags)
    return PaperFields(
        title=record.title or known.title, authors=record.authors, year=record.year, venue=record.venue,
        summary=record.abstract, doi=record.doi or known.doi,
        arxiv_id=record.arxiv_id or known.arxiv_id or arxiv_from_text(record.url),
        url=record.url or known.url, tags=tuple(tags))


def identifier_for_paper(paper: PaperDetail) -> Identifier | None:
    """How to look the paper up again: its arXiv id, its DOI, or its link."""
    if paper.arxiv_id:
        try:
            return parse_identifier(f"arXiv:{paper.arxiv_id}")
        except NotAnIdentifier:
            pass
    if paper.doi:
        try:
            return parse_identifier(f"doi:{clean_doi(paper.doi) or paper.doi}")
        except NotAnIdentifier:
            pass
    if paper.url:
        try:
            return parse_identifier(paper.url)
        except NotAnIdentifier:
            return None
    return None


def is_placeholder(paper: PaperDetail) -> bool:
    """A paper known only by its identifier (a plain-list import, an add made offline)."""
    return not paper.authors and (bool(_PLACEHOLDER.match(paper.title)) or paper.title == paper.url)


class OnlineAdder:
    """Adds and fetches against one library and one client; keep one for a batch."""

    def __init__(self, library: Library, client: OnlineClient, *, extractor: Extractor = default_extractor,
                 thumbnailer: Thumbnailer | None = default_thumbnailer) -> None:
        self.library = library
        self.client = client
        self.extractor = extractor
        self.thumbnailer = thumbnailer
        self._index: DuplicateIndex | None = None
        self._urls: dict[str, int] | None = None

    # Adding new papers -----------------------------------------------------------

    def add(self, text: str, tags: Sequence[str] = ()) -> OnlineResult:
        try:
            ident = parse_identifier(text)
        except NotAnIdentifier as exc:
            return OnlineResult(text, FAILED, reason=_sentence(exc))
        known = fields_for_identifier(ident, tags)
        same = self._duplicate(known)
        if same is not None:
            return self._same(text, same, tags)
        try:
            record = fetch_record(self.client, ident)
        except NotFound as exc:
            return OnlineResult(text, FAILED, reason=_sentence(exc))
        except FetchError as exc:
            if not exc.later:
                return OnlineResult(text, FAILED, reason=_sentence(exc))
            paper_id = self._add_fields(known)
            reason = f"its details could not be fetched: {_sentence(exc)}"
            self.library.mark_fetch_later(paper_id, reason)
            return OnlineResult(text, WITHOUT_PDF, paper_id, known.title, reason, later=True)
        fields = fields_from_record(record, ident, tags)
        same = self._duplicate(fields)
        if same is not None:
            return self._same(text, same, tags)
        return self._add_with_pdf(text, fields, record)

    def _add_with_pdf(self, text: str, fields: PaperFields, record: OnlineRecord) -> OnlineResult:
        notes = record.notes
        if not record.pdf_url:
            paper_id = self._add_fields(fields)
            return OnlineResult(text, WITHOUT_PDF, paper_id, fields.title,
                                f"{record.source or 'the service'} links no open-access PDF", notes=notes)
        try:
            tmp = self.client.download_pdf(record.pdf_url, self.library.pdf_dir)
        except FetchError as exc:
            paper_id = self._add_fields(fields)
            if exc.later:
                self.library.mark_fetch_later(paper_id, f"the PDF could not be downloaded: {_sentence(exc)}")
            return OnlineResult(text, WITHOUT_PDF, paper_id, fields.title, _sentence(exc), later=exc.later,
                                notes=notes)
        try:
            digest = sha256_file(tmp)
            existing = self.library.find_by_hash(digest)
            if existing is not None:
                return OnlineResult(text, DUPLICATE, existing, self.library.paper(existing).title,
                                    notes=("the same PDF is already in the library",))
            try:
                extraction = self.extractor(tmp)
            except ReaderError as exc:
                paper_id = self._add_fields(fields)
                return OnlineResult(text, WITHOUT_PDF, paper_id, fields.title,
                                    f"the downloaded PDF cannot be read: {_sentence(exc)}", notes=notes)
            merged = _merge(fields, fields_from_extraction(extraction, Path(f"{fields.title}.pdf")))
            outcome = self.library.add_pdf(tmp, merged, page_count=extraction.page_count,
                                           captions=captions_from_extraction(extraction), sha256=digest,
                                           page_texts=getattr(extraction, "page_texts", None))
        finally:
            tmp.unlink(missing_ok=True)
        self._remember(outcome.paper_id, merged)
        notes += self._thumbnails(outcome.paper_id)
        return OnlineResult(text, ADDED, outcome.paper_id, outcome.title, notes=notes)

    def _same(self, text: str, same: tuple[int, str, str], tags: Sequence[str]) -> OnlineResult:
        """The paper is there already: it gets the tags asked for, as a PDF added twice does."""
        result = same_result(text, same)
        if tags:
            self.library.add_tags([same[0]], tags)
            result = replace(result, notes=result.notes + (f"tagged {', '.join(tags)}",))
        return result

    # Fetching for papers already in the library ------------------------------------

    def fetch(self, paper_id: int, *, refresh_metadata: bool = False) -> OnlineResult:
        """Fetch what the paper lacks: its PDF, and its details when it is only a placeholder.

        With ``refresh_metadata`` the details are fetched again and replace the ones the
        app filled in; fields the person typed stay, and a summary already written is kept.
        """
        label = f"#{paper_id}"
        paper = self.library.paper(paper_id)
        ident = identifier_for_paper(paper)
        if ident is None:
            return OnlineResult(label, FAILED, paper_id, paper.title,
                                "it has no arXiv id, DOI or link to fetch it from")
        wants_details = refresh_metadata or is_placeholder(paper)
        wants_pdf = not paper.pdf_path
        record = OnlineRecord()
        direct = _direct_pdf_url(ident, self.client)
        if wants_details or (wants_pdf and not direct):
            try:
                record = fetch_record(self.client, ident)
            except FetchError as exc:
                if exc.later:
                    self.library.mark_fetch_later(paper_id, f"its details could not be fetched: {_sentence(exc)}")
                return OnlineResult(label, FAILED, paper_id, paper.title, _sentence(exc), later=exc.later)
        if wants_details:
            self._apply(paper, record, refresh=refresh_metadata)
            paper = self.library.paper(paper_id)
        if not wants_pdf:
            self.library.clear_fetch_later(paper_id)
            return OnlineResult(label, UPDATED if wants_details else UNCHANGED, paper_id, paper.title)
        pdf_url = record.pdf_url or direct
        if not pdf_url:
            self.library.clear_fetch_later(paper_id)
            return OnlineResult(label, WITHOUT_PDF, paper_id, paper.title,
                                f"{record.source or 'the service'} links no open-access PDF")
        try:
            tmp = self.client.download_pdf(pdf_url, self.library.pdf_dir)
        except FetchError as exc:
            if exc.later:
                self.library.mark_fetch_later(paper_id, f"the PDF could not be downloaded: {_sentence(exc)}")
            else:
                self.library.clear_fetch_later(paper_id)
            return OnlineResult(label, WITHOUT_PDF, paper_id, paper.title, _sentence(exc), later=exc.later)
        try:
            digest = sha256_file(tmp)
            owner = self.library.find_by_hash(digest)
            if owner is not None and owner != paper_id:
                return OnlineResult(label, DUPLICATE, owner, self.library.paper(owner).title,
                                    notes=(f"its PDF is the PDF of #{owner}; nothing was changed",))
            try:
                extraction = self.extractor(tmp)
            except ReaderError as exc:
                return OnlineResult(label, WITHOUT_PDF, paper_id, paper.title,
                                    f"the downloaded PDF cannot be read: {_sentence(exc)}")
            captions = captions_from_extraction(extraction)
            self.library.attach_pdf(paper_id, tmp, sha256=digest, page_count=extraction.page_count,
                                    captions=captions if captions or not paper.captions else None,
                                    page_texts=getattr(extraction, "page_texts", None))
        finally:
            tmp.unlink(missing_ok=True)
        if is_placeholder(paper):  # nothing better came from the service: what the PDF says
            self._apply(paper, _record_from_fields(fields_from_extraction(extraction, Path("x.pdf"))), refresh=False)
        notes = self._thumbnails(paper_id)
        return OnlineResult(label, ADDED, paper_id, self.library.paper(paper_id).title, notes=notes)

    def _apply(self, paper: PaperDetail, record: OnlineRecord, *, refresh: bool) -> None:
        """Write the service's details: over the app's own values when refreshing, else only into gaps.

        ``update_paper(user_edit=False)`` leaves every field the person typed alone.
        """
        placeholder = is_placeholder(paper)
        candidates = {"title": record.title, "authors": list(record.authors), "year": record.year,
                      "venue": record.venue, "doi": record.doi, "arxiv_id": record.arxiv_id}
        current = {"title": "" if placeholder else paper.title, "authors": list(paper.authors),
                   "year": paper.year, "venue": paper.venue, "doi": paper.doi, "arxiv_id": paper.arxiv_id}
        changes = {k: v for k, v in candidates.items() if v and (refresh or not current[k])}
        if record.abstract and not paper.summary:  # a summary already there is the person's TL;DR
            changes["summary"] = record.abstract
        if record.url and not paper.url:
            changes["url"] = record.url
        if changes:
            self.library.update_paper(paper.id, user_edit=False, **changes)

    # Helpers ---------------------------------------------------------------------

    def _duplicate(self, fields: PaperFields) -> tuple[int, str, str] | None:
        """``(id, title, how)`` of the paper already in the library, if any (the Trash counts)."""
        if self._index is None:
            self._index, self._urls = DuplicateIndex(), {}
            for paper_id, title, year, doi, arxiv_id, url, first_author in self.library.identities():
                self._index.add(paper_id, PaperFields(title=title, year=year, doi=doi, arxiv_id=arxiv_id,
                                                      authors=(first_author,) if first_author else ()))
                if url:
                    self._urls.setdefault(_url_key(url), paper_id)
        found = self._index.find(fields)
        if found is not None:
            match = re.search(r"\(id (\d+), (.+)\)$", found)
            if match:
                paper_id = int(match.group(1))
                return paper_id, self.library.paper(paper_id).title, match.group(2)
        key = _url_key(fields.url)
        if key and self._urls and key in self._urls:
            paper_id = self._urls[key]
            return paper_id, self.library.paper(paper_id).title, "same link"
        return None

    def _remember(self, paper_id: int, fields: PaperFields) -> None:
        if self._index is not None:
            self._index.add(paper_id, fields)
        if self._urls is not None and fields.url:
            self._urls[_url_key(fields.url)] = paper_id

    def _add_fields(self, fields: PaperFields) -> int:
        paper_id = self.library.add_paper(fields)
        self._remember(paper_id, fields)
        return paper_id

    def _thumbnails(self, paper_id: int) -> tuple[str, ...]:
        if self.thumbnailer is None:
            return ()
        try:
            add_thumbnails(self.library, paper_id, self.thumbnailer)
        except (ReaderError, OSError) as exc:  # the captions still show as text
            return (f"its figures have no thumbnails ({_sentence(exc)})",)
        return ()


def same_result(text: str, same: tuple[int, str, str]) -> OnlineResult:
    paper_id, title, how = same
    return OnlineResult(text, DUPLICATE, paper_id, title, notes=(how,))


def add_identifiers(library: Library, texts: Iterable[str], client: OnlineClient, *, tags: Sequence[str] = (),
                    extractor: Extractor = default_extractor, thumbnailer: Thumbnailer | None = default_thumbnailer,
                    progress: Progress | None = None) -> list[OnlineResult]:
    """Add each identifier in turn; a failure never stops the batch. Raises :class:`Cancelled` when cancelled."""
    adder = OnlineAdder(library, client, extractor=extractor, thumbnailer=thumbnailer)
    items = list(texts)
    results = []
    for index, text in enumerate(items):
        result = adder.add(text, tags)
        results.append(result)
        if progress:
            progress(index + 1, len(items), result)
    return results


def papers_to_fetch(library: Library) -> list[int]:
    """Papers marked to fetch later, and placeholders (a plain list's DOIs and arXiv ids) with no PDF."""
    wanted = set(library.fetch_later())
    for row in library.paper_rows(library.query_ids(PaperQuery(view="all"))):
        if not row.authors and not row.has_pdf and _PLACEHOLDER.match(row.title):
            wanted.add(row.id)
    return sorted(wanted)


def fetch_papers(library: Library, paper_ids: Sequence[int] | None, client: OnlineClient, *,
                 refresh_metadata: bool = False, extractor: Extractor = default_extractor,
                 thumbnailer: Thumbnailer | None = default_thumbnailer,
                 progress: Progress | None = None) -> list[OnlineResult]:
    """Fetch PDFs (and details) for the given papers, or for :func:`papers_to_fetch` without ids."""
    adder = OnlineAdder(library, client, extractor=extractor, thumbnailer=thumbnailer)
    ids = list(paper_ids) if paper_ids is not None else papers_to_fetch(library)
    results = []
    for index, paper_id in enumerate(ids):
        try:
            result = adder.fetch(paper_id, refresh_metadata=refresh_metadata)
        except Cancelled:
            raise
        except ReaderError as exc:  # a paper that is gone, a library write that failed
            result = OnlineResult(f"#{paper_id}", FAILED, paper_id, reason=_sentence(exc))
        results.append(result)
        if progress:
            progress(index + 1, len(ids), result)
    return results


def _direct_pdf_url(ident: Identifier, client: OnlineClient) -> str:
    """Where the PDF is without asking the API first (arXiv, OpenReview, ACL Anthology)."""
    s = client.settings
    if ident.kind == ARXIV:
        return f"{s.arxiv_site}/pdf/{ident.arxiv_with_version}"
    if ident.kind == OPENREVIEW:
        return f"{s.openreview_site}/pdf?id={ident.value}"
    if ident.kind == ACL:
        return f"{s.acl_anthology}/{ident.value}.pdf"
    if ident.kind == WEB and ident.value.lower().split("?")[0].endswith(".pdf"):
        return ident.value
    return ""


def _merge(online: PaperFields, extracted: PaperFields) -> PaperFields:
    """The service's details, with the gaps filled from what extraction read in the PDF."""
    return replace(
        online, title=online.title if not _PLACEHOLDER.match(online.title) and online.title != online.url
        else extracted.title or online.title,
        authors=online.authors or extracted.authors, year=online.year or extracted.year,
        venue=online.venue or extracted.venue, summary=online.summary or extracted.summary,
        doi=online.doi or extracted.doi, arxiv_id=online.arxiv_id or extracted.arxiv_id)


def _record_from_fields(fields: PaperFields) -> OnlineRecord:
    return OnlineRecord(title=fields.title, authors=fields.authors, year=fields.year, venue=fields.venue,
                        abstract=fields.summary, doi=fields.doi, arxiv_id=fields.arxiv_id)


def _url_key(url: str) -> str:
    """A link compared loosely: scheme, "www." and a trailing slash do not make another paper."""
    url = (url or "").strip().lower()
    url = re.sub(r"^https?://(www\.)?", "", url)
    return url.rstrip("/")
