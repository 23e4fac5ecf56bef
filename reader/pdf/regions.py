"""Locating the figure or table a caption belongs to.

A float sits in the free space next to its caption: above or below it (or beside
it, for captions set in a margin column), bounded by running text, another
caption or the page edge. Each caption gets one candidate per side: the marks
and non-running text in that free space within the caption's column, walked
outwards from the caption. Which side wins is settled for the whole paper (in
``reader.pdf.extract``), since a paper puts all its table captions on the same
side of their tables.

Telling running text from the text inside figures and tables is what the rest
hinges on. A paragraph is body-size lines that fill the column (and reach its
justified edge when the paper is justified), plus the lines set right against
them: a paragraph's short last line, a heading above it, a numbered equation.
"""

from __future__ import annotations

import re
import string
from bisect import bisect_left, bisect_right
from dataclasses import dataclass

import pymupdf

from reader.pdf.captions import CaptionHit
from reader.pdf.text import GAP_FONT, Line

Rect = tuple[float, float, float, float]
_mupdf = pymupdf.mupdf
_RGB = _mupdf.FzColorspace(_mupdf.FzColorspace.Fixed_RGB)
_PARAMS = _mupdf.FzColorParams()


def _meet(a: Rect, b: Rect) -> Rect:
    return (max(a[0], b[0]), max(a[1], b[1]), min(a[2], b[2]), min(a[3], b[3]))


def _overlap(a0: float, a1: float, b0: float, b1: float) -> float:
    return max(0.0, min(a1, b1) - max(a0, b0))


def _area(r: Rect) -> float:
    return (r[2] - r[0]) * (r[3] - r[1])


class _Marks(_mupdf.FzDevice2):
    """What a page paints, each mark cut to the clip in force when it is drawn.

    MuPDF's listings give whole paths and placed images, but LaTeX's ``clip``,
    cropped PDF figures and plot axes show only part of them, and only the
    interpreter knows the clip stack. The text pass also drops curved paths and
    turned text (axis labels); both are collected here.
    """

    def __init__(self, cookie, limit: int) -> None:
        super().__init__()
        self.cookie, self.limit = cookie, limit
        for name in ("fill_path", "stroke_path", "fill_shade", "fill_image", "fill_image_mask", "fill_text",
                     "clip_path", "clip_stroke_path", "clip_text", "clip_stroke_text", "clip_image_mask",
                     "begin_mask", "pop_clip"):
            getattr(self, f"use_virtual_{name}")()
        self.stack: list[Rect] = []
        self.graphics: list[Rect] = []
        self.turned: list[Rect] = []

    def _push(self, r) -> None:
        box = (r.x0, r.y0, r.x1, r.y1)
        self.stack.append(_meet(box, self.stack[-1]) if self.stack else box)

    def _clip(self, ctx, *args) -> None:
        self._push(args[-1])  # the scissor: the clip's bounds

    clip_path = clip_stroke_path = clip_text = clip_stroke_text = clip_image_mask = _clip

    def begin_mask(self, ctx, area, *rest):
        self._push(area)

    def pop_clip(self, ctx):
        if self.stack:
            self.stack.pop()

    def _add(self, out: list[Rect], r) -> None:
        self._keep(out, r.x0, r.y0, r.x1, r.y1)

    def _keep(self, out: list[Rect], x0: float, y0: float, x1: float, y1: float) -> None:
        """Keep a mark cut to the clip, unless nothing of it shows.

        Called for every path, image and turned text a page paints: :func:`_meet` is
        written out, keeping what ``max`` and ``min`` return on ties, because the calls
        cost more than the comparisons.
        """
        if self.stack:
            c0, c1, c2, c3 = self.stack[-1]
            x0, y0, x1, y1 = c0 if c0 > x0 else x0, c1 if c1 > y0 else y0, c2 if c2 < x1 else x1, c3 if c3 < y1 else y1
        if x1 >= x0 and y1 >= y0:
            out.append((x0, y0, x1, y1))
            if len(out) > self.limit:
                self.cookie.m_internal.abort = 1  # a point cloud: the text pass's vectors will do

    def fill_path(self, ctx, path, even_odd, ctm, colorspace, color, alpha, color_params):
        r = _mupdf.ll_fz_bound_path(path, None, ctm)
        x0, y0, x1, y1 = r.x0, r.y0, r.x1, r.y1  # read once: each read of a MuPDF struct's field is a call
        if alpha > 0 and not ((x1 - x0) * (y1 - y0) > 1500 and _white(colorspace, color)):
            self._keep(self.graphics, x0, y0, x1, y1)  # a white box only paints over the page's own white

    def stroke_path(self, ctx, path, stroke, ctm, colorspace, color, alpha, color_params):
        if alpha > 0:
            r = _mupdf.ll_fz_bound_path(path, stroke, ctm)
            self._keep(self.graphics, r.x0, r.y0, r.x1, r.y1)

    def fill_shade(self, ctx, shade, ctm, alpha, color_params):
        if alpha > 0:
            self._add(self.graphics, _mupdf.ll_fz_bound_shade(shade, ctm))

    def fill_image(self, ctx, image, ctm, *rest):
        self._add(self.graphics, _mupdf.fz_transform_rect(_mupdf.FzRect(0, 0, 1, 1), _mupdf.FzMatrix(ctm)))

    fill_image_mask = fill_image

    def fill_text(self, ctx, text, ctm, *rest):
        ca, cb, cc, cd = ctm.a, ctm.b, ctm.c, ctm.d  # each read of a MuPDF struct's field is a call
        span = text.head
        while span:
            t = span.trm
            ta, tb = t.a, t.b
            if abs(ta * cb + tb * cd) > abs(ta * ca + tb * cc):
                self._add(self.turned, _mupdf.ll_fz_bound_text(text, None, ctm))
                return
            span = span.next


def _white(colorspace, color) -> bool:
    rgb = _mupdf.ll_fz_convert_color(colorspace, color, _RGB.m_internal, None, _PARAMS.internal())
    return min(rgb[:3]) > 0.97


def page_marks(page: pymupdf.Page, vectors: list[Rect], limit: int = 30000) -> tuple[list[Rect], list[Rect]]:
    """Painted paths and images, and turned text, without page-sized backgrounds and specks.

    ``vectors`` (from the text pass) stand in if the page cannot be run, or
    paints more than ``limit`` marks and would take too long to collect.
    """
    try:
        cookie = _mupdf.FzCookie()
        marks = _Marks(cookie, limit)
        _mupdf.fz_run_page(page.this, marks, _mupdf.FzMatrix(), cookie)
        if cookie.m_internal.abort:
            raise OverflowError
        found, turned = marks.graphics, marks.turned
    except Exception:
        found, turned = list(vectors) + [tuple(i["bbox"]) for i in page.get_image_info()], []
    pr = tuple(page.rect)
    p0, p1, p2, p3 = pr
    largest = 0.8 * _area(pr)  # type: ignore[arg-type]
    graphics = []
    for b0, b1, b2, b3 in found:  # each cut to the page: _meet(box, pr) written out, as in _Marks._keep
        x0, y0, x1, y1 = p0 if p0 > b0 else b0, p1 if p1 > b1 else b1, p2 if p2 < b2 else b2, p3 if p3 < b3 else b3
        if x1 >= x0 and y1 >= y0 and max(x1 - x0, y1 - y0) >= 1.5 and (x1 - x0) * (y1 - y0) <= largest:
            graphics.append((x0, y0, x1, y1))
    return graphics, [t for t in turned if t[3] - t[1] < 0.25 * page.rect.height]


_ASCII_LETTERS = string.ascii_letters.encode("ascii")  # the ASCII characters str.isalpha() accepts
_EQNO = re.compile(r"\(\d{1,3}[a-z]?\)$")
_HEADING = re.compile(r"^(?:\d{1,2}(?:\.\d{1,2})*\.?|[A-H]\.?)\s+[A-Z][a-z]")


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


def _core(line: Line) -> Rect:
    """The line's box without the odd glyph whose bounds reach far above or below the row."""
    return (line.x0, max(line.y0, line.base - 1.6 * line.size), line.x1, min(line.y1, line.base + 0.8 * line.size))


def _gappy(line: Line, wide: float = 0.8) -> bool:
    """Pieces set apart on one row: table cells, not words."""
    return any(sp.font == GAP_FONT and sp.x1 - sp.x0 > wide * sp.size for sp in line.spans)


def _wordy(line: Line) -> bool:
    """Mostly letters. An ASCII line's letters are counted by deleting them, in C."""
    text = line.text
    if text.isascii():
        letters = len(text) - len(text.encode("ascii").translate(None, _ASCII_LETTERS))
    else:
        letters = sum(map(str.isalpha, text))
    return letters >= 0.6 * len(text.replace(" ", ""))


def _bold(line: Line) -> bool:
    return sum(len(sp.text) for sp in line.spans if sp.bold) > 0.6 * len(line.text)


def _repeated(mark: Rect, furniture: list[Rect]) -> bool:
    """Whether the mark is one of the page's furniture: every side within 2 pt of a rule's.

    Asked of every mark on a page with a caption: written out, as the nested
    generators of ``all`` inside ``any`` cost more than the comparisons.
    """
    x0, y0, x1, y1 = mark
    for f in furniture:
        if abs(x0 - f[0]) <= 2 and abs(y0 - f[1]) <= 2 and abs(x1 - f[2]) <= 2 and abs(y1 - f[3]) <= 2:
            return True
    return False


@dataclass(frozen=True)
class Candidate:
    side: str
    rect: Rect
    gap: float  # from the caption to the nearest mark
    graphic: bool  # holds a path or an image, not only text
    marks: tuple[Rect, ...] = ()


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
        furniture: list[Rect] = (),  # type: ignore[assignment]
    ) -> None:
        self.page, self.body, self.layout = tuple(page_rect), body, layout
        self.graphics = [g for g in graphics if not _repeated(g, furniture)]
        captions = {id(ln) for h in hits for ln in h.lines}
        free = [ln for ln in lines if id(ln) not in captions and id(ln) not in ignore]
        running = self._running_text(free)
        self.boxes: dict[int, Rect] = {}
        for h in hits:
            cores = [_core(ln) for ln in h.lines] or [h.bbox]
            self.boxes[id(h)] = (min(b[0] for b in cores), min(b[1] for b in cores),
                                 max(b[2] for b in cores), max(b[3] for b in cores))
        self.stops = [_core(ln) for ln in free if id(ln) in running] + list(self.boxes.values())
        top, bottom = self.page[1] + 0.055 * page_rect.height, self.page[3] - 0.055 * page_rect.height
        marks = [(g, True) for g in self.graphics] + [(t, False) for t in turned]
        marks += [(_core(ln), False) for ln in free if id(ln) not in running]
        self.content = [(r, g) for r, g in marks if r[3] > top and r[1] < bottom]  # margins hold page furniture

    def _boxed(self, line: Line, frames: list[Rect]) -> bool:
        """Inside a drawn box: a table cell, a framed panel, a plot's axes.

        Every line of a page against every frame on it: the overlaps are worked out
        inline (as :func:`_overlap` does) because the calls cost more than the sums.
        """
        least = 0.6 * line.width * line.height
        x0, y0, x1, y1 = line.x0, line.y0, line.x1, line.y1
        for g in frames:
            if (g[2] - g[0]) * (g[3] - g[1]) <= least:
                continue
            across = (g[2] if g[2] < x1 else x1) - (g[0] if g[0] > x0 else x0)  # noqa: FURB136 - no calls
            down = (g[3] if g[3] < y1 else y1) - (g[1] if g[1] > y0 else y0)  # noqa: FURB136 - no calls
            if (across if across > 0.0 else 0.0) * (down if down > 0.0 else 0.0) > least:  # noqa: FURB136
                return True
        return False

    def _rows(self, lines: list[Line]) -> list[list[Line]]:
        """Body-size pieces set on one baseline close together: a printed line broken up by maths."""
        rows: list[list[Line]] = []
        for ln in sorted((ln for ln in lines if abs(ln.size - self.body) < 0.6), key=lambda ln: (round(ln.base), ln.x0)):
            row = rows[-1] if rows else None
            if row and abs(row[-1].base - ln.base) < 0.35 * ln.size and 0 <= ln.x0 - row[-1].x1 < 1.5 * self.body:
                row.append(ln)
            else:
                rows.append([ln])
        return rows

    def _running_text(self, lines: list[Line]) -> set[int]:
        """Ids of the lines that are paragraphs, headings or numbered equations."""
        body, column, edges = self.body, self.layout.column, self.layout.edges
        frames = [g for g in self.graphics if g[2] - g[0] > 3 and g[3] - g[1] > 3]
        open_lines = [ln for ln in lines if ln.size >= body - 0.6 and not self._boxed(ln, frames)]
        running: set[int] = {id(ln) for ln in open_lines if ln.size >= 1.4 * body}  # titles, big headings
        for row in self._rows(open_lines):
            justified = any(abs(row[-1].x1 - e) <= 3 for e in edges)
            if row[-1].x1 - row[0].x0 >= 0.7 * column and (justified if edges else all(_wordy(ln) for ln in row)):
                if any(ln.width > 0.4 * column and _wordy(ln) and not _gappy(ln, 1.5) and len(ln.text.split()) >= 4
                       for ln in row):  # the cheap tests first
                    running.update(id(ln) for ln in row)
            elif justified and _EQNO.search(row[-1].text):
                eq = row[-1]  # a numbered display equation: everything on its row in the column
                running.update(id(o) for o in open_lines if _overlap(o.y0, o.y1, eq.y0, eq.y1) > 0.5 * eq.height
                               and eq.x1 - column - 5 < o.x0 and o.x1 <= eq.x1)
        starts = {round(ln.x0) for ln in open_lines if id(ln) in running}
        running.update(  # numbered section headings, even with a float set right under them
            id(ln) for ln in open_lines
            if _HEADING.match(ln.text) and _bold(ln) and len(ln.text.split()) <= 12
            and any(abs(ln.x0 - x) <= 3 for x in starts)
        )
        seeds = sorted((ln for ln in open_lines if id(ln) in running), key=lambda ln: (round(ln.x0 / 20), ln.base))
        pitches = sorted(b.base - a.base for a, b in zip(seeds, seeds[1:]) if 0 < b.base - a.base < 3 * b.size)
        leading = pitches[len(pitches) // 2] if pitches else 1.2 * body
        order = sorted(open_lines, key=lambda ln: ln.base)
        bases = [ln.base for ln in order]
        todo = [ln for ln in order if id(ln) in running]
        while todo:
            other = todo.pop()
            window = max(3.0 * other.size, 1.9 * leading)
            for ln in order[bisect_left(bases, other.base - window):bisect_right(bases, other.base + window)]:
                if id(ln) in running or not _wordy(ln):
                    continue
                heading = ln.base < other.base and (ln.size > body + 0.6 or _bold(ln)) and ln.width < 0.8 * column
                if heading:
                    reach = max(3.0 * ln.size, 1.9 * leading)
                elif _gappy(ln) or abs(ln.size - body) >= 0.6 or abs(ln.x0 - other.x0) >= 3 * body:
                    continue
                else:
                    reach = max(1.9 * max(ln.size, other.size), 1.3 * leading)
                if 0 < abs(ln.base - other.base) < reach and _overlap(ln.x0, ln.x1, other.x0, other.x1) > 0.5 * min(ln.width, other.width):
                    running.add(id(ln))
                    todo.append(ln)
        return running

    def _band(self, cap: Rect) -> tuple[float, float]:
        """The caption's column, narrowed by running text set beside the caption."""
        x0, x1 = self.page[0], self.page[2]
        lay = self.layout
        slack = 0.1 * lay.column
        if lay.two_columns and cap[2] < lay.centre + slack:
            x1 = lay.centre
        elif lay.two_columns and cap[0] > lay.centre - slack:
            x0 = lay.centre
        c1, c3 = cap[1], cap[3]
        for s in self.stops:
            if s != cap and (c3 if c3 < s[3] else s[3]) - (c1 if c1 > s[1] else s[1]) > 0:  # _overlap, written out
                if s[0] >= cap[2] - 1:
                    x1 = min(x1, s[0] - 1)
                elif s[2] <= cap[0] + 1:
                    x0 = max(x0, s[2] + 1)
        return min(x0, cap[0]), max(x1, cap[2])

    def candidates(self, hit: CaptionHit) -> list[Candidate]:
        """The float's candidate box on each side of the caption that has marks."""
        cap = self.boxes[id(hit)]
        cx0, cy0, cx1, cy1 = cap
        bx0, bx1 = self._band(cap)
        margin = 0.02 * (self.page[3] - self.page[1])
        out = []
        for side in ("above", "below"):
            edge = self.page[1] + margin if side == "above" else self.page[3] - margin
            for s in self.stops:  # the _overlap and min calls written out: every stop, twice per caption
                if s == cap:
                    continue
                s0, s2 = s[0], s[2]
                across, least = (bx1 if bx1 < s2 else s2) - (bx0 if bx0 > s0 else s0), 0.3 * (s2 - s0)
                if (across if across > 0.0 else 0.0) < (least if least < 20.0 else 20.0):
                    continue
                if side == "above" and s[3] <= cy0 + 1:
                    edge = max(edge, s[3])
                elif side == "below" and s[1] >= cy1 - 1:
                    edge = min(edge, s[1])
            cand = self._gather(side, (bx0, edge, bx1, cy0) if side == "above" else (bx0, cy1, bx1, edge), cap)
            if cand:
                out.append(cand)
        if out and cx1 - cx0 >= 0.75 * self.layout.column:
            return out
        for side, sx0, sx1 in (("right", cx1, self.page[2]), ("left", self.page[0], cx0)):
            top, bottom = self.page[1] + margin, self.page[3] - margin
            for s in self.stops:
                if s != cap and (sx1 if sx1 < s[2] else s[2]) - (sx0 if sx0 > s[0] else s[0]) > 0:  # _overlap
                    if s[3] <= cy0 + 1:
                        top = max(top, s[3])
                    elif s[1] >= cy0:
                        bottom = min(bottom, s[1])
            cand = self._gather(side, (sx0, top, sx1, bottom), cap)
            if cand and cand.graphic and abs(cand.rect[1] - cy0) < 3 * self.body:
                if not out or _overlap(cand.rect[0], cand.rect[2], bx0, bx1) > 10:
                    out.append(cand)  # a float beside its caption shares the caption's column
        return out

    def _gather(self, side: str, free: Rect, cap: Rect) -> Candidate | None:
        """The marks in ``free``, walked outwards from the caption until a wide empty gap.

        Above and below, a mark joins only if it lines up with the caption or with
        marks already taken, so text beside the figure in a wide free space stays out.
        """
        fx0, fy0, fx1, fy1 = free
        if fx1 - fx0 < 4 or fy1 - fy0 < 4:
            return None
        inside = []
        for entry in self.content:  # most of them lie elsewhere: the _overlap calls are written out
            r0, r1, r2, r3 = entry[0]
            if not fy0 <= (r1 + r3) / 2 <= fy1:
                continue
            if r2 > r0:
                across = (fx1 if fx1 < r2 else r2) - (fx0 if fx0 > r0 else r0)
                if not (across if across > 0.0 else 0.0) >= 0.6 * (r2 - r0):
                    continue
            elif not fx0 <= r0 <= fx1:
                continue
            down = (fy1 if fy1 < r3 else r3) - (fy0 if fy0 > r1 else r1)
            if (down if down > 0.0 else 0.0) >= 0.6 * (r3 - r1):
                inside.append(entry)
        near = {"above": lambda r: cap[1] - r[3], "below": lambda r: r[1] - cap[3],
                "right": lambda r: r[0] - cap[2], "left": lambda r: cap[0] - r[2]}[side]
        far = {"above": lambda r: cap[1] - r[1], "below": lambda r: r[3] - cap[3],
               "right": lambda r: r[2] - cap[2], "left": lambda r: cap[0] - r[0]}[side]
        inside.sort(key=lambda e: near(e[0]))
        vertical = side in ("above", "below")
        limit, reach = 4.5 * self.body, 0.3 * self.body
        region: list[float] | None = None
        graphic, span, deferred, gap, taken = False, [cap[0], cap[2]], [], 0.0, []
        for rect, is_graphic in inside:
            if region is None:
                gap = max(0.0, near(rect))
            elif near(rect) - far(tuple(region)) > limit:  # type: ignore[arg-type]
                break
            if vertical:
                lo, hi = rect[0] - reach, rect[2] + reach  # _overlap(lo, hi, *span) <= 0, written out
                if not (span[1] if span[1] < hi else hi) - (span[0] if span[0] > lo else lo) > 0:
                    deferred.append((rect, is_graphic))
                    continue
            todo = [(rect, is_graphic)]
            while todo:
                r, g = todo.pop()
                taken.append(r)
                region = list(r) if region is None else [
                    min(region[0], r[0]), min(region[1], r[1]), max(region[2], r[2]), max(region[3], r[3])]
                graphic = graphic or g
                if vertical and (r[0] < span[0] or r[2] > span[1]):
                    span = [min(span[0], r[0]), max(span[1], r[2])]
                    for d in [d for d in deferred if _overlap(d[0][0] - reach, d[0][2] + reach, span[0], span[1]) > 0]:
                        deferred.remove(d)
                        todo.append(d)
        if region is None or region[2] - region[0] < 4 or region[3] - region[1] < 4:
            return None
        box = _meet(tuple(region), self.page)  # type: ignore[arg-type]
        return Candidate(side, box, gap, graphic, tuple(taken))
