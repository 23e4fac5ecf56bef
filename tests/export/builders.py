"""A small, fixed library for export tests: real SQLite, real files, fixed dates."""

from __future__ import annotations

import sqlite3
from pathlib import Path

from reader.library import AnnotationFields, CaptionRecord, Library, PaperFields, Status

PNG = bytes.fromhex(
    "89504e470d0a1a0a0000000d4948445200000001000000010806000000"
    "1f15c4890000000d49444154789c6360f8cfc0f01f0005000201a5f1e1520000000049454e44ae426082")
HOSTILE_TITLE = 'Attention: "Is" All You Need? #1 — café 🚀 {braces} & 100%'


def fix_dates(library: Library) -> None:
    """Pin every timestamp, so golden files do not depend on when the test ran."""
    with sqlite3.connect(library.db_path) as conn:
        conn.execute("UPDATE paper SET added_at = '2024-03-01 09:30:00', updated_at = '2024-03-02 10:00:00'")


def build_library(home: Path, pdf: Path | None = None) -> tuple[Library, dict[str, int]]:
    library = Library.open(home)
    ids: dict[str, int] = {}
    fields = PaperFields(title=HOSTILE_TITLE, authors=("Ashish Vaswani", "Noam Shazeer"), year=2017,
                         venue="NeurIPS", summary="The Transformer: attention only.\n\nNo recurrence.",
                         doi="10.5555/3295222.3295349", arxiv_id="1706.03762",
                         url="https://arxiv.org/abs/1706.03762", code_url="https://github.com/tensorflow/tensor2tensor",
                         status=Status.READING, tags=("NLP", "Attention"))
    if pdf is not None:
        ids["rich"] = library.add_pdf(pdf, fields, page_count=3).paper_id
    else:
        ids["rich"] = library.add_paper(fields)
    thumb = home / "thumbnails" / "fixed" / "p2-figure-1-0.png"
    thumb.parent.mkdir(parents=True, exist_ok=True)
    thumb.write_bytes(PNG)
    library.set_captions(ids["rich"], [
        CaptionRecord("Figure 1", "figure", "1", "The Transformer - model architecture.", 2,
                      thumbnail="thumbnails/fixed/p2-figure-1-0.png"),
        CaptionRecord("Table 1", "table", "1", "Table 1: Complexity per layer.", 3),  # as extraction gives it
    ])
    library.add_note(ids["rich"], "My **own** note.\n\n\n\nIt keeps its gaps <!-- rl:notes --> and all.")
    library.add_annotation(ids["rich"], AnnotationFields("highlight", 3, (72, 300, 400, 320),
                                                         quote="Attention is all\nyou need", comment="Main claim."))
    library.add_annotation(ids["rich"], AnnotationFields("area", 2, (72, 100, 500, 400), image=PNG,
                                                         comment="The architecture figure."))
    library.add_annotation(ids["rich"], AnnotationFields("highlight", 1, (72, 100, 400, 120),
                                                         quote="We propose a new simple network architecture"))
    ids["plain"] = library.add_paper(PaperFields(title="CON", year=None))
    ids["twin"] = library.add_paper(PaperFields(title=HOSTILE_TITLE, authors=("Ashish Vaswani",), year=2017))
    fix_dates(library)
    return library, ids


def normalise_paths(text: str, library: Library) -> str:
    """Replace the temp library location with a fixed one in golden comparisons."""
    for paper_id in library.query_ids():
        pdf = library.pdf_file(paper_id)
        if pdf is not None:
            text = text.replace(pdf.absolute().as_uri(), "file:///LIBRARY/paper.pdf")
            text = text.replace(str(pdf.absolute()), "/LIBRARY/paper.pdf")
    home_uri = library.home.absolute().as_uri()
    return text.replace(home_uri, "file:///LIBRARY").replace(str(library.home.absolute()), "/LIBRARY")
