"""The paper's figures and tables beside its pages, in the viewer's side panel.

A reader going through a paper looks back at "Figure 2" from the text many
times; the detail pane's figure strip is in the Library tab, out of sight while
reading. Here the same cards sit beside the page, and a click scrolls the view
to the figure and flashes its region.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QFrame, QScrollArea, QVBoxLayout, QWidget

from reader.ui.detail.figures import FigureStrip

if TYPE_CHECKING:
    from reader.library import CaptionRecord, Library


class FiguresPanel(QScrollArea):
    figure_clicked = Signal(object)  # CaptionRecord

    def __init__(self, library: Library, paper_id: int, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.library, self.paper_id = library, paper_id
        self.setWidgetResizable(True)
        self.setFrameShape(QFrame.Shape.NoFrame)
        inner = QWidget(self)
        column = QVBoxLayout(inner)
        column.setContentsMargins(6, 6, 6, 6)
        self.strip = FigureStrip(inner, stacked=True)
        self.strip.figure_clicked.connect(self.figure_clicked)
        column.addWidget(self.strip)
        column.addStretch(1)
        self.setWidget(inner)
        self.reload()

    def reload(self) -> None:
        """Read the captions again (after a re-extraction)."""
        captions: tuple[CaptionRecord, ...] = self.library.paper(self.paper_id).captions
        self.strip.set_captions(captions, self.library.home)
        self.count = len(captions)
