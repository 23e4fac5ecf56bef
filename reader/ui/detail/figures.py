"""The figure strip: each figure and table of a paper as a thumbnail beside its caption."""

from __future__ import annotations

import html
from pathlib import Path

from PySide6.QtCore import QRect, QSize, Qt, Signal
from PySide6.QtGui import QCursor, QPainter, QPixmap
from PySide6.QtWidgets import (
    QBoxLayout,
    QFrame,
    QLabel,
    QSizePolicy,
    QVBoxLayout,
    QWidget,
)

from reader.library import CaptionRecord
from reader.library.inside import inside_library

THUMB_WIDTH = 132
STACKED_THUMB_WIDTH = 240
CAPTION_ROOM = 180  # the least width a caption beside its thumbnail gets before the card stacks them


class Picture(QWidget):
    """A thumbnail drawn as wide as it is given, up to ``widest`` and never past its own size, in proportion."""

    def __init__(self, pixmap: QPixmap, widest: int, fixed: bool = False, parent=None) -> None:
        super().__init__(parent)
        self.pixmap = pixmap
        self.set_width(widest, fixed)

    def set_width(self, widest: int, fixed: bool) -> None:
        """``fixed``: always ``widest`` wide (beside a caption); else at most that, shrinking with its column."""
        self.widest = widest if fixed else min(widest, self.pixmap.width())
        policy = QSizePolicy(QSizePolicy.Policy.Fixed if fixed else QSizePolicy.Policy.Preferred,
                             QSizePolicy.Policy.Preferred)
        policy.setHeightForWidth(True)
        self.setSizePolicy(policy)
        self.updateGeometry()

    def hasHeightForWidth(self) -> bool:  # noqa: N802 - Qt override
        return True

    def heightForWidth(self, width: int) -> int:  # noqa: N802 - Qt override
        return round(self.pixmap.height() * min(width, self.widest) / max(1, self.pixmap.width()))

    def sizeHint(self) -> QSize:  # noqa: N802 - Qt override
        return QSize(self.widest, self.heightForWidth(self.widest))

    def minimumSizeHint(self) -> QSize:  # noqa: N802 - Qt override
        return self.sizeHint() if self.sizePolicy().horizontalPolicy() == QSizePolicy.Policy.Fixed else QSize(32, 8)

    def shown_rect(self) -> QRect:
        """Where the picture is drawn: centred at the top, as wide as there is room for."""
        width = min(self.width(), self.widest)
        return QRect((self.width() - width) // 2, 0, width, self.heightForWidth(width))

    def paintEvent(self, _event) -> None:  # noqa: N802 - Qt override
        painter = QPainter(self)
        painter.setRenderHint(QPainter.RenderHint.SmoothPixmapTransform)
        painter.drawPixmap(self.shown_rect(), self.pixmap)
        painter.end()


class _FigureCard(QFrame):
    clicked = Signal(object)

    def __init__(self, caption: CaptionRecord, library_home: Path, parent=None, *, stacked: bool = False) -> None:
        super().__init__(parent)
        self.caption = caption
        self.setObjectName("figureCard")
        self.setFrameShape(QFrame.Shape.StyledPanel)
        self.setCursor(QCursor(Qt.CursorShape.PointingHandCursor) if caption.page else QCursor())
        self.setToolTip(f"Open at page {caption.page}" if caption.page else "")
        # stacked: the picture above its caption, for a narrow column such as the viewer's side panel;
        # a card beside its caption stacks too when the column gets too narrow for both
        self._always_stacked = stacked
        self.stacked = False
        self._layout = layout = QBoxLayout(QBoxLayout.Direction.LeftToRight, self)
        layout.setContentsMargins(6, 6, 6, 6)
        source = inside_library(library_home, caption.thumbnail, "thumbnails") if caption.thumbnail else None
        pixmap = QPixmap(str(source)) if source else QPixmap()
        self.picture: Picture | None = None
        if not pixmap.isNull():
            # shrinking with a narrow column, a wide table is never cut on the right
            self.picture = Picture(pixmap, THUMB_WIDTH, fixed=True)
            layout.addWidget(self.picture, 0, Qt.AlignmentFlag.AlignTop)
        text = QLabel(_caption_html(caption))
        text.setWordWrap(True)
        text.setTextFormat(Qt.TextFormat.RichText)
        text.setAlignment(Qt.AlignmentFlag.AlignTop | Qt.AlignmentFlag.AlignLeft)
        layout.addWidget(text, 1)
        self._stack(stacked)

    def _stack(self, stacked: bool) -> None:
        if stacked == self.stacked:
            return
        self.stacked = stacked
        self._layout.setDirection(QBoxLayout.Direction.TopToBottom if stacked else QBoxLayout.Direction.LeftToRight)
        if self.picture is not None:
            self.picture.set_width(STACKED_THUMB_WIDTH if stacked else THUMB_WIDTH, fixed=not stacked)
            self._layout.setAlignment(self.picture, Qt.AlignmentFlag(0) if stacked else Qt.AlignmentFlag.AlignTop)

    def resizeEvent(self, event) -> None:  # noqa: N802 - Qt override
        super().resizeEvent(event)
        if not self._always_stacked:
            self._stack(self.width() < THUMB_WIDTH + CAPTION_ROOM)

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
