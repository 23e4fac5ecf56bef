"""Figure and table regions on generated PDFs, one layout case per test.

Pages are drawn the way LaTeX output looks: justified 10 pt paragraphs in two
columns (or one), 9 pt captions, plots made of vector paths with small tick
labels and a turned axis label, raster images, booktabs tables. Each test
asserts the box the region should have, within a couple of points.
"""

from __future__ import annotations

from pathlib import Path

import pymupdf

from reader.pdf.extract import extract_pdf

WORDS = (
    "the method we propose builds on earlier work and extends it to the setting where labels are scarce and "
    "documents are long which is the common case for research papers in most fields so we study how readers "
    "find their way through results tables figures and the discussion of related approaches in the literature "
).split()
LEFT, RIGHT = (54.0, 296.0), (316.0, 558.0)
FULL = (54.0, 558.0)
TOL = 3.0


def text(n: int, start: int = 0) -> str:
    return " ".join(WORDS[(start + i) % len(WORDS)] for i in range(n)).capitalize() + "."


class Sheet:
    def __init__(self, doc: pymupdf.Document):
        self.page = doc.new_page(width=612, height=792)
        self.font = pymupdf.Font("tiro")

    def para(self, x: tuple[float, float], y0: float, y1: float, words: int = 400, start: int = 0) -> None:
        """A justified paragraph filling the box; its last line falls short of the right edge."""
        tw = pymupdf.TextWriter(self.page.rect)
        tw.fill_textbox(pymupdf.Rect(x[0], y0, x[1], y1), text(words, start), font=self.font, fontsize=10,
                        align=pymupdf.TEXT_ALIGN_JUSTIFY, warn=None)
        tw.write_text(self.page)

    def caption(self, x: float, y: float, lines: list[str]) -> float:
        for i, line in enumerate(lines):
            self.page.insert_text((x, y + 11 * i), line, fontsize=9, fontname="tiro")
        return y + 11 * len(lines)

    def plot(self, rect: tuple[float, float, float, float]) -> None:
        """Axes with a curve, tick labels below and a turned label at the left edge: all of ``rect``."""
        x0, y0, x1, y1 = rect
        axes = pymupdf.Rect(x0 + 22, y0, x1 - 10, y1 - 16)
        self.page.draw_rect(axes, color=(0, 0, 0), width=0.6)
        points = [(axes.x0 + i * axes.width / 8, axes.y1 - (i * i) * axes.height / 70) for i in range(9)]
        self.page.draw_polyline(points, color=(0.1, 0.3, 0.8), width=1.2)
        self.page.draw_circle(points[4], 2.5, color=(0.8, 0.1, 0.1), fill=(0.8, 0.1, 0.1))
        for i in range(5):
            tx = axes.x0 + i * axes.width / 4
            self.page.draw_line((tx, axes.y1), (tx, axes.y1 + 3), color=(0, 0, 0), width=0.5)
            self.page.insert_text((tx - 4, y1 - 2), f"{i * 25}", fontsize=7, fontname="helv")
        self.page.insert_text((x0 + 9, axes.y1 - 10), "Accuracy (%)", fontsize=7, fontname="helv", rotate=90)

    def image(self, rect: tuple[float, float, float, float]) -> None:
        pix = pymupdf.Pixmap(pymupdf.csRGB, pymupdf.IRect(0, 0, 64, 48), False)
        pix.set_rect(pix.irect, (200, 60, 60))
        pix.set_rect(pymupdf.IRect(10, 10, 40, 30), (40, 90, 200))
        self.page.insert_image(pymupdf.Rect(rect), pixmap=pix, keep_proportion=False)

    def table(self, x: tuple[float, float], y: float, rows: int = 4, rules: bool = True) -> float:
        """A booktabs-style table starting at ``y``; returns its bottom (rule or last row)."""
        if rules:
            self.page.draw_line((x[0], y), (x[1], y), width=0.8)
        y += 12
        cells = ["Model", "Dev", "Test", "F1"]
        for r in range(rows + 1):
            for c, name in enumerate(cells):
                label = name if r == 0 else (f"System {r}" if c == 0 else f"{70 + r + c}.{r}")
                self.page.insert_text((x[0] + 6 + c * (x[1] - x[0]) / 4, y), label, fontsize=9, fontname="tiro")
            if r == 0 and rules:
                self.page.draw_line((x[0], y + 4), (x[1], y + 4), width=0.5)
            y += 13
        if rules:
            self.page.draw_line((x[0], y - 6), (x[1], y - 6), width=0.8)
            return y - 6
        return y - 13 + 2.5


def save(doc: pymupdf.Document, tmp_path: Path) -> Path:
    path = tmp_path / "paper.pdf"
    doc.save(path)
    doc.close()
    return path


def region(path: Path, label: str) -> tuple[float, float, float, float]:
    caps = {c.label: c for c in extract_pdf(path).captions}
    assert label in caps, sorted(caps)
    assert caps[label].region is not None, f"{label} has no region"
    return caps[label].region


def near(got, want, tol: float = TOL) -> None:
    assert all(abs(g - w) <= tol for g, w in zip(got, want)), f"region {got} is not {want}"


_RUNNING: list[bytes] = []


def running_pages(doc: pymupdf.Document) -> None:
    """Two pages of plain two-column text, so the document has a body size and a column width."""
    if not _RUNNING:
        pages = pymupdf.open()
        for _ in range(2):
            sheet = Sheet(pages)
            sheet.para(LEFT, 60, 740)
            sheet.para(RIGHT, 60, 740, start=7)
        _RUNNING.append(pages.tobytes())
    doc.insert_pdf(pymupdf.open("pdf", _RUNNING[0]))


def test_vector_plot_in_one_column_with_axis_labels(tmp_path):
    doc = pymupdf.open()
    running_pages(doc)
    sheet = Sheet(doc)
    sheet.para(LEFT, 60, 246)
    sheet.plot((60, 262, 290, 420))
    y = sheet.caption(54, 440, ["Figure 1: Accuracy of the three systems on the", "development set, averaged over five runs."])
    sheet.para(LEFT, y + 8, 740)
    sheet.para(RIGHT, 60, 740)
    near(region(save(doc, tmp_path), "Figure 1"), (60, 262, 290, 420))


def test_figure_spanning_both_columns_at_the_top_with_caption_below(tmp_path):
    doc = pymupdf.open()
    running_pages(doc)
    sheet = Sheet(doc)
    sheet.page.insert_text((54, 40), "Proceedings of the Workshop on Reading", fontsize=8, fontname="tiro")
    sheet.plot((60, 62, 280, 230))
    sheet.plot((330, 62, 552, 230))
    y = sheet.caption(54, 250, ["Figure 2: Learning curves on the two corpora; the left panel shows the small corpus and the right"])
    sheet.para(LEFT, y + 10, 740)
    sheet.para(RIGHT, y + 10, 740)
    near(region(save(doc, tmp_path), "Figure 2"), (60, 62, 552, 230))


def test_raster_image_figure_with_caption_below(tmp_path):
    doc = pymupdf.open()
    running_pages(doc)
    sheet = Sheet(doc)
    sheet.para(RIGHT, 60, 300)
    sheet.para(LEFT, 60, 740)
    sheet.image((340, 316, 534, 450))
    y = sheet.caption(316, 466, ["Figure 3: A screenshot of the reading interface."])
    sheet.para(RIGHT, y + 10, 740)
    near(region(save(doc, tmp_path), "Figure 3"), (340, 316, 534, 450))


def test_clipped_image_shows_only_its_visible_part(tmp_path):
    src = pymupdf.open()
    big = Sheet(src)
    big.image((0, 0, 600, 400))
    doc = pymupdf.open()
    running_pages(doc)
    sheet = Sheet(doc)
    sheet.para(RIGHT, 60, 740)
    # like \includegraphics[trim=..., clip]: only the left half of the source page shows
    sheet.page.show_pdf_page(pymupdf.Rect(60, 80, 290, 233), src, 0, clip=pymupdf.Rect(0, 0, 300, 200))
    y = sheet.caption(54, 252, ["Figure 4: The left half of a larger picture."])
    sheet.para(LEFT, y + 10, 740)
    near(region(save(doc, tmp_path), "Figure 4"), (60, 80, 290, 233))


def test_subfigures_side_by_side_with_their_labels(tmp_path):
    doc = pymupdf.open()
    running_pages(doc)
    sheet = Sheet(doc)
    sheet.para(FULL, 60, 200)
    sheet.plot((80, 216, 290, 360))
    sheet.plot((330, 216, 540, 360))
    sheet.page.insert_text((160, 376), "(a) Development set", fontsize=9, fontname="tiro")
    sheet.page.insert_text((410, 376), "(b) Test set", fontsize=9, fontname="tiro")
    y = sheet.caption(220, 396, ["Figure 5: Accuracy per epoch on both sets."])  # short captions are centred
    sheet.para(FULL, y + 10, 740)
    got = region(save(doc, tmp_path), "Figure 5")
    near(got, (80, 216, 540, 379))


def test_table_with_rules_below_its_caption(tmp_path):
    doc = pymupdf.open()
    running_pages(doc)
    sheet = Sheet(doc)
    sheet.para(LEFT, 60, 200)
    y = sheet.caption(54, 222, ["Table 1: Results on the test set."])
    bottom = sheet.table(LEFT, y + 4)
    sheet.para(LEFT, bottom + 16, 740)
    sheet.para(RIGHT, 60, 740)
    got = region(save(doc, tmp_path), "Table 1")
    near(got, (54, y + 4, 296, bottom), tol=4)


def test_table_without_rules_above_its_caption(tmp_path):
    doc = pymupdf.open()
    running_pages(doc)
    sheet = Sheet(doc)
    sheet.para(RIGHT, 60, 200)
    bottom = sheet.table(RIGHT, 214, rules=False)
    y = sheet.caption(316, bottom + 14, ["Table 2: Scores without any rules."])
    sheet.para(RIGHT, y + 10, 740)
    sheet.para(LEFT, 60, 740)
    got = region(save(doc, tmp_path), "Table 2")
    assert 214 <= got[1] < 222 and abs(got[3] - bottom) < TOL
    assert got[0] > 316 and got[2] < 560


def test_table_caption_between_two_tables_follows_the_paper(tmp_path):
    """The caption sits between two tables; the paper's other table captions are above their tables."""
    doc = pymupdf.open()
    running_pages(doc)
    sheet = Sheet(doc)
    sheet.para(LEFT, 60, 200)
    y = sheet.caption(54, 222, ["Table 1: Development results."])
    bottom = sheet.table(LEFT, y + 4)
    y2 = sheet.caption(54, bottom + 18, ["Table 2: Test results."])
    bottom2 = sheet.table(LEFT, y2 + 4)
    sheet.para(LEFT, bottom2 + 16, 740)
    sheet.para(RIGHT, 60, 400)
    y3 = sheet.caption(316, 420, ["Table 3: Timing."])
    bottom3 = sheet.table(RIGHT, y3 + 4)
    sheet.para(RIGHT, bottom3 + 16, 740)
    got = region(save(doc, tmp_path), "Table 2")
    near(got, (54, y2 + 4, 296, bottom2), tol=4)


def test_paragraph_end_and_heading_above_a_figure_stay_out(tmp_path):
    doc = pymupdf.open()
    running_pages(doc)
    sheet = Sheet(doc)
    sheet.para(LEFT, 60, 150, words=93)  # ends in a short last line
    sheet.page.insert_text((54, 172), "4 Experiments", fontsize=12, fontname="tibo")
    sheet.para(LEFT, 180, 230, words=40)
    sheet.plot((60, 244, 290, 400))
    y = sheet.caption(54, 418, ["Figure 6: Loss per epoch."])
    sheet.para(LEFT, y + 10, 740)
    sheet.para(RIGHT, 60, 740)
    near(region(save(doc, tmp_path), "Figure 6"), (60, 244, 290, 400))


def test_side_caption_in_a_narrow_column(tmp_path):
    doc = pymupdf.open()
    running_pages(doc)
    sheet = Sheet(doc)
    lines = ["Figure 7 Recordings from twelve", "electrodes inside and outside", "a single neuron; a, stimulation",
             "near the soma; b, recordings", "from seven pipettes."]
    sheet.caption(54, 70, lines)
    sheet.plot((230, 62, 556, 300))
    sheet.para(LEFT, 320, 740)
    sheet.para(RIGHT, 320, 740)
    near(region(save(doc, tmp_path), "Figure 7"), (230, 62, 556, 300))


def test_invisible_white_background_does_not_widen_a_figure(tmp_path):
    doc = pymupdf.open()
    running_pages(doc)
    sheet = Sheet(doc)
    sheet.para(LEFT, 60, 200)
    sheet.page.draw_rect((54, 206, 296, 420), color=None, fill=(1, 1, 1))
    sheet.plot((100, 240, 250, 380))
    y = sheet.caption(54, 436, ["Figure 8: A plot on a white canvas."])
    sheet.para(LEFT, y + 10, 740)
    sheet.para(RIGHT, 60, 740)
    near(region(save(doc, tmp_path), "Figure 8"), (100, 240, 250, 380))


def test_no_region_is_made_of_running_text(tmp_path):
    """A caption with no figure beside it gets no region rather than a paragraph."""
    doc = pymupdf.open()
    running_pages(doc)
    sheet = Sheet(doc)
    sheet.para(LEFT, 60, 300)
    sheet.caption(54, 316, ["Figure 9: Described in the text; the plot was lost."])
    sheet.para(LEFT, 336, 740)
    sheet.para(RIGHT, 60, 740)
    caps = {c.label: c for c in extract_pdf(save(doc, tmp_path)).captions}
    assert caps["Figure 9"].region is None


def test_figure_below_its_caption(tmp_path):
    doc = pymupdf.open()
    running_pages(doc)
    sheet = Sheet(doc)
    sheet.para(LEFT, 60, 400)
    y = sheet.caption(54, 420, ["Figure 10: Feature vectors at each word position, drawn", "below the caption as some styles do."])
    sheet.image((70, y + 10, 280, y + 150))
    sheet.para(RIGHT, 60, 740)
    near(region(save(doc, tmp_path), "Figure 10"), (70, y + 10, 280, y + 150))


def test_title_block_above_a_first_page_figure_stays_out(tmp_path):
    doc = pymupdf.open()
    sheet = Sheet(doc)
    sheet.page.insert_text((120, 80), "Reading Research Papers at Scale", fontsize=18, fontname="tibo")
    sheet.page.insert_text((170, 104), "Ada Lovelace and Charles Babbage", fontsize=12, fontname="tiro")
    sheet.page.insert_text((200, 120), "Analytical Engines Ltd, London", fontsize=11, fontname="tiro")
    sheet.para(LEFT, 140, 740)
    sheet.plot((330, 140, 552, 300))
    y = sheet.caption(316, 318, ["Figure 1: Papers read per week by the two readers."])
    sheet.para(RIGHT, y + 10, 740)
    running_pages(doc)
    near(region(save(doc, tmp_path), "Figure 1"), (330, 140, 552, 300))


def test_table_above_a_figure_between_their_captions(tmp_path):
    """IEEE style: the table's caption is above it, the figure's below, one column, nothing between."""
    doc = pymupdf.open()
    running_pages(doc)
    sheet = Sheet(doc)
    sheet.para(LEFT, 60, 200)
    y = sheet.caption(120, 222, ["TABLE I", "RESULTS ON THE TEST SET"])
    bottom = sheet.table(LEFT, y + 4)
    sheet.plot((60, bottom + 16, 290, bottom + 170))
    y2 = sheet.caption(54, bottom + 186, ["Fig. 1. Accuracy per epoch."])
    sheet.para(LEFT, y2 + 10, 740)
    sheet.para(RIGHT, 60, 740)
    path = save(doc, tmp_path)
    near(region(path, "TABLE I"), (54, y + 4, 296, bottom), tol=4)
    near(region(path, "Fig. 1"), (60, bottom + 16, 290, bottom + 170))


def test_single_column_paper_with_a_short_centred_caption(tmp_path):
    doc = pymupdf.open()
    for _ in range(2):
        Sheet(doc).para((72, 540), 72, 720)
    sheet = Sheet(doc)
    sheet.para((72, 540), 72, 250)
    sheet.image((156, 266, 456, 446))
    sheet.caption(250, 466, ["Figure 11: The interface."])
    sheet.para((72, 540), 490, 720)
    near(region(save(doc, tmp_path), "Figure 11"), (156, 266, 456, 446))


def test_numbered_equation_and_lines_broken_by_maths_above_a_figure_stay_out(tmp_path):
    doc = pymupdf.open()
    running_pages(doc)
    sheet = Sheet(doc)
    page = sheet.page
    sheet.para(LEFT, 60, 190)
    page.insert_text((110, 212), "H = g (a + b) cos(k t)", fontsize=10, fontname="tiro")
    page.insert_text((282, 212), "(6)", fontsize=10, fontname="tiro")
    page.insert_text((54, 234), "where the coupling g", fontsize=10, fontname="tiro")
    page.insert_text((141, 237), "k", fontsize=7, fontname="tiro")
    words = "depends on the mode and on the ion".split()  # set justified up to the column edge
    room = 296 - 148 - sum(pymupdf.get_text_length(w, "tiro", 10) for w in words)
    x = 148.0
    for w in words:
        page.insert_text((x, 234), w, fontsize=10, fontname="tiro")
        x += pymupdf.get_text_length(w, "tiro", 10) + room / (len(words) - 1)
    page.insert_text((54, 246), "distance from the centre of the trap.", fontsize=10, fontname="tiro")
    sheet.plot((60, 262, 290, 420))
    y = sheet.caption(54, 440, ["Figure 12: Gate infidelity against detuning."])
    sheet.para(LEFT, y + 10, 740)
    sheet.para(RIGHT, 60, 740)
    near(region(save(doc, tmp_path), "Figure 12"), (60, 262, 290, 420))


def test_numbered_heading_right_above_a_float_stays_out(tmp_path):
    doc = pymupdf.open()
    running_pages(doc)
    sheet = Sheet(doc)
    sheet.para(RIGHT, 60, 180)
    sheet.page.insert_text((316, 204), "E Corpus sizes of other models", fontsize=11, fontname="tibo")
    bottom = sheet.table(RIGHT, 216)
    y = sheet.caption(316, bottom + 18, ["Table 9: Training data of the language models."])
    sheet.para(RIGHT, y + 10, 740)
    sheet.para(LEFT, 60, 740)
    near(region(save(doc, tmp_path), "Table 9"), (316, 216, 558, bottom), tol=4)
