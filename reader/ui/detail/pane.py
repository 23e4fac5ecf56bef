"""The detail pane: everything about the selected paper, editable in place.

Edits leave through signals; the main window sends them to the library and
refreshes. The pane never writes to the database itself.
"""

from __future__ import annotations

import html
from pathlib import Path

from PySide6.QtCore import QSize, QStringListModel, Qt, Signal
from PySide6.QtGui import QFont
from PySide6.QtWidgets import (
    QComboBox,
    QCompleter,
    QFormLayout,
    QFrame,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QScrollArea,
    QStackedWidget,
    QStyle,
    QVBoxLayout,
    QWidget,
)

from reader.library import PaperDetail, Status
from reader.links import may_open
from reader.ui.detail.citing import CitingLabel
from reader.ui.detail.figures import FigureStrip
from reader.ui.detail.notes import NotesEditor
from reader.ui.detail.wrapping_edit import WrappingLineEdit


class _TagCompleter(QCompleter):
    """Completes the tag being typed after the last comma, not the whole line.

    The tags before that comma are taken from what was typed (``splitPath`` sees it),
    not from the field at the moment of choosing: moving through the list with Down
    already writes the highlighted tag into the field, and reading it back then would
    add the tag a second time.
    """

    def __init__(self, model, parent) -> None:
        super().__init__(model, parent)
        self._before: list[str] = []

    def splitPath(self, path: str) -> list[str]:  # noqa: N802
        *before, typing = path.split(",")
        self._before = [t.strip() for t in before if t.strip()]
        return [typing.strip()]

    def pathFromIndex(self, index) -> str:  # noqa: N802
        tags = list(self._before)
        if index.data().lower() not in {t.lower() for t in tags}:
            tags.append(index.data())
        return ", ".join(tags) + ", "


def _heading(text: str) -> QLabel:
    label = QLabel(text)
    font = label.font()
    font.setWeight(QFont.Weight.DemiBold)
    label.setFont(font)
    label.setContentsMargins(0, 10, 0, 2)
    return label


class DetailPane(QStackedWidget):
    """Signals carry the paper id first, so a late signal can never edit the wrong paper."""

    field_edited = Signal(int, str, object)
    tags_edited = Signal(int, list)
    status_edited = Signal(int, str)
    open_requested = Signal(int)
    body_hit_requested = Signal(int)  # open the paper at the page where the search found its text
    figure_clicked = Signal(int, object)  # paper id, CaptionRecord

    def __init__(self, library_home: Path | None = None, parent=None) -> None:
        super().__init__(parent)
        self._paper: PaperDetail | None = None
        self._home = library_home or Path(".")
        self._shown_captions: tuple = ()
        self._tag_names = QStringListModel(self)

        empty = QLabel("Select a paper to see its details.")
        empty.setAlignment(Qt.AlignmentFlag.AlignCenter)
        empty.setEnabled(False)
        self.addWidget(empty)

        body = QWidget()
        layout = QVBoxLayout(body)
        layout.setContentsMargins(12, 10, 12, 10)
        layout.setSpacing(4)

        self.title_edit = self._line(layout, "Title", "title")
        title_font = self.title_edit.font()
        title_font.setPointSizeF(title_font.pointSizeF() * 1.35)
        title_font.setWeight(QFont.Weight.DemiBold)
        self.title_edit.setFont(title_font)
        self.authors_edit = self._line(layout, "Authors, separated by semicolons", "authors")

        row = QHBoxLayout()
        self.venue_edit = QLineEdit(placeholderText="Venue")
        self.venue_edit.setFrame(False)
        self.venue_edit.editingFinished.connect(lambda: self._emit_field("venue", self.venue_edit.text()))
        self.year_edit = QLineEdit(placeholderText="Year")
        self.year_edit.setFrame(False)
        self.year_edit.setMaximumWidth(70)
        self.year_edit.setInputMask("0000;")
        self.year_edit.editingFinished.connect(self._emit_year)
        row.addWidget(self.venue_edit, 1)
        row.addWidget(self.year_edit)
        layout.addLayout(row)

        self.links_label = QLabel()
        self.links_label.setTextFormat(Qt.TextFormat.RichText)
        self.links_label.setOpenExternalLinks(False)
        self.links_label.linkActivated.connect(self._on_link)
        self.links_label.setWordWrap(True)
        layout.addWidget(self.links_label)
        self.citing = CitingLabel()  # "Cited by 2 · cites 5 in your library" (issue 18)
        layout.addWidget(self.citing)

        self.body_hit_label = QLabel()
        self.body_hit_label.setTextFormat(Qt.TextFormat.RichText)
        self.body_hit_label.setWordWrap(True)
        self.body_hit_label.setToolTip("Where the search found the paper's own text; click to open it there")
        self.body_hit_label.linkActivated.connect(lambda _url: self._paper and self.body_hit_requested.emit(self._paper.id))
        self.body_hit_label.hide()
        layout.addWidget(self.body_hit_label)

        status_row = QHBoxLayout()
        self.status_combo = QComboBox()
        for status in Status:
            self.status_combo.addItem(status.label, status.value)
        self.status_combo.activated.connect(self._emit_status)
        self.open_button = QPushButton("Open PDF")
        self.open_button.setToolTip("Read the paper in the viewer (Enter)")
        self.open_button.clicked.connect(lambda: self._paper and self.open_requested.emit(self._paper.id))
        status_row.addWidget(QLabel("Status"))
        status_row.addWidget(self.status_combo)
        status_row.addStretch(1)
        status_row.addWidget(self.open_button)
        layout.addLayout(status_row)

        self.tags_edit = QLineEdit(placeholderText="Topic tags, separated by commas")
        completer = _TagCompleter(self._tag_names, self.tags_edit)
        completer.setCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
        self.tags_edit.setCompleter(completer)
        self.tags_edit.editingFinished.connect(self._emit_tags)
        layout.addWidget(self.tags_edit)

        layout.addWidget(_heading("Summary"))
        self.summary_edit = QPlainTextEdit()
        self.summary_edit.setPlaceholderText("A few lines on what the paper does and why it matters.")
        self.summary_edit.setTabChangesFocus(True)
        self.summary_edit.setMaximumHeight(120)
        self.summary_edit.installEventFilter(self)
        layout.addWidget(self.summary_edit)

        layout.addWidget(_heading("Figures and tables"))
        self.figures = FigureStrip()
        self.figures.figure_clicked.connect(
            lambda caption: self._paper and self.figure_clicked.emit(self._paper.id, caption))
        layout.addWidget(self.figures)

        layout.addWidget(_heading("Notes"))
        self.notes = NotesEditor()
        self.notes.setMinimumHeight(220)
        layout.addWidget(self.notes, 1)

        layout.addWidget(_heading("Identifiers and links"))
        form = QFormLayout()
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        self.url_edit = self._form_line(form, "Paper URL", "url")
        self.code_edit = self._form_line(form, "Code URL", "code_url")
        self.doi_edit = self._form_line(form, "DOI", "doi")
        self.arxiv_edit = self._form_line(form, "arXiv id", "arxiv_id")
        layout.addLayout(form)

        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QFrame.Shape.NoFrame)
        scroll.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        scroll.setWidget(body)
        self._body = body
        self.addWidget(scroll)

    def minimumSizeHint(self) -> QSize:  # noqa: N802 - Qt override
        """As narrow as the fields allow, and no narrower: a splitter never cuts the pane's right edge off."""
        hint = super().minimumSizeHint()
        scrollbar = self.style().pixelMetric(QStyle.PixelMetric.PM_ScrollBarExtent)
        return QSize(max(hint.width(), self._body.minimumSizeHint().width() + scrollbar + 2), hint.height())

    # Filling ---------------------------------------------------------------------

    def paper_id(self) -> int:
        return self._paper.id if self._paper else 0

    def set_tag_names(self, names: list[str]) -> None:
        self._tag_names.setStringList(names)

    def show_body_hit(self, hit) -> None:
        """Show where a search found the paper's own text (a BodyHit), or nothing (None)."""
        self.body_hit_label.setVisible(hit is not None)
        if hit is None:
            self.body_hit_label.clear()
            return
        text, marked, last = hit.snippet, [], 0
        for start, end in hit.marks:
            marked += [html.escape(text[last:start]), f"<b>{html.escape(text[start:end])}</b>"]
            last = end
        marked.append(html.escape(text[last:]))
        self.body_hit_label.setText(f'<a href="#page">Found on page {hit.page}</a>: {"".join(marked)}')

    def show_paper(self, paper: PaperDetail | None) -> None:
        same_paper = paper is not None and self._paper is not None and paper.id == self._paper.id
        self._paper = paper
        if paper is None:
            self.setCurrentIndex(0)
            self.notes.set_notes([])
            return
        self.setCurrentIndex(1)
        for edit, value in ((self.title_edit, paper.title), (self.authors_edit, "; ".join(paper.authors)),
                            (self.venue_edit, paper.venue), (self.year_edit, str(paper.year or "")),
                            (self.url_edit, paper.url), (self.code_edit, paper.code_url),
                            (self.doi_edit, paper.doi), (self.arxiv_edit, paper.arxiv_id),
                            (self.tags_edit, ", ".join(paper.tags))):
            if not edit.hasFocus() or not same_paper:
                edit.setText(value)
                edit.setCursorPosition(0)
        if not self.summary_edit.hasFocus() or not same_paper:
            self.summary_edit.setPlainText(paper.summary)
        self.status_combo.setCurrentIndex(self.status_combo.findData(paper.status.value))
        self.open_button.setEnabled(bool(paper.pdf_path))
        self.links_label.setText(_links_html(paper))
        self.citing.show_paper(paper.id)
        if not same_paper or paper.captions != self._shown_captions:
            self.figures.set_captions(paper.captions, self._home)
            self._shown_captions = paper.captions
        if not same_paper:
            self.notes.set_notes(paper.notes)

    # Emitting --------------------------------------------------------------------

    def _line(self, layout: QVBoxLayout, placeholder: str, field: str) -> WrappingLineEdit:
        edit = WrappingLineEdit(placeholder)
        edit.editingFinished.connect(lambda: self._emit_field(field, edit.text()))
        layout.addWidget(edit)
        return edit

    def _form_line(self, form: QFormLayout, label: str, field: str) -> QLineEdit:
        edit = QLineEdit()
        edit.editingFinished.connect(lambda: self._emit_field(field, edit.text().strip()))
        form.addRow(label, edit)
        return edit

    def _emit_field(self, field: str, value) -> None:
        if self._paper is None:
            return
        if field == "authors":
            value = [a.strip() for a in value.split(";") if a.strip()]
            if tuple(value) == self._paper.authors:
                return
        elif getattr(self._paper, field) == value:
            return
        self.field_edited.emit(self._paper.id, field, value)

    def _emit_year(self) -> None:
        text = self.year_edit.text().strip()
        self._emit_field("year", int(text) if text.isdigit() else None)

    def _emit_tags(self) -> None:
        if self._paper is None:
            return
        tags: list[str] = []
        for tag in (t.strip() for t in self.tags_edit.text().split(",")):
            if tag and tag.lower() not in {t.lower() for t in tags}:
                tags.append(tag)
        if [t.lower() for t in tags] != [t.lower() for t in self._paper.tags]:
            self.tags_edited.emit(self._paper.id, tags)

    def _emit_status(self, _index: int) -> None:
        if self._paper is not None:
            self.status_edited.emit(self._paper.id, self.status_combo.currentData())

    def _on_link(self, url: str) -> None:
        if url == "open-pdf" and self._paper:
            self.open_requested.emit(self._paper.id)
        elif may_open(url):  # a BibTeX url = {smb://…} is shown, never handed to the desktop
            from PySide6.QtCore import QUrl
            from PySide6.QtGui import QDesktopServices

            QDesktopServices.openUrl(QUrl(url))

    def eventFilter(self, watched, event) -> bool:  # noqa: N802
        from PySide6.QtCore import QEvent

        if watched is self.summary_edit and event.type() == QEvent.Type.FocusOut:
            self._emit_field("summary", self.summary_edit.toPlainText())
        return super().eventFilter(watched, event)


def _links_html(paper: PaperDetail) -> str:
    links = []
    if paper.url:
        links.append(("Paper", paper.url))
    if paper.pdf_path:
        links.append(("PDF", "open-pdf"))
    if paper.code_url:
        links.append(("Code", paper.code_url))
    if paper.doi:
        links.append((f"DOI {paper.doi}", f"https://doi.org/{paper.doi}"))
    if paper.arxiv_id:
        links.append((f"arXiv {paper.arxiv_id}", f"https://arxiv.org/abs/{paper.arxiv_id}"))
    if not links:
        return "<span style='color: gray'>No links yet: add them under Identifiers and links.</span>"
    return " &nbsp;·&nbsp; ".join(f"<a href='{html.escape(u, quote=True)}'>{html.escape(t)}</a>" for t, u in links)
