"""Locating the figure or table a caption belongs to.

A float sits in the free space next to its caption: above or below it (or beside
it, for captions set in a margin column), bounded by running text, another
caption or the page edge. So each caption gets one candidate per side: the
graphics and non-running text inside that free space, within the caption's
column. Which side wins is decided afterwards, with a vote over the document's
unambiguous captions, because a paper puts all its table captions on the same
side of their tables.

Telling running text from the text inside figures and tables is what the rest
hinges on: a paragraph is body-size lines that fill the column, plus the lines
set right against them (a paragraph's short last line, a heading above it).
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass

import pymupdf

from reader.pdf.captions import CaptionHit
from reader.pdf.text import GAP_FONT, Line

Rect = tuple[float, float, float, float]
SIDES = ("above", "below", "right", "left")
_mupdf = pymupdf.mupdf


class _Marks(_mupdf.FzDevice2):
    """What a page paints, each mark cut to the clip in force when it is drawn.

    MuPDF's listings give whole paths and placed images, but LaTeX's
    ``trim``/``clip``, cropped PDF figures and plot axes show only part of them,
    and only the interpreter knows the clip stack. Its text extraction also
    drops curved paths and turned text (axis labels); both are collected here.
    """

    def __init__(self) -> None:
        super().__init__()
        for name in ("fill_path", "stroke_path", "fill_shade", "fill_image", "fill_image_mask", "fill_text",
                     "clip_path", "clip_stroke_path", "clip_text", "clip_stroke_text", "clip_image_mask",
                     "begin_mask", "pop_clip"):
            getattr(self, f"use_virtual_{name}")()
        self.stack: list[Rect] = []
        self.graphics: list[Rect] = []
        self.turned: list[Rect] = []

    def _push(self, rect) -> None:
        r = _mupdf.FzRect(rect)
        box = (r.x0, r.y0, r.x1, r.y1)
        if self.stack:
            top = self.stack[-1]
            box = (max(box[0], top[0]), max(box[1], top[1]), min(box[2], top[2]), min(box[3], top[3]))
        self.stack.append(box)

    def _add(self, out: list[Rect], r) -> None:
        box = (r.x0, r.y0, r.x1, r.y1)
        if self.stack:
            c = self.stack[-1]
            box = (max(box[0], c[0]), max(box[1], c[1]), min(box[2], c[2]), min(box[3], c[3]))
        if box[2] >= box[0] and box[3] >= box[1]:
            out.append(box)

    def clip_path(self, ctx, path, even_odd, ctm, scissor):
        self._push(scissor)

    def clip_stroke_path(self, ctx, path, stroke, ctm, scissor):
        self._push(scissor)

    def clip_text(self, ctx, text, ctm, scissor):
        self._push(scissor)

    def clip_stroke_text(self, ctx, text, stroke, ctm, scissor):
        self._push(scissor)

    def clip_image_mask(self, ctx, image, ctm, scissor):
        self._push(scissor)

    def begin_mask(self, ctx, area, luminosity, colorspace, color, color_params):
        self._push(area)

    def pop_clip(self, ctx):
        if self.stack:
            self.stack.pop()

    def fill_path(self, ctx, path, even_odd, ctm, colorspace, color, alpha, color_params):
        r = _mupdf.ll_fz_bound_path(path, None, ctm)
        if alpha > 0 and not ((r.x1 - r.x0) * (r.y1 - r.y0) > 1500 and _white(colorspace, color)):
            self._add(self.graphics, r)  # white boxes only paint over the page's own white

    def stroke_path(self, ctx, path, stroke, ctm, colorspace, color, alpha, color_params):
        if alpha > 0:
            self._add(self.graphics, _mupdf.ll_fz_bound_path(path, stroke, ctm))

    def fill_shade(self, ctx, shade, ctm, alpha, color_params):
        if alpha > 0:
            self._add(self.graphics, _mupdf.ll_fz_bound_shade(shade, ctm))

    def fill_image(self, ctx, image, ctm, *rest):
        self._add(self.graphics, _mupdf.fz_transform_rect(_mupdf.FzRect(0, 0, 1, 1), _mupdf.FzMatrix(ctm)))

    def fill_image_mask(self, ctx, image, ctm, *rest):
        self.fill_image(ctx, image, ctm)

    def fill_text(self, ctx, text, ctm, colorspace, color, alpha, color_params):
        span = text.head
        while span:
            t = span.trm
            if abs(t.a * ctm.b + t.b * ctm.d) > abs(t.a * ctm.a + t.b * ctm.c):
                self._add(self.turned, _mupdf.ll_fz_bound_text(text, None, ctm))
                return
            span = span.next


_RGB = _mupdf.FzColorspace(_mupdf.FzColorspace.Fixed_RGB)
_PARAMS = _mupdf.FzColorParams()


def _white(colorspace, color) -> bool:
    rgb = _mupdf.ll_fz_convert_color(colorspace, color, _RGB.m_internal, None, _PARAMS.internal())
    return min(rgb[:3]) > 0.97


def page_marks(page: pymupdf.Page, vectors: list[Rect]) -> tuple[list[Rect], list[Rect]]:
    """Painted paths and images, and turned text, without page-sized backgrounds and specks.

    ``vectors`` (from the text pass) stand in for the paths if the page cannot
    be run through the device.
    """
    try:
        marks = _Marks()
        _mupdf.fz_run_page(page.this, marks, _mupdf.FzMatrix(), _mupdf.FzCookie())
        found, turned = marks.graphics, marks.turned
    except Exception:
        found = list(vectors) + [tuple(info["bbox"]) for info in page.get_image_info()]
        turned = []
    area = page.rect.width * page.rect.height
    graphics: list[Rect] = []
    for x0, y0, x1, y1 in found:
        x0, y0, x1, y1 = max(x0, page.rect.x0), max(y0, page.rect.y0), min(x1, page.rect.x1), min(y1, page.rect.y1)
        w, h = x1 - x0, y1 - y0
        if w < 0 or h < 0 or w * h > 0.8 * area or max(w, h) < 1.5:
            continue
        graphics.append((x0, y0, x1, y1))
    return graphics, [t for t in turned if t[3] - t[1] < 0.25 * page.rect.height]


_DIGITS = re.compile(r"\d+")
_FOLIO = re.compile(r"^[\divxlcIVXLC\s.\-\u2013|]+$")


def running_lines(pages: list[list[Line]], heights: list[float]) -> set[int]:
    """Ids of running heads, feet and page numbers: they frame a page, not a figure."""
    seen: Counter[tuple[int, str]] = Counter()
    marginal: list[list[tuple[Line, tuple[int, str]]]] = []
    for lines, height in zip(pages, heights):
        here = []
        for ln in lines:
            if ln.y1 < 0.12 * height or ln.y0 > 0.88 * height:
                key = (round(ln.y0 / 3), _DIGITS.sub("#", ln.text.lower())[:40])
                here.append((ln, key))
        seen.update({key for _, key in here})
        marginal.append(here)
    need = max(2, 0.3 * len(pages))
    return {id(ln) for here in marginal for ln, key in here if seen[key] >= need or _FOLIO.match(ln.text)}


@dataclass(frozen=True)
class Layout:
    """Where the running text sits across the document."""

    x0: float
    x1: float
    column: float
    edges: tuple[float, ...] = ()  # right edges of justified text; empty when set ragged

    @property
    def two_columns(self) -> bool:
        return self.column < 0.62 * (self.x1 - self.x0)

    @property
    def centre(self) -> float:
        return (self.x0 + self.x1) / 2


def text_layout(pages: list[list[Line]], body: float, column: float) -> Layout:
    lines = [ln for page in pages for ln in page if abs(ln.size - body) < 0.6 and ln.width > 0.5 * column]
    if not lines:
        return Layout(0.0, 612.0, column)
    x0s = sorted(ln.x0 for ln in lines)
    x1s = sorted(ln.x1 for ln in lines)
    ends = Counter(round(x) for x in x1s)
    edges = [x for x, n in ends.items() if n >= max(3, 0.03 * len(lines))]
    justified = sum(n for x, n in ends.items() if any(abs(x - e) <= 2 for e in edges)) >= 0.4 * len(lines)
    return Layout(x0s[len(x0s) // 50], x1s[-1 - len(x1s) // 50], column, tuple(edges) if justified else ())


@dataclass(frozen=True)
class Candidate:
    side: str
    rect: Rect
    gap: float
    graphic: bool


def _overlap(a0: float, a1: float, b0: float, b1: float) -> float:
    return max(0.0, min(a1, b1) - max(a0, b0))


def _core(line: Line) -> Rect:
    """The line's box without the odd glyph whose bounds reach far above or below the row."""
    return (line.x0, max(line.y0, line.base - 1.6 * line.size), line.x1, min(line.y1, line.base + 0.8 * line.size))


def _caption_box(hit: CaptionHit) -> Rect:
    boxes = [_core(ln) for ln in hit.lines] or [hit.bbox]
    return (min(b[0] for b in boxes), min(b[1] for b in boxes), max(b[2] for b in boxes), max(b[3] for b in boxes))


def _prose(line: Line) -> bool:
    """Words set as a sentence: no cell gaps inside, mostly letters."""
    letters = sum(ch.isalpha() for ch in line.text)
    gaps = any(sp.font == GAP_FONT and sp.x1 - sp.x0 > 0.8 * sp.size for sp in line.spans)
    return not gaps and letters >= 0.6 * len(line.text.replace(" ", ""))


class PageRegions:
    """The free space around each caption of one page, and what is painted in it."""

    def __init__(
        self,
        lines: list[Line],
        graphics: list[Rect],
        turned: list[Rect],
        hits: list[CaptionHit],
        body: float,
        layout: Layout,
        page_rect: pymupdf.Rect,
        ignore: set[int] = frozenset(),  # type: ignore[assignment]
    ) -> None:
        self.page = page_rect
        self.body = body
        self.layout = layout
        self.graphics = graphics
        self.hits = hits
        caption_ids = {id(ln) for h in hits for ln in h.lines}
        free = [ln for ln in lines if id(ln) not in caption_ids and id(ln) not in ignore]
        running = self._running_text(free)
        self.boxes = {id(h): _caption_box(h) for h in hits}
        self.stops: list[Rect] = [_core(ln) for ln in free if id(ln) in running] + list(self.boxes.values())
        top, bottom = page_rect.y0 + 0.055 * page_rect.height, page_rect.y1 - 0.055 * page_rect.height
        self.content: list[tuple[Rect, bool]] = [(g, True) for g in graphics if g[3] > top and g[1] < bottom]
        self.content += [(_core(ln), False) for ln in free if id(ln) not in running]
        self.content += [(t, False) for t in turned]

    def _boxed(self, line: Line) -> bool:
        """Inside a drawn box: a table cell, a framed panel, a plot's axes."""
        area = max(line.width * line.height, 1e-6)
        for g in self.graphics:
            if g[2] - g[0] > 3 and g[3] - g[1] > 3:
                inter = _overlap(g[0], g[2], line.x0, line.x1) * _overlap(g[1], g[3], line.y0, line.y1)
                if inter > 0.6 * area:
                    return True
        return False

    def _running_text(self, lines: list[Line]) -> set[int]:
        body, column = self.body, self.layout.column
        edges = self.layout.edges
        running = set()
        for ln in lines:
            if self._boxed(ln):
                continue
            if ln.size >= 1.4 * body:
                running.add(id(ln))  # titles and headings set large
            elif (
                abs(ln.size - body) < 0.6
                and ln.width >= 0.7 * column
                and len(ln.text) > 25
                and _prose(ln)
                and (not edges or any(abs(ln.x1 - e) <= 3 for e in edges))
            ):
                running.add(id(ln))
        grown = True
        while grown:
            grown = False
            for ln in lines:
                if id(ln) in running or ln.size < body - 0.6 or not _prose(ln):
                    continue
                for other in lines:
                    if id(other) not in running:
                        continue
                    pitch = abs(ln.base - other.base)
                    heading = ln.size > body + 0.6 and ln.base < other.base
                    aligned = abs(ln.x0 - other.x0) < 3 * body or heading
                    if (
                        0 < pitch < (3.0 if heading else 1.9) * max(ln.size, other.size)
                        and aligned
                        and _overlap(ln.x0, ln.x1, other.x0, other.x1) > 0.5 * min(ln.width, other.width)
                        and (abs(ln.size - body) < 0.6 or ln.base < other.base)
                    ):
                        running.add(id(ln))
                        grown = True
                        break
        return running

    def _band(self, hit: CaptionHit) -> tuple[float, float]:
        """The caption's column, narrowed by running text set beside the caption."""
        x0, x1 = self.page.x0, self.page.x1
        lay = self.layout
        cap = self.boxes[id(hit)]
        cx0, cy0, cx1, cy1 = cap
        slack = 0.1 * lay.column
        if lay.two_columns and (cx1 < lay.centre + slack or cx0 > lay.centre - slack):
            if cx1 < lay.centre + slack:
                x1 = lay.centre
            else:
                x0 = lay.centre
        for s in self.stops:
            if s == cap or _overlap(s[1], s[3], cy0, cy1) <= 0:
                continue
            if s[0] >= cx1 - 1:
                x1 = min(x1, s[0] - 1)
            elif s[2] <= cx0 + 1:
                x0 = max(x0, s[2] + 1)
        return min(x0, cx0), max(x1, cx1)

    def candidates(self, hit: CaptionHit) -> list[Candidate]:
        out = []
        bx0, bx1 = self._band(hit)
        cap = self.boxes[id(hit)]
        cx0, cy0, cx1, cy1 = cap
        margin = 0.02 * self.page.height
        for side in ("above", "below"):
            up = side == "above"
            edge = self.page.y0 + margin if up else self.page.y1 - margin
            for s in self.stops:
                if s == cap or _overlap(s[0], s[2], bx0, bx1) < min(20.0, 0.3 * (s[2] - s[0])):
                    continue
                if up and s[3] <= cy0 + 1:
                    edge = max(edge, s[3])
                elif not up and s[1] >= cy1 - 1:
                    edge = min(edge, s[1])
            free = (bx0, edge, bx1, cy0) if up else (bx0, cy1, bx1, edge)
            cand = self._gather(side, free, cap)
            if cand:
                out.append(cand)
        if not out or cx1 - cx0 < 0.75 * self.layout.column:
            for side, sx0, sx1 in (("right", cx1, self.page.x1), ("left", self.page.x0, cx0)):
                top, bottom = self.page.y0 + margin, self.page.y1 - margin
                for s in self.stops:
                    if s == cap or _overlap(s[0], s[2], sx0, sx1) <= 0:
                        continue
                    if s[3] <= cy0 + 1:
                        top = max(top, s[3])
                    elif s[1] >= cy0:
                        bottom = min(bottom, s[1])
                cand = self._gather(side, (sx0, top, sx1, bottom), cap)
                if cand and cand.graphic and abs(cand.rect[1] - cy0) < 3 * self.body:
                    out.append(cand)
        return out

    def _gather(self, side: str, free: Rect, cap: Rect) -> Candidate | None:
        """What lies in ``free``, walked outwards from the caption until a wide empty gap."""
        fx0, fy0, fx1, fy1 = free
        if fx1 - fx0 < 4 or fy1 - fy0 < 4:
            return None
        inside = []
        for rect, graphic in self.content:
            w, h = rect[2] - rect[0], rect[3] - rect[1]
            if not (_overlap(rect[0], rect[2], fx0, fx1) >= 0.6 * w if w > 0 else fx0 <= rect[0] <= fx1):
                continue
            if not fy0 <= (rect[1] + rect[3]) / 2 <= fy1 or _overlap(rect[1], rect[3], fy0, fy1) < 0.6 * h:
                continue
            inside.append((rect, graphic))
        if not inside:
            return None
        vertical = side in ("above", "below")
        if side == "above":
            inside.sort(key=lambda e: -e[0][3])
        elif side == "below":
            inside.sort(key=lambda e: e[0][1])
        elif side == "right":
            inside.sort(key=lambda e: e[0][0])
        else:
            inside.sort(key=lambda e: -e[0][2])
        limit = 4.5 * self.body
        reach = 0.3 * self.body
        region: list[float] | None = None
        graphic = False
        gap = 0.0
        span = [cap[0], cap[2]]
        deferred: list[tuple[Rect, bool]] = []
        for rect, is_graphic in inside:
            if region is not None:
                if vertical:
                    step = region[1] - rect[3] if side == "above" else rect[1] - region[3]
                else:
                    step = rect[0] - region[2] if side == "right" else region[0] - rect[2]
                if step > limit:
                    break
            if vertical and _overlap(rect[0] - reach, rect[2] + reach, span[0], span[1]) <= 0:
                deferred.append((rect, is_graphic))
                continue
            if region is None:
                near = {"above": cap[1] - rect[3], "below": rect[1] - cap[3],
                        "right": rect[0] - cap[2], "left": cap[0] - rect[2]}[side]
                gap = max(0.0, near)
            todo = [(rect, is_graphic)]
            while todo:
                r, g = todo.pop()
                region = list(r) if region is None else [
                    min(region[0], r[0]), min(region[1], r[1]), max(region[2], r[2]), max(region[3], r[3])]
                graphic = graphic or g
                if vertical and (r[0] < span[0] or r[2] > span[1]):
                    span = [min(span[0], r[0]), max(span[1], r[2])]
                    keep = []
                    for d in deferred:
                        (todo if _overlap(d[0][0] - reach, d[0][2] + reach, span[0], span[1]) > 0 else keep).append(d)
                    deferred = keep
        if region is None:
            return None
        if region[2] - region[0] < 4 or region[3] - region[1] < 4:
            return None
        p = self.page
        rect = (max(region[0], p.x0), max(region[1], p.y0), min(region[2], p.x1), min(region[3], p.y1))
        return Candidate(side, rect, gap, graphic)


def side_votes(all_candidates: list[tuple[str, list[Candidate]]]) -> dict[str, Counter]:
    """Per kind, how many captions had their float on one side only."""
    votes: dict[str, Counter] = {}
    for kind, cands in all_candidates:
        vertical = [c for c in cands if c.side in ("above", "below")]
        if len(vertical) == 1:
            votes.setdefault(kind, Counter())[vertical[0].side] += 1
    return votes


def choose_region(kind: str, cands: list[Candidate], votes: dict[str, Counter]) -> Rect | None:
    """The float of one caption: its only candidate, or the side this paper uses."""
    if not cands:
        return None
    if len(cands) == 1:
        return cands[0].rect
    by_side = {c.side: c for c in cands}
    above, below = by_side.get("above"), by_side.get("below")
    beside = [c for c in cands if c.side in ("right", "left")]
    if beside:
        best = max(beside, key=lambda c: _area(c.rect))
        if not (above or below) or _area(best.rect) > 2 * max(_area(c.rect) for c in (above, below) if c):
            return best.rect
    if above and below:
        tally = votes.get(kind, Counter())
        if abs(tally["above"] - tally["below"]) >= (2 if kind == "figure" else 1):
            return (above if tally["above"] > tally["below"] else below).rect
        if abs(above.gap - below.gap) > 6.0:
            return (above if above.gap < below.gap else below).rect
        if above.graphic != below.graphic:
            return (above if above.graphic else below).rect
        return (above if kind == "figure" or above.gap <= below.gap else below).rect
    return (above or below).rect  # type: ignore[union-attr]


def _area(r: Rect) -> float:
    return (r[2] - r[0]) * (r[3] - r[1])
