"""PNG thumbnails of a figure's region, for the figure strip and the hover preview."""

from __future__ import annotations

import os
from collections.abc import Sequence
from pathlib import Path

import pymupdf

from reader.atomic import write_bytes
from reader.errors import PdfError
from reader.pdf.document import open_pdf, opened_pdf


def render_region_thumbnail(
    path: str | os.PathLike[str],
    page: int,
    rect: Sequence[float],
    out_path: str | os.PathLike[str],
    max_side_px: int = 320,
    password: str | None = None,
) -> None:
    """Render ``rect`` (PDF points, top-left origin) of 1-based ``page`` to a PNG.

    Written to a temporary file in the target folder and moved into place, so a
    reader of the cache never sees half a PNG even if the process is killed.
    """
    with opened_pdf(path, password) as doc:
        _render(doc, path, page, rect, out_path, max_side_px)


def render_region_thumbnails(
    path: str | os.PathLike[str],
    jobs: Sequence[tuple[int, Sequence[float], str | os.PathLike[str]]],
    max_side_px: int = 320,
    password: str | None = None,
) -> list[bool]:
    """Each ``(page, rect, out_path)`` of one PDF as :func:`render_region_thumbnail` makes it,
    from one open of the file (opening it for each took 15 % of a paper's thumbnails: its fonts
    were read again every time); a job that fails is False and the others go on."""
    done: list[bool] = []
    try:
        doc = open_pdf(path, password)
    except PdfError:
        return [False] * len(jobs)
    with doc:
        for page, rect, out in jobs:
            try:
                _render(doc, path, page, rect, out, max_side_px)
                done.append(True)
            except PdfError:
                done.append(False)
    return done


def _render(doc: pymupdf.Document, path, page: int, rect: Sequence[float], out_path, max_side_px: int) -> None:
    if not 1 <= page <= doc.page_count:
        raise PdfError(f"{path} has no page {page}.")
    try:
        pg = doc[page - 1]
    except Exception as exc:
        raise PdfError(f"Page {page} of {path} cannot be read ({exc}).") from exc
    clip = pymupdf.Rect(rect) & pg.rect
    if clip.is_empty or clip.width < 1 or clip.height < 1:
        clip = pg.rect
    # no lower bound: a figure on a page with a large /UserUnit may be kilometres wide
    zoom = max(1e-6, min(8.0, max_side_px / max(clip.width, clip.height)))
    try:
        pix = pg.get_pixmap(matrix=pymupdf.Matrix(zoom, zoom), clip=clip, alpha=False)
        data = pix.tobytes("png")
    except Exception as exc:
        raise PdfError(f"Page {page} of {path} cannot be rendered ({exc}).") from exc
    write_bytes(Path(out_path), data, prefix=".thumb-", suffix=".png")
