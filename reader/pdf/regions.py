"""Locating the figure or table a caption belongs to.

Vector paths come from the text pass (see ``reader.pdf.text``); images are
listed only for pages that have a caption. From the caption we sweep away from the text (up for figures, down
for tables, the other way if that side is empty), absorbing graphics and
non-body text that overlap the growing horizontal band, and stop at running
text, another caption, or a wide empty gap.
"""

from __future__ import annotations

import pymupdf

from reader.pdf.captions import CaptionHit
from reader.pdf.text import Line

Rect = tuple[float, float, float, float]



def page_graphics(page: pymupdf.Page, vectors: list[Rect]) -> list[Rect]:
    """Painted paths and images, without page-sized backgrounds and invisible specks."""
    area = page.rect.width * page.rect.height
    rects = list(vectors)
    try:
        if page.get_images(full=False):
            rects += [tuple(info["bbox"]) for info in page.get_image_info()]
    except Exception:
        pass
    out: list[Rect] = []
    for x0, y0, x1, y1 in rects:
        w, h = x1 - x0, y1 - y0
        if w < 0 or h < 0 or w * h > 0.8 * area or max(w, h) < 1.5:
            continue
        out.append((x0, y0, x1, y1))
    return out


def _is_body(line: Line, body: float, column: float) -> bool:
    return abs(line.size - body) < 0.6 and line.width >= 0.7 * column and len(line.text) > 30


def find_region(
    hit: CaptionHit,
    lines: list[Line],
    graphics: list[Rect],
    others: list[CaptionHit],
    body: float,
    column: float,
    page_rect: pymupdf.Rect,
) -> Rect | None:
    caption_ids = {id(ln) for h in others for ln in h.lines}
    text_elems: list[tuple[Rect, bool]] = []
    for ln in lines:
        if id(ln) in caption_ids:
            continue
        text_elems.append((ln.bbox, _is_body(ln, body, column)))
    elems = [(g, False) for g in graphics] + text_elems
    stops = [h.bbox for h in others if h is not hit]
    first = "up" if hit.kind == "figure" else "down"
    second = "down" if first == "up" else "up"
    region = _sweep(hit.bbox, elems, stops, first, body, page_rect)
    if region is None:
        region = _sweep(hit.bbox, elems, stops, second, body, page_rect)
    return region


def _sweep(
    cap: Rect,
    elems: list[tuple[Rect, bool]],
    stops: list[Rect],
    direction: str,
    body: float,
    page_rect: pymupdf.Rect,
) -> Rect | None:
    up = direction == "up"
    margin_top = page_rect.y0 + 0.05 * page_rect.height
    margin_bottom = page_rect.y1 - 0.05 * page_rect.height
    max_gap = 3.0 * body
    band0, band1 = cap[0] - 2, cap[2] + 2
    frontier = cap[1] if up else cap[3]
    if up:
        pool = [(r, b, False) for r, b in elems if r[3] <= cap[1] + 2 and r[1] >= margin_top]
        pool += [(r, True, True) for r in stops if r[3] <= cap[1] + 2]
        pool.sort(key=lambda e: -e[0][3])
    else:
        pool = [(r, b, False) for r, b in elems if r[1] >= cap[3] - 2 and r[3] <= margin_bottom]
        pool += [(r, True, True) for r in stops if r[1] >= cap[3] - 2]
        pool.sort(key=lambda e: e[0][1])
    region: list[float] | None = None
    has_graphic_or_text = False
    for rect, is_stop, _ in pool:
        if min(band1, rect[2]) - max(band0, rect[0]) <= 0:
            continue
        gap = frontier - rect[3] if up else rect[1] - frontier
        if gap > max_gap:
            break
        if is_stop:
            break
        has_graphic_or_text = True
        if region is None:
            region = list(rect)
        else:
            region = [min(region[0], rect[0]), min(region[1], rect[1]), max(region[2], rect[2]), max(region[3], rect[3])]
        frontier = min(frontier, rect[1]) if up else max(frontier, rect[3])
        band0, band1 = min(band0, rect[0]), max(band1, rect[2])
    if region is None or not has_graphic_or_text:
        return None
    if (region[2] - region[0]) < 4 or (region[3] - region[1]) < 4:
        return None
    clip = page_rect
    return (
        max(region[0], clip.x0),
        max(region[1], clip.y0),
        min(region[2], clip.x1),
        min(region[3], clip.y1),
    )
