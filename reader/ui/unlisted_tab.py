"""A PDF opened from outside the library: readable at once, one click to add it."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QFrame, QHBoxLayout, QLabel, QPushButton, QVBoxLayout, QWidget

from reader.ui.viewer.viewer_tab import ViewerTab


class UnlistedTab(QWidget):
    """Signals: ``add_requested(Path)``."""

    add_requested = Signal(Path)

    def __init__(self, viewer: ViewerTab, path: Path, parent=None) -> None:
        super().__init__(parent)
        self.viewer = viewer
        self.unlisted_path = path
        banner = QFrame()
        banner.setObjectName("unlistedBanner")
        banner.setFrameShape(QFrame.Shape.StyledPanel)
        row = QHBoxLayout(banner)
        row.setContentsMargins(10, 4, 6, 4)
        row.addWidget(QLabel(f"<b>{path.name}</b> is not in your reading list."), 1)
        self.add_button = QPushButton("Add to Reading List")
        self.add_button.clicked.connect(lambda: self.add_requested.emit(self.unlisted_path))
        row.addWidget(self.add_button)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(0)
        layout.addWidget(banner)
        layout.addWidget(viewer, 1)
