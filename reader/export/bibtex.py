"""Export papers as BibTeX, with stable citation keys and every field an import brought in.

Keys are ``lastname + year + first title word`` (``vaswani2017attention``), or the
key the paper was imported with, so LaTeX documents keep compiling across
exports. Clashes get ``b``, ``c``… in paper-id order, so the same library always
gives the same keys. Output is deterministic: papers by id, fields in a fixed
order (or the imported entry's own order), no timestamps.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

from reader.export.atomic import write_atomic
from reader.export.bibstore import StoredEntry, load_entry
from reader.export.filenames import _STOP_WORDS, _last_name, _words
from reader.library import Library, PaperDetail
from reader.library.inside import inside_library

Progress = Callable[[int, int, str], None]
_SPECIAL = {"\\": r"\textbackslash{}", "{": r"\{", "}": r"\}", "&": r"\&", "%": r"\%", "$": r"\$",
            "#": r"\#", "_": r"\_", "~": r"\textasciitilde{}", "^": r"\textasciicircum{}"}
_VERBATIM = {"url", "doi", "eprint", "file"}  # URLs and identifiers are not LaTeX: no escaping


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


def latex_escape(text: str) -> str:
    return "".join(_SPECIAL.get(ch, ch) for ch in " ".join(str(text).split()))


def braced(name: str, value: str) -> str:
    """A field value in braces; LaTeX specials escaped unless the field is a URL or identifier."""
    if name in _VERBATIM:
        return "{" + value.strip().replace("{", "%7B").replace("}", "%7D") + "}"
    return "{" + latex_escape(value) + "}"


def _authors(names: Sequence[str]) -> str:
    parts = []
    for name in names:
        escaped = latex_escape(name)
        parts.append("{" + escaped + "}" if " and " in f" {name.lower()} " else escaped)
    return "{" + " and ".join(parts) + "}"


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


def _encode(field: str, value: object) -> str:
    if field == "author":
        return _authors(value)  # type: ignore[arg-type]
    if field == "year":
        return str(value)
    if field == "keywords":
        return braced(field, ", ".join(value))  # type: ignore[arg-type]
    return braced(field, str(value))


_TARGETS = {"title": "title", "authors": "author", "year": "year", "doi": "doi", "url": "url",
            "summary": "abstract", "tags": "keywords"}


def entry_fields(library: Library, paper: PaperDetail, stored: StoredEntry | None) -> tuple[str, list[tuple[str, str]]]:
    """(entry type, [(field, raw value)]) for one paper."""
    now = _library_values(library, paper)
    if stored is None:
        entry_type = "inproceedings" if paper.venue else "misc"
        venue_field = "booktitle" if entry_type == "inproceedings" else ""
        fields: dict[str, str] = {}
        imported: dict = {}
    else:
        entry_type, venue_field = stored.entry_type, stored.venue_field
        fields = dict(stored.fields)
        imported = stored.imported
    targets = dict(_TARGETS, venue=venue_field or ("journal" if entry_type == "article" else "booktitle"))
    for name, target in targets.items():
        value = now[name]
        if stored is not None and _same(imported.get(name), value):
            continue  # untouched since import: the original text, braces and all
        if value in (None, "", []):
            fields.pop(target, None)
        else:
            fields[target] = _encode(target, value)
    if stored is None or not _same(imported.get("arxiv_id"), now["arxiv_id"]):
        if now["arxiv_id"]:
            fields["eprint"] = braced("eprint", str(now["arxiv_id"]))
            fields["archiveprefix"] = "{arXiv}"
        elif stored is not None:
            fields.pop("eprint", None)
    pdf = inside_library(library.home, paper.pdf_path, "pdfs") if paper.pdf_path else None  # never a path elsewhere
    if pdf is not None:
        fields["file"] = "{:" + str(pdf).replace(":", r"\:") + ":PDF}"
    if stored is None:
        order = ["author", "title", "booktitle", "journal", "year", "doi", "eprint", "archiveprefix", "url",
                 "abstract", "keywords", "file"]
        return entry_type, [(k, fields[k]) for k in order if k in fields]
    return entry_type, list(fields.items())


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


def export_bibtex(library: Library, paper_ids: Sequence[int], out: Path | str | None = None, *,
                  progress: Progress | None = None, is_cancelled: Callable[[], bool] = lambda: False
                  ) -> BibtexReport:
    """The ``.bib`` text for these papers; written atomically to ``out`` when given."""
    papers = [library.paper(pid) for pid in sorted(set(paper_ids))]
    stored = {p.id: load_entry(library, p) for p in papers}
    keys = assign_keys(papers, stored)
    chunks = []
    for index, paper in enumerate(papers):
        if is_cancelled():
            return BibtexReport("", index, None, cancelled=True)
        entry_type, fields = entry_fields(library, paper, stored[paper.id])
        chunks.append(format_entry(entry_type, keys[paper.id], fields))
        if progress:
            progress(index + 1, len(papers), keys[paper.id])
    text = "\n".join(chunks)
    path = Path(out) if out is not None else None
    if path is not None:
        write_atomic(path, text)
    return BibtexReport(text, len(papers), path)
