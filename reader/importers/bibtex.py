"""Importing a ``.bib`` file: entries become papers, with their PDFs when the files exist.

Parsing is bibtexparser's (v2, maintained; it reports each broken block with its
line). We keep each entry's raw fields (``reader.export.bibstore``) so exporting
gives back what came in. A bad entry never stops the file: it is reported with
its line number and skipped. Papers already in the library (same DOI, arXiv id,
or title and year) are reported, not added twice. Qt-free, like every importer.

A ``file`` field is copied into the library only when it names a PDF in the
``.bib`` file's own folder (or below it): a ``.bib`` that arrived from elsewhere
could otherwise copy any PDF the user can read, named by an absolute path, into
the library. Others are reported; ``link_files_anywhere`` is the user's explicit
yes (``--link-files-anywhere``, or the box in the app's confirmation).
"""

from __future__ import annotations

import logging
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path

from reader.errors import ReaderError
from reader.export.bibstore import (
    StoredEntry,
    macro_parts,
    save_entry,
    split_concatenation,
)
from reader.importers.dedupe import (
    DuplicateIndex,
    ImportReport,
    arxiv_from_text,
    clean_doi,
)
from reader.importers.latex_unicode import simple_math_to_unicode
from reader.importers.linked_files import (
    NOT_COPIED,
    LinkedPdf,
    add_with_pdf,
    beside,
    find_linked_pdf,
    path_candidates,
)
from reader.importers.pdf_files import (
    Extractor,
    Thumbnailer,
    default_extractor,
    default_thumbnailer,
)
from reader.importers.records import is_stand_in, stand_in_title
from reader.library import Library, PaperFields

Progress = Callable[[int, int, str], None]


class BibtexImportError(ReaderError):
    """The ``.bib`` file as a whole cannot be read."""


@dataclass(frozen=True)
class BibEntry:
    entry_type: str
    key: str
    fields: tuple[tuple[str, str], ...]  # (lower-case name, raw value)
    line: int  # 1-based line of the ``@type{`` in the file
    inherited: tuple[tuple[str, str], ...] = ()  # from a crossref parent; used for the paper, not stored
    # For writing the entry back as the file had it (``bibstore.StoredEntry``): the fields that used
    # ``@string`` macros, as written; the macros they use; the file's ``@preamble`` texts.
    unresolved: tuple[tuple[str, str], ...] = ()
    macros: tuple[tuple[str, str], ...] = ()
    preambles: tuple[str, ...] = ()

    def raw(self, name: str) -> str:
        return next((v for k, v in (*self.fields, *self.inherited) if k == name), "")


_MONTHS = {name[:3].lower(): "{" + name + "}" for name in (
    "January", "February", "March", "April", "May", "June", "July", "August", "September", "October",
    "November", "December")}


def resolve_macros(raw: str, macros: dict[str, str]) -> str:
    """A field value with ``@string`` macros and ``#`` joins resolved, as one braced value.

    bibtexparser's ResolveStringReferencesMiddleware replaces a value that is one macro
    but leaves ``Patterson # { and } # Arvind`` as it is, so JabRef's twente.bib gave one
    author named "Patterson # and # Arvind # …". A value with no macro comes back unchanged.
    """
    parts = split_concatenation(raw)
    if len(parts) == 1 and (parts[0][:1] in ('{', '"') or parts[0].lower() not in macros):
        return raw  # a plain value, a number, or month = dec (kept as the macro it is)
    pieces = []
    for part in parts:
        if part[:1] in ("{", '"'):
            pieces.append(part[1:-1] if len(part) >= 2 else "")
        elif part.isdigit():
            pieces.append(part)
        else:
            pieces.append(strip_enclosing(macros.get(part.lower(), _MONTHS.get(part.lower(), part))))
    return "{" + "".join(pieces) + "}"


def parse_bibtex(text: str) -> tuple[list[BibEntry], list[str]]:
    """Entries (``@string`` macros resolved, values raw) and one problem line per broken block.

    Entries are kept whatever their citation key: Mendeley and Citavi leave keys empty, and
    one file may use a key twice for two different works (JabRef's Schank:80), so neither
    drops an entry. A field given twice keeps its first non-empty value, with a note.
    """
    import bibtexparser
    from bibtexparser.model import DuplicateBlockKeyBlock, DuplicateFieldKeyBlock, Entry

    logging.getLogger("bibtexparser").setLevel(logging.CRITICAL)  # we report failures ourselves
    parsed = bibtexparser.parse_string(text, parse_stack=[])
    macros = {}
    for string in parsed.strings:
        macros[string.key.lower()] = resolve_macros(str(string.value), macros)
    preambles = tuple(dict.fromkeys(text for text in (str(p.value).strip() for p in parsed.preambles) if text))
    raw_entries: list[tuple[Entry, set[str]]] = [(e, set()) for e in parsed.entries]
    problems = []
    for block in parsed.failed_blocks:
        line = (block.start_line or 0) + 1
        if isinstance(block, DuplicateBlockKeyBlock) and isinstance(block.ignore_error_block, Entry):
            raw_entries.append((block.ignore_error_block, set()))
        elif isinstance(block, DuplicateFieldKeyBlock) and isinstance(block.ignore_error_block, Entry):
            raw_entries.append((block.ignore_error_block, set(block.duplicate_keys)))
        else:
            head = block.raw.strip().splitlines()[0][:60] if block.raw.strip() else ""
            problems.append((line, f"line {line}: malformed entry {head!r} was skipped."))
    entries = []
    for entry, repeated in raw_entries:
        line = (entry.start_line or 0) + 1
        fields: dict[str, str] = {}
        as_written: dict[str, str] = {}
        for f in entry.fields:
            name = f.key.lower()
            if name.startswith("%"):
                continue  # a commented-out line read as a field (%@ARTICLE{…, %  TITLE = …): not the entry's
            value = resolve_macros(str(f.value), macros)
            if name not in fields or not strip_enclosing(fields[name]).strip():
                fields[name], as_written[name] = value, str(f.value)
        if repeated:
            names = ", ".join(sorted(k.lower() for k in repeated))
            problems.append((line, f"line {line} ({entry.key}): the field {names} is given more than once; "
                                   "the first value was kept."))
        # Macros as resolved above (self-contained values), so a macro defined through another needs no other.
        unresolved, used = macro_parts(as_written.items(), macros)
        entries.append(BibEntry(entry.entry_type.lower(), entry.key, tuple(fields.items()), line,
                                unresolved=unresolved, macros=used, preambles=preambles))
    entries.sort(key=lambda e: e.line)
    by_key = {e.key.lower(): e for e in entries if e.key}
    entries = [_with_parent(e, by_key) for e in entries]
    return entries, [text for _, text in sorted(problems, key=lambda p: p[0])]


# biblatex's default inheritance: a part takes its container's title as the container's name.
_TITLE_BECOMES = {**dict.fromkeys(("inbook", "bookinbook", "suppbook", "incollection", "suppcollection",
                                   "inproceedings", "conference", "inreference"), "booktitle"),
                  "article": "journaltitle", "suppperiodical": "journaltitle"}
_WHOLE_BOOKS = frozenset({"book", "mvbook", "collection", "mvcollection", "proceedings", "mvproceedings",
                          "periodical", "reference", "mvreference"})
_NOT_INHERITED = ("crossref", "xref", "key", "ids", "file", "entryset")


def _with_parent(entry: BibEntry, by_key: dict[str, BibEntry], seen: frozenset[str] = frozenset()) -> BibEntry:
    """The entry with what its ``crossref`` parent (and the parent's own parent) supplies.

    A proceedings' title becomes an inproceedings' booktitle; a software version without a
    title takes its software's. Five entries of the corpus had no year or venue without this.
    """
    parent_key = strip_enclosing(entry.raw("crossref")).strip().lower()
    parent = by_key.get(parent_key)
    if not parent_key or parent is None or parent is entry or parent_key in seen:
        return entry
    parent = _with_parent(parent, by_key, seen | {parent_key})
    own = {name for name, _ in entry.fields}
    inherited = []
    for name, value in (*parent.fields, *parent.inherited):
        target = _TITLE_BECOMES.get(entry.entry_type, "title") if name == "title" else name
        if target not in own and target not in _NOT_INHERITED and target not in {n for n, _ in inherited}:
            inherited.append((target, value))
    return replace(entry, inherited=tuple(inherited))


def strip_enclosing(raw: str) -> str:
    raw = raw.strip()
    if len(raw) >= 2 and ((raw[0] == "{" and raw[-1] == "}") or (raw[0] == '"' and raw[-1] == '"')):
        return raw[1:-1]
    return raw


_DECODER = None
# Wrappers whose argument is the text itself; pylatexenc drops \mbox{$\mu$} and \textup{The Good Place}.
_UNWRAP = re.compile(r"\\(?:mbox|hbox|text|textnormal|textup|textrm|textsf|texttt|textmd|textsl|textsc|"
                     r"textit|textbf|emph|mkbibemph|mkbibitalic|mkbibbold|mkbibquote|ensuremath|NoCaseChange|"
                     r"nocase)\s*\{")


def latex_to_text(raw: str) -> str:
    """``{BERT}: M{\\"u}ller \\& co`` -> ``BERT: Müller & co``; simple maths as Unicode (Cu₂O), the rest as written."""
    global _DECODER
    if _DECODER is None:
        from pylatexenc.latex2text import LatexNodes2Text

        _DECODER = LatexNodes2Text(math_mode="verbatim", strict_latex_spaces=True)
    inner = simple_math_to_unicode(_UNWRAP.sub("{", strip_enclosing(raw)))
    try:
        text = _DECODER.latex_to_text(inner)
    except Exception:  # pylatexenc is lenient, but never let one odd title stop an import
        text = inner.replace("{", "").replace("}", "")
    return " ".join(text.split())


_SUFFIX = re.compile(r"(?:Jr|Sr|Jnr|Snr)\.?|[IVX]{1,4}|\d(?:st|nd|rd|th)", re.IGNORECASE)


def split_authors(raw: str) -> tuple[str, ...]:
    """BibTeX ``Last, First and Other, Name`` -> ``("First Last", "Name Other")``."""
    from bibtexparser.middlewares.names import (
        parse_single_name_into_parts,
        split_multiple_persons_names,
    )

    names = []
    for person in split_multiple_persons_names(strip_enclosing(raw)):
        try:
            parts = parse_single_name_into_parts(person)
            first, junior = list(parts.first), list(parts.jr)
            if junior and len(first) == 1 and _SUFFIX.fullmatch(first[0]) and not _SUFFIX.fullmatch(junior[-1]):
                first, junior = junior, first  # "Sherry, John F., Jr.": the suffix put last, as RIS does
            words = [*first, *parts.von, *parts.last]
            display = " ".join(words) + (", " + " ".join(junior) if junior else "")
        except Exception:
            display = person
        text = latex_to_text(display)
        if text:
            names.append(text)
    return tuple(names)


def entry_to_fields(entry: BibEntry, tags: Sequence[str] = ()) -> tuple[PaperFields, str]:
    """The paper an entry describes, and which field its venue came from."""
    every = (*entry.inherited, *entry.fields)  # the entry's own fields win over its crossref parent's
    text = {name: latex_to_text(value) for name, value in every
            if name not in ("url", "doi", "eprint", "file", "author")}
    plain = {name: strip_enclosing(value).strip() for name, value in every}
    # biblatex names the journal "journaltitle"; 26 venues of the corpus were lost without it.
    venue_field = next((f for f in ("journal", "journaltitle", "booktitle") if text.get(f)), "")
    year_match = re.search(r"\d{4}", plain.get("year", "") or plain.get("date", ""))
    arxiv = ""
    prefix = (plain.get("archiveprefix") or plain.get("eprinttype") or "").lower()
    if plain.get("eprint") and (prefix == "arxiv" or arxiv_from_text(plain["eprint"])):
        arxiv = arxiv_from_text(plain["eprint"]) or plain["eprint"]
    arxiv = arxiv or arxiv_from_text(plain.get("arxivid", "")) or arxiv_from_text(text.get("journal", "")) \
        or arxiv_from_text(plain.get("url", ""))
    # JabRef's groups and Mendeley's mendeley-tags are the user's own topics: tags, as keywords are.
    keywords = [word for name in ("keywords", "groups", "mendeley-tags")
                for word in re.split(r"[;,]", text.get(name, ""))]
    title = text.get("title", "")
    if not title and entry.entry_type in _WHOLE_BOOKS and venue_field == "booktitle":
        title, venue_field = text["booktitle"], ""  # JabRef's @collection{Hsu1993, booktitle = …}
    for extra in ("subtitle", "titleaddon"):  # biblatex prints "Title. Subtitle. Addon"
        if text.get(extra):
            title = f"{title}. {text[extra]}" if title and title[-1] not in ".?!:" else f"{title} {text[extra]}"
    year = int(year_match.group()) if year_match else None
    title = title.strip() or untitled_stand_in(entry, text, venue_field, year)
    fields = PaperFields(
        title=title,
        authors=split_authors(entry.raw("author")) if entry.raw("author") else (),
        year=year,
        venue=text.get(venue_field, "") if venue_field else "",
        summary=text.get("abstract", ""),
        doi=clean_doi(plain.get("doi", "")),
        arxiv_id=arxiv,
        url=plain.get("url", ""),
        code_url=plain.get("code", ""),
        tags=tuple(dict.fromkeys([*(k.strip() for k in keywords if k.strip()), *tags])),
    )
    return fields, venue_field


# What tells title-less entries apart (APA's @constitution examples: type, source, article, section);
# a report's "type = techreport" is biblatex's name for the entry type, not a detail.
_DETAILS = ("type", "source", "number", "article", "amendment", "section", "part", "howpublished", "publisher",
            "institution", "school", "organization")
_TYPE_WORDS = {"techreport": "report", "phdthesis": "thesis", "mastersthesis": "thesis", "conference": "inproceedings",
               "www": "online", "electronic": "online"}  # BibTeX's types as biblatex names them


def untitled_stand_in(entry: BibEntry, text: dict[str, str], venue_field: str, year: int | None) -> str:
    """``[untitled] article, Psychological Review, 2014`` for an entry without a title.

    Made only from what a BibTeX or biblatex export of the entry gives back, so the same
    entry gets the same stand-in after a round trip.
    """
    details = [_TYPE_WORDS.get(entry.entry_type, entry.entry_type)]
    if venue_field:
        details.append(text.get(venue_field, ""))
    for name in _DETAILS:
        value = text.get(name, "")
        if value and len(value) <= 60 and not (name == "type" and value.lower() in _TYPE_WORDS.keys() | {"mathesis"}):
            details.append(value)
    return stand_in_title(*details[:6], year)


def file_candidates(raw: str, base: Path) -> list[Path]:
    """PDF paths in a ``file`` field: JabRef ``desc:path:type;…``, Mendeley, Zotero, or a bare path."""
    return [p for raw_path in file_paths(raw) for p in path_candidates(raw_path, base)]


def file_paths(raw: str) -> list[str]:
    """The paths a ``file`` field names, as written: JabRef ``desc:path:type;…``, Mendeley, Zotero, bare."""
    value = strip_enclosing(raw)
    found = []
    for item in re.split(r"(?<!\\);", value):
        parts = re.split(r"(?<!\\):", item)
        path = parts[1] if len(parts) == 3 else item
        if len(parts) > 3:  # a Windows drive letter split as well: desc:C:\x.pdf:PDF
            path = ":".join(parts[1:-1])
        path = path.replace("\\:", ":").replace("\\\\", "\\").replace("\\_", "_").strip()
        if path:
            found.append(path)
    return found


beside_the_bib = beside


def _linked(entry: BibEntry, base: Path, anywhere: bool = False) -> LinkedPdf:
    return find_linked_pdf(file_paths(entry.raw("file")), base, anywhere) if entry.raw("file") else LinkedPdf()


@dataclass(frozen=True)
class BibPreview:
    """What importing a ``.bib`` would do, for the question the app asks first."""

    path: Path
    entries: int
    problems: int  # malformed blocks
    outside_pdfs: tuple[Path, ...]  # linked PDFs that are not in the .bib file's folder


def preview_bibtex(path: Path | str) -> BibPreview:
    """Read ``path`` without importing anything: how many entries, and which linked PDFs lie elsewhere."""
    path = Path(path)
    entries, problems = parse_bibtex(_read_bib(path))
    outside = [linked.outside for linked in (_linked(e, path.parent) for e in entries) if linked.outside]
    return BibPreview(path, len(entries), len(problems), tuple(dict.fromkeys(outside)))


@dataclass
class _Context:
    library: Library
    index: DuplicateIndex
    report: ImportReport
    extractor: Extractor
    base: Path
    tags: Sequence[str] = field(default_factory=tuple)
    link_files_anywhere: bool = False
    thumbnailer: Thumbnailer = default_thumbnailer
    pending: list = field(default_factory=list)  # (entry, fields, venue_field, report lines) to add at the end
    lines: dict[int, int] = field(default_factory=dict)  # paper id -> line of its entry


def entry_verdict(entry: BibEntry, fields: PaperFields) -> tuple[bool, str]:
    """(whether the entry becomes a paper, the report's line about it or ""), for the import and its preview."""
    where = f"line {entry.line} ({entry.key})"
    if entry.entry_type in ("set", "xdata"):
        return False, ""  # biblatex containers of other entries' fields, not works
    if is_stand_in(fields.title):
        if not any(strip_enclosing(value).strip() for _, value in (*entry.fields, *entry.inherited)):
            return False, f"{where}: the entry is empty and was skipped."
        return True, f"{where}: the entry has no title; it was added as {fields.title!r}."
    return True, ""


def _import_entry(ctx: _Context, entry: BibEntry) -> None:
    fields, venue_field = entry_to_fields(entry, ctx.tags)
    where = f"line {entry.line} ({entry.key})"
    kept, note = entry_verdict(entry, fields)
    if note:
        ctx.report.problems.append(note)
    if not kept:
        return
    existing = ctx.index.find(fields)
    if existing:
        ctx.report.duplicates.append(f"{where}: {fields.title!r} is already in the library as {existing}.")
        return
    linked = _linked(entry, ctx.base, ctx.link_files_anywhere)
    pdf = linked.pdf
    notes = []
    if linked.outside:
        notes.append(f"{where}: its PDF {linked.outside} {NOT_COPIED}; the paper was added without it.")
    elif linked.missing:
        notes.append(f"{where}: no PDF found at {strip_enclosing(entry.raw('file'))!r}; "
                     "the paper was added without one.")
    if pdf is None:  # added with the others in one transaction at the end
        ctx.index.add(-1 - len(ctx.pending), fields)
        ctx.pending.append((entry, fields, venue_field, notes))
        return
    paper_id = _add(ctx, fields, pdf, where)
    if paper_id is not None:
        _added(ctx, entry, paper_id, fields, venue_field)


def _added(ctx: _Context, entry: BibEntry, paper_id: int, fields: PaperFields, venue_field: str) -> None:
    imported = {"title": fields.title, "authors": list(fields.authors), "year": fields.year, "venue": fields.venue,
                "doi": fields.doi, "arxiv_id": fields.arxiv_id, "url": fields.url, "summary": fields.summary,
                "tags": sorted(ctx.library.paper(paper_id).tags, key=str.casefold)}
    save_entry(ctx.library, paper_id, StoredEntry(entry.entry_type, entry.key, entry.fields, imported, venue_field,
                                                  entry.unresolved, entry.macros, entry.preambles))
    ctx.index.add(paper_id, fields)
    ctx.report.added.append((paper_id, fields.title))
    ctx.lines[paper_id] = entry.line


def _add_pending(ctx: _Context) -> None:
    """The entries without a PDF to copy, all in one transaction; then the report in file order."""
    ids = ctx.library.add_papers([fields for _, fields, _, _ in ctx.pending]) if ctx.pending else []
    for paper_id, (entry, fields, venue_field, notes) in zip(ids, ctx.pending):
        ctx.report.problems.extend(notes)
        _added(ctx, entry, paper_id, fields, venue_field)
    ctx.report.added.sort(key=lambda added: ctx.lines.get(added[0], 0))
    ctx.report.duplicates[:] = [re.sub(r"\(id -(\d+),", lambda m: f"(id {ids[int(m.group(1)) - 1]},", line)
                                for line in ctx.report.duplicates]


def _add(ctx: _Context, fields: PaperFields, pdf: Path | None, where: str) -> int | None:
    if pdf is None:
        return ctx.library.add_paper(fields)
    return add_with_pdf(ctx.library, fields, pdf, where, ctx.report, ctx.extractor, ctx.thumbnailer)


def _read_bib(path: Path) -> str:
    return _read_bib_decoded(path).text


def _read_bib_decoded(path: Path):
    """The text in its own encoding (UTF-8, else charset-normalizer's guess: GBK is not Latin-1)."""
    from reader.importers.detect import read_text

    try:
        return read_text(path)
    except ReaderError as exc:
        raise BibtexImportError(str(exc)) from exc


def import_bibtex(library: Library, path: Path | str, *, tags: Sequence[str] = (),
                  extractor: Extractor = default_extractor, progress: Progress | None = None,
                  is_cancelled: Callable[[], bool] = lambda: False,
                  link_files_anywhere: bool = False,
                  thumbnailer: Thumbnailer = default_thumbnailer) -> ImportReport:
    """Add every well-formed, new entry of ``path``; the report says what happened to the rest.

    Linked PDFs outside the ``.bib`` file's folder are copied only with ``link_files_anywhere``.
    The window and the command line pass the extraction process's ``extractor`` and
    ``thumbnailer``, so a hostile linked PDF is read there, within its limits.
    """
    path = Path(path)
    decoded = _read_bib_decoded(path)
    entries, problems = parse_bibtex(decoded.text)
    report = ImportReport(source=path, format="BibTeX", found=len(entries), problems=list(problems))
    if decoded.guessed:
        report.notes.append(f"{path.name} is not UTF-8; it was read as {decoded.encoding} (a guess).")
    ctx = _Context(library, DuplicateIndex.from_library(library), report, extractor, path.parent, tags,
                   link_files_anywhere, thumbnailer)
    for index, entry in enumerate(entries):
        if is_cancelled():
            report.cancelled = True
            break
        _import_entry(ctx, entry)
        if progress:
            progress(index + 1, len(entries), entry.key)
    if not report.cancelled:
        _add_pending(ctx)
    return report
