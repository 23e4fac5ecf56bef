"""Export papers as biblatex, for biber: UTF-8, ``journaltitle``, ``date``, ``eprinttype``.

The same entries as the BibTeX export (keys, imported fields, ``@string`` macros),
in biblatex's data model: biber reads UTF-8, so accents stay as they are; a
preprint is ``@online`` with ``eprinttype = {arxiv}``; an imported ``@techreport``
becomes ``@report`` with ``type = {techreport}``.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from pathlib import Path

from reader.export import kinds
from reader.export.bibtex import BibtexReport, Dialect, Progress, export_bibtex
from reader.library import Library

BIBLATEX = Dialect("biblatex", False,
                   {kinds.ARTICLE: "article", kinds.PROCEEDINGS: "inproceedings", kinds.PREPRINT: "online",
                    kinds.OTHER: "misc"},
                   {kinds.ARTICLE: "journaltitle", kinds.PROCEEDINGS: "booktitle", kinds.PREPRINT: "howpublished",
                    kinds.OTHER: "howpublished"},
                   "date", ("eprinttype", "arxiv"))


def export_biblatex(library: Library, paper_ids: Sequence[int], out: Path | str | None = None, *,
                    progress: Progress | None = None, is_cancelled: Callable[[], bool] = lambda: False
                    ) -> BibtexReport:
    """The biblatex ``.bib`` text for these papers; written atomically to ``out`` when given."""
    return export_bibtex(library, paper_ids, out, progress=progress, is_cancelled=is_cancelled, dialect=BIBLATEX)
