"""Export papers as BibTeX (or biblatex, ``reader.export.biblatex``), with stable citation keys.

Keys are ``lastname + year + first title word`` (``vaswani2017attention``), or the
key the paper was imported with, so LaTeX documents keep compiling across
exports. Clashes get ``b``, ``c``… in paper-id order, so the same library always
gives the same keys. Output is deterministic: papers by id, fields in a fixed
order (or the imported entry's own order), no timestamps.

A field the library supplies (no stored entry, or edited since import) is written
so that BibTeX reads what the user sees: names split with their suffix and
organisations braced whole (``reader.export.names``), text escaped with maths kept
(``reader.export.latex``), the entry type read from the venue (``reader.export.kinds``).
An imported entry's untouched fields are written as they came, its ``@string``
macros and ``@preamble`` included.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

from reader.export import kinds
from reader.export.atomic import write_atomic
from reader.export.bibstore import StoredEntry, load_entry, split_concatenation
from reader.export.filenames import _STOP_WORDS, _last_name, _words
from reader.export.latex import balanced, to_latex
from reader.export.names import Name, split_name
from reader.library import Library, PaperDetail
from reader.library.inside import inside_library

Progress = Callable[[int, int, str], None]
_VERBATIM = {"url", "doi", "eprint", "file"}  # URLs and identifiers are not LaTeX: no escaping
UNTITLED = "Untitled"  # what the library shows for a paper added without a title
UNTITLED_MARK = "[untitled]"  # how an import marks a title it made up (reader.importers.records.stand_in_title)


@dataclass(frozen=True)
class Dialect:
    """What differs between a ``.bib`` for BibTeX and one for biber/biblatex."""

    name: str
    ascii_only: bool  # classic BibTeX is 8-bit: accents as LaTeX commands; biber reads UTF-8
    types: dict  # kind -> entry type
    venue_fields: dict  # kind -> field the venue goes in
    year_field: str
    eprint_prefix: tuple[str, str]  # (field, value) naming arXiv


BIBTEX = Dialect("bibtex", True,
                 {kinds.ARTICLE: "article", kinds.PROCEEDINGS: "inproceedings", kinds.PREPRINT: "misc",
                  kinds.OTHER: "misc"},
                 {kinds.ARTICLE: "journal", kinds.PROCEEDINGS: "booktitle", kinds.PREPRINT: "howpublished",
                  kinds.OTHER: "howpublished"},
                 "year", ("archiveprefix", "arXiv"))


@dataclass
class BibtexReport:
    text: str
    count: int
    path: Path | None = None
    cancelled: bool = False

    def describe(self) -> str:
        if self.cancelled:
            return "Export cancelled; nothing was written."
        where = f" to {self.path}" if self.path else ""
        return f"Exported {self.count} entr{'ies' if self.count != 1 else 'y'}{where}."


def latex_escape(text: str, dialect: Dialect = BIBTEX) -> str:
    return to_latex(text, ascii_only=dialect.ascii_only)


def braced(name: str, value: str, dialect: Dialect = BIBTEX) -> str:
    """A field value in braces; LaTeX specials escaped unless the field is a URL or identifier."""
    if name in _VERBATIM:
        return "{" + value.strip().replace("{", "%7B").replace("}", "%7D") + "}"
    return "{" + to_latex(value, ascii_only=dialect.ascii_only, protect_case=name == "title") + "}"


def bibtex_name(name: Name, dialect: Dialect = BIBTEX) -> str:
    """``von Last, Jr., First`` (BibTeX's three-part form); an organisation in one pair of braces."""
    def esc(text: str) -> str:
        out = to_latex(text, ascii_only=dialect.ascii_only)
        return "{" + out + "}" if " and " in f" {text.lower()} " or "," in text else out

    if name.literal:
        return "{" + to_latex(name.literal, ascii_only=dialect.ascii_only) + "}"
    last = " ".join(p for p in (esc(name.von) if name.von else "", esc(name.family)) if p)
    if not name.given and not name.suffix:
        return last
    return ", ".join(p for p in (last, esc(name.suffix) if name.suffix else None, esc(name.given))
                     if p is not None).rstrip()


def _authors(names: Sequence[str], dialect: Dialect = BIBTEX) -> str:
    return "{" + " and ".join(bibtex_name(split_name(n), dialect) for n in names if n.strip()) + "}"


def citation_key(paper: PaperDetail) -> str:
    """``vaswani2017attention``: ASCII only, so every BibTeX and biber accepts it."""
    last = [w for w in _words(_last_name(paper.authors[0])) if w.isascii()] if paper.authors else []
    title = [w for w in _words(paper.title) if w.isascii()]
    first_word = next((w for w in title if w not in _STOP_WORDS), title[0] if title else "")
    key = "".join(last[-1:]) + (str(paper.year) if paper.year else "") + first_word
    return key or "paper"


def _library_values(library: Library, paper: PaperDetail) -> dict[str, object]:
    return {"title": paper.title, "authors": list(paper.authors), "year": paper.year, "venue": paper.venue,
            "doi": paper.doi, "arxiv_id": paper.arxiv_id, "url": paper.url, "summary": paper.summary,
            "tags": sorted(paper.tags, key=str.casefold)}


def _encode(field: str, value: object, dialect: Dialect = BIBTEX) -> str:
    if field == "author":
        return _authors(value, dialect)  # type: ignore[arg-type]
    if field in ("year", "date"):
        return str(value)
    if field == "keywords":
        return braced(field, ", ".join(value), dialect)  # type: ignore[arg-type]
    return braced(field, str(value), dialect)


_TARGETS = {"title": "title", "authors": "author", "year": "year", "doi": "doi", "url": "url",
            "summary": "abstract", "tags": "keywords"}
_ORDER = ["author", "title", "booktitle", "journal", "journaltitle", "howpublished", "year", "date", "doi",
          "eprint", "archiveprefix", "eprinttype", "url", "abstract", "keywords", "file"]


def _plain(raw: str) -> str:
    from reader.export.reference import plain_text

    return plain_text(raw)


def paper_kind(paper: PaperDetail) -> str:
    """The kind for a paper without an entry; a preprint with a venue ("arXiv preprint") is an article."""
    kind = kinds.kind_of(paper.venue, paper.arxiv_id)
    return kinds.ARTICLE if kind == kinds.PREPRINT and paper.venue.strip() else kind


def entry_fields(library: Library, paper: PaperDetail, stored: StoredEntry | None, dialect: Dialect = BIBTEX,
                 *, macros: bool = False) -> tuple[str, list[tuple[str, str]]]:
    """(entry type, [(field, raw value)]) for one paper; ``macros``: untouched fields as the file wrote them."""
    now = _library_values(library, paper)
    if stored is None:
        kind = paper_kind(paper)
        entry_type, venue_field, year_field = dialect.types[kind], dialect.venue_fields[kind], dialect.year_field
        fields: dict[str, str] = {}
        imported: dict = {}
    else:
        entry_type, fields = convert_entry(stored.entry_type, dict(stored.fields), dialect)
        venue_field = _renamed(stored.venue_field, dialect) or (
            "journal" if entry_type == "article" else "booktitle")
        year_field = "date" if "date" in fields and "year" not in fields else "year"
        imported = stored.imported
    targets = dict(_TARGETS, venue=venue_field, year=year_field)
    for name, target in targets.items():
        value = now[name]
        if stored is not None and _same(imported.get(name), value):
            continue  # untouched since import: the original text, braces and all
        if stored is not None and name == "title" and not imported.get("title") and (
                value == UNTITLED or value.startswith(UNTITLED_MARK)):
            continue  # the library's stand-in for an entry without a title: not a title to write
        if value in (None, "", []):
            fields.pop(target, None)
        else:
            fields[target] = _encode(target, value, dialect)
    if stored is None or not _same(imported.get("arxiv_id"), now["arxiv_id"]):
        if now["arxiv_id"]:
            fields["eprint"] = braced("eprint", str(now["arxiv_id"]))
            fields[dialect.eprint_prefix[0]] = "{" + dialect.eprint_prefix[1] + "}"
        elif stored is not None:
            fields.pop("eprint", None)
    pdf = inside_library(library.home, paper.pdf_path, "pdfs") if paper.pdf_path else None  # never a path elsewhere
    if pdf is not None:
        fields["file"] = "{:" + str(pdf).replace(":", r"\:") + ":PDF}"
    if stored is None:
        return entry_type, [(k, fields[k]) for k in _ORDER if k in fields]
    for name, value in list(fields.items()):
        if not balanced(value):  # kept from the file, where a lone \} parsed leniently: BibTeX would stop there
            fields[name] = braced(name, _plain(value), dialect)
    if macros and stored.unresolved:
        as_stored = dict(stored.fields)
        for name, expression in stored.unresolved:
            target = name if name in fields else _renamed(name, dialect)  # journal is biblatex's journaltitle
            if target in fields and fields[target] == as_stored.get(name):
                fields[target] = expression
    return entry_type, list(fields.items())


# biblatex's names for BibTeX's fields and types (biber maps the old ones too, but biblatex
# styles document these); classic BibTeX keeps the file's own.
_BIBLATEX_FIELDS = {"journal": "journaltitle", "address": "location", "archiveprefix": "eprinttype",
                    "primaryclass": "eprintclass", "school": "institution"}
_BIBLATEX_TYPES = {"conference": ("inproceedings", ""), "techreport": ("report", "techreport"),
                   "phdthesis": ("thesis", "phdthesis"), "mastersthesis": ("thesis", "mathesis"),
                   "www": ("online", ""), "electronic": ("online", "")}


def _renamed(field: str, dialect: Dialect) -> str:
    return _BIBLATEX_FIELDS.get(field, field) if dialect.name == "biblatex" else field


def convert_entry(entry_type: str, fields: dict[str, str], dialect: Dialect) -> tuple[str, dict[str, str]]:
    """An imported entry in ``dialect``'s names: the same for BibTeX, biblatex's for biber."""
    if dialect.name != "biblatex":
        return entry_type, fields
    converted = {}
    for name, value in fields.items():
        target = _renamed(name, dialect)
        # A biblatex name the entry already has (journaltitle beside journal) wins over the renamed one.
        if name == target or (target not in converted and target not in fields):
            converted[target] = value
    new_type, subtype = _BIBLATEX_TYPES.get(entry_type, (entry_type, ""))
    if subtype and "type" not in converted:
        converted["type"] = "{" + subtype + "}"
    return new_type, converted


def _same(before: object, now: object) -> bool:
    if isinstance(before, list) or isinstance(now, list):
        return sorted(map(str.casefold, before or [])) == sorted(map(str.casefold, now or []))  # type: ignore
    return (before or None) == (now or None)


def assign_keys(papers: Sequence[PaperDetail], stored: dict[int, StoredEntry | None]) -> dict[int, str]:
    """Imported keys first, then generated ones; clashes get b, c, … in id order."""
    taken: set[str] = set()
    keys: dict[int, str] = {}
    ordered = sorted(papers, key=lambda p: p.id)
    for paper in ordered:
        entry = stored.get(paper.id)
        if entry and entry.key and entry.key.casefold() not in taken:
            keys[paper.id] = entry.key
            taken.add(entry.key.casefold())
    for paper in ordered:
        if paper.id in keys:
            continue
        base = citation_key(paper)
        key = base
        for suffix in "bcdefghijklmnopqrstuvwxyz":
            if key.casefold() not in taken:
                break
            key = base + suffix
        if key.casefold() in taken:
            key = f"{base}-{paper.id}"
        keys[paper.id] = key
        taken.add(key.casefold())
    return keys


def format_entry(entry_type: str, key: str, fields: list[tuple[str, str]]) -> str:
    body = ",\n".join(f"  {name} = {value}" for name, value in fields)
    return f"@{entry_type}{{{key},\n{body}\n}}\n" if fields else f"@{entry_type}{{{key}}}\n"


def macro_definitions(stored: dict[int, StoredEntry | None]) -> tuple[dict[str, str], set[int], list[str]]:
    """The ``@string`` macros to write, the papers that may use theirs, and the ``@preamble`` texts.

    Two imported files can define one macro name differently: the later paper's fields
    are then written resolved, never under a macro that means something else.
    """
    definitions: dict[str, str] = {}
    users: set[int] = set()
    preambles: list[str] = []
    for paper_id in sorted(stored):
        entry = stored[paper_id]
        if entry is None:
            continue
        for text in entry.preambles:
            if text not in preambles:
                preambles.append(text)
        if not entry.unresolved:
            continue
        mine = {name.lower(): value for name, value in entry.macros}
        if any(definitions.get(name, value) != value for name, value in mine.items()):
            continue
        definitions.update(mine)
        users.add(paper_id)
    return definitions, users, preambles


def bib_text(library: Library, paper_ids: Sequence[int], dialect: Dialect, *, progress: Progress | None = None,
             is_cancelled: Callable[[], bool] = lambda: False) -> tuple[str, int, bool]:
    """(text, entries written, cancelled) for these papers in ``dialect``."""
    papers = [library.paper(pid) for pid in sorted(set(paper_ids))]
    stored = {p.id: load_entry(library, p) for p in papers}
    keys = assign_keys(papers, stored)
    definitions, macro_users, preambles = macro_definitions(stored)
    chunks, used = [], set()
    for index, paper in enumerate(papers):
        if is_cancelled():
            return "", index, True
        entry_type, fields = entry_fields(library, paper, stored[paper.id], dialect,
                                          macros=paper.id in macro_users)
        if paper.id in macro_users:  # only the macros a written field still names (an edit drops its use)
            used.update(part.lower() for _, value in fields for part in split_concatenation(value)
                        if part[:1] not in ('{', '"') and not part.isdigit())
        chunks.append(format_entry(entry_type, keys[paper.id], fields))
        if progress:
            progress(index + 1, len(papers), keys[paper.id])
    head = "".join(f"@preamble{{{text}}}\n" for text in preambles)
    head += "".join(f"@string{{{name} = {value}}}\n" for name, value in definitions.items() if name in used)
    return "\n".join([head, *chunks] if head else chunks), len(papers), False


def export_bibtex(library: Library, paper_ids: Sequence[int], out: Path | str | None = None, *,
                  progress: Progress | None = None, is_cancelled: Callable[[], bool] = lambda: False,
                  dialect: Dialect = BIBTEX) -> BibtexReport:
    """The ``.bib`` text for these papers; written atomically to ``out`` when given."""
    text, count, cancelled = bib_text(library, paper_ids, dialect, progress=progress, is_cancelled=is_cancelled)
    if cancelled:
        return BibtexReport("", count, None, cancelled=True)
    path = Path(out) if out is not None else None
    if path is not None:
        write_atomic(path, text)
    return BibtexReport(text, count, path)
