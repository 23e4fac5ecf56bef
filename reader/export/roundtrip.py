"""Export, import into a fresh library, compare: what a format loses, field by field.

Used by the tests and ``benchmarks/interop.py``. A round trip compares what the
library shows (title, authors, year, venue, DOI, arXiv id, URL, abstract, tags),
matched paper by paper in id order, so a format that drops or garbles a field is
seen as the field's name and both values.
"""

from __future__ import annotations

import tempfile
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from reader.export.formats import EXPORTERS, FILE_TYPES
from reader.library import Library, PaperDetail

COMPARED = ("title", "authors", "year", "venue", "doi", "arxiv_id", "url", "summary", "tags")


@dataclass
class RoundTrip:
    fmt: str
    papers: int
    reimported: int
    changes: list[tuple[int, str, object, object]] = field(default_factory=list)  # (paper id, field, before, after)
    import_problems: list[str] = field(default_factory=list)
    unmatched: list[str] = field(default_factory=list)  # titles of papers that did not come back

    @property
    def changed_fields(self) -> dict[str, int]:
        counts: dict[str, int] = {}
        for _, name, _, _ in self.changes:
            counts[name] = counts.get(name, 0) + 1
        return counts


def shown(paper: PaperDetail, name: str) -> object:
    value = getattr(paper, name)
    if name == "tags":
        return sorted(value, key=str.casefold)
    if name == "summary":
        return " ".join(value.split())  # RIS and BibTeX values are one line: paragraphs are not kept
    return list(value) if isinstance(value, tuple) else (value or None) if not isinstance(value, str) else value


def _title_key(paper: PaperDetail) -> str:
    return " ".join(paper.title.casefold().split())


def pair(before: list[PaperDetail], after: list[PaperDetail]) -> list[tuple[PaperDetail, PaperDetail | None]]:
    """Each exported paper with the one it came back as: the same title, year and authors, the same
    title and year, the same title, then in order.

    An import may skip or merge entries, so position alone would compare a paper with its
    neighbour and report every field of both as changed.
    """
    left = list(after)
    matched: dict[int, PaperDetail] = {}
    for key in (lambda p: (_title_key(p), p.year, tuple(p.authors)), lambda p: (_title_key(p), p.year), _title_key):
        for old in before:
            if old.id in matched:
                continue
            same = next((new for new in left if key(new) == key(old)), None)
            if same is not None:
                matched[old.id] = same
                left.remove(same)
    rest = iter(left)
    return [(old, matched.get(old.id) or next(rest, None)) for old in before]


def round_trip(library: Library, paper_ids: Sequence[int], fmt: str, work: Path | None = None) -> RoundTrip:
    """Export ``paper_ids`` as ``fmt``, import the file into a new library under ``work``, compare."""
    from reader.importers.any_format import import_file

    with tempfile.TemporaryDirectory(dir=work) as folder:
        target = Path(folder) / f"export{FILE_TYPES[fmt][1]}"
        EXPORTERS[fmt](library, paper_ids, target)
        fresh = Library.open(Path(folder) / "fresh")
        try:
            report = import_file(fresh, target)
            before = [library.paper(pid) for pid in sorted(set(paper_ids))]
            after = [fresh.paper(pid) for pid, _ in report.added]
            result = RoundTrip(fmt, len(before), len(after), import_problems=list(report.problems))
            for old, new in pair(before, after):
                if new is None:
                    result.unmatched.append(old.title)
                    continue
                for name in COMPARED:
                    if shown(old, name) != shown(new, name):
                        result.changes.append((old.id, name, shown(old, name), shown(new, name)))
        finally:
            fresh.close()
    return result
