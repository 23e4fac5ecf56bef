"""Caption finding on generated PDFs, one layout case per test.

Each PDF is drawn with PyMuPDF the way LaTeX/Word output looks: 10 pt body text,
9 pt captions, vector figures, two columns, so the cases are the layout facts the
extractor relies on, not any particular corpus file.
"""

from __future__ import annotations

from pathlib import Path

import pymupdf
import pytest

from reader.pdf.extract import extract_pdf

DEJAVU = Path("/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf")
BODY = [
    "The method we propose builds on earlier work",
    "and extends it to the setting where labels are",
    "scarce and the documents are long, which is the",
    "common case for research papers in most fields.",
]


class Sheet:
    """One page with helpers for body text, captions and vector figures."""

    def __init__(self, doc: pymupdf.Document, width: float = 612, height: float = 792):
        self.page = doc.new_page(width=width, height=height)

    def line(self, x: float, y: float, text: str, size: float = 10, font: str = "tiro") -> None:
        self.page.insert_text((x, y), text, fontsize=size, fontname=font)

    def lines(self, x: float, y: float, texts: list[str], size: float = 10, lead: float = 12, font: str = "tiro") -> float:
        for text in texts:
            self.line(x, y, text, size, font)
            y += lead
        return y

    def figure(self, rect: tuple[float, float, float, float], labels: list[str] = ()) -> None:
        r = pymupdf.Rect(rect)
        self.page.draw_rect(r, color=(0, 0, 0), width=0.8)
        for i in range(1, 5):
            y = r.y0 + i * r.height / 5
            self.page.draw_line((r.x0 + 10, y), (r.x1 - 10, y - 8), color=(0.2, 0.2, 0.8))
        for i, label in enumerate(labels):
            self.line(r.x0 + 12, r.y0 + 14 + 9 * i, label, size=6, font="helv")


def save(doc: pymupdf.Document, tmp_path: Path, name: str = "paper.pdf") -> Path:
    path = tmp_path / name
    doc.save(path)
    doc.close()
    return path


def by_label(ex) -> dict[str, object]:
    return {c.label: c for c in ex.captions}


def two_column_page(doc: pymupdf.Document) -> Sheet:
    sheet = Sheet(doc)
    sheet.figure((54, 72, 296, 220))
    sheet.lines(54, 236, ["Figure 1: Accuracy of the three systems on the", "development set, averaged over five runs."], size=9, lead=11)
    sheet.lines(54, 280, BODY * 3)
    y = sheet.lines(316, 72, BODY * 2)
    sheet.lines(316, y + 6, ["Figure 1 shows that the proposed model is better", "than the baselines on all three data sets."])
    sheet.figure((316, 200, 558, 330))
    sheet.lines(316, 346, ["Figure 2: Training loss per epoch for the largest", "model; the shaded band is one standard deviation."], size=9, lead=11)
    sheet.lines(316, 392, BODY * 2)
    return sheet


def test_two_columns_captions_in_each_column(tmp_path):
    doc = pymupdf.open()
    two_column_page(doc)
    ex = extract_pdf(save(doc, tmp_path))
    caps = by_label(ex)
    assert set(caps) == {"Figure 1", "Figure 2"}
    one, two = caps["Figure 1"], caps["Figure 2"]
    assert one.text == "Figure 1: Accuracy of the three systems on the development set, averaged over five runs."
    assert two.text == "Figure 2: Training loss per epoch for the largest model; the shaded band is one standard deviation."
    assert one.kind == "figure" and one.number == "1" and one.page == 1
    assert one.bbox[2] < 306 and two.bbox[0] > 306
    assert one.region is not None and one.region[3] <= one.bbox[1] + 1 and one.region[1] < 100
    assert two.region is not None and two.region[0] >= 306


def test_spanning_figure_caption_does_not_swallow_columns(tmp_path):
    doc = pymupdf.open()
    sheet = Sheet(doc)
    sheet.lines(54, 72, BODY)
    sheet.figure((54, 130, 558, 330))
    sheet.lines(
        54,
        346,
        [
            "Figure 3: Overview of the pipeline. Documents are parsed, split into sections and embedded; the",
            "embeddings are clustered and each cluster is summarised.",
        ],
        size=9,
        lead=11,
    )
    sheet.lines(54, 384, BODY * 2)
    sheet.lines(316, 384, BODY * 2)
    caps = by_label(extract_pdf(save(doc, tmp_path)))
    cap = caps["Figure 3"]
    assert cap.text.endswith("each cluster is summarised.")
    assert "method we propose" not in cap.text
    assert cap.region is not None and cap.region[0] < 60 and cap.region[2] > 550


def test_table_caption_above_table(tmp_path):
    doc = pymupdf.open()
    sheet = Sheet(doc)
    sheet.lines(54, 72, BODY)
    sheet.line(54, 140, "Table 1: Results on the test set (F1).", size=9)
    sheet.page.draw_line((54, 148), (296, 148))
    sheet.lines(60, 160, ["Model                 Dev      Test", "Baseline              71.2     70.4", "Ours                  74.9     73.8"], size=9, lead=11)
    sheet.page.draw_line((54, 188), (296, 188))
    sheet.lines(54, 220, BODY * 2)
    cap = by_label(extract_pdf(save(doc, tmp_path)))["Table 1"]
    assert cap.kind == "table"
    assert cap.text == "Table 1: Results on the test set (F1)."
    assert cap.region is not None and cap.region[1] >= cap.bbox[3] - 1 and cap.region[3] >= 186


def test_axis_labels_and_in_figure_text_are_not_captions(tmp_path):
    doc = pymupdf.open()
    sheet = Sheet(doc)
    sheet.figure((54, 72, 296, 220), labels=["Figure 2 (ours)", "Table 1 baseline", "Fig. 3: ablation"])
    sheet.line(54, 236, "Figure 1: Comparison with the baselines.", size=9)
    sheet.lines(54, 270, BODY * 2)
    ex = extract_pdf(save(doc, tmp_path))
    assert [c.label for c in ex.captions] == ["Figure 1"]


def test_mentions_in_running_text_are_not_captions(tmp_path):
    doc = pymupdf.open()
    sheet = Sheet(doc)
    sheet.lines(
        54,
        72,
        [
            "Figure 3 shows the accuracy of every system.",
            "The architecture of these networks is shown in",
            "Fig. 2. Quantitative results for both networks",
            "are listed together (see Table 1). Our model",
            "Table 2 lists the hyper-parameters of every run.",
            "as in Figure 4, the loss decreases quickly and",
        ],
    )
    sheet.lines(54, 160, BODY)
    sheet2 = Sheet(doc)
    sheet2.figure((54, 72, 296, 200))
    sheet2.line(54, 216, "Figure 3: Accuracy per system.", size=9)
    sheet2.lines(54, 250, BODY)
    ex = extract_pdf(save(doc, tmp_path))
    assert [(c.label, c.page) for c in ex.captions] == [("Figure 3", 2)]


def test_hyphenation_and_ligatures_are_undone(tmp_path):
    if not DEJAVU.exists():
        pytest.skip("DejaVu font not installed")
    doc = pymupdf.open()
    sheet = Sheet(doc)
    sheet.page.insert_font(fontname="dejavu", fontfile=str(DEJAVU))
    sheet.figure((54, 72, 296, 200))
    sheet.lines(
        54,
        216,
        ["Figure 1: Classi-", "\ufb01cation of \ufb01ne-grained ef-", "\ufb02uent state-of-the-", "art systems."],
        size=9,
        lead=11,
        font="dejavu",
    )
    sheet.lines(54, 280, BODY)
    cap = by_label(extract_pdf(save(doc, tmp_path)))["Figure 1"]
    assert cap.text == "Figure 1: Classification of fine-grained effluent state-of-the-art systems."


def test_appendix_labels_and_abbreviations(tmp_path):
    doc = pymupdf.open()
    sheet = Sheet(doc)
    sheet.figure((54, 72, 296, 200))
    sheet.line(54, 216, "Figure A1: Additional qualitative examples.", size=9)
    sheet.figure((54, 240, 296, 360))
    sheet.line(54, 376, "Fig. 7. Error analysis by length.", size=9)
    sheet.line(316, 72, "Table B2: Hyper-parameters of all runs.", size=9)
    sheet.page.draw_rect((316, 80, 558, 160))
    caps = by_label(extract_pdf(save(doc, tmp_path)))
    assert caps["Figure A1"].number == "A1" and caps["Figure A1"].kind == "figure"
    assert caps["Fig. 7"].number == "7" and caps["Fig. 7"].text == "Fig. 7. Error analysis by length."
    assert caps["Table B2"].kind == "table" and caps["Table B2"].number == "B2"


def test_journal_styles_pipe_bold_label_and_label_alone(tmp_path):
    doc = pymupdf.open()
    sheet = Sheet(doc)
    sheet.figure((54, 72, 296, 200))
    sheet.line(54, 214, "Figure 1 | Crystal structure and distance distribution.", size=8)
    sheet.figure((54, 240, 296, 360))
    sheet.line(54, 374, "Figure 2", size=8, font="tibo")
    sheet.page.insert_text((90, 374), "Mean ranks of reaction time.", fontsize=8, fontname="tiro")
    sheet.figure((316, 72, 558, 200))
    sheet.lines(316, 214, ["Figure 3:", "ROC of the classifier on held-out data."], size=9, lead=11)
    sheet.lines(54, 420, BODY * 2)
    caps = by_label(extract_pdf(save(doc, tmp_path)))
    assert caps["Figure 1"].text == "Figure 1 | Crystal structure and distance distribution."
    assert caps["Figure 2"].text == "Figure 2 Mean ranks of reaction time."
    assert caps["Figure 3"].text == "Figure 3: ROC of the classifier on held-out data."


def test_caption_in_body_font_stops_before_running_text(tmp_path):
    doc = pymupdf.open()
    sheet = Sheet(doc)
    sheet.figure((54, 72, 296, 200))
    sheet.lines(54, 216, ["Figure 4: Adding new types to disambiguate argu-", "ments.", "use the most general label for each concept"], size=10, lead=13)
    sheet.lines(54, 255, BODY)
    cap = by_label(extract_pdf(save(doc, tmp_path)))["Figure 4"]
    assert cap.text == "Figure 4: Adding new types to disambiguate arguments."


def test_one_caption_per_label_prefers_the_real_one(tmp_path):
    doc = pymupdf.open()
    sheet = Sheet(doc)
    sheet.lines(54, 72, BODY)
    sheet.line(54, 130, "Table 5 summarizes the performance of all models.")
    sheet.line(54, 170, "Table 5: Performance of all models.", size=9)
    sheet.page.draw_rect((54, 178, 296, 240))
    ex = extract_pdf(save(doc, tmp_path))
    assert [c.text for c in ex.captions] == ["Table 5: Performance of all models."]


def test_ieee_roman_table_label_on_its_own_line(tmp_path):
    doc = pymupdf.open()
    sheet = Sheet(doc)
    sheet.lines(54, 72, BODY)
    sheet.line(155, 140, "TABLE II", size=8)
    sheet.line(110, 150, "COMPARISON OF THE METHODS", size=8)
    sheet.page.draw_rect((54, 158, 296, 230))
    sheet.lines(54, 260, BODY)
    caps = by_label(extract_pdf(save(doc, tmp_path)))
    assert caps["TABLE II"].number == "II"
    assert caps["TABLE II"].text == "TABLE II COMPARISON OF THE METHODS"


def test_paper_without_captions_has_none(tmp_path):
    doc = pymupdf.open()
    for _ in range(3):
        Sheet(doc).lines(54, 72, BODY * 8)
    ex = extract_pdf(save(doc, tmp_path))
    assert ex.captions == () and ex.has_text_layer


def test_side_by_side_captions_stay_apart(tmp_path):
    doc = pymupdf.open()
    sheet = Sheet(doc)
    sheet.figure((54, 72, 170, 180))
    sheet.figure((180, 72, 296, 180))
    sheet.line(54, 196, "Figure 5: Left panel.", size=9)
    sheet.line(180, 196, "Figure 6: Right panel.", size=9)
    sheet.lines(54, 240, BODY)
    caps = by_label(extract_pdf(save(doc, tmp_path)))
    assert caps["Figure 5"].text == "Figure 5: Left panel."
    assert caps["Figure 6"].text == "Figure 6: Right panel."


def test_table_caption_below_table(tmp_path):
    doc = pymupdf.open()
    sheet = Sheet(doc)
    sheet.page.draw_line((54, 72), (296, 72))
    sheet.lines(60, 86, ["System                Score", "Baseline              61.0", "Total over all runs   64.2"], size=10, lead=12)
    sheet.page.draw_line((54, 116), (296, 116))
    sheet.lines(54, 136, ["Table 3: Scores of the systems; higher is", "better."], size=10, lead=12)
    sheet.lines(54, 180, BODY)
    cap = by_label(extract_pdf(save(doc, tmp_path)))["Table 3"]
    assert cap.text == "Table 3: Scores of the systems; higher is better."
    assert cap.region is not None and cap.region[3] <= cap.bbox[1] + 1


def test_label_set_apart_from_its_text_on_the_same_row(tmp_path):
    doc = pymupdf.open()
    sheet = Sheet(doc)
    sheet.figure((54, 72, 296, 180))
    sheet.line(54, 196, "Figure 7", size=9, font="tibo")
    sheet.lines(110, 196, ["Growth of the corpus over time, by", "field of study."], size=9, lead=11)
    sheet.lines(54, 240, BODY)
    cap = by_label(extract_pdf(save(doc, tmp_path)))["Figure 7"]
    assert cap.text == "Figure 7 Growth of the corpus over time, by field of study."


def test_list_of_figures_entry_loses_to_the_real_caption(tmp_path):
    doc = pymupdf.open()
    Sheet(doc).lines(54, 72, ["List of Figures", "Figure 1: Growth of the corpus", "Figure 2: Citation counts"])
    sheet = Sheet(doc)
    sheet.figure((54, 72, 296, 180))
    sheet.line(54, 196, "Figure 1: Growth of the corpus.", size=9)
    sheet.lines(54, 240, BODY)
    caps = by_label(extract_pdf(save(doc, tmp_path)))
    assert caps["Figure 1"].page == 2
