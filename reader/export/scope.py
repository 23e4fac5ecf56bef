"""Which papers an export covers: a selection, a tag, or the whole library.

One small value shared by the CLI and the dialog so both mean the same thing by
"the library" (everything not in the Trash, oldest first, so output is stable).
"""

from __future__ import annotations

from dataclasses import dataclass

from reader.library import Library, PaperQuery


@dataclass(frozen=True)
class ExportScope:
    paper_ids: tuple[int, ...] = ()  # a selection; wins over ``tag``
    tag: str | None = None

    def describe(self) -> str:
        if self.paper_ids:
            n = len(self.paper_ids)
            return f"{n} selected paper{'s' if n != 1 else ''}"
        if self.tag:
            return f"papers tagged {self.tag!r}"
        return "the whole library"


def resolve_scope(library: Library, scope: ExportScope) -> list[int]:
    """Paper ids in ascending id order; an unknown id in a selection raises ``NotFoundError``."""
    if scope.paper_ids:
        ids = sorted(set(scope.paper_ids))
        for paper_id in ids:
            library.paper(paper_id)  # raises a one-line NotFoundError
        return ids
    query = PaperQuery(view="all", tag=scope.tag, sort="added", descending=False)
    return sorted(library.query_ids(query))
