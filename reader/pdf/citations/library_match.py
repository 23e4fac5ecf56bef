"""Whether a reference entry is a paper already in the library: same DOI, same arXiv id, or a title
close enough (rapidfuzz's ratio on folded titles, at least :data:`TITLE_SCORE`, and no other year).

Titles are compared after folding case, accents and punctuation; rapidfuzz's
ratio forgives a dropped word or a ligature read differently ("Efﬁcient"),
which an exact comparison would not. Plain Python.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

from reader.pdf.citations.entry_parse import fold
from reader.pdf.citations.model import Entry

TITLE_SCORE = 92.0


@dataclass(frozen=True)
class LibraryPaper:
    paper_id: int
    title: str
    doi: str = ""
    arxiv_id: str = ""
    year: int | None = None


class LibraryMatcher:
    def __init__(self, papers: Iterable[LibraryPaper]) -> None:
        self.papers = list(papers)
        self._doi = {p.doi.lower(): p for p in self.papers if p.doi}
        self._arxiv = {_bare_arxiv(p.arxiv_id): p for p in self.papers if p.arxiv_id}
        self._titles = [fold(p.title) for p in self.papers]

    def find(self, entry: Entry) -> LibraryPaper | None:
        if entry.doi and entry.doi.lower() in self._doi:
            return self._doi[entry.doi.lower()]
        if entry.arxiv_id and _bare_arxiv(entry.arxiv_id) in self._arxiv:
            return self._arxiv[_bare_arxiv(entry.arxiv_id)]
        title = fold(entry.title)
        if len(title) < 12 or not self._titles:
            return None  # "Dendrites" alone says too little
        year = int(entry.year[:4]) if entry.year[:4].isdigit() else None
        from rapidfuzz import fuzz, process  # on the first lookup, not at start-up

        for _text, _score, position in process.extract(title, self._titles, scorer=fuzz.ratio, limit=3,
                                                       score_cutoff=TITLE_SCORE):
            paper = self.papers[position]
            if paper.year is None or year is None or abs(paper.year - year) <= 1:
                return paper
        return None


def _bare_arxiv(text: str) -> str:
    return re.sub(r"v\d+$", "", text.strip().lower().removeprefix("arxiv:"))
