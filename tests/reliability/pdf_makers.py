"""PDFs made to order for the hostile-file tests and benchmarks/hostile_pdfs.py."""

from __future__ import annotations

from pathlib import Path


def many_annotations(path: Path, count: int) -> Path:
    """One page with ``count`` highlights, written as bare objects (PyMuPDF's add_*_annot is quadratic)."""
    import pymupdf

    doc = pymupdf.open()
    page = doc.new_page()
    page.insert_text((72, 72), "A page with many highlights")
    xrefs = []
    for i in range(count):
        xref = doc.get_new_xref()
        y = 60 + i % 700
        doc.update_object(xref, f"<</Type/Annot/Subtype/Highlight/Rect[72 {y} 200 {y + 14}]"
                                f"/QuadPoints[72 {y + 14} 200 {y + 14} 72 {y} 200 {y}]/C[1 1 0]/Contents(mark {i})>>")
        xrefs.append(xref)
    doc.xref_set_key(page.xref, "Annots", "[" + " ".join(f"{x} 0 R" for x in xrefs) + "]")
    doc.save(path)
    return path
