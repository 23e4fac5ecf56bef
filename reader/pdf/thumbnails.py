"""PNG thumbnails of a figure's region, for the figure strip and the hover preview."""

from __future__ import annotations

import os
from collections.abc import Sequence
from pathlib import Path

import pymupdf

from reader.atomic import write_bytes
from reader.errors import PdfError
from reader.pdf.document import opened_pdf


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
    out = Path(out_path)
    with opened_pdf(path, password) as doc:
        if not 1 <= page <= doc.page_count:
            raise PdfError(f"{path} has no page {page}.")
        pg = doc[page - 1]
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
    write_bytes(out, data, prefix=".thumb-", suffix=".png")
