"""Export papers as RIS, for EndNote, Zotero, Mendeley and the reference managers that read it.

One record per paper: ``TY`` first and ``ER`` last, authors as ``Last, First, Suffix``
(the RIS convention; an organisation as written), one ``KW`` per tag, one ``UR`` per
link. RIS values are one line each, so line breaks inside an abstract become spaces.
An arXiv id is written as ``AN  - arXiv:ID`` (RIS has no arXiv tag; the accession number
which reference managers keep as an identifier), and ``UR`` holds only the paper's own links, so an
export imported again has the same URL it had.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from pathlib import Path

from reader.export import kinds
from reader.export.atomic import write_atomic
from reader.export.bibtex import BibtexReport, Progress
from reader.export.names import Name
from reader.export.reference import Reference, references
from reader.library import Library

_TYPES = {kinds.ARTICLE: "JOUR", kinds.PROCEEDINGS: "CPAPER", kinds.PREPRINT: "UNPB", kinds.OTHER: "GEN",
          "book": "BOOK", "chapter": "CHAP", "thesis": "THES", "report": "RPRT", "patent": "PAT",
          "dataset": "DATA", "software": "COMP"}
_EXTRA_TAGS = (("volume", "VL"), ("number", "IS"), ("issue", "IS"), ("publisher", "PB"), ("edition", "ET"),
               ("isbn", "SN"), ("issn", "SN"), ("address", "CY"), ("location", "CY"), ("note", "N1"))


def ris_name(name: Name) -> str:
    if name.literal:
        return name.literal
    last = " ".join(p for p in (name.von, name.family) if p)
    if name.suffix and not name.comma:  # "HC Casey Jr" as the library has it: "Casey Jr, HC"
        return ", ".join(p for p in (f"{last} {name.suffix}", name.given) if p)
    return ", ".join(p for p in (last, name.given, name.suffix) if p)


def _line(tag: str, value: object) -> str:
    return f"{tag}  - {' '.join(str(value).split())}"


def record(ref: Reference) -> str:
    lines = [_line("TY", _TYPES.get(ref.kind, "GEN")), _line("ID", ref.key), _line("TI", ref.title)]
    lines += [_line("AU", ris_name(n)) for n in ref.names]
    if ref.year:
        lines.append(_line("PY", ref.year))
    if ref.venue:
        lines.append(_line("T2", ref.venue))
    for name, tag in _EXTRA_TAGS:
        if ref.extras.get(name) and not any(line.startswith(tag) for line in lines):
            lines.append(_line(tag, ref.extras[name]))
    pages = ref.extras.get("pages", "").replace("--", "-").replace("–", "-")
    if pages:
        start, _, end = pages.partition("-")
        lines.append(_line("SP", start.strip()))
        if end.strip():
            lines.append(_line("EP", end.strip()))
    if ref.doi:
        lines.append(_line("DO", ref.doi))
    if ref.arxiv_id:
        lines.append(_line("AN", f"arXiv:{ref.arxiv_id}"))
    lines += [_line("UR", u) for u in ref.url.split() if u]
    if ref.abstract.strip():
        lines.append(_line("AB", ref.abstract))
    lines += [_line("KW", k) for k in ref.keywords if k.strip()]
    lines.append("ER  - ")
    return "\n".join(line for line in lines if line.split("  - ", 1)[1] or line.startswith("ER")) + "\n"


def export_ris(library: Library, paper_ids: Sequence[int], out: Path | str | None = None, *,
               progress: Progress | None = None, is_cancelled: Callable[[], bool] = lambda: False) -> BibtexReport:
    """The ``.ris`` text for these papers; written atomically to ``out`` when given."""
    refs = references(library, paper_ids)
    chunks = []
    for index, ref in enumerate(refs):
        if is_cancelled():
            return BibtexReport("", index, None, cancelled=True)
        chunks.append(record(ref))
        if progress:
            progress(index + 1, len(refs), ref.key)
    text = "\n".join(chunks)
    path = Path(out) if out is not None else None
    if path is not None:
        write_atomic(path, text)
    return BibtexReport(text, len(refs), path)
