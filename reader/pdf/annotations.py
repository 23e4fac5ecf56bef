"""Real PDF annotations: reading the ones another viewer made, writing ours into a copy.

Everything here runs in a worker process (the render process or the extraction
pool), never on the UI thread: PyMuPDF holds the GIL while it works. Marks cross
the process boundary as plain dicts with the keys of
``reader.library.AnnotationFields`` (kind, page 1-based, rect, quads, colour,
quote, comment), in *displayed* page coordinates (points, origin top-left, after
the page's own /Rotate) - the coordinates the viewer draws in. PDF annotations
live in unrotated page space, so each direction converts once here.
"""

from __future__ import annotations

import os
import time
from pathlib import Path
from typing import Any

import pymupdf

from reader.atomic import replacing
from reader.errors import PdfError
from reader.pdf.document import open_pdf, opened_pdf
from reader.pdf.geometry import drawn_scale

Rect = tuple[float, float, float, float]
TITLE = "Reading List"  # the author of a mark when the caller names no one
NOTE_SIZE = 18.0  # points; a sticky note's rect when the app stores one

_KINDS = {
    pymupdf.PDF_ANNOT_HIGHLIGHT: "highlight",
    pymupdf.PDF_ANNOT_UNDERLINE: "underline",
    pymupdf.PDF_ANNOT_STRIKE_OUT: "strikeout",
    pymupdf.PDF_ANNOT_SQUIGGLY: "underline",
    pymupdf.PDF_ANNOT_TEXT: "note",
    pymupdf.PDF_ANNOT_FREE_TEXT: "note",
    pymupdf.PDF_ANNOT_SQUARE: "area",
}


def _hex(rgb: Any, default: str = "#ffd400") -> str:
    if not rgb or len(rgb) < 3:
        return default
    return "#" + "".join(f"{max(0, min(255, round(c * 255))):02x}" for c in rgb[:3])


def _rgb(colour: str) -> tuple[float, float, float]:
    text = (colour or "#ffd400").lstrip("#")
    try:
        return tuple(int(text[i : i + 2], 16) / 255 for i in (0, 2, 4))  # type: ignore[return-value]
    except ValueError:
        return (1.0, 0.83, 0.0)


def _shown(rect: pymupdf.Rect, page: pymupdf.Page) -> Rect:
    if page.rotation:
        rect = rect * page.rotation_matrix
    rect.normalize()
    return (round(rect.x0, 2), round(rect.y0, 2), round(rect.x1, 2), round(rect.y1, 2))


def _unrotated(rect: Rect, page: pymupdf.Page) -> pymupdf.Rect:
    r = pymupdf.Rect(rect)
    if page.rotation:
        r = r * page.derotation_matrix
    r.normalize()
    return r


# reading ------------------------------------------------------------------------------


# Marks read from one PDF. Reading 5,000 takes 3 s, but the library stores them one
# transaction each, re-indexing the paper every time: 1,000 take 28 s to store, 5,000 about
# 7 minutes. A heavily annotated paper has a few hundred.
MAX_FILE_MARKS = 500
READ_SECONDS = 15.0  # reading stops here, well inside the extraction process's own limit


class MarkList(list):
    """The marks read from a PDF; ``cut_short`` says why reading stopped early ("" when it read them all).

    A list, so it crosses the process boundary and reads like one; the reason
    travels with it (pickle keeps a list subclass's attributes).
    """

    cut_short: str = ""


def read_pdf_annotations(path: str | os.PathLike[str], password: str | None = None,
                         max_marks: int = MAX_FILE_MARKS, seconds: float = READ_SECONDS) -> MarkList:
    """The highlights, underlines, strike-outs, notes and squares already in a PDF.

    Links, form fields and popups are not marks and are skipped; a damaged
    annotation is skipped alone rather than failing the import. Reading is
    bounded: a 900 KB file can hold 5,000 annotations, and it stops after
    ``max_marks`` marks or ``seconds``, keeping what it has and saying so.

    The annotations are walked as MuPDF's list (``page.annots()`` looks each one
    up by number, quadratic in their count), and a page's text is extracted once
    for all its quotes (once per quote was 240 s for 5,000 marks).
    """
    found = MarkList()
    deadline = time.monotonic() + seconds
    with opened_pdf(path, password) as doc:
        for number in range(doc.page_count):
            try:
                page = doc[number]
                annot = page.first_annot
            except Exception:
                continue
            textpage: list[Any] = []  # made when the page's first quote needs it
            while annot is not None:
                if len(found) >= max_marks:
                    found.cut_short = f"it has more than {max_marks:,} annotations; the first {max_marks:,} were read"
                    return found
                if time.monotonic() > deadline:
                    found.cut_short = (f"reading its annotations took more than {seconds:.0f} s; "
                                       f"the first {len(found):,} were read")
                    return found
                try:
                    mark = _mark_from(page, annot, textpage)
                except Exception:
                    mark = None
                if mark is not None:
                    mark["page"] = number + 1
                    found.append(mark)
                try:
                    annot = annot.next
                except Exception:
                    break
    return found


def _mark_from(page: pymupdf.Page, annot: pymupdf.Annot, textpage: list[Any]) -> dict[str, Any] | None:
    """One mark, or None for an annotation that is not one; ``textpage`` holds the page's text once made."""
    kind = _KINDS.get(annot.type[0])
    if kind is None:
        return None
    quads: list[Rect] = []
    if kind in ("highlight", "underline", "strikeout"):
        points = annot.vertices or []
        for i in range(0, len(points) - 3, 4):
            quads.append(_shown(pymupdf.Quad(*[pymupdf.Point(p) for p in points[i : i + 4]]).rect, page))
    rect = _shown(annot.rect, page)
    quote = ""
    if quads:
        if not textpage:
            textpage.append(page.get_textpage())
        lines = [page.get_textbox(_unrotated(q, page) + (-0.5, -0.5, 0.5, 0.5), textpage=textpage[0]).strip()
                 for q in quads]
        quote = " ".join(line for line in lines if line)
    colours = annot.colors or {}
    colour = _hex(colours.get("stroke") or colours.get("fill"))
    comment = (annot.info or {}).get("content", "") or ""
    return {"kind": kind, "rect": rect, "quads": tuple(quads), "colour": colour, "quote": quote,
            "comment": comment.strip()}


# writing ------------------------------------------------------------------------------


def write_annotated_copy(source: str | os.PathLike[str], target: str | os.PathLike[str],
                         marks: list[dict[str, Any]], password: str | None = None, author: str = "") -> int:
    """Write ``source`` plus ``marks`` as real annotations to ``target``; returns how many were written.

    The source is opened read-only and never saved; the copy goes to a temporary
    file beside ``target`` and is moved into place, so a crash leaves either the
    old target or the complete new one. Marks on pages the PDF no longer has
    (detached) are left out. ``author`` is the name other viewers show on each
    mark ("Reading List" when empty), so a copy sent to colleagues says whose
    notes they are. The copy is the person's own file, made with their umask's
    permissions.
    """
    out = Path(target)
    if out.resolve() == Path(source).resolve():
        raise PdfError("The annotated copy must not overwrite the original PDF.")
    written = 0
    doc = open_pdf(source, password)
    try:
        for mark in marks:
            page_number = int(mark["page"]) - 1
            if not 0 <= page_number < doc.page_count:
                continue
            _add(doc[page_number], mark, author.strip() or TITLE)
            written += 1
        with replacing(out, prefix=".annotated-", suffix=".pdf", shared=True) as tmp:
            doc.save(tmp, garbage=1, deflate=True)
    except PdfError:
        raise
    except Exception as exc:
        raise PdfError(f"The annotated copy could not be written ({exc}).") from exc
    finally:
        doc.close()
    return written


def _add(page: pymupdf.Page, mark: dict[str, Any], author: str) -> None:
    kind, colour = mark["kind"], _rgb(mark.get("colour", ""))
    comment = mark.get("comment") or ""
    rects = [_unrotated(q, page) for q in (mark.get("quads") or ())] or [_unrotated(mark["rect"], page)]
    if kind == "highlight":
        annot = page.add_highlight_annot(quads=[r.quad for r in rects])
    elif kind == "underline":
        annot = page.add_underline_annot(quads=[r.quad for r in rects])
    elif kind == "strikeout":
        annot = page.add_strikeout_annot(quads=[r.quad for r in rects])
    elif kind == "note":
        annot = page.add_text_annot(rects[0].tl, comment or mark.get("quote") or "Note", icon="Note")
    else:  # area
        annot = page.add_rect_annot(rects[0])
        annot.set_border(width=1.5)
    annot.set_colors(stroke=colour)
    annot.set_info(content=comment, title=author)
    annot.update()


# area images -------------------------------------------------------------------------


def render_clip_png(doc: pymupdf.Document, page_number: int, rect: Rect, max_side_px: int = 1200) -> bytes:
    """PNG of a displayed-coordinates rectangle of 0-based ``page_number`` (for area marks)."""
    page = doc[page_number]
    shown = pymupdf.Rect(0, 0, *_shown(page.rect, page)[2:])
    clip = pymupdf.Rect(rect) & shown
    if clip.is_empty or clip.width < 1 or clip.height < 1:
        raise PdfError("The selected area is empty.")
    zoom = max(0.5, min(4.0, max_side_px / max(clip.width, clip.height)))
    zoom = drawn_scale(clip.width, clip.height, zoom, 4 * max_side_px * max_side_px)  # a huge page's huge area
    return page.get_pixmap(matrix=pymupdf.Matrix(zoom, zoom), clip=clip, alpha=False).tobytes("png")
