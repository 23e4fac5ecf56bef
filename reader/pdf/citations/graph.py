"""Who cites whom among the library's own papers, from each paper's citation index.

An edge A → B when an entry of A's bibliography is B (same DOI, same arXiv id,
or a close title: :class:`~reader.pdf.citations.library_match.LibraryMatcher`).
Only papers whose PDF has been indexed have outgoing edges; a paper without a
PDF can still be cited. Plain Python.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

from reader.pdf.citations.library_match import LibraryMatcher, LibraryPaper
from reader.pdf.citations.model import CitationIndex


@dataclass
class CitationGraph:
    cites: dict[int, set[int]] = field(default_factory=dict)
    cited_by: dict[int, set[int]] = field(default_factory=dict)
    indexed: set[int] = field(default_factory=set)  # papers whose references are known

    @classmethod
    def build(cls, papers: Iterable[LibraryPaper], indexes: Mapping[int, CitationIndex]) -> CitationGraph:
        papers = list(papers)
        matcher = LibraryMatcher(papers)
        graph = cls(indexed=set(indexes))
        for paper_id, index in indexes.items():
            for entry in index.entries:
                found = matcher.find(entry)
                if found is not None and found.paper_id != paper_id:
                    graph.cites.setdefault(paper_id, set()).add(found.paper_id)
                    graph.cited_by.setdefault(found.paper_id, set()).add(paper_id)
        return graph

    def counts(self, paper_id: int) -> tuple[int, int | None]:
        """(cited by, cites) in the library; cites is None when the paper's references are not known."""
        cites = len(self.cites.get(paper_id, ())) if paper_id in self.indexed else None
        return len(self.cited_by.get(paper_id, ())), cites
