"""Page rendering and per-page text/link extraction, run only inside the render process.

Pages are drawn straight into a caller-supplied buffer (a shared-memory slot) as
BGRA on a white background, which is QImage's native 32-bit layout, so the UI
needs one memcpy and no pixel conversion. Everything returned is plain tuples,
lists and dicts: it crosses a process boundary.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from typing import Any

import pymupdf

from reader.pdf.document import open_pdf
from reader.pdf.geometry import BYTES_PER_PIXEL, MAX_RENDER_PIXELS, RenderKey, drawn_scale

_m = pymupdf.mupdf

DARK_BACKGROUND = 0x1E1F22  # what white paper becomes
DARK_TEXT = 0xD8D8D8  # what black ink becomes
MAX_FIND_HITS = 5000
FIND_SECONDS = 20.0  # a search gives what it found by then (the client allows a find 30 s)
SIZES_SECONDS = 5.0  # reading every page's size: 5-10 ms per hundred pages on a sound file

Rect = tuple[float, float, float, float]


@dataclass
class DocInfo:
    page_count: int
    page_sizes: list[tuple[float, float]]  # points, after the page's own /Rotate
    toc: list[tuple[int, str, int, float | None]] = field(default_factory=list)  # level, title, page0, y
    title: str = ""
    repaired: bool = False
    sizes_known: bool = False  # False: page_sizes repeats the first page's size until the details come

    def as_dict(self) -> dict[str, Any]:
        return self.__dict__.copy()


class BufferTooSmall(ValueError):
    """The page is larger than the slot the client sized from a guessed page size."""

    def __init__(self, message: str, need: int) -> None:
        super().__init__(message)
        self.need = need


def open_document(path: str, password: str | None) -> tuple[pymupdf.Document, DocInfo]:
    """Open with every page size and the outline read (what callers outside the viewer want)."""
    doc, info = open_document_quickly(path, password)
    info.page_sizes = page_sizes(doc)
    info.sizes_known = True
    return doc, info


def open_document_quickly(path: str, password: str | None, first_page: int = 0) -> tuple[pymupdf.Document, DocInfo]:
    """Open reading only the page the reader will see first; every other page assumes its size.

    Loading every page to learn its size before the first render costs 5-10 ms per
    hundred pages (more on damaged files), on the critical path to the first
    visible page. The viewer lays pages out with the assumed size and corrects
    the layout when :func:`document_details` has run, after the first render.
    The outline is still read here: whether there is one decides whether the side
    panel opens, and so the page width, and so the scale of the first render.
    """
    doc = open_pdf(path, password)
    first = min(max(0, first_page), doc.page_count - 1)
    try:
        rect = doc[first].rect
        size = (rect.width, rect.height)
    except Exception:
        size = (612.0, 792.0)
    info = DocInfo(
        page_count=doc.page_count,
        page_sizes=[size] * doc.page_count,
        toc=_toc(doc),
        title=(doc.metadata or {}).get("title") or "",
        repaired=bool(getattr(doc, "is_repaired", False)),
    )
    return doc, info


def document_details(doc: pymupdf.Document) -> dict[str, Any]:
    """What :func:`open_document_quickly` left out: every page's size."""
    return {"page_sizes": page_sizes(doc), "sizes_known": True}


def page_sizes(doc: pymupdf.Document, seconds: float = SIZES_SECONDS) -> list[tuple[float, float]]:
    """Every page's size; after ``seconds`` (a damaged file repaired page by page) the rest repeat the last."""
    sizes: list[tuple[float, float]] = []
    deadline = time.monotonic() + seconds
    for number in range(doc.page_count):
        if sizes and time.monotonic() > deadline:
            sizes.extend([sizes[-1]] * (doc.page_count - len(sizes)))
            break
        try:
            rect = doc[number].rect
            sizes.append((rect.width, rect.height))
        except Exception:  # a damaged page still gets a slot in the layout
            sizes.append(sizes[-1] if sizes else (612.0, 792.0))
    return sizes


def _toc(doc: pymupdf.Document) -> list[tuple[int, str, int, float | None]]:
    try:
        entries = doc.get_toc(simple=False)
    except Exception:
        return []
    result = []
    for entry in entries:
        level, title, page = entry[0], entry[1], entry[2]
        dest = entry[3] if len(entry) > 3 and isinstance(entry[3], dict) else {}
        to = dest.get("to")
        y = float(to.y) if to is not None and hasattr(to, "y") else None
        result.append((int(level), str(title), int(page) - 1, y))
    return result


def render_into(doc: pymupdf.Document, key: RenderKey, buffer: memoryview,
                max_pixels: int = MAX_RENDER_PIXELS) -> tuple[int, int, int]:
    """Draw one page into ``buffer``; returns (width, height, stride).

    A page too large for ``max_pixels`` at ``key.scale`` is drawn at a lower scale
    (:func:`reader.pdf.geometry.drawn_scale`): the image is then smaller than the
    page's place on screen, and the viewer scales it up. Raises ValueError when
    the buffer is too small, so the caller can grow it.
    """
    page = doc[key.page]
    bound = page.bound()
    scale = drawn_scale(bound.width, bound.height, key.scale, max_pixels)
    ctm = pymupdf.Matrix(scale, scale).prerotate(key.rotation)
    fz_ctm = _m.FzMatrix(ctm.a, ctm.b, ctm.c, ctm.d, ctm.e, ctm.f)
    bbox = _m.fz_round_rect(_m.fz_transform_rect(_m.fz_bound_page(page.this), fz_ctm))
    width, height = bbox.x1 - bbox.x0, bbox.y1 - bbox.y0
    stride = width * BYTES_PER_PIXEL
    if stride * height > len(buffer):
        raise BufferTooSmall(f"buffer of {len(buffer)} bytes too small for {width}x{height}", stride * height)
    pix = _m.fz_new_pixmap_with_bbox_and_data(
        _m.fz_device_bgr(), bbox, _m.FzSeparations(), 1, _m.python_mutable_buffer_data(buffer)
    )
    _m.fz_clear_pixmap_with_value(pix, 255)
    device = _m.fz_new_draw_device(_m.FzMatrix(), pix)
    try:
        _m.fz_run_page(page.this, device, fz_ctm, _m.FzCookie())
    finally:
        _m.fz_close_device(device)
    if key.dark:
        _darken(page, pix, ctm, bbox)
    return width, height, stride


def _darken(page: pymupdf.Page, pix: Any, ctm: pymupdf.Matrix, bbox: Any) -> None:
    """Swap paper and ink colours but put photos and raster figures back untouched."""
    saved = []
    transform = page.rotation_matrix * ctm
    try:
        infos = page.get_image_info()
    except Exception:
        infos = []
    for info in infos:
        rect = pymupdf.Rect(info["bbox"]) * transform
        irect = _m.FzIrect(
            max(int(rect.x0), bbox.x0), max(int(rect.y0), bbox.y0),
            min(int(rect.x1) + 1, bbox.x1), min(int(rect.y1) + 1, bbox.y1),
        )
        if irect.x1 - irect.x0 < 2 or irect.y1 - irect.y0 < 2:
            continue
        copy = _m.fz_new_pixmap_with_bbox(_m.fz_device_bgr(), irect, _m.FzSeparations(), 1)
        _m.fz_copy_pixmap_rect(copy, pix, irect, _m.FzDefaultColorspaces())
        saved.append((copy, irect))
    _m.fz_tint_pixmap(pix, DARK_TEXT, DARK_BACKGROUND)
    for copy, irect in saved:
        _m.fz_copy_pixmap_rect(pix, copy, irect, _m.FzDefaultColorspaces())


def _rect(rect: pymupdf.Rect, page: pymupdf.Page) -> Rect:
    if page.rotation:
        rect = rect * page.rotation_matrix
    return (rect.x0, rect.y0, rect.x1, rect.y1)


def empty_store() -> None:
    """Drop MuPDF's cache of decoded fonts and images: nothing open needs them any more."""
    from reader.pdf.limits import release_free_heap

    pymupdf.TOOLS.store_shrink(100)
    release_free_heap()


def page_text_and_links(doc: pymupdf.Document, number: int) -> dict[str, Any]:
    """Words (in content order) and links of one page, in displayed page coordinates."""
    page = doc[number]
    words = [
        (*_rect(pymupdf.Rect(w[:4]), page), w[4], w[5], w[6])
        for w in page.get_text("words", sort=False)
    ]
    links = []
    for link in page.get_links():
        kind = link.get("kind")
        entry: dict[str, Any] = {"rect": _rect(link["from"], page), "kind": "other", "page": None, "y": None, "uri": None}
        if kind in (pymupdf.LINK_GOTO, pymupdf.LINK_NAMED) and isinstance(link.get("page"), int) and link["page"] >= 0:
            entry["kind"] = "goto"
            entry["page"] = link["page"]
            to = link.get("to")
            entry["y"] = float(to.y) if to is not None else None
        elif kind == pymupdf.LINK_URI:
            entry["kind"] = "uri"
            entry["uri"] = link.get("uri") or ""
        elif kind in (pymupdf.LINK_LAUNCH, pymupdf.LINK_GOTOR):
            entry["kind"] = "file"
            entry["uri"] = link.get("file") or link.get("uri") or ""
        else:
            entry["uri"] = link.get("uri") or link.get("name") or ""
        links.append(entry)
    return {"words": words, "links": links}


def find_text(doc: pymupdf.Document, query: str, seconds: float = FIND_SECONDS) -> list[tuple[int, Rect]]:
    """Every hit of ``query`` in page order, case-insensitive as MuPDF searches.

    Stops after ``seconds`` with the hits found so far, inside the render
    process's own limit for a find, so a slow page ends a search, not the process.
    """
    hits: list[tuple[int, Rect]] = []
    if not query.strip():
        return hits
    deadline = time.monotonic() + seconds
    for number in range(doc.page_count):
        if time.monotonic() > deadline:
            break
        try:
            page = doc[number]
            found = page.search_for(query)
        except Exception:
            continue
        hits.extend((number, _rect(rect, page)) for rect in found)
        if len(hits) >= MAX_FIND_HITS:
            break
    return hits
