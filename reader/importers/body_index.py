"""Reading the text of papers whose PDFs are not in the full-text index yet.

A paper added now is indexed as it is added; this catches up the rest: every paper
of a library from before the index (schema 5 and older), a rebuilt database, and a
paper whose PDF was relinked or replaced. It runs in the background, one paper at
a time, with the PDF read in the bounded extraction process. A PDF that cannot be
read is recorded as such and not tried again; a missing file is skipped for now.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from pathlib import Path

from reader.errors import NotFoundError, PdfError
from reader.library import Library
from reader.library.fulltext import IndexProgress

TextReader = Callable[[Path], Sequence[str]]  # stored PDF -> one text per page (reader.pdf.page_text)


def default_text_reader(path: Path) -> Sequence[str]:
    from reader.pdf.page_text import read_page_texts

    return read_page_texts(path)


def index_pending(library: Library, read_texts: TextReader = default_text_reader,
                  progress: Callable[[IndexProgress], None] | None = None,
                  is_cancelled: Callable[[], bool] = lambda: False, batch: int = 20) -> int:
    """Index every paper still due; returns how many were read. Stops early when ``is_cancelled``."""
    done = 0
    skipped: set[int] = set()  # missing files, or papers deleted meanwhile: left for a later run
    start = library.index_progress()
    while not is_cancelled():
        due = [p for p in library.papers_to_index(limit=batch + len(skipped)) if p[0] not in skipped][:batch]
        if not due:
            break
        for paper_id, _relative, pdf_hash in due:
            if is_cancelled():
                break
            try:
                pdf = library.pdf_file(paper_id)
                if pdf is None or not pdf.is_file():
                    skipped.add(paper_id)
                    continue
                try:
                    texts = read_texts(pdf)
                except (PdfError, OSError):
                    library.set_page_texts(paper_id, None, pdf_hash=pdf_hash)
                else:
                    library.set_page_texts(paper_id, texts, pdf_hash=pdf_hash)
            except NotFoundError:
                skipped.add(paper_id)
                continue
            done += 1
            if progress:
                progress(IndexProgress(start.papers_with_pdf, min(start.papers_with_pdf, start.indexed + done)))
    return done
