"""The figure strip: each figure and table of a paper as a thumbnail beside its caption."""

from __future__ import annotations

import html
from pathlib import Path

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QCursor, QPixmap
from PySide6.QtWidgets import QFrame, QHBoxLayout, QLabel, QVBoxLayout, QWidget

from reader.library import CaptionRecord

THUMB_WIDTH = 132
STACKED_THUMB_WIDTH = 240


class _FigureCard(QFrame):
    clicked = Signal(object)

    def __init__(self, caption: CaptionRecord, library_home: Path, parent=None, *, stacked: bool = False) -> None:
        super().__init__(parent)
        self.caption = caption
        self.setObjectName("figureCard")
        self.setFrameShape(QFrame.Shape.StyledPanel)
        self.setCursor(QCursor(Qt.CursorShape.PointingHandCursor) if caption.page else QCursor())
        self.setToolTip(f"Open at page {caption.page}" if caption.page else "")
        # stacked: the picture above its caption, for a narrow column such as the viewer's side panel
        layout = QVBoxLayout(self) if stacked else QHBoxLayout(self)
        layout.setContentsMargins(6, 6, 6, 6)
        width = STACKED_THUMB_WIDTH if stacked else THUMB_WIDTH
        thumb = QLabel()
        thumb.setFixedWidth(width)
        thumb.setAlignment(Qt.AlignmentFlag.AlignTop | Qt.AlignmentFlag.AlignHCenter)
        pixmap = QPixmap(str(library_home / caption.thumbnail)) if caption.thumbnail else QPixmap()
        if not pixmap.isNull():
            if stacked and pixmap.width() < width:
                thumb.setPixmap(pixmap)  # never blown up past the thumbnail's own size
            else:
                thumb.setPixmap(pixmap.scaledToWidth(width, Qt.TransformationMode.SmoothTransformation))
            layout.addWidget(thumb, 0, Qt.AlignmentFlag.AlignHCenter if stacked else Qt.AlignmentFlag.AlignLeft)
        text = QLabel(_caption_html(caption))
        text.setWordWrap(True)
        text.setTextFormat(Qt.TextFormat.RichText)
        text.setAlignment(Qt.AlignmentFlag.AlignTop | Qt.AlignmentFlag.AlignLeft)
        layout.addWidget(text, 1)

    def mouseReleaseEvent(self, event) -> None:  # noqa: N802
        if event.button() == Qt.MouseButton.LeftButton and self.caption.page:
            self.clicked.emit(self.caption)
        super().mouseReleaseEvent(event)


class FigureStrip(QWidget):
    """Signals: ``figure_clicked(CaptionRecord)``."""

    figure_clicked = Signal(object)

    def __init__(self, parent=None, *, stacked: bool = False) -> None:
        super().__init__(parent)
        self._stacked = stacked
        self._layout = QVBoxLayout(self)
        self._layout.setContentsMargins(0, 0, 0, 0)
        self._layout.setSpacing(6)
        self.cards: list[_FigureCard] = []

    def set_captions(self, captions: tuple[CaptionRecord, ...], library_home: Path) -> None:
        for card in self.cards:
            card.setParent(None)
            card.deleteLater()
        self.cards = []
        while self._layout.count():
            item = self._layout.takeAt(0)
            if item.widget():
                item.widget().deleteLater()
        if not captions:
            empty = QLabel("No figure or table captions.")
            empty.setEnabled(False)
            self._layout.addWidget(empty)
            return
        for caption in captions:
            card = _FigureCard(caption, library_home, stacked=self._stacked)
            card.clicked.connect(self.figure_clicked)
            self._layout.addWidget(card)
            self.cards.append(card)


def _caption_html(caption: CaptionRecord) -> str:
    text = html.escape(caption.text)
    label = html.escape(caption.label)
    if label and text.startswith(label):
        text = f"<b>{label}</b>{text[len(label):]}"
    elif label:
        text = f"<b>{label}.</b> {text}"
    page = f"<br><span style='color: gray'>page {caption.page}</span>" if caption.page else ""
    return text + page
